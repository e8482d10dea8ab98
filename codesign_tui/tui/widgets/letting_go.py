"""Removing widgets without leaving the lines they drew behind."""

from __future__ import annotations

from typing import Iterable

from textual.widget import Widget


def let_go(widgets: Iterable[Widget]) -> None:
    """Empty the cache of lines of these widgets and all inside them, before they are removed.

    Textual 8.2 keeps each drawn widget's cache of lines alive after the widget is removed: a cached method
    of that cache object holds on to up to 1,024 of them (Textualize/textual#6665, open). The conversation
    removes a few widgets at every answer, so the app grew by their lines, question after question. A full
    refresh empties a widget's cache of lines at once, and as the widget goes straight after, nothing is
    drawn again. Remove this once Textual no longer holds the caches."""
    for widget in widgets:
        for node in widget.walk_children(Widget, with_self=True):
            node.refresh()


async def remove(parent: Widget, widgets: Iterable[Widget]) -> None:
    """Remove `widgets` from `parent`, first letting go of the lines Textual kept from drawing them."""
    widgets = list(widgets)
    let_go(widgets)
    await parent.remove_children(widgets)

"""Textual's footer, without the keys it leaves behind each time it redraws."""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """The footer of every screen.

    Textual's footer rebuilds its keys whenever the focus moves, and each key binds itself to the
    footer's `compact` setting. Textual forgets a binding of a removed key only when `compact` itself
    changes, which in this app it never does, so every redraw kept its old keys alive: about 30 widgets
    per answer, 1,500 by the end of a 50-question flow. After each redraw we drop the bindings of keys
    that are no longer on the screen, as Textual itself would on the next change of `compact`."""

    async def recompose(self) -> None:
        await super().recompose()
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers if node.is_attached]

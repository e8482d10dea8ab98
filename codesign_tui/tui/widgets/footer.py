"""Textual's footer, redrawn only when the keys it shows change, and without the keys it leaves behind."""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter

from .letting_go import let_go


class Footer(TextualFooter):
    """The footer of every screen.

    Textual's footer rebuilds its keys whenever the focus moves, which in a conversation is at nearly every
    answer (from the reply list to the reply box and back), though the keys shown are most often the same.
    It is rebuilt here only when they differ.

    Each key binds itself to the footer's `compact` setting, and Textual forgets a binding of a removed key
    only when `compact` itself changes, which in this app it never does, so every redraw kept its old keys
    alive. After each redraw we drop the bindings of keys that are no longer on the screen, as Textual
    itself would on the next change of `compact`; and the lines the old keys drew are let go first (see
    letting_go.py)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._drawn: tuple | None = None

    async def on_mount(self) -> None:
        # the keys in the screen's first frame: Textual's footer draws them a frame later, once the screen
        # says its bindings changed, so the first screen a person saw had an empty last line
        self.bindings_changed(self.screen)
        await self.recompose()

    def _keys(self) -> tuple:
        """What the footer would show: each binding shown, whether it is enabled, and its tooltip."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple((key, binding.key, binding.description, binding.action, enabled, tooltip)
                     for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
                     if binding.show or key == palette)

    async def recompose(self) -> None:
        if not self.is_attached:  # asked for as its screen closed
            return
        keys = self._keys()
        if keys == self._drawn and self.children:
            return
        self._drawn = keys
        let_go(self.children)
        await super().recompose()
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers if node.is_attached]

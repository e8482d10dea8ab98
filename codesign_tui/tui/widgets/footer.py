"""Textual's footer, redrawn only when the keys it shows change, and without the keys it leaves behind."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
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
    letting_go.py).

    Where the keys are wider than the screen, the footer first leaves out the command palette's key, then
    uses the shorter names its screen hands it (`short`: action to name), then leaves out the keys it names
    in `spared` (actions, the first left out first), until they fit. A key left out still works
    and is still in the command palette; Textual would cut the last keys off, Quit among them. (A worked
    example's keys at 80 columns: the conversation has "Case's answer" for "The case's answer", and spares
    Back first, as "back" can be typed as a reply too.)"""

    def __init__(self, *args, short: dict[str, str] | None = None, spared: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._drawn: tuple | None = None
        self.short = short or {}
        self.spared = spared

    async def on_mount(self) -> None:
        # the keys in the screen's first frame: Textual's footer draws them a frame later, once the screen
        # says its bindings changed, so the first screen a person saw had an empty last line
        self.bindings_changed(self.screen)
        await self.recompose()

    def _keys(self) -> tuple:
        """What the footer would show: each binding shown, whether it is enabled, and its tooltip, and what
        it leaves out or shortens to fit."""
        palette = self.app.COMMAND_PALETTE_BINDING
        return (*((key, binding.key, binding.description, binding.action, enabled, tooltip)
                  for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
                  if binding.show or key == palette), self._fitted())

    def _fitted(self) -> tuple[bool, bool, frozenset[str]]:
        """To fit the width: whether the palette's key is shown, whether the shorter names are used, and the
        actions left out."""
        width = self.size.width or self.app.size.width
        screen, short = self.screen, self.short
        palette = self.app.COMMAND_PALETTE_BINDING
        keys: dict[str, tuple[int, int]] = {}  # action: its width, with its own name and its shorter one
        palette_width = 0
        for key, (_, binding, _enabled, _tip) in screen.active_bindings.items():
            shown = len(self.app.get_key_display(binding)) + 3  # a space before the key and either side of the name
            if key == palette:
                palette_width = shown + len(binding.description) + 2  # the line that sets it apart, a space after
            elif binding.show and binding.action not in keys:
                keys[binding.action] = (shown + len(binding.description),
                                        shown + len(short.get(binding.action, binding.description)))
        full = sum(whole for whole, _ in keys.values())
        if full + palette_width <= width or full <= width:
            return full + palette_width <= width, False, frozenset()
        left_out: set[str] = set()
        for action in (None, *self.spared):
            if action is not None:
                left_out.add(action)
            if sum(brief for name, (_, brief) in keys.items() if name not in left_out) <= width:
                break
        return False, True, frozenset(left_out)

    def compose(self) -> ComposeResult:
        # as recompose() has just worked it out, when it has
        palette, shorter, left_out = self._drawn[-1] if self._drawn else self._fitted()
        short = self.short
        for widget in super().compose():
            # each key is a FooterKey, which Textual does not export: known by the action it runs
            action = getattr(widget, "action", None)
            if widget.has_class("-command-palette"):
                if not palette:
                    continue
            elif action in left_out:
                continue
            elif shorter and action in short:
                setattr(widget, "description", short[action])
            yield widget

    async def on_resize(self, event: events.Resize) -> None:
        if self._drawn is not None and self._drawn[-1] != self._fitted():
            await self.recompose()

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

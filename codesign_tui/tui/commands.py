"""The command palette offers every action the footer shows, so nothing is reachable by key alone."""

from __future__ import annotations

from functools import partial
from typing import Any, Awaitable, Callable

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


class ActionsProvider(Provider):
    """Every action of this app's own on the current screen, as a command: nothing of Textual's own (focus
    next, maximize, screenshot) and no key that only repeats another (the number keys)."""

    def _actions(self) -> list[tuple[str, str, str, Callable[[], Awaitable[Any]]]]:
        seen: set[str] = set()
        found: list[tuple[str, str, str, Callable[[], Awaitable[Any]]]] = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled \
                    or binding.action.startswith("pick(") or not _ours(active.node, binding):
                continue
            seen.add(binding.action)
            run = partial(self.app.run_action, binding.action, active.node)
            found.append((binding.description, binding.tooltip or "", key, run))
        # the screen's own actions whose key the focused widget takes for itself (Enter on the home screen's
        # lists): still the screen's to run
        screen = self.screen
        for binding in getattr(type(screen), "BINDINGS", ()):
            if isinstance(binding, Binding) and binding.description and binding.action not in seen \
                    and screen.check_action(binding.action, ()) and not binding.action.startswith("pick("):
                seen.add(binding.action)
                run = partial(self.app.run_action, binding.action, screen)
                found.append((binding.description, binding.tooltip or "", binding.key.split(",")[0], run))
        return found

    async def discover(self) -> Hits:
        for title, help_text, key, run in self._actions():
            yield DiscoveryHit(f"{title}  ({_key_name(key)})", run, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, key, run in self._actions():
            # the words a person may reach for ("save", "export", "resume") are often in the help, not the
            # name: a match there counts, a little below a match in the name
            score = max(matcher.match(title), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(f"{title}  ({_key_name(key)})"), run, text=title,
                          help=help_text)


def _ours(node: object, binding: Binding) -> bool:
    """Whether one of this app's classes declares the binding (rather than a Textual class it builds on)."""
    for cls in type(node).__mro__:
        if any(getattr(declared, "action", None) == binding.action for declared in cls.__dict__.get("BINDINGS", ())):
            return cls.__module__.startswith("codesign_tui")
    return False


_KEY_NAMES = {"ctrl": "Ctrl", "shift": "Shift", "escape": "Esc", "enter": "Enter", "delete": "Delete",
              "pageup": "PageUp", "pagedown": "PageDown", "space": "Space", "tab": "Tab"}


def _key_name(key: str) -> str:
    """A key as people write it: "Ctrl+B", "F3", "PageUp", "Esc"; a letter alone stays as the footer shows it."""
    parts = key.split("+")
    named = [_KEY_NAMES.get(part, part.upper() if len(parts) > 1 or part[:1] == "f" and part[1:].isdigit()
                                else part) for part in parts]
    return "+".join(named)


class FlowMapProvider(Provider):
    """"Map of this flow": while a flow is being answered, the whole of it in one view (the palette alone
    offers it, as a thing looked at now and then, not a key to remember)."""

    TITLE = "Map of this flow"
    HELP = "See every section and question in order, where the conversation turns, and how the decision is made"

    def _open(self) -> Callable[[], Any] | None:
        current = getattr(self.app, "current", None)  # the conversation in hand, if there is one
        if current is None:
            return None
        flow = current.flow

        def open_map() -> None:
            from .screens.flow_map import FlowMapScreen

            self.app.push_screen(FlowMapScreen(flow))
        return open_map

    async def discover(self) -> Hits:
        run = self._open()
        if run is not None:
            yield DiscoveryHit(self.TITLE, run, text=self.TITLE, help=self.HELP)

    async def search(self, query: str) -> Hits:
        run = self._open()
        if run is None:
            return
        matcher = self.matcher(query)
        score = max(matcher.match(self.TITLE), matcher.match(self.HELP) * 0.8)
        if score > 0:
            yield Hit(score, matcher.highlight(self.TITLE), run, text=self.TITLE, help=self.HELP)

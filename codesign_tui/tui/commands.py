"""The command palette offers every action the footer shows, so nothing is reachable by key alone."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ActionsProvider(Provider):
    """Every action of this app's own on the current screen, as a command: nothing of Textual's own (focus
    next, maximize, screenshot) and no key that only repeats another (the number keys)."""

    def _actions(self) -> list[tuple[str, str, str, object]]:
        seen: set[str] = set()
        found = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled \
                    or binding.action.startswith("pick(") or not _ours(active.node, binding):
                continue
            seen.add(binding.action)
            run = partial(self.app.run_action, binding.action, active.node)
            found.append((binding.description, binding.tooltip or "", key, run))
        return found

    async def discover(self) -> Hits:
        for title, help_text, key, run in self._actions():
            yield DiscoveryHit(f"{title}  ({_key_name(key)})", run, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, key, run in self._actions():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(f"{title}  ({_key_name(key)})"), run, text=title,
                          help=help_text)


def _ours(node: object, binding: object) -> bool:
    """Whether one of this app's classes declares the binding (rather than a Textual class it builds on)."""
    for cls in type(node).__mro__:
        if any(getattr(declared, "action", None) == binding.action for declared in cls.__dict__.get("BINDINGS", ())):
            return cls.__module__.startswith("codesign_tui")
    return False


def _key_name(key: str) -> str:
    return key.replace("ctrl+", "Ctrl+").replace("escape", "Esc").replace("f1", "F1").replace("f2", "F2")

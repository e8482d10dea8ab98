"""The command palette offers every action the footer shows, so nothing is reachable by key alone."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ActionsProvider(Provider):
    """Every binding that has a description on the current screen, as a command."""

    def _actions(self) -> list[tuple[str, str, str, object]]:
        seen: set[str] = set()
        found = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled:
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


def _key_name(key: str) -> str:
    return key.replace("ctrl+", "Ctrl+").replace("escape", "Esc").replace("f1", "F1").replace("f2", "F2")

"""Keys typed before a screen is ready for them: behind the Enter that opened it, faster than it was drawn."""

from __future__ import annotations

from typing import Any

from textual import events


class KeptUntilReady:
    """For a screen: the keys that reach it before its way to answer has the focus, and those another screen
    hands on (`typed_early`: typed behind the Enter that opened this one), are kept in the order typed; once
    the screen calls `ready()` they are typed where the focus then is, as if typed now. Without this they
    went to nothing (no focus yet) or to the screen beneath's keys (a q on the home screen quit)."""

    _ready = False

    def typed_early(self: Any, key: str, character: str | None) -> None:
        if self._ready:
            self.app.post_message(events.Key(key, character))
        else:
            self.__dict__.setdefault("_kept", []).append((key, character))

    def on_key(self: Any, event: events.Key) -> None:
        if not self._ready:  # here before the focus is: kept for where it will be
            event.stop()
            event.prevent_default()
            self.typed_early(event.key, event.character)

    def ready(self: Any) -> None:
        """The focus is where typing goes: the keys kept are typed there, in order."""
        self._ready = True
        for key, character in self.__dict__.pop("_kept", []):
            self.app.post_message(events.Key(key, character))

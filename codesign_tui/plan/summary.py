"""The one-page summary's choices, made from the plan's context: the answers that most decide the
recommendation, and the next few actions without repeats (those of the first step up first)."""

from __future__ import annotations

from typing import Any

REASONS = 3
CHANGES = 3
NEXT_ACTIONS = 5


def summary_of(data: dict[str, Any]) -> dict[str, Any]:
    """`reasons`: up to three answered questions from `why`, those that decided what the work calls for
    first, then those whose answer is enough for the level recommended (an answer that holds the
    recommendation back is under what would have to change instead). `next`: the first five actions,
    those that unlock a higher level first, each text once. `changes`: the first three answers holding the
    recommendation back; `more_changes` and `more_actions` count the rest, which the full plan lists."""
    answered = [q for q in data["why"] if q.get("answered") and not q.get("held_back")]
    deciding = [q for q in answered if q.get("calls_for_effect")]
    enough = [q for q in answered if not q.get("calls_for_effect") and q.get("requirement")]
    first = {q["id"] for q in data["first_step"]["questions"]} if data.get("first_step") else set()
    # the actions of the answers in the first step up come first, then those of the others held back
    held = sorted(data["held_back"], key=lambda q: q["id"] not in first)
    actions: list[dict[str, Any]] = [a for q in held for a in q["actions"]]
    for kind in ("find_out", "to_unlock", "do"):
        actions += data["actions"][kind]
    seen: set[str] = set()
    unique = [a for a in actions if not (a["text"] in seen or seen.add(a["text"]))]
    held_back = data["held_back"]
    return {"reasons": (deciding + enough)[:REASONS], "next": unique[:NEXT_ACTIONS],
            "more_actions": max(0, len(unique) - NEXT_ACTIONS), "changes": held_back[:CHANGES],
            "more_changes": max(0, len(held_back) - CHANGES)}

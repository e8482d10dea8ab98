"""The one-page summary's choices, made from the plan's context: the answers that most decide the
recommendation, what holds it back, and the next few actions without repeats (those to confirm first)."""

from __future__ import annotations

from typing import Any


def first_of_each(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The actions in order, each text once (its first place): a step is said once in a plan."""
    firsts: dict[str, dict[str, Any]] = {}
    for action in actions:
        firsts.setdefault(action["text"], action)
    return list(firsts.values())

REASONS = 3  # with the rule's own reason, when there is one
CHANGES = 3
NEXT_ACTIONS = 5
# the summary's steps together, in characters: five steps of a usual length fit, and long ones (a procurement
# plan's run to two or three lines each) give way, three at least, so that the summary stays on one page
NEXT_CHARACTERS = 640
LEAST_ACTIONS = 3
# the page as a whole, in characters of what varies on it (what the work is, the warnings, what to confirm or
# what holds it back, and the steps): past this, steps give way, two at least, the rest counted ("Next steps (2 of
# 16)"). Measured in Word on A4 (benchmarks/look_at_word.py --check): a board's plan with two warnings and five
# steps (about 1,090) fits; a tender with three long answers holding it back and three steps (about 1,190) ran
# two lines onto page 2, as did a plan with four warnings about register entries (about 1,470)
PAGE_CHARACTERS = 1100
LEAST_ON_A_FULL_PAGE = 2


def summary_of(data: dict[str, Any]) -> dict[str, Any]:
    """`reasons`: answered questions from `why`, those that decided what the work calls for first, then those
    whose answer is enough for the level recommended (an answer that holds the recommendation back is under
    what holds it back instead), two or three with the rule's reason. `next`: the first five actions (fewer,
    three at least, when they are long; two at least when the page is full), those that find out a "Not sure" the recommendation rests on first,
    then those that unlock a higher level, each text once. `changes`: the first three answers holding the recommendation back; `more_changes` and
    `more_actions` count the rest, which the full plan lists. `warnings`: the flags raised, but those raised only
    by answers the summary already lists."""
    answered = [q for q in data["why"] if q.get("answered") and not q.get("held_back")]
    deciding = [q for q in answered if q.get("calls_for_effect")]
    enough = [q for q in answered if not q.get("calls_for_effect") and q.get("requirement")]
    first = {q["id"] for q in data["first_step"]["questions"]} if data.get("first_step") else set()
    confirming = {q["id"] for q in data["confirm"]["questions"]} if data.get("confirm") else set()
    # the actions of the answers in the first step up come first, then those of the others held back
    held = sorted(data["held_back"], key=lambda q: q["id"] not in first)
    actions: list[dict[str, Any]] = [a for q in held for a in q["actions"]]
    for kind in ("find_out", "to_unlock", "do"):
        actions += data["actions"][kind]
    # what to find out before the recommendation can stand or rise leads (policy version 3's to_confirm)
    actions.sort(key=lambda a: not (a["kind"] == "find_out" and confirming.intersection(a["questions"])))
    unique = first_of_each(actions)
    # a "Not sure" to confirm is listed under the recommendation, with what it needs: not again
    held_back = [q for q in data["held_back"] if q["id"] not in confirming]
    # two or three reasons: one fewer when the summary also lists what to confirm or what holds it back
    room = REASONS - (1 if data.get("rule") else 0) - (1 if data.get("confirm") or held_back else 0)
    reasons = (deciding + enough)[:max(room, 1)]
    shown, length = 0, 0
    for action in unique[:NEXT_ACTIONS]:
        length += len(action["text"])
        if shown >= LEAST_ACTIONS and length > NEXT_CHARACTERS:
            break
        shown += 1
    # a warning raised only by answers listed above it (to confirm, or holding the recommendation back) says
    # again what they say: left out here, it stays in its section of the plan
    first_step = data.get("first_step")
    holding = first_step["questions"][:3] if first_step else held_back[:CHANGES]  # what holds it back, as listed
    above = confirming | {q["id"] for q in holding}
    warnings = [flag for flag in data.get("flags") or [] if not (flag["questions"] and above.issuperset(flag["questions"]))]
    page = _rest_of_page(data, holding, warnings)
    while shown > LEAST_ON_A_FULL_PAGE and page + sum(len(a["text"]) for a in unique[:shown]) > PAGE_CHARACTERS:
        shown -= 1
    return {"reasons": reasons, "next": unique[:shown], "warnings": warnings,
            "more_actions": max(0, len(unique) - shown), "changes": held_back[:CHANGES],
            "more_changes": max(0, len(held_back) - CHANGES)}


def _rest_of_page(data: dict[str, Any], holding: list[dict[str, Any]], warnings: list[dict[str, Any]]) -> int:
    """The characters of what else varies on the summary's page: what the work is, each warning's line, what to
    confirm, and what holds it back (`holding`, as the summary lists it)."""
    confirm = data["confirm"]["questions"] if data.get("confirm") else []
    return (sum(len(str(item.get("text") or "")) for item in data.get("intro") or [])
            + sum(len(flag.get("line") or "") for flag in warnings)
            + sum(len(q.get("short") or "") + len(q.get("answer_label") or "") for q in holding)
            + sum(len(q.get("short") or "") + len(q.get("confirm") or "") for q in confirm))

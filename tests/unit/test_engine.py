"""The Session: asking in order, conditions and branches, going back, editing, set-aside answers."""

from __future__ import annotations

import pytest

from codesign_tui.flow.answers import AnswerError
from codesign_tui.flow.engine import Progress, Session, evaluate, longest_path, walk


def ids(questions):
    return [q.id for q in questions]


def test_first_question_and_path_before_any_answer(branching):
    session = Session(branching)
    assert session.current.id == "open"
    # unanswered conditions read as false, so optional branches are not yet on the path
    assert ids(session.path) == ["open", "money", "people", "channels", "records"]
    # the count is out of the most questions any path can hold, not the five on the path so far
    assert session.progress() == Progress(0, 7, exact=False)
    assert str(session.progress()) == "0 of up to 7"
    assert not session.is_complete


def test_question_condition_and_section_condition_add_questions(branching):
    session = Session(branching)
    session.answer("open", "yes")
    assert session.current.id == "detail"
    session.answer("detail", "very")
    session.answer("money", "yes")
    assert "extra_note" in ids(session.path)
    session.answer("people", "no")
    assert "channels" not in ids(session.path)


def test_branch_skips_to_a_later_section(branching):
    session = Session(branching)
    session.answer("open", "no")
    assert ids(session.path) == ["open", "records"]
    assert session.current.id == "records"


def test_optional_question_can_be_passed_over(branching):
    session = Session(branching)
    session.answer("open", "partly")
    session.skip("detail")
    assert session.answers["detail"] is None
    assert session.current.id == "money"


def test_required_question_cannot_be_skipped(branching):
    session = Session(branching)
    with pytest.raises(AnswerError, match="needs an answer"):
        session.skip("open")


def test_wrong_value_names_the_allowed_ones(branching):
    session = Session(branching)
    with pytest.raises(AnswerError, match="yes, partly, no, unsure"):
        session.answer("open", "maybe")


def test_answering_a_question_not_on_the_path_is_refused(branching):
    session = Session(branching)
    session.answer("open", "no")
    with pytest.raises(AnswerError, match="not asked"):
        session.answer("money", "yes")


def full_session(branching) -> Session:
    session = Session(branching)
    for qid, value in [("open", "yes"), ("detail", "wide"), ("money", "yes"), ("people", "yes"),
                       ("channels", ["meetings", "email"]), ("extra_note", "more"),
                       ("records", [{"name": "Sam", "type": "paid"}])]:
        session.answer(qid, value)
    return session


def test_complete_session_result(branching):
    session = full_session(branching)
    assert session.is_complete and session.current is None
    assert session.answers["channels"] == ["email", "meetings"]  # kept in option order
    result = session.result()
    assert result.recommendation.id == "high"
    assert [a.text for a in result.actions] == ["Book rooms."]
    assert [f.id for f in result.flags] == ["paid"]


def test_changing_an_answer_sets_later_answers_aside_and_brings_them_back(branching):
    session = full_session(branching)
    change = session.answer("open", "no")
    assert change.set_aside == ("detail", "money", "people", "channels", "extra_note")
    assert change.restored == ()
    assert ids(session.path) == ["open", "records"]
    result = session.result()
    assert set(result.answers) == {"open", "records"}
    assert set(result.set_aside) == {"detail", "money", "people", "channels", "extra_note"}
    assert result.recommendation.id == "low"
    assert result.actions == []  # set-aside answers do not count
    change = session.answer("open", "yes")
    assert change.restored == ("detail", "money", "people", "channels", "extra_note")
    assert session.is_complete
    assert session.result().recommendation.id == "high"


def test_set_aside_answers_do_not_steer_conditions(branching):
    session = full_session(branching)
    session.answer("open", "no")
    # money was 'yes', which opens the extra section, but money is set aside now
    assert "extra_note" not in ids(walk(branching, session.answers))


def test_back_steps_to_the_previous_question_and_forward_again(branching):
    session = Session(branching)
    session.answer("open", "yes")
    session.answer("detail", "x")
    assert session.current.id == "money"
    assert session.back().id == "detail"
    assert session.back().id == "open"
    assert session.back().id == "open"  # nothing before the first
    session.answer("open", "yes")  # same answer: step forward to the next answered question
    assert session.current.id == "detail"
    session.answer("detail", "y")
    assert session.current.id == "money"


def test_back_from_the_end_goes_to_the_last_question(branching):
    session = full_session(branching)
    assert session.back().id == "records"


def test_go_to_any_earlier_question_then_resume(branching):
    session = full_session(branching)
    assert session.go_to("money").id == "money"
    change = session.answer("money", "partly")
    assert change.set_aside == ("extra_note",)
    assert session.current.id == "people"  # answered already: walking forward through them
    assert session.resume() is None  # nothing unanswered
    result = session.result()
    assert result.recommendation.id == "middle"
    assert result.held_back_by == ["money"]


def test_go_to_a_question_not_on_the_path_is_refused(branching):
    session = Session(branching)
    with pytest.raises(AnswerError):
        session.go_to("extra_note")


def test_section_progress(branching):
    session = Session(branching)
    session.answer("open", "yes")
    progress = {section.id: (done, total) for section, done, total in session.section_progress()}
    assert progress["start"] == (1, 2)
    assert progress["means"] == (0, 3)
    assert "extra" not in progress


def test_records_are_checked_field_by_field(branching):
    session = Session(branching)
    session.answer("open", "no")
    with pytest.raises(AnswerError, match="missing 'type'"):
        session.answer("records", [{"name": "Sam"}])
    with pytest.raises(AnswerError, match="unknown field 'typ'.*did you mean 'type'"):
        session.answer("records", [{"name": "Sam", "typ": "paid"}])
    with pytest.raises(AnswerError, match="not a date; write it as 31/03/2026, 31 March 2026 or 2026-03-31"):
        session.answer("records", [{"name": "Sam", "type": "paid", "on": "next week"}])
    session.answer("records", [{"name": "Sam", "type": "paid", "on": "2026-01-31"},
                               {"name": "Jo", "type": "unpaid"}])
    assert [f.id for f in session.result().flags] == ["many-records", "paid"]


def test_an_empty_register_is_an_answer(branching):
    session = Session(branching)
    session.answer("open", "no")
    session.answer("records", [])
    assert session.is_complete
    assert session.result().flags == []


def test_unlocks_say_what_one_change_would_reach(branching):
    result = evaluate(branching, {"open": "yes", "detail": None, "money": "no", "people": "yes",
                                  "channels": [], "records": []})
    assert result.recommendation.id == "low"
    assert [(u.question, u.needs, u.unlocks) for u in result.unlocks] == [("money", ("yes",), "high")]


def test_result_as_json_has_the_documented_keys(branching):
    data = full_session(branching).result().to_dict()
    for key in ("flow", "recommendation", "calls_for", "supported", "held_back_by", "actions", "answers",
                "flags", "set_aside", "rule", "complete"):
        assert key in data
    assert data["recommendation"] == "high"


# -- requirements that apply only in some cases, and requirements a flow adds to the levels it includes --

CONDITIONAL = """
id: conditional
title: Conditional
version: "1.0"
summary: A requirement on a question asked only in some cases.
levels:
  - {id: low, label: Low}
  - {id: high, label: High}
requirements:
  high:
    - question: full_cost
      accepts: [yes]
      when: "kind == 'core'"
      because: A core grant pays full costs.
sections:
  - id: only
    title: Only
    questions:
      - id: kind
        prompt: Which kind?
        kind: single
        options: [core, small]
      - id: full_cost
        prompt: Full cost?
        kind: yes_partly_no_unsure
        when: "kind == 'core'"
"""


@pytest.fixture()
def conditional(tmp_path):
    from codesign_tui.flow.loader import load_flow
    path = tmp_path / "conditional.yaml"
    path.write_text(CONDITIONAL)
    return load_flow(path)


@pytest.mark.parametrize("answers, supported, held", [
    ({"kind": "small"}, "high", []),  # the requirement does not apply, though its question is not asked
    ({"kind": "core", "full_cost": "yes"}, "high", []),
    ({"kind": "core", "full_cost": "partly"}, "low", ["full_cost"]),
    ({"kind": "core"}, "low", ["full_cost"]),  # applies, and not answered: not in place
])
def test_a_requirement_with_a_condition_applies_only_when_it_holds(conditional, answers, supported, held):
    result = evaluate(conditional, answers)
    assert (result.supported.id, result.held_back_by) == (supported, held)


def test_a_requirement_condition_counts_among_the_questions_the_rules_read(conditional):
    assert conditional.requirement_reads == {"full_cost", "kind"}


def test_a_flow_adds_requirements_to_the_levels_it_includes(engagement, appendix2):
    added = [(r.level, r.question) for r in engagement.requirements if r.place.path.endswith("engagement-plan.yaml")]
    assert added == [("co-design", "own_skills"), ("co-design", "recompense"), ("co-design", "coi_policy"),
                     ("co-design", "same_policy_all_sectors"), ("co-produce", "own_skills"),
                     ("co-produce", "recompense"), ("co-produce", "wide_networks"), ("co-produce", "coi_policy"),
                     ("co-produce", "same_policy_all_sectors")]
    # the included flow's own requirements are all still there
    assert {(r.level, r.question) for r in appendix2.requirements} <= {
        (r.level, r.question) for r in engagement.requirements}


def test_longest_path_is_the_most_any_answers_give(branching):
    """The engine's one count of questions: checked against every combination of the answers that steer
    the path, at the start and after each answer of a whole conversation."""
    import itertools

    flow = branching
    steering = [q for q in flow.questions if q.id in flow.path_reads]
    assert steering, "the branching flow steers its path"

    def brute(answers):
        open_ = [q for q in steering if q.id not in answers]
        lengths = {len(walk(flow, {**answers, **dict(zip((q.id for q in open_), combo))}))
                   for combo in itertools.product(*(q.possible_answers(4096) for q in open_))}
        return max(lengths), len(lengths) == 1

    session = Session(flow)
    totals = []
    while session.current is not None:
        progress = session.progress()
        assert (progress.total, progress.exact) == brute(session.answers) == longest_path(flow, session.answers)
        assert progress.total >= len(session.path) and progress.answered == sum(
            q.id in session.answers for q in session.path)
        totals.append(progress.total)
        question = session.current
        if question.kind == "record":
            session.skip(question.id) if not question.required else session.answer(question.id, [])
            continue
        value = question.values[0] if question.is_choice else "something"
        session.answer(question.id, [value] if question.kind == "multiple" else value)
    final = session.progress()
    assert final == Progress(len(session.path), len(session.path), exact=True)
    # answering forward, the most can only come down
    assert totals == sorted(totals, reverse=True)
    closed = Session(flow)
    closed.answer("open", "no")  # the branch jumps to the last section: nothing else can steer it
    assert closed.progress() == Progress(1, len(closed.path), exact=True) and len(closed.path) < totals[0]


def test_longest_path_of_an_unlistable_steering_answer_is_every_question(branching):
    """A free-text answer that steers the path cannot be tried one by one: the bound is the whole flow."""
    from codesign_tui.flow.model import Question

    question = Question("note", "A note?", "text", "start")
    assert question.possible_answers(4096) is None
    assert Question("pick", "Pick", "multiple", "start", options=()).possible_answers(4096) == [[]]

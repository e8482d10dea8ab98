"""The conversation, once: reading a reply, answering, keeping, going back, changing an earlier answer,
drafts, saving, question numbers and citations. It knows no screen: the full-screen app and plain mode
show what it says and pass on what the person did."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Any, Callable

from ..records import record
from .about import flag_text
from .answers import AnswerError, AnswersFile, check_answer, read_date
from .confirming import confirm_lines
from .engine import Change, Session
from .migrations import carried_notes
from .model import Flow, Question
from .problems import MAX_LISTED
from .replies import DATE_HINT, ReplyError, read_choice, read_choices
from .shown import Note, QuestionView, Row, Turn, records_draft
from .store import Store, StoreError
from .terms import Glossary, join_words, spell_out_first
from .visible import answer_label, visible

WORDS_FOR_WHY = frozenset({"?", "why", "why?", "help"})
# what a person types to say there is no more to record; "no" too, except in a form field (it could be a name)
DONE_WORDS = frozenset({"done", "finish", "finished", "none", "no more", "that's all", "thats all"})
FIRST_QUESTION = "This is the first question."  # Back, where there is no question before
NO_MORE = "There is no more to say about this question."  # "?", where a question has no guidance
FORM_FIRST = "Fill in the form above and choose Add this one"  # a reply typed to a register (the app's form)


@record(frozen=True)
class Reply:
    """What a typed reply means: `why`, `back`, `keep`, `skip`, `done` (no more records), `answer` (with
    its `value`), or `error` (with a `message` saying what would fit). Once done (`respond`), what it did for
    a view to draw: the `step` an answer, keep or skip took; why we ask, or that Back could not move, in
    `message`."""

    kind: str
    value: Any = None
    message: str = ""
    step: Step | None = None


@record(frozen=True)
class Finished:
    """What the end of a conversation says, the same in plain mode, the app and the room: each draws it.
    Empty strings and tuples where there is nothing to say (a flow without levels recommends none)."""

    recommendation: str = ""  # the level's label
    summary: str = ""  # what the level means
    levels: str = ""  # what the work calls for, and what the conditions support
    why: str = ""  # the rule that decided what the work calls for
    held_back: tuple[tuple[str, str], ...] = ()  # each question holding it back, with the answer given
    confirm: tuple[str, ...] = ()  # a "Not sure" to confirm: the heading line, then one line a question
    flags: tuple[str, ...] = ()  # each warning raised, with whom it is about

    def lines(self) -> list[str]:
        """The end as lines of plain text, each said apart (plain mode)."""
        out = [f"Recommendation: {self.recommendation}.", self.levels] if self.recommendation else []
        out += [f"Why: {self.why}"] if self.recommendation and self.why else []
        if self.held_back:
            out += ["Held back by your answers to:", *(f"  - {p} (you answered: {a})" for p, a in self.held_back)]
        if self.confirm:
            out += [self.confirm[0], *(f"  - {line}" for line in self.confirm[1:])]
        return out + [f"Flag: {flag}" for flag in self.flags]


@record(frozen=True)
class Step:
    """What an answer did: the change to the path, and the notes to show before the next question."""

    question: Question
    change: Change
    notes: tuple[Note, ...] = ()


def citation(flow: Flow, cite: str) -> str:
    """A citation as a person reads it: the source's title and the section."""
    if not cite:
        return ""
    source_id, _, detail = cite.partition(" ")
    source = flow.source(source_id)
    if source is None:
        return cite
    return f"{source.title}{' ' + detail if detail else ''}"


def page_words(flow: Flow) -> Callable[[str], str]:
    """A page's words (a room's page): each abbreviation spelt out at its first use on the page, asked of each
    text in the order the page shows them. Every page spells out afresh, as a person may open any page first."""
    return Glossary(flow).explain


def checked_notes(session: Session, brought_back: tuple[str, ...] = (), recommendation: bool = True) -> list[str]:
    """What checking a loaded session against its flow found, one sentence an answer: answers that no longer
    fit (kept aside in the file, not used) and answers that fit again (brought back); past the first
    MAX_LISTED, how many more, as a file with thousands of misfits would otherwise fill the screen. Without
    `recommendation`, nothing that names the recommendation (a room before its reveal says that apart,
    through `recommendation_notes`)."""
    flow = session.flow
    notes = carried_notes(flow, session.migrated)
    for key, kept in session.unfit.items():
        if kept.dropped_in and session.migrated is not None and key in session.migrated.dropped:
            continue  # said with what the migration did
        what = f"“{flow.question(key).prompt.rstrip('.?')}”" if flow.has_question(key) else f"{key!r}"
        why = kept.said.removeprefix(f"{key}: ")  # the question is named already, in words
        notes.append(f"Your answer to {what} no longer fits the flow ({why}), so it is kept aside in the"
                     " file and not used." + (" The question is asked again." if flow.has_question(key) else ""))
    if brought_back:
        notes.append(f"Brought back, as they fit the flow again: {prompts(flow, brought_back)}.")
    notes += change_notes(session, recommendation)
    if len(notes) > MAX_LISTED:
        notes[MAX_LISTED:] = [f"{len(notes) - MAX_LISTED:,} more answers are kept aside in the file and not used;"
                              " they are not listed here."]
    return [visible(note) for note in notes]


def recommendation_notes(session: Session) -> list[str]:
    """What a change to the flow did to the recommendation, alone (the part of `checked_notes` that names
    it)."""
    return [visible(note) for note in _recommendation_moved(session)]


def change_notes(session: Session, recommendation: bool = True) -> list[str]:
    """What a change to the flow did to the recommendation (unless not `recommendation`), and the plans it
    left out of date."""
    change = session.change
    if change is None:
        return []
    notes = _recommendation_moved(session) if recommendation else []
    for plan in change.stale_plans:
        name = str(plan.get("file") or "a plan")
        version = plan.get("flow_version")
        notes.append(f"The plan saved as {name}" + (f" (under version {version})" if version else "")
                     + f" is out of date: it was drawn before the flow changed. Save the plan again to bring it"
                     f" up to date with version {session.flow.version}.")
    return notes


def _recommendation_moved(session: Session) -> list[str]:
    change = session.change
    if change is None:
        return []
    notes = []
    under = f"Under the flow's version {change.now}" if change.now != change.then else "Under the flow as it is now"
    if change.moved:
        text = f"{under} your recommendation is now {change.after} (it was {change.before})"
        text += (": " + "; ".join(change.reasons) + ".") if change.reasons else "."
        notes.append(text)
    elif change.before is not None and change.after is not None:
        notes.append(f"{under} your recommendation is still {change.after}.")
    return notes


def _warnings(result: Any, flagged: set[str]) -> list[Note]:
    """The warnings of `result` not already raised (`flagged`), as the conversation says them."""
    from .about import flag_text

    return [Note("flag", visible(f"Warning: {flag_text(result.flow, result.answers, flag, public=False)}"))
            for flag in result.flags if flag.id not in flagged]


def with_format_suffix(path: Path, fmt: str) -> Path:
    """A file name typed for the plan, ending in its format's own suffix when it was typed without one
    ("carers-plan" is saved as carers-plan.md, as the name proposed would have been)."""
    return path if path.suffix else path.with_name(f"{path.name}.{SUFFIX.get(fmt, fmt)}")


SUFFIX = {"text": "txt"}  # a format whose file ending is not its name


def prompts(flow: Flow, question_ids: tuple[str, ...]) -> str:
    return visible("; ".join(f"“{flow.question(q).prompt.rstrip('.')}”" for q in question_ids))


class Conversation:
    """One person's conversation with one flow, saved after every answer through the store it is handed."""

    def __init__(self, session: Session, store: Store | None = None, proposed: dict[str, Any] | None = None,
                 offer: bool = True, revealed: bool = True):
        self.session = session
        # drafts read from a file are cleaned as they come in, so that each save writes them cleaned too
        session.drafts = {key: cleaned(value) for key, value in session.drafts.items()}
        self.flow = session.flow
        self.store = store
        self.proposed = proposed or {}  # a worked example's answers, offered at each question
        # whether they are offered: a facilitator's room answers first and asks for the case's answer after
        self.offer = offer
        # whether the recommendation may be shown: not in a facilitated room before its reveal, when no note,
        # end or plan the conversation hands over names it
        self.revealed = revealed
        self.jumped = False  # moved to an earlier answer to change it: keeping it goes back to where we were
        self.save_error: str | None = None  # why the last save failed, until one succeeds
        self.saved_once = False
        # the recommendation once the answers settle it, to say when it moves
        self.settled = self._settled(session.result(so_far=True), None)[0]
        self.glossary = Glossary(self.flow)

    def words(self, text: str) -> str:
        """A flow's text as the person should read it now: each abbreviation spelt out the first time they
        meet it in this conversation. Call it on each text in the order it is shown."""
        return self.glossary.explain(text) if text else text

    def words_folded(self, text: str) -> str:
        """Text the person may not open (guidance folded away): spelt out as `words` would, without
        counting as the first time they met the abbreviations in it."""
        return spell_out_first(text, self.glossary.terms, set(self.glossary.explained)) if text else text

    def read_afresh(self, not_drawn_again: tuple[str, ...] = ()) -> None:
        """The transcript is drawn again from the top: abbreviations are spelt out at their first use again,
        except those the person had spelt out in texts that are not drawn again (the options of a question
        answered, shown while it was asked): going back does not spell "VCSE" out a second time."""
        before = self.glossary.explained
        self.glossary = Glossary(self.flow)
        if before and not_drawn_again:
            met: set[str] = set()
            for text in not_drawn_again:
                spell_out_first(text, self.glossary.terms, met)
            self.glossary.explained |= met & before

    # -- what to show ---------------------------------------------------------------------------------

    @property
    def current(self) -> Question | None:
        return self.session.current

    def number(self, question: Question) -> int:
        """A question's number, the same everywhere (Flow.number)."""
        return self.flow.number(question.id)

    def citation(self, question: Question) -> str:
        return citation(self.flow, question.cite)

    def existing(self, question: Question) -> Any:
        """The answer already given, else a worked example's answer (checked), else None."""
        if question.id in self.session.answers:
            return self.session.answers[question.id]
        return self.proposed_answer(question)

    def proposed_answer(self, question: Question) -> Any:
        """The worked example's answer, offered (checked) while the question is not answered; else None."""
        return self.case_answer(question) if self.offer and question.id not in self.session.answers else None

    def case_answer(self, question: Question) -> Any:
        """The worked example's answer to `question` in stored form, offered or not; None when it has none."""
        if question.id not in self.proposed:
            return None
        try:
            return check_answer(question, self.proposed[question.id])
        except AnswerError:
            return None

    def finished(self) -> Finished:
        """What to say once every question is answered."""
        result = self.session.result()
        flags = tuple(flag_text(self.flow, result.answers, flag, public=False) for flag in result.flags)
        if not self.revealed or result.recommendation is None or result.calls_for is None or result.supported is None:
            return Finished(flags=flags)
        flow = self.flow
        return Finished(
            recommendation=result.recommendation.label, summary=result.level_summary,
            levels=flow.levels_sentence(result.calls_for, result.supported),
            why=result.calls_for_rule.because if result.calls_for_rule else "",
            held_back=tuple((flow.question(q).prompt, answer_label(flow.question(q), result.answers.get(q)))
                            for q in result.held_back_by),
            confirm=tuple(confirm_lines(flow, result)), flags=flags)

    def case_said(self, question: Question) -> str:
        """The worked example's answer to `question` as a person reads it, or that the case does not answer it."""
        answer = self.case_answer(question)
        if answer is None:
            return "The case does not answer this question: it is not on the case's path."
        return f"{answer_label(question, answer)}."

    def beside_the_case(self) -> list[tuple[Question, Any, Any]]:
        """Each question on the path that the worked example answers, in the order asked: the example's answer
        and the one given (None when not given), for a room to compare after its reveal."""
        out = []
        for question in self.session.path:
            theirs = self.case_answer(question)
            if theirs is not None:
                out.append((question, theirs, self.session.answers.get(question.id)))
        return out

    def departures(self) -> str:
        """Where the answers given on the path part from a worked example's own, in words ("" where they do not):
        "question 3, No where the example says Yes; …"."""
        return "; ".join(f"question {self.number(q)}, {answer_label(q, mine)} where the example says"
                         f" {answer_label(q, theirs)}" for q, theirs, mine in self.beside_the_case()
                         if q.id in self.session.answers and mine != theirs)

    # -- drafts: typed and not sent -------------------------------------------------------------------

    def draft(self, question_id: str) -> Any:
        """What was typed for a question and not sent, its control characters made visible (`visible`): a
        saved file can hold ``ESC ] 0 ; …`` that a reply box would otherwise send to the terminal."""
        return cleaned(self.session.drafts.get(question_id))

    def keep_draft(self, question_id: str, value: Any, save: bool = False) -> None:
        """Remember what was typed for a question and not sent; saved with the next save (now, if `save`),
        cleaned as `draft` gives it. An empty draft forgets the old one. A draft is never an answer."""
        value = cleaned(value)
        if value in (None, "", {}, []):
            self.session.drafts.pop(question_id, None)
        else:
            self.session.drafts[question_id] = value
        if save:
            self.save()

    # -- reading a reply ------------------------------------------------------------------------------

    def read(self, text: str, question: Question | None = None) -> Reply:
        """What a typed reply means for the question being asked."""
        question = question or self.current
        word = text.strip().casefold()
        if word in WORDS_FOR_WHY:
            return Reply("why")
        if word == "back":
            return Reply("back")
        if question is None:
            return Reply("error", message="All questions are answered.")
        if not word:
            if question.id in self.session.answers:
                return Reply("keep")
            proposed = self.proposed_answer(question)
            if proposed is not None:
                return Reply("answer", proposed)
            if not question.required:
                return Reply("skip")
            if question.kind == "record":
                return Reply("error", message=f"{FORM_FIRST}, or type done when there are none.")
            return Reply("error", message="This one needs an answer. Type ? to see why we ask.")
        try:
            if question.kind == "multiple":
                return Reply("answer", read_choices(question, text))
            if question.is_choice:
                return Reply("answer", read_choice(question, text))
            if question.kind == "record":
                if word in DONE_WORDS or word == "no":
                    return Reply("done")
                return Reply("error", message=f"{FORM_FIRST} for each, then Done (or type done).")
            if question.kind == "date":
                return Reply("answer", read_date(text))
        except ReplyError as error:
            return Reply("error", message=f"Sorry: {error}.")
        except ValueError:
            return Reply("error", message=DATE_HINT)
        return Reply("answer", text.strip())

    # -- acting ---------------------------------------------------------------------------------------

    def answer(self, value: Any) -> Step:
        """Answer the question being asked (AnswerError when the value does not fit), then save."""
        question = self.current
        if question is None:
            raise AnswerError("", "All questions are answered.")
        session = self.session
        had, before = question.id in session.answers, session.answers.get(question.id)
        flagged = {flag.id for flag in session.result(so_far=True).flags}
        change = session.answer(question.id, value)
        notes: list[Note] = []
        if self.jumped:
            self.jumped = False
            session.resume()
        # an answer changed is said, however the person came back to it (a change link, Esc, or Back)
        after = session.answers[question.id]
        if had and after != before:
            notes.append(Note("changed", f"Your answer to “{visible(question.prompt.rstrip('.?'))}” is now"
                                     f" {answer_label(question, after)} (it was {answer_label(question, before)})."))
        # a warning the answer raises is said now, not only in the plan
        notes += _warnings(session.result(so_far=True), flagged)
        settled = self.settled_note()
        if settled and self.revealed:
            notes.append(Note("level", settled))
        if change.set_aside:
            notes.append(Note("set-aside", f"Set aside, as they no longer apply: {prompts(self.flow, change.set_aside)}."
                                       " They come back if you change this answer back."))
        if change.restored:
            notes.append(Note("restored", f"Brought back, as they apply again: {prompts(self.flow, change.restored)}."))
        self.save()
        return Step(question, change, tuple(notes))

    def keep(self) -> Step:
        """Keep the answer already given and carry on: to where the person was after changing an earlier
        answer, else to the next question."""
        question = self.current
        assert question is not None and question.id in self.session.answers
        return self.answer(self.session.answers[question.id])

    def skip(self) -> Step:
        return self.answer(None)

    def back(self) -> bool:
        """Step back to the question before; False at the first question."""
        before = self.current
        after = self.session.back()
        if after is None or (before is not None and after.id == before.id):
            return False
        self.save()
        return True

    def edit(self, question_id: str) -> Question:
        """Go to an earlier answer to change it (AnswerError when it no longer applies)."""
        question = self.session.go_to(question_id)
        self.jumped = True
        self.save()
        return question

    def settled_note(self) -> str:
        """Said once the answers settle the recommendation, and again whenever a change moves it: the level,
        what the work calls for and the conditions support, and what holds it back."""
        self.settled, text = self._settled(self.session.result(so_far=True), self.settled)
        return text

    def _settled(self, result: Any, before: str | None) -> tuple[str | None, str]:
        """The recommendation's label as far as `result` settles it, and what to say when that is not
        `before`."""
        if not result.decided or result.recommendation is None:
            return None, ""
        level = result.recommendation.label
        if level == before:
            return level, ""
        text = (f"The recommendation is now {level} (it was {before})." if before else f"Settled: {level}.")
        text += " " + self.flow.levels_sentence(result.calls_for, result.supported)
        if result.held_back_by:
            held = self._quoted(result.held_back_by)
            text += f" Held back by your {'answer' if len(result.held_back_by) == 1 else 'answers'} to {held}."
        if result.first_step_apart and result.next_rung is not None:
            # each answer by its question, what was said and what the next level needs, so that it does not
            # read as if the question were the new answer
            steps = []
            for step in result.first_step:
                question = self.flow.question(step.question)
                needs = join_words((question.label(value) for value in step.needs), "or")
                steps.append(f"{self._quoted([step.question])} would need to be {needs}"
                             + (f" (you said {answer_label(question, step.answer)})" if step.answer is not None
                                else ""))
            text += f" The first step, to reach {result.next_rung.label}: your answer to {'; and to '.join(steps)}."
        confirm = confirm_lines(self.flow, result)
        if confirm:
            text += " " + " ".join(confirm)
        return level, visible(text)

    def notes_along_path(self) -> dict[str, list[Note]]:
        """What the answers on the path said as they were given, by question: each warning after the answer
        that raised it, and the recommendation where it settled and wherever it moved. For a transcript drawn
        again from the session (after going back, changing an answer, resuming), which would otherwise lose
        them. Worked out by giving the answers again one at a time, in the order of the path."""
        from .engine import evaluate

        notes: dict[str, list[Note]] = {}
        given: dict[str, Any] = {}
        flagged: set[str] = set()
        level: str | None = None
        for question in self.session.path:
            if question.id not in self.session.answers:
                continue
            given[question.id] = self.session.answers[question.id]
            result = evaluate(self.flow, given, so_far=True)
            said = _warnings(result, flagged)
            flagged |= {flag.id for flag in result.flags}
            level, settled = self._settled(result, level)
            if settled and self.revealed:
                said.append(Note("level", settled))
            if said:
                notes[question.id] = said
        return notes

    def transcript(self, said: tuple[Note, ...] = ()) -> list[Turn]:
        """The conversation from the top, for a transcript drawn again (after going back, changing an answer,
        resuming): each section's heading, each answer with what it said as it was given, then what the last
        change `said` (bar what an answer along the path says already; before a new section's heading) and the
        question being asked, or the end. Abbreviations are spelt out afresh, bar those in the options of the
        questions answered, which are not drawn again."""
        rows = self.rows()
        self.read_afresh(tuple(text for row in rows if row.answered for option in row.question.options
                               for text in (option.label, option.explanation) if text))
        along = self.notes_along_path()
        said_along = {note.text for notes in along.values() for note in notes}
        notes = [Turn("note", note=note) for note in said if note.text not in said_along]
        turns: list[Turn] = []
        for n, row in enumerate(rows):
            heading = n == 0 or row.section.id != rows[n - 1].section.id
            if self.current is not None and row.id == self.current.id:
                return [*turns, *notes, *([Turn("section", row)] if heading else []), Turn("question", row)]
            turns += [Turn("section", row)] if heading else []
            if not row.answered:
                turns.append(Turn("question", row))
                continue
            turns += [Turn("asked", row), *(Turn("note", row, note) for note in along.get(row.id, []))]
        return [*turns, *notes, Turn("finished")]

    def followed(self, step: Step) -> Row | None:
        """The answer `step` gave, as its row, when what is asked now follows straight on from it (the next
        question on the path, or the end after the last), so that a transcript only adds what comes next;
        None when the path changed behind it (a jump back), and the transcript is drawn again."""
        rows = self.rows()
        at = next((n for n, row in enumerate(rows) if row.id == step.question.id), None)
        if at is None:
            return None
        after = rows[at + 1:at + 2]
        follows = [row.id for row in after] == [self.current.id] if self.current is not None else not after
        return rows[at] if follows else None

    def _quoted(self, question_ids: list[str]) -> str:
        """ "“Do you have money …”; “Are senior leaders …”": questions named by their prompts."""
        return "; ".join(f"“{self.flow.question(q).prompt.rstrip('.?')}”" for q in question_ids)

    # -- what a view draws, and where a view goes -----------------------------------------------------

    def view(self, question: Question | None = None) -> QuestionView:
        """The question being asked (or `question`, an earlier one shown to change) as a view draws it."""
        question = question or self.current
        assert question is not None, "every question is answered"
        path, answers = self.session.path, self.session.answers
        section = self.flow.section(question.section_id)
        existing, draft = self.existing(question), self.draft(question.id)
        records, entry = records_draft(draft, existing) if question.kind == "record" else ([], {})
        return QuestionView(
            question, self.number(question), self.citation(question), section,
            next((q.id for q in path if q.section_id == section.id), None) == question.id, question.id in answers,
            existing, self.proposed_answer(question) is not None, draft,
            self.jumped or self.current is None or question.id != self.current.id, self.progress(), records, entry)

    def rows(self, upto: Question | None = None) -> list[Row]:
        """Each question on the path (those before `upto`, when given), answered or not, as the check page,
        the review table and a transcript list them."""
        rows = []
        for question in self.session.path:
            if upto is not None and question.id == upto.id:
                break
            rows.append(Row(question, self.number(question), self.flow.section(question.section_id),
                            question.id in self.session.answers,
                            answer_label(question, self.session.answers.get(question.id))))
        return rows

    def progress(self) -> str:
        """How far the person has got: "3 of 8" answered."""
        return str(self.session.progress())

    def shown(self, wanted: str) -> Question | None:
        """The question to show for a wanted one (a change link, a browser's Back, a form sent): the one being
        asked, or an earlier answer (shown only: it changes once an answer for it is sent, through `edit`);
        None for any other, and the view shows where the person is. `applies` says whether it is on the path."""
        current = self.current
        if current is not None and wanted == current.id:
            return current
        return next((q for q in self.session.path if q.id == wanted and q.id in self.session.answers), None)

    def applies(self, question_id: str) -> bool:
        return any(q.id == question_id for q in self.session.path)

    def leave(self, draft: Any = None) -> bool:
        """Back, from the question being asked: after changing an earlier answer (`edit`) the answer is kept
        as it was and the conversation returns to where the person was; else what was typed is kept as a
        draft and the question before is asked. False at the first question, where nothing moves."""
        question = self.current
        if question is not None and self.jumped and question.id in self.session.answers:
            self.keep()
            return True
        if question is not None:
            self.keep_typed(question, draft)
        if self.back():
            return True
        self.save()
        return False

    def keep_typed(self, question: Question, typed: Any, save: bool = False) -> None:
        """Keep what was typed for `question` and not sent as its draft; what only repeats the answer given
        (a register's entries as they were, nothing half-filled) is no draft."""
        given = self.session.answers.get(question.id)
        same = typed == (given or "") or (isinstance(typed, dict) and "entry" not in typed
                                          and typed.get("records") == (given or []))
        self.keep_draft(question.id, None if same else typed, save)

    def act(self, reply: Reply) -> Step:
        """Do what a reply of kind `answer`, `keep` or `skip` says (AnswerError when an answer does not fit)."""
        return self.keep() if reply.kind == "keep" else self.skip() if reply.kind == "skip" else self.answer(reply.value)

    def give(self, reply: Reply) -> Reply:
        """Do what a reply of kind `answer`, `keep` or `skip` says: the reply with the `step` it took, else an
        `error` saying why the answer does not fit."""
        try:
            return Reply(reply.kind, reply.value, step=self.act(reply))
        except AnswerError as error:
            return Reply("error", message=error.message)

    def respond(self, text: str, question: Question | None = None, typed: Any = None) -> Reply:
        """Do what a typed reply says for `question` (the one asked), the same in every view: say why we ask,
        go back (keeping `typed`, what else was typed for the question and not sent, as its draft), answer,
        keep or skip it (the reply's `step`); else say what would fit."""
        question = question or self.current
        reply = self.read(text, question)
        if reply.kind == "why":
            return Reply("why", message=self.why(question))
        if reply.kind == "back":
            if question is not None and typed is not None:
                self.keep_typed(question, typed)
            return Reply("back", message="" if self.back() else FIRST_QUESTION)
        return self.give(reply) if reply.kind in ("answer", "keep", "skip") else reply

    def why(self, question: Question | None = None) -> str:
        """Why we ask `question` (the one asked), with its source, said in one line; NO_MORE when the flow
        says nothing."""
        question = question or self.current
        if question is None or not question.guidance:
            return NO_MORE
        cite = self.citation(question)
        return self.words_folded(f"Why we ask: {question.guidance}" + (f" (Source: {cite})" if cite else ""))

    def why_folded(self, question: Question) -> str:
        """Why we ask `question` and its source, as a fold shows it (empty when the flow says nothing):
        spelt out together, so that an abbreviation first met in the source ("GM VCSE Commissioning
        Framework") is spelt out there, without counting as met, as the fold may stay closed."""
        if not question.guidance:
            return ""
        cite = self.citation(question)
        return self.words_folded(question.guidance + (f"\n\nSource: {cite}" if cite else ""))

    def told(self, notes: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Of notes kept to say later (on a room's next page), those that may be said now: none that names the
        recommendation (kind `level`) while it is hidden."""
        return [note for note in notes if self.revealed or note[0] != "level"]

    def version(self, question: Question) -> str:
        """The version of a question's answer a page was drawn from: a form whose version is no longer the
        answer's (changed in another tab since) is out of date and changes nothing. A register's entries so
        far count too (a stale "Remove entry 2" would remove another)."""
        import hashlib
        import json

        answers = self.session.answers
        drawn: list[Any] = [question.id, answers[question.id] if question.id in answers else "<not answered>"]
        if question.kind == "record":
            drawn.append(records_draft(self.draft(question.id), answers.get(question.id))[0])
        text = json.dumps(drawn, sort_keys=True, default=str, ensure_ascii=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    # -- saving ---------------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save through the store; True when it worked. A failure is kept in `save_error` (and tried again
        at the next save) so that no one is told their answers are saved when they are not."""
        if self.store is None:
            return True
        try:
            self.store.save(self.session)
        except StoreError as error:
            self.save_error = str(error)
            return False
        self.save_error = None
        self.saved_once = True
        return True

    def save_failed(self, error: str) -> None:
        """A save the store took and then could not write (a store that writes later, as the room's does):
        kept in `save_error`, so that nobody is told their answers are saved, and handed to the store again,
        to be tried at its next write."""
        self.save_error = error
        if self.store is not None:
            self.store.save(self.session)

    def farewell(self, resume: str) -> str:
        """What to say on leaving: honest about whether the answers are saved. `resume` is the command
        that carries on."""
        session = self.session
        if self.save_error is not None and self.store is not None:
            return (f"Your answers could NOT be saved ({self.save_error}). Copy them from here into a file and"
                    f" open it with: codesign render {self.flow.id} --answers FILE --partial\n\n"
                    + self.store.text(self.session))
        progress = session.progress()
        # the command on a line of its own, so that a narrow terminal does not break it in two
        if session.finished:
            return f"Your answers are saved; open them again with:\n  {resume}"
        if progress.answered or session.drafts or session.project or session.prepared_by:
            return f"Your answers are saved ({progress} answered). Carry on with:\n  {resume}"
        return ""

    # -- the plan -------------------------------------------------------------------------------------

    def plan_saved(self, path: Path) -> None:
        """Remember a plan saved from this session, with the flow it was drawn under, so that opening the
        session after the flow changes can name the plan as out of date; then save."""
        from .versions import fingerprint

        result = self.session.result(so_far=True)
        plan = {"file": str(path), "flow_version": self.flow.version, "flow_fingerprint": fingerprint(self.flow),
                "recommendation": result.recommendation.id if result.decided and result.recommendation else None,
                "saved": _dt.datetime.now().astimezone().isoformat(timespec="seconds")}
        plans = [p for p in self.session.plans if p.get("file") != plan["file"]]
        self.session.plans = [*plans, plan][-20:]  # the latest few; a plan saved again replaces its entry
        self.save()

    def plan_file_name(self, fmt: str, public: bool = False, *, summary: bool = False,
                       document: str | None = None) -> str:
        """A sensible name for the plan's file, the same in every front end: flow, project, date (and
        "public" for the version without names, so it never takes the full plan's name; "summary" for the
        one-page summary, or the name of another document such as the conflicts record), ending in the
        format's own suffix."""
        # "Young people's offer" as young-peoples-offer: an apostrophe joins, it does not split a word
        project = re.sub(r"[^a-z0-9]+", "-", re.sub(r"['’]", "", self.session.project.casefold())).strip("-")
        if len(project) > 40:  # at most 40 characters, ending at a whole word where there is one
            project = project[:41].rsplit("-", 1)[0] if "-" in project[:41] else project[:40]
        parts = (self.flow.id, project, _dt.date.today().isoformat(), "public" if public else "",
                 document or ("summary" if summary else ""))
        return "-".join(part for part in parts if part) + f".{SUFFIX.get(fmt, fmt)}"

    def plan_meta(self) -> AnswersFile:
        """What the plan says of who and when."""
        session = self.session
        date = session.date or session.created[:10] or _dt.date.today().isoformat()
        return AnswersFile(self.flow.id, session.answers, session.project, session.prepared_by, date,
                           voice=session.voice, example=session.example)


def cleaned(value: Any) -> Any:
    """A draft with every text in it made visible (`visible`), lines kept: a text, or a register entry's
    fields and the entries added to it."""
    if isinstance(value, str):
        return visible(value, "\n")
    if isinstance(value, dict):
        return {key: cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [cleaned(item) for item in value]
    return value

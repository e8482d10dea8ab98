"""The conversation on plain input and output, line by line: for screen readers and for piping answers in."""

from __future__ import annotations

import datetime as _dt
import sys
from pathlib import Path
from typing import Any, TextIO

from .flow.answers import AnswerError, check_record, read_date
from .flow.engine import Session
from .flow.model import Flow, Question, RecordField
from .flow.replies import ReplyError, read_choice, read_choices
from .plan.export import ExportError
from .resources import own_flow_path
from .sessions import SavedSession, SessionStore

HELP = ('Type the number or the words of an answer. "?" says why we ask, "back" goes back,'
        ' "quit" stops (your answers are kept).')


class InputEnded(Exception):
    """Standard input closed before the conversation finished."""


class Stop(Exception):
    """The person asked to stop."""


class _Back(Exception):
    """The person asked to go back."""


class PlainConversation:
    def __init__(self, flow: Flow, stdin: TextIO, stdout: TextIO, folder: Path,
                 store: SessionStore | None = None, saved: SavedSession | None = None):
        self.flow = flow
        self.store = store or SessionStore()
        # a flow file of one's own is found again by its path when the session is resumed
        self.saved = saved or self.store.new(flow.id, own_flow_path(flow.path))
        self.session = Session(flow, self.saved.answers)
        self.stdin = stdin
        self.stdout = stdout
        self.folder = folder
        self.section_shown: str | None = None
        self.save_failed = False

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(self, prompt: str = "> ") -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise InputEnded
        reply = line.rstrip("\r\n").strip()
        if reply.casefold() in ("quit", "exit", ":q"):
            raise Stop
        return reply

    def run(self) -> int:
        flow = self.flow
        self.say(f"{flow.title} ({flow.id}, version {flow.version})")
        total = len(self.session.path)
        self.say(f"About {total} questions, roughly {max(1, round(total * 0.4))} minutes. {HELP}")
        self.say(f"Your answers are saved after each one (session {self.saved.id}).")
        try:
            while (question := self.session.current) is not None:
                self.turn(question)
        except (Stop, InputEnded) as reason:
            self.save()
            answered, total = self.session.progress()
            why = "Stopped" if isinstance(reason, Stop) else "Input ended"
            self.say(f"\n{why} after {answered} of {total} questions. Your answers are saved; carry on"
                     f" with:\n  codesign --plain --resume {self.saved.id}")
            return 0 if isinstance(reason, Stop) else 1
        self.finish()
        return 0

    def turn(self, question: Question) -> None:
        section = self.flow.section(question.section_id)
        if section.id != self.section_shown:
            self.section_shown = section.id
            self.say(f"\n== {section.title} ==")
            if section.intro:
                self.say(section.intro)
        answered, total = self.session.progress()
        position = [q.id for q in self.session.path].index(question.id) + 1
        self.say(f"\nQuestion {position} of {total}")
        self.say(question.prompt + ("  (optional: press Enter to skip)" if not question.required else ""))
        if question.id in self.session.answers:
            self.say(f"Your answer was: {question.label(self.session.answers[question.id])}."
                     " Press Enter to keep it, or give another.")
        try:
            value = self.read_answer(question)
        except _Back:
            if self.session.back() is None or self.session.current is question:
                self.say("This is the first question.")
            return
        if value is _KEEP:
            following = self.session.path
            ids = [q.id for q in following]
            index = ids.index(question.id)
            if index + 1 < len(ids) and ids[index + 1] in self.session.answers:
                self.session.go_to(ids[index + 1])
            else:
                self.session.resume()
            return
        change = self.session.answer(question.id, value)
        self.save()
        if change.set_aside:
            names = ", ".join(self.flow.question(q).prompt for q in change.set_aside)
            self.say(f"Set aside, as they no longer apply: {names}. They come back if you change this"
                     " answer back.")
        if change.restored:
            names = ", ".join(self.flow.question(q).prompt for q in change.restored)
            self.say(f"Brought back: {names}.")

    def read_answer(self, question: Question) -> Any:
        if question.is_choice:
            for number, option in enumerate(question.options, 1):
                extra = f" - {option.explanation}" if option.explanation else ""
                self.say(f"  {number}  {option.label}{extra}")
            if question.kind == "multiple":
                self.say("Choose any: numbers or words separated by commas, or none.")
        if question.kind == "record":
            return self.read_records(question)
        while True:
            reply = self.ask()
            if reply.casefold() in ("?", "why", "help"):
                self.explain(question)
                continue
            if reply.casefold() == "back":
                raise _Back
            if not reply:
                if question.id in self.session.answers:
                    return _KEEP
                if not question.required:
                    return None
                self.say("This one needs an answer. " + ('Type "?" to see why we ask.' if question.guidance
                                                        else ""))
                continue
            try:
                if question.kind == "multiple":
                    chosen = read_choices(question, reply)
                    self.say("→ " + question.label(chosen))
                    return chosen
                if question.is_choice:
                    value = read_choice(question, reply)
                    self.say("→ " + question.label(value))
                    return value
                if question.kind == "date":
                    return read_date(reply)
                return reply
            except ReplyError as error:
                self.say(f"Sorry: {error}.")
            except ValueError:
                self.say("Write the date as 31/03/2026 or 2026-03-31.")

    def explain(self, question: Question) -> None:
        if question.guidance:
            cite = self.citation(question.cite)
            self.say(f"Why we ask: {question.guidance}" + (f" (Source: {cite})" if cite else ""))
        else:
            self.say("There is no more to say about this question.")

    def citation(self, cite: str) -> str:
        if not cite:
            return ""
        source_id, _, detail = cite.partition(" ")
        source = self.flow.source(source_id)
        return f"{source.title}{' ' + detail if detail else ''}" if source else cite

    def read_records(self, question: Question) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = list(self.session.answers.get(question.id) or [])
        if question.guidance:
            self.explain(question)
        while True:
            verb = "another" if records else "one"
            reply = self.ask(f"{len(records)} recorded. Add {verb}? (yes/no) > ").casefold()
            if reply == "back":
                raise _Back
            if reply in ("n", "no", "done", ""):
                return records
            if reply not in ("y", "yes", "add"):
                self.say('Type "yes" to add one or "no" when you are done.')
                continue
            record: dict[str, Any] = {}
            for spec in question.fields:
                value = self.read_field(spec)
                if value is not None:
                    record[spec.id] = value
            try:
                records.append(check_record(question, record, len(records) + 1))
                self.say("Added.")
            except AnswerError as error:
                self.say(f"Not added: {error.message}.")

    def read_field(self, spec: RecordField) -> Any:
        options = spec.options
        for number, option in enumerate(options, 1):
            self.say(f"    {number}  {option.label}")
        while True:
            optional = "" if spec.required else " (optional)"
            reply = self.ask(f"  {spec.prompt}{optional} > ")
            if not reply:
                if not spec.required:
                    return None
                self.say("  This field is needed.")
                continue
            try:
                if options:
                    return read_choice(None, reply, options)
                if spec.kind == "date":
                    return read_date(reply)
                return reply
            except ReplyError as error:
                self.say(f"  Sorry: {error}.")
            except ValueError:
                self.say("  Write the date as 31/03/2026 or 2026-03-31.")

    def save(self) -> None:
        saved = self.saved
        saved.answers = dict(self.session.answers)
        saved.answered, saved.total = self.session.progress()
        saved.complete = self.session.is_complete
        try:
            self.store.save(saved)
        except ExportError as error:
            if not self.save_failed:
                self.say(f"Warning: your answers could not be saved ({error}). Saving is tried again after"
                         " each answer.")
            self.save_failed = True
        else:
            self.save_failed = False

    def finish(self) -> None:
        from .flow.answers import AnswersFile
        from .plan.render import render_markdown

        result = self.session.result()
        self.say("\n== Your result ==")
        if result.recommendation is not None:
            self.say(f"Recommendation: {result.recommendation.label}.")
            self.say(self.flow.levels_sentence(result.calls_for, result.supported))
            if result.calls_for_rule:
                self.say(f"Why: {result.calls_for_rule.because}")
            if result.held_back_by:
                self.say("Held back by your answers to:")
                for question_id in result.held_back_by:
                    question = self.flow.question(question_id)
                    self.say(f"  - {question.prompt} (you answered: {question.label(result.answers.get(question_id))})")
        for flag in result.flags:
            self.say(f"Flag: {flag.text}")
        if result.actions:
            count = len(result.actions)
            self.say(f"{count} action{'s' * (count != 1)} to take are listed in the plan.")
        meta = AnswersFile(self.flow.id, result.answers, self.saved.project, self.saved.prepared_by,
                           self.saved.created[:10] or _dt.date.today().isoformat())
        plan = render_markdown(self.flow, result, meta).encode("utf-8")
        self.write_plan(plan)

    def write_plan(self, plan: bytes) -> None:
        from .plan.export import write_atomically

        proposed = _unused(self.folder / f"{self.flow.id}-plan-{_dt.date.today().isoformat()}.md")
        try:
            reply = self.ask(f"\nSave the plan as {proposed.name}? Press Enter, or type another name > ")
        except (InputEnded, Stop):
            reply = ""
        path = (self.folder / reply).expanduser() if reply else proposed
        force = False
        if path.exists():
            try:
                force = self.ask(f"{path.name} already exists. Replace it? (yes/no) > ").casefold() in ("y", "yes")
            except (InputEnded, Stop):
                force = False
            if not force:
                path = _unused(path)
        try:
            write_atomically(path, plan, force=force)
        except ExportError as error:
            self.say(f"The plan could not be saved: {error}. Render it again later with:"
                     f" codesign --plain --resume {self.saved.id}")
            return
        self.say(f"The plan is in {path}.")


_KEEP = object()


def _unused(path: Path) -> Path:
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate


def converse(flow: Flow, stdin: TextIO | None = None, stdout: TextIO | None = None,
             folder: Path | None = None, saved: SavedSession | None = None,
             store: SessionStore | None = None) -> int:
    return PlainConversation(flow, stdin or sys.stdin, stdout or sys.stdout, folder or Path.cwd(), store,
                             saved).run()

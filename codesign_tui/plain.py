"""The conversation on plain input and output, line by line: for screen readers and for piping answers in."""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any, Callable, TextIO

from .files import ExportError
from .flow.answers import LONGEST_TEXT, AnswersFile
from .flow.catalogue import how_long
from .flow.conversation import (WORDS_FOR_WHY, Conversation, Reply, Step, answer_label, checked_notes,
                                with_format_suffix)
from .flow.engine import Session
from .flow.model import Flow, Option, Question, RecordField
from .flow.shown import QuestionView
from .flow.replies import EntryError, field_help, read_entry, read_field
from .flow.visible import cut, visible
from .sessions import ELSEWHERE, CannotResume, Sessions, SessionStore

HELP = ('Type the number or the words of an answer. "?" says why we ask, "back" goes back,'
        ' "quit" stops (your answers are kept).')


EXIT_NOT_SAVED = 3
EXIT_REFUSED = 2  # piped input with a line that does not fit where it landed


class Refused(Exception):
    """Piped input held a line that does not fit the prompt it landed on: stop there rather than read every
    later line against the wrong prompt."""

    def __init__(self, line: int, reply: str, message: str):
        super().__init__(message)
        self.line, self.reply, self.message = line, reply, message


class InputEnded(Exception):
    """Standard input closed before the conversation finished."""


class Stop(Exception):
    """The person asked to stop."""


class PlainConversation:
    """Shows what the conversation says, line by line, and passes on what the person typed."""

    def __init__(self, session: Session, stdin: TextIO, stdout: TextIO, folder: Path,
                 store: SessionStore | None = None, brought_back: tuple[str, ...] = (), ask_names: bool = False,
                 piped: bool = False):
        self.sessions = Sessions(store)
        self.conversation = Conversation(session, self.sessions.store)
        self.session = session
        self.flow = session.flow
        self.stdin = stdin
        self.stdout = stdout
        self.folder = folder
        self.brought_back = brought_back
        self.ask_names = ask_names  # a new session asks what the plan needs first
        self.section_shown: str | None = None
        self.warned = False
        # on a terminal, lines are wrapped at its width between words; piped, each line is left whole
        self.width = shutil.get_terminal_size().columns if _is_terminal(stdout) else 0
        # answers piped in from a file or a script: nothing echoes the replies, so each prompt ends its line,
        # and a line that does not fit stops the run (naming it) instead of landing on every later prompt
        self.piped = piped
        self.lines_read = 0
        self.last_reply = ""

    def say(self, text: str = "") -> None:
        """Everything plain mode prints goes through here: what came from a flow, a file or a person is shown
        with its control characters visible, never sent raw to the terminal."""
        text = visible(self.conversation.words(text), "\n")
        if self.width > 20:
            text = "\n".join(_wrapped(line, self.width - 1) for line in text.split("\n"))
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(self, prompt: str = "> ") -> str:
        prompt = visible(prompt, "\n")
        if self.width > 20:  # wrapped between words as say() wraps, keeping the space the reply starts after
            kept = prompt[len(prompt.rstrip(" ")):]
            prompt = "\n".join(_wrapped(line, self.width - 1) for line in prompt.split("\n")) + kept
        if self.piped:
            prompt = prompt.rstrip(" ") + "\n"
        while True:
            self.stdout.write(prompt)
            self.stdout.flush()
            line = self.stdin.readline()
            if not line:
                raise InputEnded
            self.lines_read += 1
            reply = self.last_reply = line.rstrip("\r\n").strip()
            if len(reply) <= LONGEST_TEXT:
                break
            # what is saved must be what can be read back: a session file holds 16 MB
            self.refused(f"That reply is {len(reply):,} characters long; keep it to {LONGEST_TEXT:,} or fewer"
                         + ("." if self.piped else " and type it again."))
        if reply.casefold() in ("quit", "exit", ":q"):
            raise Stop
        return reply

    def run(self) -> int:
        flow = self.flow
        self.say(f"{flow.title} ({flow.id}, version {flow.version})")
        count = self.session.progress()
        self.say(f"{how_long(count.total, count.exact)} {HELP}")
        for note in checked_notes(self.session, self.brought_back):
            self.say(note)
        self.say(f"Your answers will be saved after each one (session {self.session.name}).")
        try:
            if self.ask_names:
                self.name_the_plan()
            while (question := self.conversation.current) is not None:
                self.turn(question)
        except (Stop, InputEnded) as reason:
            return self.leave("Stopped" if isinstance(reason, Stop) else "Input ended", isinstance(reason, Stop))
        except Refused as refused:
            return self.stop_refused(refused)
        try:
            self.finish()
        except Refused as refused:
            return self.stop_refused(refused)
        return self.leave("", True)

    def leave(self, why: str, asked: bool) -> int:
        """Say honestly whether the answers are saved; non-zero when they are not, or input ended early. A
        session given nothing (input that ended, or a quit, before the first answer) leaves no file behind:
        a script run again and again leaves no trail of empty sessions, and `--resume` finds the last one
        with something in it."""
        conversation = self.conversation
        kept = self.sessions.end(conversation)
        if conversation.save_error is not None:
            # the last resort: the answers on the screen, where they can be copied into a file
            self.say("\n" + conversation.farewell(""))
            return EXIT_NOT_SAVED
        if not why:
            return 0
        if kept:
            self.say(f"\n{why} with {conversation.progress()} questions answered. Your answers are saved; carry on"
                     f" with:\n  codesign --plain --resume {self.session.name}")
        else:
            self.say(f"\n{why} before anything was answered, so no session was kept.")
        return 0 if asked else 1

    def refused(self, message: str) -> None:
        """A reply that does not fit: said, and asked again at a terminal; piped, the run stops (Refused)."""
        if self.piped:
            raise Refused(self.lines_read, self.last_reply, message.strip())
        self.say(message)

    def stop_refused(self, refused: Refused) -> int:
        reply = cut(refused.reply, 60)
        print(visible(f"codesign: line {refused.line} of the input (\"{reply}\") does not fit: {refused.message}"
                      " Nothing after it was read."), file=sys.stderr)
        code = self.leave("Stopped at that line", False)
        return EXIT_REFUSED if code != EXIT_NOT_SAVED else code

    def name_the_plan(self) -> None:
        """What the plan needs at its top; both can be left blank."""
        self.say("\nBoth of these go at the top of the plan; press Enter to leave one out.")
        self.session.project = self.ask("What is the piece of work called? > ")
        self.session.prepared_by = self.ask("Who is preparing the plan? > ")

    def turn(self, question: Question) -> None:
        view, words = self.conversation.view(question), self.conversation.words  # spelt out where first met
        if view.section.id != self.section_shown:
            self.section_shown = view.section.id
            self.say(f"\n== {words(view.section.title)} ==" + (f"\n{words(view.section.intro)}" if view.section.intro else ""))
        self.say(f"\nQuestion {view.number} ({view.progress} answered)")
        self.say(words(question.prompt) + ("  (optional: press Enter to skip)" if not question.required else ""))
        if view.answered:
            self.say(f"Your answer was: {answer_label(question, view.existing)}. Press Enter to keep it, or give another.")
        step = self.read_answer(view)
        if step is None:  # went back
            return
        if self.conversation.save_error is not None and not self.warned:
            self.say(f"Warning: your answers could not be saved ({self.conversation.save_error}). Saving is"
                     " tried again after each answer.")
        self.warned = self.conversation.save_error is not None
        for kind, text in step.notes:
            self.say(text)

    def read_answer(self, view: QuestionView) -> Step | None:
        """The question answered as the person says; None when they went back."""
        question = view.question
        self.say_options(question.options, "  ")
        if question.kind == "multiple":
            self.say("Choose any: numbers or words separated by commas, or none.")
        while True:
            if question.kind == "record":
                records = self.read_records(view)
                said = self.conversation.respond("back", question) if records is None else \
                    self.conversation.give(Reply("answer", records))
            else:
                said = self.conversation.respond(self.ask(), question)
            if said.step is not None:
                if said.kind == "answer" and question.is_choice:
                    self.say("→ " + question.label(said.value))
                return said.step
            if said.kind == "back":
                if said.message:
                    self.say(said.message)
                return None
            self.say(said.message) if said.kind == "why" else self.refused(said.message)

    def say_options(self, options: tuple[Option, ...], indent: str) -> None:
        for number, o in enumerate(options, 1):  # abbreviations spelt out where first met, as in the app
            self.say(self.conversation.words(f"{indent}{number}  {o.label}" + f" - {o.explanation}" * bool(o.explanation)))

    def read_records(self, view: QuestionView) -> list[dict[str, Any]] | None:
        """A register's entries, one field at a time; None when the person went back."""
        question, records = view.question, view.records
        if question.guidance:
            self.say(self.conversation.why(question))
        while True:
            reply = self.ask(f"{len(records)} recorded. Add {'another' if records else 'one'}? (yes/no) > ").casefold()
            if reply == "back":
                return None
            if reply in ("n", "no", "done", ""):
                return records
            if reply not in ("y", "yes", "add"):
                self.refused('Type "yes" to add one or "no" when you are done.')
                continue
            entry: dict[str, Any] = {}
            try:
                for spec in question.fields:
                    value = self.read_field(spec)
                    if value is not None:
                        entry[spec.id] = value
            except (Stop, InputEnded, Refused):
                # a half-filled entry is a draft: it is there when the person comes back
                self.conversation.keep_draft(question.id, {"records": records, "entry": entry})
                raise
            try:
                records.append(read_entry(question, entry, len(records) + 1) or {})
                self.say("Added.")
            except EntryError as error:
                self.refused(f"Not added: {error}.")
            self.conversation.keep_draft(question.id, {"records": records})

    def read_field(self, spec: RecordField) -> Any:
        self.say_options(spec.options, "    ")
        while True:
            reply = self.ask(f"  {spec.prompt}{'' if spec.required else ' (optional)'} > ")
            if reply.casefold() in WORDS_FOR_WHY:
                self.say("  " + field_help(spec))
                continue
            try:
                return read_field(spec, reply)
            except EntryError as error:
                self.refused(f"  {error}.")

    def finish(self) -> None:
        result = self.session.result()
        said = self.conversation.finished()
        self.say("\n== Your result ==")
        for line in said.lines():
            self.say(line)
        from .plan.context import build, listed_steps

        count = len(listed_steps(build(self.flow, result, self.conversation.plan_meta())))
        if count:  # as the plan numbers them: none for a level above what the work calls for
            self.say(f"{count} step{'s' * (count != 1)} to take {'are' if count != 1 else 'is'} listed in the plan.")
        self.write_plan(result)

    def write_plan(self, result: Any) -> None:
        from .plan.save import make_plan, save_plan
        from .plan.word import MissingExtra

        proposed = _unused(self.folder / self.conversation.plan_file_name("md"))
        try:
            # a name ending .txt gives plain text, to paste into a board paper's template; .docx, .html, .json
            # the other formats: every one says the same thing
            reply = self.ask(f"\nSave the plan as {proposed.name}? Press Enter, or type another name (ending .txt"
                             f" for plain text to paste, .docx for Word), or no > ")
        except (InputEnded, Stop):
            reply = "no"  # quitting, or the end of the input, saves no file: the session keeps the answers
        if reply.casefold() in ("no", "n", "q"):
            self.say(f"The plan was not saved; your answers are. Save it later with:"
                     f" codesign --plain --resume {self.session.name}")
            return
        path = with_format_suffix(self.folder / Path(reply).expanduser(), "md") if reply else proposed
        if not path.parent.exists() and self.agrees(f"There is no folder {path.parent}. Make it? (yes/no) > "):
            try:
                path.parent.mkdir(parents=True)
            except OSError as error:
                self.say(f"The folder could not be made: {error.strerror}.")
        force = path.exists() and self.agrees(f"{path.name} already exists. Replace it? (yes/no) > ")
        if path.exists() and not force:
            path = _unused(path)
        try:
            fmt = _FORMATS.get(path.suffix.casefold(), "md")
            # as in the app: a plan naming people is its writer's alone (0600)
            save_plan(path, make_plan(fmt, self.flow, result, self.conversation.plan_meta()), force=force)
        except MissingExtra as error:
            self.say(f"The plan could not be saved: {error}")
            return
        except ExportError as error:
            self.say(f"The plan could not be saved: {error}. Render it again later with:"
                     f" codesign --plain --resume {self.session.name}")
            return
        self.conversation.plan_saved(path)
        self.say(f"The plan is in {path}.")

    def agrees(self, question: str) -> bool:
        """A yes or no asked while saving the plan: no, when the input ends or the person stops."""
        try:
            return self.ask(question).casefold() in ("y", "yes")
        except (InputEnded, Stop):
            return False


_FORMATS = {".txt": "text", ".docx": "docx", ".html": "html", ".htm": "html", ".json": "json"}  # else Markdown


def _unused(path: Path) -> Path:
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _wrapped(line: str, width: int) -> str:
    """A line wrapped between words, an option's continuation under its words ("  1  Yes, it…"); a line
    indented for another reason (a command to copy) is left whole."""
    option = re.match(r"(\s+\d+\s+|\s*[-*]\s+)", line)
    if len(line) <= width or (line[:1] == " " and option is None):
        return line
    indent = " " * len(option.group(1)) if option else ""
    return textwrap.fill(line, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)


def converse(flow_or_session: Flow | Session, stdin: TextIO | None = None, stdout: TextIO | None = None,
             folder: Path | None = None, store: SessionStore | None = None,
             brought_back: tuple[str, ...] = (), voice: str = "", piped: bool | None = None) -> int:
    """Talk a person through a flow (a new session) or a saved session, line by line. `piped`: the replies
    come from a file or a script, not a person at a terminal (by default: when standard input is not one)."""
    from .resources import own_flow_path

    sessions = Sessions(store)
    new = not isinstance(flow_or_session, Session)
    if isinstance(flow_or_session, Session):
        session = flow_or_session
    else:  # a flow file of one's own is found again by its path when the session is resumed
        session = sessions.start(flow_or_session, own_flow_path(flow_or_session.path), voice=voice)
    if piped is None:
        piped = stdin is None and not _is_terminal(sys.stdin)
    return PlainConversation(session, stdin or sys.stdin, stdout or sys.stdout, folder or Path.cwd(),
                             sessions.store, brought_back, ask_names=new, piped=piped).run()


def resume(name: str, flow_for: Callable[[AnswersFile], Flow | None], stdin: TextIO | None = None,
           stdout: TextIO | None = None, folder: Path | None = None, store: SessionStore | None = None) -> int:
    """Carry on with a saved session in plain mode (`name`, or the person's latest): checked against its flow
    (`flow_for`), held for this process alone; one open in another window is offered as a copy or a look."""
    sessions = Sessions(store)
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    try:
        resumed = sessions.resume(name, flow_for)
    except CannotResume as problem:
        where = "" if problem.damaged else "; `codesign sessions` lists them"
        print(visible(f"codesign: cannot resume: {problem}{where}"), file=sys.stderr)
        return EXIT_REFUSED
    session = resumed.session
    if resumed.elsewhere:
        stdout.write(visible(f"Session {session.name} {ELSEWHERE} Type copy to carry on in a copy of it (a new"
                             " session), or view to see its answers; anything else stops.") + "\n")
        stdout.flush()
        reply = stdin.readline().strip().casefold()
        if reply == "view":  # read only: a conversation that is never saved
            stdout.writelines(visible(f"{row.prompt}  {row.answer}") + "\n" for row in Conversation(session).rows()
                              if row.answered)
        if reply != "copy":
            return 0
        session = sessions.copy(resumed)
    piped = stdin is sys.stdin and not _is_terminal(sys.stdin)
    return PlainConversation(session, stdin, stdout, folder or Path.cwd(), sessions.store, resumed.brought_back,
                             piped=piped).run()

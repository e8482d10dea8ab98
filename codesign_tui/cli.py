"""The `codesign` command. Each subcommand imports what it needs inside itself, so that the headless
commands stay quick and never load Textual."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

if TYPE_CHECKING:  # named in annotations only: the command's start-up loads what each command needs
    from .cohort.moves import Moved, Unread
    from .flow.answers import AnswersFile
    from .flow.model import Flow

EXIT_OK, EXIT_PROBLEMS = 0, 2
# the subcommands, known without building the parser: `codesign` on its own, or with a flow, is how most
# people start it, and building every subcommand's options took a twentieth of the time to the first screen
# (tests/process/test_cli.py checks this list against the parser's)
COMMANDS = ("flows", "validate", "schema", "paths", "render", "migrate", "verify", "examples", "example", "cohort",
            "serve", "room", "map", "compare", "meeting", "handout", "sessions")


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `only`, the options of that command alone are built (a command's run
    need not build the other sixteen's: a tenth of `codesign render`'s own time)."""
    parser = argparse.ArgumentParser(
        prog="codesign",
        description="Work through a decision from the Greater Manchester (GM) voluntary, community and social"
                    " enterprise (VCSE) Commissioning Framework (whether to consult,"
                    " co-design or co-produce; an accessible tender; a proportionate grant) and write the plan.",
        epilog="`codesign` on its own opens the home screen; `codesign engagement-plan` starts the built-in"
               " flow straight away.")
    parser.usage = "codesign [--plain] [FLOW]\n       codesign --resume [ID]\n       codesign COMMAND ..."
    parser.add_argument("--version", action="store_true", help="print the version and stop")
    parser.add_argument("--plain", action="store_true",
                        help="ask the questions line by line on plain input and output")
    parser.add_argument("--resume", nargs="?", const="", metavar="ID",
                        help="carry on with a saved session (the latest when no ID)")
    parser.add_argument("--voice", metavar="WHO", help="answer as a partner, not as the commissioner: the plan and"
                        " its file say whose view it gives (\"VCSE partner\"); see codesign compare")
    parser.add_argument("--facilitate", action="store_true",
                        help="for a room: show discussion prompts and hide the recommendation until revealed (F4)")
    # each command's usage starts "codesign COMMAND", not the three-line usage of codesign itself
    commands: Any = parser.add_subparsers(dest="command", metavar="COMMAND", prog="codesign")
    if only is not None:
        commands = _OnlyOne(commands, only)

    flows = commands.add_parser("flows", help="list the available flows")
    flows.set_defaults(run=_flows)

    validate = commands.add_parser("validate", help="check flows and run their examples")
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                          help="flow files or folders (default: the shipped flows)")
    validate.set_defaults(run=_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of the flow format")
    schema.set_defaults(run=_schema)

    paths = commands.add_parser("paths", help="count the combinations of answers leading to each level, or"
                                " what an edit to a flow changes (--diff, --diff-from)")
    paths.usage = ("codesign paths FLOW [--csv]\n       codesign paths --diff OLD NEW [--csv] [--sessions PATH ...]"
                   "\n       codesign paths FLOW --diff-from VERSION [--csv] [--sessions PATH ...]")
    paths.add_argument("flow", nargs="?", help="a flow id or file")
    paths.add_argument("--csv", action="store_true", help="print every combination and its recommendation (with"
                       " --diff, every combination whose recommendation or what holds it back changes)")
    paths.add_argument("--diff", nargs=2, metavar=("OLD", "NEW"),
                       help="what an edit does: every combination of answers counted by its recommendation under"
                       " OLD and under NEW (flow files); exit 0 when nothing changes, 1 when something does")
    paths.add_argument("--diff-from", metavar="VERSION",
                       help="as --diff, from a released version of FLOW kept beside it (flows/released/VERSION/)")
    paths.add_argument("--sessions", nargs="+", type=Path, metavar="PATH",
                       help="with --diff or --diff-from: saved sessions, answers files or a room's folder; lists"
                       " each person's plan, its old and new recommendation and what now holds it back")
    paths.set_defaults(run=_paths)

    render = commands.add_parser("render", help="render a plan from an answers file")
    render.add_argument("flow", help="a flow id or file")
    render.add_argument("--answers", required=True, type=Path, metavar="FILE",
                        help="the answers file, or a worked example's name (codesign examples lists them)")
    render.add_argument("--format", choices=("md", "html", "docx", "json", "text"), default="md",
                        help="Markdown (default), a standalone web page, a Word document, JSON, or plain text"
                        " to paste into a board paper or email")
    render.add_argument("--with", dest="partners", action="append", type=Path, default=[], metavar="FILE",
                        help="another voice's answers to the same work (a partner's): the plan adds where they"
                        " differ and what that changes; give it once per file")
    render.add_argument("-o", "--output", type=Path, metavar="PATH", help="write here instead of the screen")
    render.add_argument("--force", action="store_true", help="replace the output file if it exists")
    render.add_argument("--partial", action="store_true", help="allow unanswered questions")
    render.add_argument("--summary", action="store_true",
                        help="the one-page summary: the recommendation, the main reasons, what would have to"
                             " change and the next five steps")
    render.add_argument("--paper", choices=("a4", "letter"), default="a4",
                        help="the page size of a Word document: A4 (the default) or US Letter")
    render.add_argument("--document", choices=("plan", "conflicts-assessment"), default="plan",
                        help="the plan (default), or the record of conflicts of interest the rules in force ask"
                             " for, made from the register: the conflicts assessment of a covered procurement"
                             " (Procurement Act 2023, s.83), the conflicts part of a Provider Selection Regime"
                             " decision record (SI 2023/1348, reg. 24), or a conflicts of interest record")
    render.add_argument("--public", action="store_true",
                        help="leave out the register entries of people who did not agree to publication")
    render.add_argument("--front-matter", action="store_true",
                        help="start the Markdown with YAML front matter, for wikis and static-site tools")
    render.add_argument("--templates", type=Path, metavar="PATH",
                        help="a template file, or a folder of templates that shadow ours")
    render.add_argument("--as-answered", action="store_true",
                        help="decide under the flow as it was when the answers were given (its kept copy or"
                             " released version), not as it is now")
    render.set_defaults(run=_render)

    migrate = commands.add_parser("migrate", help="carry answers files and saved sessions to the flow's version")
    migrate.add_argument("paths", nargs="+", type=Path, metavar="FILE", help="answers files or saved sessions")
    migrate.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
    migrate.add_argument("--flow", metavar="FLOW", help="the flow (an id or a flow file); default: the shipped"
                         " flow each file names")
    migrate.set_defaults(run=_migrate)

    verify = commands.add_parser("verify", help="check that a plan follows from its answers under the flow it"
                                 " names: exit 0 when it matches, 1 when it does not, 2 when it cannot tell")
    verify.add_argument("plan", type=Path, metavar="PLAN", help="the plan: Markdown, a web page, Word, JSON or text")
    verify.add_argument("--answers", required=True, type=Path, metavar="FILE",
                        help="the answers file or saved session it was drawn from")
    verify.add_argument("--flow", metavar="FLOW", help="the flow's file, when it is not a shipped one")
    verify.add_argument("--format", choices=("md", "html", "docx", "json", "text"),
                        help="the plan's format (default: from its name and content)")
    verify.add_argument("--templates", type=Path, metavar="PATH",
                        help="the templates it was rendered with, when not ours (render --templates)")
    verify.set_defaults(run=_verify)

    examples = commands.add_parser("examples", help="list the worked examples (the framework's case studies)")
    examples.add_argument("--results", action="store_true", help="show each case's recommendation too, for"
                          " preparing a session (left out by default: the list may be on a projector)")
    examples.set_defaults(run=_examples)

    example = commands.add_parser("example", help="open a worked example, its answers proposed at each step")
    example.add_argument("name", help="the example's name, from `codesign examples`")
    example.add_argument("--facilitate", action="store_true", help="facilitator mode (see codesign --help)")
    example.set_defaults(run=_example)

    cohort = commands.add_parser("cohort", help="compare a room's answers: recommendations, disagreement, notes")
    cohort.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="answers files or saved sessions, or folders of them (read recursively)")
    cohort.add_argument("--flow", metavar="FLOW",
                        help="report on this flow alone (an id or a flow file); files for other flows are"
                             " skipped. Without it, each flow found is reported on its own")
    cohort.add_argument("--example", metavar="EXAMPLE",
                        help="compare the room with a worked example (from `codesign examples`): per question,"
                             " how many gave the case's answer; the share reaching its recommendation; who"
                             " differs most, by seat number")
    cohort.add_argument("--format", choices=("md", "json"), default="md", help="Markdown (default) or JSON")
    cohort.add_argument("-o", "--output", type=Path, metavar="PATH", help="write here instead of the screen")
    cohort.add_argument("--force", action="store_true", help="replace the output file if it exists")
    cohort.add_argument("--show", action="store_true",
                        help="show the report full screen, counting again every few seconds (for a projector)")
    cohort.set_defaults(run=_cohort)

    serve = commands.add_parser("serve", help="run the app for web browsers, one session per browser tab")
    serve.add_argument("flow", nargs="?", help="open this flow straight away (default: the home screen)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--public-url", metavar="URL",
                       help="the address participants open, when it is not this machine's own (a proxy, a name)")
    serve.add_argument("--collect", type=Path, metavar="DIR",
                       help="save each finished session's answers into this folder for the trainer")
    serve.add_argument("--facilitate", action="store_true", help="facilitator mode in every tab")
    serve.add_argument("--max-tabs", type=int, default=60, metavar="N",
                       help="tabs open at once (default 60): each is a process of about 50 MB")
    serve.set_defaults(run=_serve)

    room = commands.add_parser("room", help="run a training room: the conversation as a web page for each"
                               " participant, one server, a page for the trainer")
    room.add_argument("flow", nargs="?", default="appendix2",
                      help="the flow the room answers (default appendix2), or a worked example from `codesign"
                           " examples`, whose scenario participants read first (its answers stay hidden)")
    room.add_argument("--dir", type=Path, required=True, metavar="DIR",
                      help="the room folder: one answers file per participant, written after every answer")
    room.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine)")
    room.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    room.add_argument("--public-url", metavar="URL",
                      help="the address participants open, when it is not this machine's own (a proxy, a name)")
    room.add_argument("--facilitate", action="store_true",
                      help="hide every recommendation until the trainer reveals them, once, for the room")
    room.add_argument("--voices", action="store_true",
                      help="ask each person who joins whose view they give (\"VCSE partner\"), for a panel of voices")
    room.add_argument("--passphrase", metavar="TEXT", default="",
                      help="participants type this to join (or set CODESIGN_ROOM_PASSPHRASE, which ps cannot show)")
    room.add_argument("--max-participants", type=int, default=60, metavar="N", help="seats in the room (default 60)")
    room.add_argument("--seats-per-address", type=int, default=5, metavar="N",
                      help="seats one network address may take in ten minutes (default 5); raise it when the"
                           " whole room reaches this machine from one address, through a proxy or one router")
    room.add_argument("--trust-proxy", action="store_true",
                      help="the room is reached only through a reverse proxy that adds the client's address to"
                           " X-Forwarded-For: count wrong tries and seats by that address (never set it without"
                           " such a proxy: anyone could then name any address)")
    room.set_defaults(run=_room)

    flow_map = commands.add_parser("map", help="the whole flow as one picture: its questions, branches and how"
                                   " it decides")
    flow_map.add_argument("flow", metavar="FLOW")
    flow_map.add_argument("--format", choices=["text", "html", "mermaid"], default="text",
                          help="text (default), html (a web page for A4 landscape or a projector), or mermaid"
                          " (for GitHub and GitLab)")
    flow_map.add_argument("-o", "--output", type=Path, metavar="PATH", help="write here instead of the screen")
    flow_map.add_argument("--force", action="store_true", help="replace PATH if it exists")
    flow_map.set_defaults(run=_map)

    voices = commands.add_parser("compare", help="set several voices' answers to one piece of work side by side:"
                                 " where they differ and what each difference changes")
    voices.add_argument("files", nargs="+", type=Path, metavar="FILE",
                        help="answers files or saved sessions of one flow; the first is the baseline")
    voices.add_argument("--flow", metavar="FLOW", help="the flow, when the files' own is not a shipped one")
    voices.add_argument("--format", choices=("md", "html", "docx", "json", "text"), default="md")
    voices.add_argument("-o", "--output", type=Path, metavar="PATH", help="write here instead of the screen")
    voices.add_argument("--force", action="store_true", help="replace PATH if it exists")
    voices.set_defaults(run=_compare)

    meeting = commands.add_parser("meeting", help="a sheet for the chair of one meeting: declarations, then each"
                                  " agenda item with the registered interests it touches and a sentence for the"
                                  " minutes")
    meeting.add_argument("answers", type=Path, metavar="ANSWERS", help="an answers file or saved session with a"
                         " register of interests")
    meeting.add_argument("--agenda", type=Path, required=True, metavar="AGENDA",
                         help="the agenda: a text file, one item a line, or YAML (items, each with optional"
                              " `concerns:` naming organisations or people)")
    meeting.add_argument("--format", choices=("md", "docx", "html", "text"), default="md")
    meeting.add_argument("--paper", choices=("a4", "letter"), default="a4", help="the Word document's paper size")
    meeting.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here instead of the screen")
    meeting.add_argument("--force", action="store_true", help="replace FILE if it exists")
    meeting.set_defaults(run=_meeting)

    handout = commands.add_parser("handout", help="a printable sheet for a training session: the scenario, and"
                                  " each question with its answers, discussion prompts and room to write")
    handout.add_argument("name", metavar="EXAMPLE|FLOW", help="a worked example (codesign examples) or a flow")
    handout.add_argument("--key", action="store_true",
                         help="the answer key: the case's answer and why at each question, and its recommendation")
    handout.add_argument("--format", choices=("md", "html", "docx", "text"), default="md")
    handout.add_argument("--paper", choices=("a4", "letter"), default="a4", help="the Word document's paper size")
    handout.add_argument("-o", "--output", type=Path, metavar="PATH", help="write here instead of the screen")
    handout.add_argument("--force", action="store_true", help="replace PATH if it exists")
    handout.set_defaults(run=_handout)

    sessions = commands.add_parser("sessions", help="list saved sessions, or delete one")
    sessions.add_argument("--delete", metavar="ID", help="delete this saved session")
    sessions.set_defaults(run=_sessions)
    # which first words are commands, not flows (no flow may take one as its id: flow/format.py COMMAND_NAMES)
    parser.set_defaults(commands=COMMANDS if only is not None else tuple(commands.choices))
    return parser


class _OnlyOne:
    """The subcommands when one is run: its parser built, the others' left unmade (what is said to them is
    dropped)."""

    def __init__(self, commands: Any, only: str):
        self.commands, self.only = commands, only

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        return self.commands.add_parser(name, **kwargs) if name == self.only else _Unmade()


class _Unmade:
    """A subcommand's parser that is not built: its options and defaults go nowhere."""

    usage = ""

    def add_argument(self, *args: Any, **kwargs: Any) -> None:
        pass

    def set_defaults(self, **kwargs: Any) -> None:
        pass


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _tolerant_streams()
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    # `codesign FLOW` and `codesign COMMAND` share the first position: decide which before parsing
    if argv and argv[0] in COMMANDS and "-h" not in argv and "--help" not in argv:
        options = _parser(only=argv[0]).parse_args(argv)  # a command's run needs only its own options
    elif first in COMMANDS or "-h" in argv or "--help" in argv:
        options = _parser().parse_args(argv)
    else:
        options = _parse_conversation(argv)
    try:
        if options.version:
            from . import __version__
            print(f"codesign {__version__}")
            return EXIT_OK
        run: Callable[[argparse.Namespace], int] = getattr(options, "run", _converse)
        return run(options)
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _tolerant_streams() -> None:
    """A terminal or pipe whose encoding is not UTF-8 (a Windows code page such as cp1252 or cp850, or
    ASCII) shows a character it lacks as "?" and reads a byte it cannot decode as U+FFFD, instead of
    ending the command with a traceback."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            reconfigure(errors="backslashreplace" if stream is sys.stderr else "replace")
        except (OSError, ValueError):  # a stream already closed or detached keeps its own way
            pass


def _parse_conversation(argv: list[str]) -> argparse.Namespace:
    top = argparse.ArgumentParser(prog="codesign", add_help=False)
    top.add_argument("--plain", action="store_true")
    top.add_argument("--version", action="store_true")
    top.add_argument("--resume", nargs="?", const="")
    top.add_argument("--facilitate", action="store_true")
    top.add_argument("--voice", default="")  # a plan answered as a partner: "VCSE partner"
    # set by `codesign serve` for each browser tab's process
    top.add_argument("--served", action="store_true")
    top.add_argument("--collect", type=Path)
    top.add_argument("flow", nargs="?", default=None)
    options, extra = top.parse_known_args(argv)
    if extra:  # the whole parser, for its usage and error
        _parser().error(f"unrecognised arguments: {' '.join(extra)}")
    return options


def _shown(text: str, keep: str = "") -> str:
    """Text from a file or a person, safe for the terminal: control characters shown, not obeyed."""
    from .flow.visible import visible

    return visible(text, keep)


def _output(path: Path | None) -> Path | None:
    """`-o -` means standard output, as for most commands; a file called "-" is written as ./-."""
    return None if path is not None and str(path) == "-" else path


def _deliver(options: argparse.Namespace, data: bytes, binary: bool = False, mode: int | None = None) -> int:
    """A command's result: on standard output without -o (its control characters shown, not obeyed, on a
    terminal), else written to -o PATH whole or not at all, `mode` for a file that names people, and said."""
    from .files import ExportError, write_atomically

    if options.output is None:
        if not binary and sys.stdout.isatty():
            data = _shown(data.decode("utf-8"), keep="\n\t").encode("utf-8")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return EXIT_OK
    try:
        write_atomically(options.output, data, force=options.force, mode=mode)
    except ExportError as error:
        return _error(str(error))
    print(f"Wrote {_shown(str(options.output))}", file=sys.stderr)
    return EXIT_OK


def _error(message: str) -> int:
    print(f"codesign: {_shown(message)}", file=sys.stderr)
    return EXIT_PROBLEMS


def _flow_path(name: str) -> Path | None:
    from .resources import find_flow, shipped_flows

    try:
        path = find_flow(name)
    except LookupError:
        known = ", ".join(p.stem for p in shipped_flows())
        _error(f"no flow called {name!r}; the flows are: {known} (or give a path to a .yaml file)")
        return None
    if not path.exists() and not path.is_symlink():  # a loop of links is named as one when read
        _error(f"{path}: no such file")
        return None
    return path


def _load(name: str, examples: bool = True):
    """The flow, or None after printing every problem; `examples` False for a command that never reads its
    worked examples (see load_flow)."""
    from .flow.loader import load_flow
    from .flow.problems import FlowError

    path = _flow_path(name)
    if path is None:
        return None
    try:
        return load_flow(path, examples=examples)
    except FlowError as error:
        print(error.problems.format(), file=sys.stderr)
        print(f"codesign: {_shown(str(path))} has problems; fix them and try again", file=sys.stderr)
        return None


def _flows(options: argparse.Namespace) -> int:
    from .flow.engine import longest_path
    from .flow.loader import read_flow
    from .flow.problems import Problems
    from .resources import shipped_flows

    rows = []
    for path in shipped_flows():
        flow = read_flow(path, Problems())
        if flow is not None:  # the most questions a person can be asked, as the home screen says
            rows.append((flow.id, flow.title, str(longest_path(flow, {})[0])))
    widths = [max(len(r[i]) for r in rows + [("id", "title", "questions")]) for i in range(3)]
    print(f"{'id':<{widths[0]}}  {'title':<{widths[1]}}  questions")
    for flow_id, title, count in rows:
        print(_shown(f"{flow_id:<{widths[0]}}  {title:<{widths[1]}}  {count:>9}"))
    return EXIT_OK


def _validate(options: argparse.Namespace) -> int:
    from .flow.validate import validate_paths
    from .resources import shipped_flows

    paths = options.paths or shipped_flows()
    report = validate_paths(paths)
    if report.problems.items:
        print(report.problems.format())
    print(report.summary())
    return EXIT_PROBLEMS if report.problems.errors else EXIT_OK


def _schema(options: argparse.Namespace) -> int:
    import json

    from .flow.format import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK


def _cell(text: str) -> str:
    """A CSV cell a spreadsheet shows rather than runs: one starting =, +, -, @ (or a tab or carriage
    return before them) gets a leading apostrophe, as OWASP advises for CSV injection."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _paths(options: argparse.Namespace) -> int:
    import csv

    from .flow.engine import evaluate
    from .flow.paths import combinations, explore

    if options.diff or options.diff_from:
        return _paths_diff(options)
    if options.sessions:
        return _error("--sessions goes with --diff OLD NEW or --diff-from VERSION: it says who an edit moves")
    if options.flow is None:
        return _error("give a flow (an id or a file), or --diff OLD NEW")
    flow = _load(options.flow)
    if flow is None:
        return EXIT_PROBLEMS
    if not flow.levels:
        return _error(f"flow {flow.id!r} has no levels, so there are no recommendations to count")
    report = explore(flow)
    if report.too_many:
        return _error(f"the rules read {len(report.questions)} questions with {report.too_many:,}"
                      " combinations of answers; too many to list")
    if options.csv:
        from .flow.paths import MAX_PATHS, count_combinations
        if count_combinations(flow) > MAX_PATHS:
            return _error(f"the rules read {len(report.questions)} questions with"
                          f" {count_combinations(flow):,} combinations of answers; too many to list one a row")
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([_cell(c) for c in [*report.questions, "calls_for", "supported", "recommendation", "rule"]])
        for answers in combinations(flow):
            result = evaluate(flow, answers)
            cells = ["|".join(v) if isinstance(v, list) else (v or "") for v in
                     (answers.get(q) for q in report.questions)]
            writer.writerow([_cell(c) for c in [*cells, result.calls_for.id if result.calls_for else "",
                                                result.supported.id if result.supported else "",
                                                result.recommendation.id if result.recommendation else "",
                                                result.calls_for_rule.id if result.calls_for_rule else ""]])
        return EXIT_OK
    print(f"{_shown(flow.id)}: {report.total:,} combinations of answers to {len(report.questions)} questions"
          f" ({', '.join(report.questions)})")
    width = max(len(level.id) for level in flow.levels)
    digits = max(7, len(f"{report.total:,}"))
    for level in flow.levels:
        count = report.by_level[level.id]
        share = count / report.total if report.total else 0
        print(f"  {level.id:<{width}}  {count:>{digits},}  {share:6.1%}  {'#' * round(share * 40)}")
    for floor in flow.floors:
        raised = report.by_floor[floor.id]
        print(f"  floor {_shown(floor.id)} raised {raised:,} combination{'s' * (raised != 1)} to at least"
              f" {_shown(flow.level(floor.level).label if flow.has_level(floor.level) else floor.level)}")
    for level in report.unreachable_levels(flow):
        print(f"warning: no combination of answers leads to level {level!r}")
    for rule in report.unreachable_rules(flow):
        print(f"warning: no combination of answers reaches rule {rule!r}")
    return EXIT_OK


EXIT_CHANGED = 1  # paths --diff: something changes; verify: the plan does not match


def _paths_diff(options: argparse.Namespace) -> int:
    """`paths --diff OLD NEW` and `paths FLOW --diff-from VERSION`: what the edit does to every combination of
    answers, and with --sessions to each saved plan."""
    import csv

    from .flow.paths import MAX_PATHS
    from .flow.pathdiff import changed_rows, diff

    if options.diff and (options.diff_from or options.flow):
        return _error("give either --diff OLD NEW, or FLOW --diff-from VERSION, not both")
    if options.diff_from:
        if options.flow is None:
            return _error("--diff-from needs the flow: codesign paths FLOW --diff-from VERSION")
        new = _load(options.flow)
        if new is None:
            return EXIT_PROBLEMS
        from .flow.versions import released, released_versions

        old = new if options.diff_from == new.version else released(new, options.diff_from)
        if old is None:
            kept = released_versions(new)
            return _error(f"no version {options.diff_from!r} of {new.id!r} is kept beside {new.file or new.path}"
                          + (f"; the released versions kept: {', '.join(kept)}" if kept else
                             "; no released versions are kept there (flows/released/VERSION/)"))
    else:
        old, new = _load(options.diff[0]), _load(options.diff[1])
        if old is None or new is None:
            return EXIT_PROBLEMS
    if not old.levels or not new.levels:
        return _error(f"flow {(old if not old.levels else new).id!r} has no levels, so there are no"
                      " recommendations to compare")
    if old.id != new.id:
        print(_shown(f"warning: the flows have different ids ({old.id!r} and {new.id!r}); answers are compared"
                     " question by question, without migrations"), file=sys.stderr)
    report = diff(old, new)
    if report.too_many:
        return _error(f"the rules of the two versions read {len(report.questions)} questions with"
                      f" {report.too_many:,} combinations of answers; too many to compare")
    moves: list[Moved] = []
    unread: list[Unread] = []
    if options.sessions:
        from .cohort.moves import who_moves

        moves, unread = who_moves(old, new, options.sessions)
    if options.csv:
        if report.changing > MAX_PATHS:
            return _error(f"{report.changing:,} combinations change; too many to list one a row (at most"
                          f" {MAX_PATHS:,})")
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([_cell(c) for c in [*report.questions, "old_recommendation", "new_recommendation",
                                            "old_held_back_by", "new_held_back_by"]])
        for answers, before, after in changed_rows(old, new):
            cells = [_answer_cell(answers.get(q)) for q in report.questions]
            writer.writerow([_cell(c) for c in [*cells, before.recommendation or "", after.recommendation or "",
                                                "|".join(before.held_back_by), "|".join(after.held_back_by)]])
        if moves:
            _print_moves(moves, unread, new, file=sys.stderr)
        return EXIT_CHANGED if report.changed or any(m.changed for m in moves) else EXIT_OK
    _print_diff(report, old, new)
    if options.sessions:
        _print_moves(moves, unread, new)
    return EXIT_CHANGED if report.changed or any(m.changed for m in moves) else EXIT_OK


def _answer_cell(pair) -> str:
    from .flow.pathdiff import pair_text

    return pair_text(pair) if pair is not None else ""


def _print_diff(report, old, new) -> None:
    from .flow.pathdiff import pair_text

    def level(level_id, new_side: bool) -> str:
        return level_id if level_id is not None else "(asked again)" if new_side else "(a new answer)"

    def held(ids, new_side: bool) -> str:
        return level(None, new_side) if ids is None else ", ".join(ids) if ids else "nothing"

    def example(combination) -> str:
        return ", ".join(f"{q}={pair_text(p)}" for q, p in combination.items())

    total = report.total
    digits = max(7, len(f"{total:,}"))
    print(_shown(f"{old.id} {old.version} → {new.id} {new.version}: {total:,} combinations of answers to"
                 f" {len(report.questions)} questions ({', '.join(report.questions)})"))
    changes = report.recommendation_changes
    print(f"Recommendation: {report.moved:,} combination{'s' * (report.moved != 1)} change"
          + ("s" * (report.moved == 1)) + (":" if changes else ""))
    width = max((len(f"{level(a, False)} → {level(b, True)}") for (a, b), _ in changes), default=0)
    for (before, after), count in changes:
        share = count / total if total else 0
        change = f"{level(before, False)} → {level(after, True)}"
        print(_shown(f"  {change:<{width}}  {count:>{digits},}  {share:6.1%}"))
        for combination in report.examples.get((before, after), []):
            print(_shown(f"      e.g. {example(combination)}"))
    unchanged = total - report.moved
    print(f"  unchanged {unchanged:,} ({unchanged / total if total else 0:.1%})")
    changes = report.held_back_changes
    shown = changes[:HELD_CHANGES_SHOWN]
    moved = sum(count for _, count in changes)
    print(f"What holds it back: {moved:,} combination{'s' * (moved != 1)} change" + ("s" * (moved == 1))
          + (f", in {len(changes):,} way{'s' * (len(changes) != 1)}:" if changes else ""))
    for (before, after), count in shown:
        print(_shown(f"  {held(before, False)} → {held(after, True)}  {count:,}"))
        for combination in report.held_examples.get((before, after), [])[:1]:
            print(_shown(f"      e.g. {example(combination)}"))
    if len(changes) > len(shown):
        print(f"  and {len(changes) - len(shown):,} more; --csv lists every combination that changes")
    by_question = _held_by_question(report)
    if by_question:
        print("By question (combinations where it now also holds the recommendation back, or no longer does):")
        for question, (added, removed) in by_question.items():
            print(_shown(f"  {question}: " + "; ".join(
                part for part in (f"now also {added:,}" if added else "", f"no longer {removed:,}" if removed else "")
                if part)))
    if any(key[1] is None for key in report.by_recommendation):
        print("(asked again): the new version no longer offers an answer these combinations give, so a person"
              " who gave it is asked that question again")
    if any(key[0] is None for key in report.by_recommendation):
        print("(a new answer): the combination gives an answer only the new version offers")


def _held_by_question(report) -> dict:
    """For each question: in how many combinations it now also holds the recommendation back, and in how many
    it no longer does (combinations both versions decide)."""
    counts: dict = {}
    for (before, after), count in report.held_back_changes:
        if before is None or after is None:
            continue
        for question in after:
            if question not in before:
                counts.setdefault(question, [0, 0])[0] += count
        for question in before:
            if question not in after:
                counts.setdefault(question, [0, 0])[1] += count
    return {q: tuple(v) for q, v in sorted(counts.items(), key=lambda item: -sum(item[1]))}


HELD_CHANGES_SHOWN = 12


def _print_moves(moves, unread, new, file=None) -> None:
    file = file or sys.stdout

    def level(level_id) -> str:
        return new.level(level_id).label if level_id and new.has_level(level_id) else level_id or "not decided"

    print(f"Saved plans ({len(moves):,}):" if moves else "No saved plans of this flow were found.", file=file)
    for move in moves:
        who = move.project or "(no project name)"
        if move.prepared_by:
            who += f", prepared by {move.prepared_by}"
        line = f"  {move.path}: {who}: {level(move.old)}"
        line += f" → {level(move.new)}" if move.old != move.new else " (unchanged)"
        if move.new is None and move.pending:
            line += "; to answer (again): " + ", ".join(move.pending)
        elif move.held_back_by:
            line += f"; {'now ' if move.held_back_by != move.old_held_back_by else ''}held back by " \
                    + ", ".join(move.held_back_by)
        elif move.old_held_back_by:
            line += "; nothing holds it back now"
        print(_shown(line), file=file)
    for item in unread:
        print(_shown(f"  skipped {item.path}: {item.reason}"), file=file)


def _map(options: argparse.Namespace) -> int:
    from .flow.outline import outline
    from .plan.flowmap import FORMATS

    flow = _load(options.flow)
    if flow is None:
        return EXIT_PROBLEMS
    text = FORMATS[options.format](outline(flow))
    return _deliver(options, text.encode("utf-8"))


def _voice_file(path: Path, problems: Any, titled: bool = False) -> AnswersFile | None:
    """An answers file or saved session, or a worked example named as `codesign examples` lists it (a case
    study may give more than one side: `codesign compare point-oldham point-oldham-parent-carers`); `titled`,
    an example's answers name the case as the work (compare keeps them unnamed, to check they are alike)."""
    from .flow.answers import AnswersFile, read_answers

    if not path.exists() and path.suffix not in (".yaml", ".yml"):
        from .plan.handout import examples_by_name
        from .resources import flows_dir

        example = examples_by_name(flows_dir()).get(str(path))
        if example is not None:
            return AnswersFile(example.flow, dict(example.answers), example.title if titled else "",
                               path=example.path, voice=example.voice, example=example.name)
    return read_answers(path, problems)


def _example_title(path: Path) -> str:
    """A worked example's title when `path` names one (it has no `project:`), so that a comparison of worked
    examples says which case it is about; else ""."""
    if path.exists():
        return ""
    from .plan.handout import examples_by_name
    from .resources import flows_dir

    example = examples_by_name(flows_dir()).get(str(path))
    return example.title if example is not None else ""


def _compare(options: argparse.Namespace) -> int:
    from .flow.answers import check_answers
    from .flow.problems import Problems
    from .flow.voices import VoicesDiffer, check_alike, compare, voice_names
    from .plan.compare import render_comparison

    if len(options.files) < 2:
        return _error("give at least two answers files to compare")
    if options.format == "docx" and options.output is None and sys.stdout.isatty():
        return _error("a Word document cannot be shown on screen; add -o compare.docx to write it to a file")
    problems = Problems()
    read = [_voice_file(path, problems) for path in options.files]
    givens = [given for given in read if given is not None]
    if problems.errors or len(givens) < len(read):
        print(problems.format(), file=sys.stderr)
        return EXIT_PROBLEMS
    flow = _load(options.flow or givens[0].flow)
    if flow is None:
        return EXIT_PROBLEMS
    try:
        check_alike(flow, givens)
    except VoicesDiffer as error:
        return _error(str(error))
    answers = [check_answers(flow, given, problems, partial=True) for given in givens]
    if problems.items:
        print(problems.format(), file=sys.stderr)
    if problems.errors:
        return EXIT_PROBLEMS
    comparison = compare(flow, list(zip(voice_names(givens), answers)))
    project = next((given.project for given in givens if given.project), "")
    project = project or _example_title(options.files[0])
    data = render_comparison(options.format, comparison, project)
    return _deliver(options, data, binary=options.format == "docx")


def _meeting(options: argparse.Namespace) -> int:
    from .files import PRIVATE
    from .flow.answers import check_answers, read_answers
    from .flow.engine import evaluate
    from .flow.problems import Problems
    from .plan.meeting import AgendaError, read_agenda, render_sheet
    from .plan.record import NoRegister, register_question
    from .plan.word import MissingExtra

    options.output = _output(options.output)
    if options.format == "docx" and options.output is None and sys.stdout.isatty():
        return _error("a Word document cannot be shown on screen; add -o meeting.docx to write it to a file")
    try:
        agenda = read_agenda(options.agenda)
    except AgendaError as error:
        print(_shown(str(error)), file=sys.stderr)
        return EXIT_PROBLEMS
    problems = Problems()
    given = read_answers(options.answers, problems)
    if given is None:
        print(problems.format(), file=sys.stderr)
        return EXIT_PROBLEMS
    flow = _load(given.flow)
    if flow is None:
        return EXIT_PROBLEMS
    try:
        register_question(flow)
    except NoRegister as error:
        return _error(str(error))
    answers = check_answers(flow, given, problems, partial=True)
    if problems.items:
        print(problems.format(), file=sys.stderr)
    if problems.errors:
        return EXIT_PROBLEMS
    _say_carried(flow, given)
    try:
        data = render_sheet(options.format, flow, evaluate(flow, answers, so_far=True), given, agenda,
                            paper=options.paper)
    except MissingExtra as error:
        return _error(str(error))
    # the sheet names people: the writer's alone until they choose to share it
    return _deliver(options, data, binary=options.format == "docx", mode=PRIVATE)


def _handout(options: argparse.Namespace) -> int:
    from .plan.handout import examples_by_name, render_handout
    from .resources import flows_dir

    if options.format == "docx" and options.output is None and sys.stdout.isatty():
        return _error("a Word document cannot be shown on screen; add -o handout.docx to write it to a file")
    example = examples_by_name(flows_dir()).get(options.name)
    if options.key and example is None:
        return _error(f"an answer key needs a worked example, and {options.name!r} is not one; the examples are: "
                      + ", ".join(sorted(examples_by_name(flows_dir()))))
    flow = _load(example.flow if example else options.name)
    if flow is None:
        return EXIT_PROBLEMS
    data = render_handout(options.format, flow, example, key=options.key, paper=options.paper)
    return _deliver(options, data, binary=options.format == "docx")


def _render(options: argparse.Namespace) -> int:
    with _lasting() as made:
        return _render_plan(options, made)


@contextlib.contextmanager
def _lasting() -> Iterator[Callable[[], None]]:
    """For a command whose start-up (imports, the flow, the answers) makes tens of thousands of objects that
    last until it ends, and next to no garbage: the cycle collector is kept off while they are made (it went
    through them some fifty times, a twentieth of a `codesign render`), then `made()` takes them out of its
    sight for good (`gc.freeze()`, as the app does after its imports), which also spares the collection Python
    makes as the process ends (a tenth of the command), and turns it back on for what follows. A cycle made
    and dropped during start-up is kept until the process ends. Leaving without `made()` turns the collector
    back on all the same."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()

    def made() -> None:
        gc.freeze()
        if was_enabled:
            gc.enable()

    try:
        yield made
    finally:
        if was_enabled:
            gc.enable()


def _render_plan(options: argparse.Namespace, made: Callable[[], None]) -> int:
    from .flow.answers import check_answers, fit_answers, read_answers
    from .flow.engine import evaluate
    from .flow.problems import Problems
    from .plan import MissingExtra
    from .plan.render import TemplateProblem
    from .plan.save import make_plan

    options.output = _output(options.output)
    if options.format == "docx" and options.output is None and sys.stdout.isatty():
        return _error("a Word document cannot be shown on screen; add -o plan.docx to write it to a file")
    flow = _load(options.flow, examples=False)  # a plan never shows the flow's worked examples
    if flow is None:
        return EXIT_PROBLEMS
    problems = Problems()
    # a file, or a worked example named as `codesign examples` lists it
    given = _voice_file(options.answers, problems, titled=True)
    if given is not None and options.as_answered and given.flow == flow.id:
        from .flow.versions import answered_under, recorded_version

        then = answered_under(flow, given, kept_folders(options.answers))
        if then is None:
            version = recorded_version(flow, given)
            return _error(f"{options.answers}: the flow it was answered under ({flow.id!r}, version {version}) is"
                          " not kept here: neither a copy beside the saved sessions nor a released version. Leave"
                          " out --as-answered to decide under the flow as it is now")
        flow = then
    # the answers fitted to the flow once: carried from an older version of it, if need be, then checked
    fitted = fit_answers(flow, given) if given is not None and given.flow == flow.id else None
    answers = check_answers(flow, given, problems, partial=options.partial, fitted=fitted) if given else {}
    if fitted is not None and not problems.errors:
        _say_carried(flow, given, fitted.migrated)
    if problems.items:  # answers set aside are warnings, said on stderr; anything else stops here
        print(problems.format(), file=sys.stderr)
    if problems.errors:
        return EXIT_PROBLEMS
    # in a partial plan, an unanswered question holds nothing back; the plan says it is still to answer
    result = evaluate(flow, answers, so_far=options.partial)
    comparison = None
    if options.partners:
        from .flow.voices import VoicesDiffer, check_alike, compare, voice_names

        givens = [given, *(read_answers(path, problems) for path in options.partners)]
        if problems.errors or any(other is None for other in givens):
            print(problems.format(), file=sys.stderr)
            return EXIT_PROBLEMS
        try:
            check_alike(flow, givens)  # type: ignore[arg-type]
        except VoicesDiffer as error:
            return _error(str(error))
        theirs = [check_answers(flow, other, problems, partial=True) for other in givens[1:]]  # type: ignore[arg-type]
        comparison = compare(flow, list(zip(voice_names(givens, public=options.public),  # type: ignore[arg-type]
                                            [answers, *theirs])))
    document = None if options.document == "plan" else options.document
    if document is not None:
        from .plan.record import NoRegister, register_question

        if options.summary or options.partners:
            return _error(f"--document {document} is a document of its own: leave out --summary and --with")
        try:
            register_question(flow)
        except NoRegister as error:
            return _error(str(error))
    made()  # the flow, the answers and the result last until the command ends; the plan's text does not
    try:
        plan = make_plan(options.format, flow, result, given, templates=options.templates, public=options.public,
                         front_matter=options.front_matter, paper=options.paper, summary=options.summary,
                         comparison=comparison, document=document)
    except TemplateProblem as error:
        return _error(f"template problem: {_template_error(error)}")
    except MissingExtra as error:
        return _error(str(error))
    # a plan naming people in its register is the writer's alone until they choose to share it
    return _deliver(options, plan.data, binary=options.format == "docx", mode=plan.mode)


def _verify(options: argparse.Namespace) -> int:
    """Draw the plan again from the answers under the flow it names, and say whether it matches."""
    from .plan.verify import CannotTell, verify

    flow_file = None
    if options.flow is not None:
        flow_file = _flow_path(options.flow)
        if flow_file is None:
            return EXIT_PROBLEMS
    try:
        verdict = verify(options.plan, options.answers, flow_file=flow_file, folders=kept_folders(options.answers),
                         templates=options.templates, format=options.format)
    except CannotTell as error:
        return _error(f"cannot tell whether the plan matches: {error}")
    flow = verdict.flow
    under = f"{flow.id} version {flow.version} ({verdict.how_found})"
    kind = "summary" if verdict.summary else "plan"
    if verdict.matches:
        print(_shown(f"The {kind} matches: drawn again from {options.answers} under {under}, its recommendation,"
                     " what the work calls for, what holds it back and the answers are the same."))
        if verdict.public:
            print("It is the public version, which leaves out the answers' fingerprint: its content was compared.")
        if verdict.elsewhere:
            print(_shown(f"Other parts differ, which do not change the decision: {verdict.elsewhere}."))
        return EXIT_OK
    print(_shown(f"The {kind} does not match {options.answers} under {under}: {verdict.difference}."))
    return EXIT_CHANGED


def kept_folders(path: Path) -> list[Path]:
    """Where the flows a file was answered under may be kept: beside it (a room's folder), beside the folder
    of saved sessions it is in, and in the data folder."""
    from .sessions import data_folder

    folder = path.resolve().parent
    return [folder / ".flows", folder.parent / "flows", data_folder() / "flows"]


def _say_carried(flow, given, migrated: Any = False) -> None:
    """One line on stderr for each answer the flow's migrations carried from an older version (`migrated`:
    what they carried, when the caller has it from fitting the answers)."""
    if migrated is False:
        from .flow.answers import fit_answers

        migrated = fit_answers(flow, given).migrated
    if migrated is None:  # nothing carried (most files), and no need for the conversation's code
        return
    from .flow.migrations import carried_notes

    for line in carried_notes(flow, migrated):
        print(_shown(f"{given.path}: {line}"), file=sys.stderr)


def _migrate(options: argparse.Namespace) -> int:
    """Rewrite each file under the flow's version, atomically, keeping the original as NAME.vVERSION.bak."""
    import stat

    from .files import ExportError, write_atomically
    from .flow.answers import read_answers
    from .flow.migrations import carried_notes
    from .flow.engine import Session
    from .flow.problems import Problems
    from .flow.versions import changed_since, recorded_version
    from .resources import shipped_flows
    from .sessions import answers_data, answers_yaml, to_yaml

    only = None
    if options.flow is not None:
        only = _load(options.flow)
        if only is None:
            return EXIT_PROBLEMS
    shipped = {path.stem: path for path in shipped_flows()}
    flows: dict[str, Flow] = {}
    code = EXIT_OK
    for path in options.paths:
        problems = Problems()
        given = read_answers(path, problems) if path.is_file() or not path.exists() else None
        if given is None or problems.errors:
            print(problems.format() if problems.errors else f"{path}: not an answers file", file=sys.stderr)
            code = EXIT_PROBLEMS
            continue
        flow = only if only is not None and only.id == given.flow else None
        if only is None and given.flow in shipped:
            flow = flows.get(given.flow) or _load(str(shipped[given.flow]))
            flows[given.flow] = flow
        if flow is None:
            _error(f"{path}: answers flow {given.flow!r}, which is not "
                   + (f"{only.id!r}" if only is not None else "a shipped flow; give its flow file with --flow PATH"))
            code = EXIT_PROBLEMS
            continue
        version = recorded_version(flow, given)
        if not changed_since(flow, given):
            print(_shown(f"{path}: already at version {flow.version}"))
            continue
        session, _ = Session.from_file(flow, given, name=given.session_id)
        if given.session_id:
            text = to_yaml(session, updated=given.updated)
        else:
            text = answers_yaml(answers_data(session))
        lines = carried_notes(flow, session.migrated)
        lines += [f"{key}: {kept.said}; kept aside in the file, not used" for key, kept in session.unfit.items()
                  if not (session.migrated and key in session.migrated.dropped)]
        verb = "would be carried" if options.dry_run else "carried"
        print(_shown(f"{path}: {verb} from version {version} to {flow.version}"
                     + (f" ({len(lines)} change{'s' if len(lines) != 1 else ''})" if lines else "")))
        for line in lines:
            print(_shown(f"  {line}"))
        if options.dry_run:
            continue
        backup = path.with_name(f"{path.name}.v{version}.bak")
        number = 2
        while backup.exists():
            backup = path.with_name(f"{path.name}.v{version}-{number}.bak")
            number += 1
        try:
            original = path.read_bytes()
            mode = stat.S_IMODE(path.stat().st_mode)
            write_atomically(backup, original, mode=mode)
            write_atomically(path, text.encode("utf-8"), force=True, mode=mode)
        except (OSError, ExportError) as error:
            _error(f"{path}: {getattr(error, 'strerror', None) or error}")
            code = EXIT_PROBLEMS
            continue
        print(_shown(f"  the original is kept as {backup.name}"))
    return code


def _cohort(options: argparse.Namespace) -> int:
    from .cohort import build_cohort, render_json, render_markdown

    flow = None
    if options.flow is not None:
        flow = _load(options.flow)
        if flow is None:
            return EXIT_PROBLEMS
    example = case = None
    if options.example is not None:
        from .cohort.gather import case_of
        from .plan.handout import examples_by_name
        from .resources import flows_dir

        found = examples_by_name(flows_dir())
        example = found.get(options.example)
        if example is None:
            from .flow.problems import did_you_mean

            hint = did_you_mean(options.example, found)
            return _error(f"no worked example called {_shown(options.example)!r}" + (f"; {hint}" if hint else "")
                          + f" (the examples: {', '.join(sorted(found))})")
        if flow is not None and flow.id != example.flow:
            return _error(f"the example {example.name!r} answers the flow {example.flow!r}, not {flow.id!r};"
                          " leave out --flow to use the example's")
        flow = flow or _load(example.flow)
        if flow is None:
            return EXIT_PROBLEMS
        case = case_of(flow, example)
    if options.show:
        if not sys.stdin.isatty() or not sys.stdout.isatty():
            return _error("--show needs a terminal; leave it out to print the report")
        from .tui.app import make_app

        app = make_app(flow=flow, cohort=list(options.paths), example=example)
        app.run()
        return app.return_code or EXIT_OK
    cohort = build_cohort(options.paths, flow=flow, case=case)
    if not cohort.answer_sets:
        for item in cohort.skipped:
            print(_shown(f"{item.path}: skipped: {item.reason}"), file=sys.stderr)
        looked = f"{cohort.files:,} file{'s' if cohort.files != 1 else ''}"
        return _error(f"no answer sets could be counted from {looked}"
                      + (f" for flow {flow.id!r}" if flow else "")
                      + "; give answers files, saved sessions or folders of them")
    for problem in cohort.set_aside:
        print(_shown(problem.format()), file=sys.stderr)
    text = render_json(cohort) if options.format == "json" else render_markdown(cohort)
    if cohort.skipped:
        skipped = len(cohort.skipped)
        print(f"Counted {cohort.answer_sets:,} answer set{'s' if cohort.answer_sets != 1 else ''}; skipped"
              f" {skipped:,} file{'s' if skipped != 1 else ''} (listed with the reason at the end of the"
              " report).", file=sys.stderr)
    options.output = _output(options.output)
    return _deliver(options, text.encode("utf-8"))


def _template_error(error: Exception) -> str:
    """The template problem as the renderer worded it: template, line and cause."""
    return str(error)


def _converse(options: argparse.Namespace) -> int:
    resume = getattr(options, "resume", None)
    if options.plain:
        if resume is not None:
            return _plain_resume(resume)
        from .plain import converse

        flow = _load(options.flow or "engagement-plan")
        if flow is None:
            return EXIT_PROBLEMS
        return converse(flow, voice=_voice(options))
    served = options.served
    if not served and (not sys.stdin.isatty() or not sys.stdout.isatty()):
        return _error("the full-screen app needs a terminal; use --plain to answer line by line")
    flow = None
    if options.flow is not None:
        flow = _load(options.flow)
        if flow is None:
            return EXIT_PROBLEMS
    from .tui.app import make_app

    if served:
        return _served(flow, options)
    app = make_app(flow=flow, resume=resume, facilitate=options.facilitate, ask_names=resume is None,
                   voice=_voice(options))
    app.run()
    return app.return_code or EXIT_OK


def _voice(options: argparse.Namespace) -> str:
    """Whose view a new plan gives (`--voice "VCSE partner"`), on one line and of a sensible length."""
    from .flow.voices import voice_of

    return voice_of(getattr(options, "voice", ""))


def _plain_resume(name: str) -> int:
    """Carry on with a saved session in plain mode (sessions.Sessions decides which, and whether it may be
    written here); a flow that cannot be read is reported as every command reports one."""
    from .plain import resume

    return resume(name, lambda given: _load(given.flow_path or given.flow))


def _examples(options: argparse.Namespace) -> int:
    from .flow.answers import AnswersFile, fit_answers
    from .flow.engine import evaluate
    from .flow.examples import worked_examples
    from .flow.problems import Problems
    from .resources import flows_dir

    problems = Problems()
    found = worked_examples(flows_dir(), problems)
    if problems.errors:
        print(problems.format(), file=sys.stderr)
    flows: dict[str, Flow] = {}
    width = max((len(e.name) for e in found), default=4)
    results = getattr(options, "results", False)
    # with the results, the level the work calls for where the conditions hold the recommendation below it, so
    # that a case recommending Consult for want of a confirmed budget does not read as a case for consulting
    print(f"{'name':<{width}}  {'flow':<10}  " + (f"{'recommendation':<14}  {'held back from':<14}  " if results
                                                   else "") + "title")
    for worked in found:
        flow = flows.get(worked.flow) or _load(worked.flow)
        if flow is None:
            continue
        flows[worked.flow] = flow
        # an example's answers are checked like any others: what no longer fits the flow is left out, and said
        fitted = fit_answers(flow, AnswersFile(worked.flow, worked.answers))
        for key, kept in fitted.set_aside.items():
            print(_shown(f"warning: example {worked.name!r}: {kept.said}; this answer is set aside"), file=sys.stderr)
        level = ""
        if results:
            result = evaluate(flow, fitted.answers)
            held = result.calls_for if result.held_back_by and result.calls_for != result.recommendation else None
            level = (f"{result.recommendation.label if result.recommendation else '-':<14}  "
                     f"{held.label if held else '-':<14}  ")
        print(_shown(f"{worked.name:<{width}}  {worked.flow:<10}  {level}{worked.title}"))
    print("Open one with: codesign example NAME" + ("" if results else "    Each case's recommendation:"
                                                     " codesign examples --results"))
    return EXIT_OK


def _example(options: argparse.Namespace) -> int:
    from .flow.examples import worked_examples
    from .resources import flows_dir

    found = {e.name: e for e in worked_examples(flows_dir())}
    worked = found.get(options.name)
    if worked is None:
        from .flow.problems import did_you_mean

        hint = did_you_mean(options.name, found)
        return _error(f"no worked example called {options.name!r}" + (f"; {hint}" if hint else "")
                      + f" (the examples: {', '.join(sorted(found))})")
    flow = _load(worked.flow)
    if flow is None:
        return EXIT_PROBLEMS
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        return _error("a worked example opens in the full-screen app, which needs a terminal")
    from .tui.app import make_app

    app = make_app(flow=flow, example=worked, facilitate=options.facilitate)
    app.run()
    return app.return_code or EXIT_OK


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _serve(options: argparse.Namespace) -> int:
    import shlex

    try:
        import textual_serve  # noqa: F401
    except ImportError:
        return _error("serving to browsers needs textual-serve, which is not installed here. Install it with:\n"
                      f"  {shlex.quote(sys.executable)} -m pip install 'codesign-tui[serve]'"
                      "   (or: pip install textual-serve)")
    if options.flow is not None and _load(options.flow) is None:
        return EXIT_PROBLEMS
    command = [sys.executable, "-m", "codesign_tui", "--served"]
    if options.collect is not None:
        folder = options.collect.expanduser().resolve()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return _error(f"cannot use {options.collect} to collect answers: {error.strerror or error}")
        command += ["--collect", str(folder)]
    if options.facilitate:
        command.append("--facilitate")
    if options.flow is not None:
        command.append(options.flow)
    host = options.host
    if host not in LOOPBACK and not host.startswith("127."):
        print(f"Warning: listening on {host}: anyone who can reach this machine on that network can open the app"
              " and answer. Use the default, 127.0.0.1, to keep it to this machine.", file=sys.stderr)
    # the page loads its scripts and opens its connection at this address, so it must be one the
    # participants' browsers can reach: never 0.0.0.0, and an IPv6 address in brackets
    public = options.public_url.rstrip("/") if options.public_url else public_url(host, options.port)
    print(f"Open {public} in a browser; each tab is its own session."
          + (f" Finished answers go to {options.collect}." if options.collect else ""), file=sys.stderr)
    import tempfile

    from .served import make_server, page_templates

    with tempfile.TemporaryDirectory(prefix="codesign-serve-") as pages:
        make_server(shlex.join(command), host=host, port=options.port, title="codesign", public_url=public,
                    templates=page_templates(Path(pages), "codesign"), max_tabs=max(1, options.max_tabs)).serve()
    return EXIT_OK


def _room(options: argparse.Namespace) -> int:
    import shlex

    try:
        import aiohttp.web  # noqa: F401  (only whether it is there)
    except ImportError:
        return _error("a room needs aiohttp, which is not installed here. Install it with:\n"
                      f"  {shlex.quote(sys.executable)} -m pip install 'codesign-tui[room]'")
    from .files import ExportError
    from .resources import own_flow_path
    from .room.app import make_app
    from .room.door import serve
    from .room.seats import Limits, Room
    from .plan.handout import examples_by_name
    from .resources import flows_dir
    from .sessions import SessionOpen

    example = examples_by_name(flows_dir()).get(options.flow)
    flow = _load(example.flow if example is not None else options.flow)
    if flow is None:
        return EXIT_PROBLEMS
    if options.max_participants < 1:
        return _error("--max-participants must be at least 1")
    if options.seats_per_address < 1:
        return _error("--seats-per-address must be at least 1")
    passphrase = options.passphrase or os.environ.get("CODESIGN_ROOM_PASSPHRASE", "")
    folder = options.dir.expanduser().resolve()
    try:
        room = Room(flow, folder, own_flow_path(flow.path), facilitate=options.facilitate, passphrase=passphrase,
                    voices=options.voices, limits=Limits(participants=options.max_participants, joins=options.seats_per_address))
    except SessionOpen:
        return _error(f"another room is using {folder}; stop it first, or give another --dir")
    except ExportError as error:
        return _error(str(error))
    if example is not None:  # otherwise the one the room's index keeps, if the trainer chose one
        room.example = example
        room.save_index()
    host = options.host
    if host not in LOOPBACK and not host.startswith("127."):
        print(f"Warning: listening on {host}: anyone who can reach this machine on that network can open the room."
              + ("" if passphrase else " Add --passphrase so that only the people you tell can join."),
              file=sys.stderr)
    for damaged in room.damaged:
        print(f"Warning: a participant's answers could not be read: {_shown(damaged)}", file=sys.stderr)
    try:
        address = options.public_url.rstrip("/") if options.public_url else public_url(host, options.port)
        print((f"The room discusses the worked example {room.example.name!r}: participants read its scenario"
               " first.\n" if room.example is not None else "") + f"Participants open: {address}/\n"
              f"Your page (keep it to yourself): {address}/trainer/{room.trainer_token}\n"
              f"Answers are saved in {folder}, one file per participant."
              + (f" {len(room.seats)} participant{'s' if len(room.seats) != 1 else ''} carried on from before."
                 if room.seats else "") + "\nPress Ctrl+C to close the room; the answers stay in the folder.",
              flush=True)  # what the trainer needs goes to stdout; warnings and errors to stderr
        serve(make_app(room, address, proxied=options.trust_proxy), host, options.port, room.limits.header_seconds,
              room.limits.connections, proxied=options.trust_proxy)
    except OSError as error:
        return _error(f"cannot listen on {host}:{options.port}: {error.strerror or error}")
    except KeyboardInterrupt:
        pass
    finally:
        room.close()
    print(f"The room is closed. The answers are in {folder}; `codesign cohort {folder}` reports on them.")
    return EXIT_OK


def public_url(host: str, port: int) -> str:
    """The address participants open: for a server listening on every address (0.0.0.0 or ::), this
    machine's address on its network, as the route out of it says (no packet is sent)."""
    import socket

    if host in ("0.0.0.0", "::", ""):
        family, probe = (socket.AF_INET6, "2001:db8::1") if host == "::" else (socket.AF_INET, "192.0.2.1")
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as udp:
                udp.connect((probe, 9))
                host = udp.getsockname()[0]
        except OSError:
            host = socket.gethostname()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _served(flow, options: argparse.Namespace) -> int:
    """One browser tab's app: its own private, temporary data folder, so no participant sees another's."""
    import shutil
    import tempfile

    from .served import end_with_the_server
    from .sessions import SessionStore
    from .tui.app import make_app

    private = Path(tempfile.mkdtemp(prefix="codesign-participant-"))
    # settings too (high contrast): one participant's choice is not every later tab's
    os.environ["CODESIGN_DATA_DIR"] = str(private)
    try:
        app = make_app(flow=flow, facilitate=options.facilitate, store=SessionStore(private / "sessions"),
                       collect=options.collect, served=True)
        end_with_the_server(lambda: app.call_from_thread(app.exit), private)
        app.run()
        return app.return_code or EXIT_OK
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _sessions(options: argparse.Namespace) -> int:
    from .sessions import Sessions, when

    sessions = Sessions()
    store = sessions.store
    if options.delete:
        if sessions.delete(options.delete):
            print(f"Deleted saved session {options.delete}.")
            return EXIT_OK
        return _error(f"no saved session {options.delete!r}; `codesign sessions` lists them")
    saved, damaged = sessions.listed(lambda given: _quiet_load(given.flow_path or given.flow))
    for item in damaged:
        print(_shown(f"warning: {item.name} could not be read ({item.reason}); kept as {item.kept_as}"),
              file=sys.stderr)
    if not saved:
        print(f"No saved sessions in {store.folder}.")
        return EXIT_OK
    print(f"Saved sessions in {store.folder} (newest first):")
    rows = [(item.name, item.flow, item.state, when(item.updated), item.project) for item in saved]
    # each column as wide as its longest entry, so that a long state ("16 of up to 27 answered") keeps the
    # dates in line
    flow_width = max(len(flow) for _, flow, _, _, _ in rows)
    state_width = max(len(state) for _, _, state, _, _ in rows)
    for name, flow, state, updated, project in rows:
        project = f"  {project}" if project else ""
        print(_shown(f"  {name}  {flow:<{flow_width}}  {state:<{state_width}}  {updated}{project}"))
    print("Carry on with: codesign --resume ID    Delete with: codesign sessions --delete ID")
    return EXIT_OK


def _quiet_load(name: str):
    """The flow, or None without a word (a list of sessions still lists one whose flow is gone)."""
    from .flow.loader import load_flow
    from .flow.problems import FlowError
    from .resources import find_flow

    try:
        return load_flow(find_flow(name))
    except (LookupError, FlowError, OSError):
        return None

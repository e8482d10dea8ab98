"""Reading YAML safely into nodes that remember their line and column, and reading values out of them."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..portable import READ_FLAGS
from ..records import record
from .problems import Problem, Problems, did_you_mean, display_path

MAX_BYTES = 16 * 1024 * 1024
# An alias bomb composes into a few shared nodes and only explodes when walked; refuse it before walking.
MAX_EXPANDED_NODES = 2_000_000
MAX_DEPTH = 100

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FlowLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader where yes/no/on/off stay words and dates stay text, as people write them."""


FlowLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (
        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
FlowLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"


@record
class Document:
    """One YAML file as nodes, with the lines needed to show problems in context."""

    path: Path
    name: str
    root: yaml.Node | None
    lines: list[str]


def read_document(path: Path, problems: Problems, what: str = "a flow") -> Document | None:
    """Read and compose a YAML file, or add problems saying why it cannot be read and return None.
    `what` names the kind of file in messages ("a flow", "an answers file")."""
    name = display_path(path)
    try:
        raw = read_regular_file(path, MAX_BYTES, what)
    except Unreadable as refused:
        problems.add(Problem(name, 1, 1, refused.message))
        return None
    return parse_document(raw, path, problems)


MAX_LINKS = 8


class Unreadable(Exception):
    """A file that is not read, and why, in words for the person who named it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def follow_links(path: Path) -> Path:
    """The file a path names once its symbolic links are followed, at most MAX_LINKS of them, one after
    the other; a loop of links, or a longer chain, raises Unreadable naming it."""
    chain = [path]
    current = path
    for _ in range(MAX_LINKS + 1):
        try:
            if not current.is_symlink():
                return current
            target = Path(os.readlink(current))
        except OSError as error:
            raise Unreadable(_why_not(error)) from None
        current = Path(os.path.normpath(current.parent / target))
        if current in chain:
            names = " -> ".join(p.name for p in (*chain[chain.index(current):], current))
            raise Unreadable(f"a loop of symbolic links ({names}); nothing to read")
        chain.append(current)
    raise Unreadable(f"more than {MAX_LINKS} symbolic links, one to the next; link to the file itself")


def read_regular_file(path: Path, limit: int, what: str = "a flow") -> bytes:
    """The bytes of an ordinary file, at most `limit` of them, or Unreadable saying why not. A device
    (/dev/zero), a named pipe, a socket or a folder is refused without reading: a pipe is opened without
    waiting for a writer, so it cannot hang the command."""
    target = follow_links(path)
    try:
        handle = os.open(target, READ_FLAGS)
    except OSError as error:
        raise Unreadable(_why_not(error)) from None
    try:
        status = os.fstat(handle)
        if stat.S_ISDIR(status.st_mode):
            raise Unreadable("this is a folder, not a YAML file")
        if not stat.S_ISREG(status.st_mode):
            raise Unreadable(f"this is {_kind(status.st_mode)}, not an ordinary file; only ordinary files"
                             " are read")
        if status.st_size > limit:
            raise Unreadable(_too_large(status.st_size, limit, what))
        chunks = []
        size = 0
        while size <= limit:  # a file that grows while it is read stops at the limit all the same
            chunk = os.read(handle, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise Unreadable(_too_large(size, limit, what))
        return b"".join(chunks)
    except OSError as error:
        raise Unreadable(_why_not(error)) from None
    finally:
        os.close(handle)


def _too_large(size: int, limit: int, what: str) -> str:
    shown = f"{size / 1048576:.0f} MB" if size >= 1048576 else f"{size:,} bytes"
    return f"file is too large to be {what} ({shown}; the limit is {limit // 1048576} MB)"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _why_not(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "a loop of symbolic links; nothing to read"
    if error.errno == errno.ENOENT:
        return "cannot read the file: there is no such file"
    if error.errno == errno.EACCES:
        return "cannot read the file: permission denied"
    return f"cannot read the file: {error.strerror or error}"


def parse_document(raw: bytes, path: Path, problems: Problems) -> Document | None:
    name = display_path(path)
    nul = raw.find(b"\0")
    if nul >= 0:
        line, column = _position(raw, nul)
        problems.add(Problem(name, line, column, "this is not a text file (it contains a zero byte)"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(raw, error.start)
        problems.add(Problem(name, line, column, "this is not UTF-8 text; save the file as UTF-8"))
        return None
    lines = text.splitlines()
    problems.sources[name] = lines
    tab_lines = set()
    for number, text_line in enumerate(lines, 1):
        indent = len(text_line) - len(text_line.lstrip(" \t"))
        if "\t" in text_line[:indent]:
            tab_lines.add(number)
            problems.add(Problem(name, number, text_line.index("\t") + 1,
                                 "tab used for indentation; YAML needs spaces"))
    if _too_deep(text):
        problems.add(Problem(name, 1, 1, f"the file nests lists or mappings more than {MAX_DEPTH} levels"
                             " deep; refusing to read it"))
        return None
    try:
        root = yaml.compose(text, Loader=FlowLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        # an unclosed bracket or quote is noticed far away; point at where it was opened
        if error.context_mark is not None and error.context and (
                "flow" in error.context or "quoted scalar" in error.context or "simple key" in error.context):
            mark = error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        opened = _unclosed_quote(lines, error.context_mark.line if error.context_mark else 0, line - 1) \
            if "expected key" in str(error.problem) or "expected ':'" in str(error.problem) else None
        if opened is not None:
            line, column = opened
            problems.add(Problem(name, line, column, f"the quote opened on line {line} is not closed on that"
                                 f" line, so YAML reads on past it (YAML: {error.problem})"))
        elif line not in tab_lines:
            problems.add(Problem(name, line, column, _yaml_message(error, line)))
        return None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow: no mark, an offset
        position = max(min(error.position, len(text)), 0)
        line = text.count("\n", 0, position) + 1
        column = position - text.rfind("\n", 0, position)
        code = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "?")
        problems.add(Problem(name, line, column, f"a control character (U+{code:04X}) that YAML does not"
                             " allow; remove it, or write it as an escape inside double quotes"))
        return None
    except yaml.YAMLError as error:  # any other error without a mark
        problems.add(Problem(name, 1, 1, f"not valid YAML: {str(error)[:200]}"))
        return None
    if tab_lines:
        return None
    if root is not None and "*" in text:  # aliases can multiply a small file into a huge one
        size, height, chars, culprit = _expanded(root)
        if chars > MAX_BYTES and culprit is not None:
            line, column = where(culprit)
            problems.add(Problem(name, line, column, "aliases repeat what is anchored here so often that the"
                                 f" file would hold {chars:,} characters, more than the {MAX_BYTES:,} a file may"
                                 " hold; write it out once instead of repeating it"))
            return None
        if size > MAX_EXPANDED_NODES:
            problems.add(Problem(name, 1, 1, "anchors and aliases in this file expand to more than"
                                 f" {MAX_EXPANDED_NODES:,} entries; refusing to read it"))
            return None
        if height > MAX_DEPTH:
            problems.add(Problem(name, 1, 1, f"the file nests lists or mappings more than {MAX_DEPTH} levels"
                                 " deep; refusing to read it"))
            return None
    return Document(path, name, root, lines)


def _unclosed_quote(lines: list[str], first: int, last: int) -> tuple[int, int] | None:
    """The line and column of a value whose double quote is not closed on its own line, between two
    lines (from 0), when there is one: YAML lets a quoted value run over several lines, so a missing
    quote is only noticed lines later, where it reports something else."""
    for number in range(max(first, 0), min(last, len(lines) - 1) + 1):
        line = lines[number]
        key, colon, value = line.partition(": ")
        value = value.strip() if colon else line.strip().removeprefix("- ")
        if value.startswith('"') and (len(value) == 1 or not re.search(r'(?<!\\)"\s*(#.*)?$', value[1:])):
            return number + 1, line.index('"', len(key) if colon else 0) + 1
    return None


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line_start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, len(before[line_start:].decode("utf-8", "replace")) + 1


# The YAML parser's messages in a flow author's words, by a piece of the parser's own message; its words
# follow in brackets, for anyone who searches for them.
_PLAIN_YAML = (
    ("did not find expected '-' indicator", "the indentation on line {line} does not line up with the lines"
     " above it: each item of a list starts with '-' at the same indentation as the items before it"),
    ("mapping values are not allowed", "a ':' on line {line} that YAML cannot place: if this line is a key"
     " like the lines above it, line it up with them; if the text itself contains ': ', put it in quotes"),
    ("did not find expected key", "line {line} does not line up with the keys above it (check its"
     " indentation), or a quote opened on an earlier line is not closed"),
    ("could not find expected ':'", "line {line} has a key without ':' after it (write 'key: value'), or a"
     " quote opened on an earlier line is not closed"),
    ("expected <block end>", "the indentation on line {line} does not line up with the lines above it"),
    ("found unexpected end of stream", "a quote opened here is never closed"),
    ("found undefined alias", "this '*' refers to an anchor ('&name') that is not defined above it"),
    ("cannot start any token", "line {line} starts with a character YAML cannot read there; put the text in"
     " quotes"),
)


def _yaml_message(error: yaml.MarkedYAMLError, line: int = 0) -> str:
    parts = [part for part in (error.context, error.problem) if part]
    message = "; ".join(parts) or "not valid YAML"
    for words, plain in _PLAIN_YAML:
        if words in message:
            return f"{plain.format(line=line)} (YAML: {message})"
    return f"YAML syntax: {message}"


def _too_deep(text: str) -> bool:
    """Whether the text nests deeper than MAX_DEPTH, judged before composing it: libyaml composes by
    recursion in C, and a file nested some 25,000 levels deep would crash the interpreter."""
    # block nesting shows as a long run of indentation, "- " or "? " at the start of a line
    if re.search(r"^(?: |- |\? ){%d,}\S" % (2 * MAX_DEPTH), text, re.MULTILINE):
        return True
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return True
    return False


_BRACKETS = re.compile(r"[\[\]{}]")


def _expanded(root: yaml.Node) -> tuple[int, int, int, yaml.Node | None]:
    """How many nodes walking the tree would visit, how deep it goes and how many characters its text
    would hold, with aliases followed, computed once per node and without recursion; and the node that
    aliases repeat the most text of. A node that contains itself counts as too many."""
    sizes: dict[int, tuple[int, int, int]] = {}
    refs: dict[int, int] = {}
    nodes: dict[int, yaml.Node] = {}
    visiting: set[int] = set()
    too_many = (MAX_EXPANDED_NODES + 1, MAX_DEPTH + 1, 0, None)
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if not children_done:
            if key in sizes:
                continue
            if key in visiting:
                return too_many
            visiting.add(key)
            stack.append((node, True))
            for child in _children(node):
                if id(child) in visiting:
                    return too_many
                if id(child) not in sizes:
                    stack.append((child, False))
        else:
            visiting.discard(key)
            nodes[key] = node
            children = []
            for child in _children(node):
                refs[id(child)] = refs.get(id(child), 0) + 1
                children.append(sizes[id(child)])
            size = 1 + sum(c[0] for c in children)
            height = 1 + max((c[1] for c in children), default=0)
            chars = len(node.value) if isinstance(node, yaml.ScalarNode) else sum(c[2] for c in children)
            # capped, so that the sums stay small numbers however the aliases multiply
            sizes[key] = (min(size, MAX_EXPANDED_NODES + 1), min(height, MAX_DEPTH + 1), min(chars, 1 << 40))
    size, height, chars = sizes[id(root)]
    culprit = None
    if chars > MAX_BYTES:
        shared = [key for key, count in refs.items() if count > 1]
        if shared:
            culprit = nodes[max(shared, key=lambda key: refs[key] * sizes[key][2])]
        else:
            culprit = root
    return size, height, chars, culprit


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def where(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class Reader:
    """Reads typed values out of one document's nodes, adding a problem for each thing wrong."""

    def __init__(self, document: Document, problems: Problems):
        self.document = document
        self.name = document.name
        self.problems = problems

    def error(self, node: yaml.Node | None, message: str, hint: str = "", severity: str = "error",
              column_offset: int = 0, line_offset: int = 0) -> None:
        line, column = where(node) if node is not None else (1, 1)
        self.problems.add(Problem(self.name, line + line_offset, column + column_offset, message,
                                  severity, hint))

    def mapping(self, node: yaml.Node, what: str, fields: dict[str, Any],
                required: Iterable[str] = ()) -> dict[str, yaml.Node] | None:
        """The fields of a mapping, after checking for duplicate, unknown and missing keys."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} should be a mapping of fields, not {describe(node)}")
            return None
        found: dict[str, yaml.Node] = {}
        keys: dict[str, yaml.Node] = {}
        hints: dict[str, str] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, f"a field name in {what} should be a word, not {describe(key_node)}")
                continue
            key = key_node.value
            if key in keys:
                first_line = where(keys[key])[0]
                self.error(key_node, f"duplicate field {key!r} in {what} (first given on line"
                           f" {first_line}); YAML would silently keep only the last one")
                continue
            keys[key] = key_node
            if key not in fields:
                # a hint takes a fuzzy match against every field: not worth it for a problem not listed
                hint = hints[key] = "" if self.problems.listing_full(self.name) else did_you_mean(key, fields)
                self.error(key_node, f"unknown field {key!r} in {what}", hint)
                continue
            found[key] = value_node
        misspelt = set(hints.values())
        for key in required:
            if key not in found and key not in keys and f"did you mean {key!r}?" not in misspelt:
                self.error(node, f"{what} is missing the field {key!r}")
        return found

    def scalar(self, node: yaml.Node, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag == NULL:
            self.error(node, f"{what} should be text, not {describe(node)}")
            return None
        return node.value

    def text(self, node: yaml.Node | None, what: str) -> str | None:
        """A string field; numbers written plainly are accepted as their text."""
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag in (STR, INT, FLOAT):
            return node.value
        self.error(node, f"{what} should be text, not {describe(node)}")
        return None

    def boolean(self, node: yaml.Node | None, what: str, default: bool) -> bool:
        if node is None:
            return default
        if isinstance(node, yaml.ScalarNode) and node.tag == BOOL:
            return node.value.lower() == "true"
        self.error(node, f"{what} should be true or false, not {describe(node)}")
        return default

    def sequence(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None:
            return []
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        self.error(node, f"{what} should be a list (lines starting with '- '), not {describe(node)}")
        return []

    def words(self, node: yaml.Node | None, what: str) -> list[tuple[str, yaml.Node]]:
        """A list of short values, also accepting a single value on its own."""
        if node is None:
            return []
        items = [node] if isinstance(node, yaml.ScalarNode) else self.sequence(node, what)
        out = []
        for item in items:
            value = self.text(item, f"each entry of {what}")
            if value is not None:
                out.append((value, item))
        return out


def describe(node: yaml.Node | None) -> str:
    if node is None:
        return "nothing"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "an empty value"
    if node.tag == BOOL:
        return f"true/false ({node.value})"
    if node.tag in (INT, FLOAT):
        return f"a number ({node.value})"
    shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
    return f"text ({shown!r})"


def to_python(node: yaml.Node | None) -> Any:
    """A plain Python value for free-form data such as example answers (aliases already bounded)."""
    if node is None:
        return None
    if isinstance(node, yaml.MappingNode):
        return {to_python(k): to_python(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [to_python(item) for item in node.value]
    tag = node.tag
    if tag == STR:
        return node.value
    if tag == NULL:
        return None
    if tag == BOOL:
        return node.value.lower() == "true"
    if tag == INT:
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return node.value
    if tag == FLOAT:
        try:
            return float(node.value)
        except ValueError:
            return node.value
    return node.value

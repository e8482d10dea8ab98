"""The small expression language of flows: parsing, checking names against the flow, and evaluating safely.

Expressions are parsed by this module and evaluated by closures over the answers: nothing here reaches
Python's eval, attributes or builtins, so a flow file cannot run code.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator

from ..records import record

Answers = dict[str, Any]
Evaluator = Callable[[Answers], Any]

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)?)
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
""", re.VERBOSE)

KEYWORDS = {"and", "or", "not", "in", "true", "false"}
# what an author used to another language most likely meant by a character this one does not have
_MEANT = {"=": "; to compare, write == (two equals signs)", "&&": "; write and", "||": "; write or",
          "&": "; write and", "|": "; write or", "!": "; write not, or != to compare"}
FUNCTIONS = {"count": 1, "answered": 1, "any": 2}

# The budget of one expression, checked before the parser (which recurses) starts: the longest condition
# in the shipped flows is under 200 characters, so these leave room and stop a hostile file early.
MAX_LENGTH = 2_000
MAX_NESTING = 30  # brackets inside brackets
MAX_NOTS = 30
MAX_CLAUSES = 100  # `and` and `or` together


class ExpressionError(Exception):
    """An expression that does not parse; `offset` is where in the text the trouble starts."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


@record(frozen=True)
class Token:
    kind: str
    text: str
    offset: int


@record(frozen=True)
class Node:
    """A parsed expression. `op` is one of: name, field (a field of the record that `any()` is looking
    at, its value written `record.field`), string, number, bool, list, call, not, and, or, ==, !=, <, <=,
    >, >=, in, not in."""

    op: str
    offset: int
    args: tuple = ()
    value: Any = None

    def walk(self) -> Iterator["Node"]:
        yield self
        for arg in self.args:
            yield from arg.walk()

    def names(self) -> list[str]:
        """The question ids this expression reads, in order of first appearance."""
        seen: dict[str, None] = {}
        for node in self.walk():
            if node.op in ("name", "field"):
                seen.setdefault(node.value.split(".")[0], None)
        return list(seen)


def excerpt(text: str, limit: int = 40) -> str:
    """The start of a long piece of text, quoted, so that a message stays short."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text):,} characters long; the limit is {MAX_LENGTH:,}", 0)
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise ExpressionError(f"unexpected character {text[position]!r}"
                                  + _MEANT.get(text[position:position + 2], _MEANT.get(text[position], "")),
                                  position)
        kind = match.lastgroup or ""
        if kind != "space":
            word = match.group()
            if kind == "name" and word in KEYWORDS:
                kind = word
            tokens.append(Token(kind, word, position))
        position = match.end()
    tokens.append(Token("end", "", len(text)))
    _check_budget(tokens)
    return tokens


def _check_budget(tokens: list[Token]) -> None:
    """Refuse an expression that would nest deeper than the parser should recurse, in one pass."""
    depth = nots = clauses = 0
    for token in tokens:
        if token.text in ("(", "["):
            depth += 1
            if depth > MAX_NESTING:
                raise ExpressionError(f"the expression nests brackets more than {MAX_NESTING} deep",
                                      token.offset)
        elif token.text in (")", "]"):
            depth = max(depth - 1, 0)
        elif token.kind == "not":
            nots += 1
            if nots > MAX_NOTS:
                raise ExpressionError(f"the expression has more than {MAX_NOTS} `not`s", token.offset)
        elif token.kind in ("and", "or"):
            clauses += 1
            if clauses > MAX_CLAUSES:
                raise ExpressionError(f"the expression joins more than {MAX_CLAUSES + 1} clauses with"
                                      " `and` and `or`; split it into several questions or rules",
                                      token.offset)


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.position = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.position]

    def take(self, kind: str | None = None) -> Token:
        token = self.token
        if kind is not None and token.kind != kind and token.text != kind:
            shown = "the end" if token.kind == "end" else excerpt(token.text)
            raise ExpressionError(f"expected {kind!r} but found {shown}", token.offset)
        self.position += 1
        return token

    def parse(self) -> Node:
        if self.token.kind == "end":
            raise ExpressionError("the expression is empty", 0)
        node = self.parse_or()
        if self.token.kind != "end":
            raise ExpressionError(f"unexpected {excerpt(self.token.text)}; expected and, or, or the end",
                                  self.token.offset)
        return node

    def parse_or(self) -> Node:
        node = self.parse_and()
        while self.token.kind == "or":
            offset = self.take().offset
            node = Node("or", offset, (node, self.parse_and()))
        return node

    def parse_and(self) -> Node:
        node = self.parse_not()
        while self.token.kind == "and":
            offset = self.take().offset
            node = Node("and", offset, (node, self.parse_not()))
        return node

    def parse_not(self) -> Node:
        if self.token.kind == "not":
            offset = self.take().offset
            return Node("not", offset, (self.parse_not(),))
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        left = self.parse_atom()
        token = self.token
        if token.kind == "op" and token.text in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            return Node(token.text, token.offset, (left, self.parse_atom()))
        if token.kind == "in":
            self.take()
            return Node("in", token.offset, (left, self.parse_atom()))
        if token.kind == "not" and self.tokens[self.position + 1].kind == "in":
            self.take()
            self.take()
            return Node("not in", token.offset, (left, self.parse_atom()))
        return left

    def parse_atom(self) -> Node:
        token = self.token
        if token.kind == "name":
            self.take()
            if self.token.text == "(":
                return self.parse_call(token)
            return Node("name", token.offset, value=token.text)
        if token.kind == "string":
            self.take()
            return Node("string", token.offset, value=_unquote(token.text))
        if token.kind == "number":
            self.take()
            number = float(token.text) if "." in token.text else int(token.text)
            return Node("number", token.offset, value=number)
        if token.kind in ("true", "false"):
            self.take()
            return Node("bool", token.offset, value=token.kind == "true")
        if token.text == "(":
            self.take()
            node = self.parse_or()
            self.take(")")
            return node
        if token.text == "[":
            self.take()
            items = []
            while self.token.text != "]":
                items.append(self.parse_atom())
                if self.token.text != ",":
                    break
                self.take(",")
            self.take("]")
            return Node("list", token.offset, tuple(items))
        if token.kind == "end":
            raise ExpressionError("the expression stops too early; something is missing at the end",
                                  token.offset)
        raise ExpressionError(f"unexpected {excerpt(token.text)}", token.offset)

    def parse_call(self, name: Token) -> Node:
        if name.text not in FUNCTIONS:
            raise ExpressionError(f"unknown function {name.text!r}; the functions are "
                                  + ", ".join(sorted(FUNCTIONS)), name.offset)
        self.take("(")
        if name.text == "any":
            return self.parse_any(name)
        args = []
        while self.token.text != ")":
            args.append(self.parse_or())
            if self.token.text != ",":
                break
            self.take(",")
        self.take(")")
        if len(args) != FUNCTIONS[name.text]:
            raise ExpressionError(f"{name.text}() takes {FUNCTIONS[name.text]} question", name.offset)
        if args[0].op != "name":
            raise ExpressionError(f"{name.text}() takes a question id", args[0].offset)
        return Node("call", name.offset, tuple(args), value=name.text)


    def parse_any(self, name: Token) -> Node:
        """any(RECORD, CONDITION): whether some record meets the condition, whose names are the
        record's fields, so several fields can be tested on the same record."""
        record = self.parse_atom()
        if record.op != "name" or "." in record.value:
            raise ExpressionError("any() takes a record question id first", record.offset)
        if self.token.text != ",":
            raise ExpressionError("any() takes a record question id, a comma, then a condition on its fields",
                                  self.token.offset)
        self.take(",")
        condition = _within(self.parse_or(), record.value)
        self.take(")")
        return Node("call", name.offset, (record, condition), value="any")


def _within(node: Node, record: str) -> Node:
    """A condition inside any(): its names become fields of the record."""
    if node.op == "name":
        if "." in node.value:
            raise ExpressionError(f"inside any(), name the fields of {record!r} alone, such as"
                                  f" {node.value.split('.', 1)[1]}", node.offset)
        return Node("field", node.offset, value=f"{record}.{node.value}")
    if node.op == "call":
        raise ExpressionError("inside any(), compare the record's fields; functions are not allowed",
                              node.offset)
    return Node(node.op, node.offset, tuple(_within(arg, record) for arg in node.args), node.value)


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def parse(text: str) -> Node:
    """Parse an expression, raising ExpressionError with an offset into `text` when it cannot."""
    return _Parser(text).parse()


def compile_node(node: Node) -> Evaluator:
    """Turn a parsed expression into a function of the answers."""
    op = node.op
    if op == "name":
        path = node.value
        if "." in path:
            question, field = path.split(".", 1)

            def record_field(answers: Answers) -> Any:
                records = answers.get(question)
                if not isinstance(records, list):
                    return []
                return [record.get(field) for record in records if isinstance(record, dict)]
            return record_field
        return lambda answers: answers.get(path)
    if op == "field":  # evaluated against one record
        name = node.value.split(".", 1)[1]
        return lambda record: record.get(name)
    if op in ("string", "number", "bool"):
        constant = node.value
        return lambda answers: constant
    if op == "list":
        items = [compile_node(item) for item in node.args]
        return lambda answers: [item(answers) for item in items]
    if op == "call" and node.value == "any":
        record_id, condition = node.args[0].value, compile_node(node.args[1])

        def any_record(answers: Answers) -> bool:
            records = answers.get(record_id)
            return isinstance(records, list) and any(
                bool(condition(record)) for record in records if isinstance(record, dict))
        return any_record
    if op == "call":
        question = node.args[0].value
        if node.value == "count":
            return lambda answers: _count(answers.get(question) if "." not in question
                                          else compile_node(node.args[0])(answers))
        return lambda answers: answers.get(question) is not None
    if op == "not":
        inner = compile_node(node.args[0])
        return lambda answers: not inner(answers)
    left, right = (compile_node(arg) for arg in node.args)
    if op == "and":
        return lambda answers: bool(left(answers)) and bool(right(answers))
    if op == "or":
        return lambda answers: bool(left(answers)) or bool(right(answers))
    if op == "==":
        return lambda answers: left(answers) == right(answers)
    if op == "!=":
        return lambda answers: left(answers) != right(answers)
    if op in ("<", "<=", ">", ">="):
        compare = _ORDER[op]
        return lambda answers: _ordered(compare, left(answers), right(answers))
    if op == "in":
        return lambda answers: _contains(right(answers), left(answers))
    if op == "not in":
        return lambda answers: not _contains(right(answers), left(answers))
    raise ValueError(f"unknown expression node {op}")


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def _ordered(compare: Callable[[Any, Any], bool], left: Any, right: Any) -> bool:
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return compare(left, right)
    return False


def _count(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, list):
        return len(value)
    return 1 if value != "" else 0


def _contains(container: Any, item: Any) -> bool:
    if not isinstance(container, list):
        return False
    if isinstance(item, list):  # a multiple-choice answer: any of its choices
        return any(choice in container for choice in item)
    return item in container


@record(frozen=True)
class Expression:
    """An expression as written in a flow, parsed and ready to evaluate."""

    text: str
    node: Node
    evaluate: Evaluator

    @classmethod
    def parse(cls, text: str) -> "Expression":
        node = parse(text)
        return cls(text, node, compile_node(node))

    def __call__(self, answers: Answers) -> bool:
        return bool(self.evaluate(answers))

    @property
    def names(self) -> list[str]:
        return self.node.names()

    def entries(self, answers: Answers) -> tuple[str, tuple[int, ...]]:
        """The register the first `any()` of this expression looks at, and the places (from 0) of its
        entries that meet that any()'s condition: who a warning about register entries is about. ("", ())
        when the expression has no any()."""
        found = next((node for node in self.node.walk() if node.op == "call" and node.value == "any"), None)
        if found is None:
            return "", ()
        record_id, condition = found.args[0].value, compile_node(found.args[1])
        records = answers.get(record_id)
        if not isinstance(records, list):
            return record_id, ()
        return record_id, tuple(index for index, record in enumerate(records)
                                if isinstance(record, dict) and condition(record))

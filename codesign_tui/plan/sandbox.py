"""The sandbox for templates a person gives (`render --templates`): Jinja's immutable sandbox, with a budget
for each plan (loop steps, the size of any value, of numbers and of the plan) so that a template can neither
reach Python's internals nor take more than a plan's share of time or memory. Imported only when such a
template is in play: our own templates render outside it (plan/render.py)."""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Iterator

from jinja2 import nodes
from jinja2.compiler import Frame
from jinja2.environment import TemplateModule
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace

from .render import MAX_NUMBER_BITS, MAX_STEPS, MAX_TEXT, _STEPS, TemplateBudget, _FastCode


def _budgeted(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses a size far beyond any plan's (`center(10**9)`) and a result that big."""
    name = getattr(function, "__name__", "").removeprefix("do_").removeprefix("sync_")
    # a filter that takes the environment or context has it first; the value follows
    skip = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0

    def checked(*args: Any, **kwargs: Any) -> Any:
        _check_sizes(args[1:], kwargs.values())
        _foresee_filter(name, args[skip:], kwargs)
        return _checked_size(function(*args, **kwargs))

    for attribute in ("jinja_pass_arg",):  # how Jinja knows a filter wants the environment or context
        if hasattr(function, attribute):
            setattr(checked, attribute, getattr(function, attribute))
    checked.__name__ = getattr(function, "__name__", "filter")
    return checked


def _check_sizes(*groups: Iterable[Any]) -> None:
    for group in groups:
        for value in group:
            if type(value) is int and not -MAX_TEXT <= value <= MAX_TEXT:
                raise TemplateBudget(f"{value:,} is more than a plan can hold (the limit is {MAX_TEXT:,})"
                                     if value.bit_length() <= MAX_NUMBER_BITS else
                                     "a number far larger than a plan can hold")


def _checked_size(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is list or kind is tuple or kind is dict:
        if len(value) > MAX_TEXT:
            raise TemplateBudget(f"a value of {len(value):,} characters or items; the limit is {MAX_TEXT:,}")
    elif kind is int and value.bit_length() > MAX_NUMBER_BITS:
        raise TemplateBudget("a number far larger than a plan can hold")
    return value


_PERCENT_WIDTHS = re.compile(r"%[-#0 +]*(\d*)(?:\.(\d*))?")
_FORMAT_WIDTHS = re.compile(r"(\d+)")


def _check_widths(found: Iterable[Any]) -> None:
    """Refuse a width or precision in a format that would make more text than a plan may hold, before the
    text is made ("{:>2500000000}", "%2500000000d")."""
    for group in found:
        for number in (group if isinstance(group, tuple) else (group,)):
            if number and (len(number) > 9 or int(number) > MAX_TEXT):
                raise TemplateBudget(f"a width of {int(number):,} characters in a format; the limit is {MAX_TEXT:,}")


def _format_specs(template: str) -> Iterator[str]:
    import string

    try:
        for _text, _field, spec, _conversion in string.Formatter().parse(template):
            if spec:
                yield spec
                yield from _format_specs(spec)  # a nested field's own spec
    except ValueError:
        return


def _foresee(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """The size of what a string method would make, worked out from its arguments before it runs:
    `"{:>2500000000}".format`, `sep.join(items)`, `replace` with a long replacement, `expandtabs`."""
    # the sandbox hands templates str.format wrapped (functools.update_wrapper keeps the method as __wrapped__)
    owner = getattr(getattr(method, "__wrapped__", method), "__self__", None)
    name = getattr(method, "__name__", "")
    if not isinstance(owner, str) or name not in ("format", "format_map", "join", "replace", "expandtabs"):
        return
    if name in ("format", "format_map"):
        for spec in _format_specs(owner):
            _check_widths(_FORMAT_WIDTHS.findall(spec))
        return
    if name == "join" and args and isinstance(args[0], (list, tuple)):
        items = args[0]
        total = len(owner) * max(len(items) - 1, 0) + sum(len(i) for i in items if isinstance(i, str))
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        times = owner.count(args[0]) if args[0] else len(owner) + 1
        if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
            times = min(times, args[2])
        total = len(owner) + times * (len(args[1]) - len(args[0]))
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        total = len(owner) + owner.count("\t") * (size if isinstance(size, int) else 8)
    else:
        return
    if total > MAX_TEXT:
        raise TemplateBudget(f"{name} would make {total:,} characters; the limit is {MAX_TEXT:,}")


def _foresee_filter(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """The same for Jinja's filters of those names: `items | join(sep)`, `text | replace(a, b)`."""
    if not args:
        return
    value = args[0]
    if name == "join" and isinstance(value, (list, tuple)):
        separator = args[1] if len(args) > 1 else kwargs.get("d", "")
        if isinstance(separator, str):
            _foresee(separator.join, (list(value),), {})
    elif name == "replace" and isinstance(value, str) and len(args) >= 3:
        _foresee(value.replace, tuple(args[1:]), {})


class _BudgetedCode(_FastCode):
    """Compiles templates so that every loop counts its steps against the plan's budget and every
    joined string is checked for size: two nested `range(100000)` loops stop after a million steps."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        if not getattr(node, "budgeted", False):
            node.iter = nodes.Call(nodes.EnvironmentAttribute("budgeted_steps"), [node.iter], [], None, None,
                                   lineno=node.lineno)
            node.budgeted = True  # type: ignore[attr-defined]
        super().visit_For(node, frame)

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        # the loop counter is ours: called directly, not through the sandbox's checks for a template's calls
        # (a tenth of a plan's calls went there)
        if isinstance(node.node, nodes.EnvironmentAttribute) and node.node.name == "budgeted_steps":
            self.write("environment.budgeted_steps(")
            self.visit(node.args[0], frame)
            self.write(")")
            return
        super().visit_Call(node, frame, forward_caller=forward_caller)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.budgeted_text(")
        super().visit_Concat(node, frame)
        self.write(")")


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, reading keys of plain dicts, and loop and macro-module attributes,
    directly.

    `q.prompt` on a dict makes Jinja try the attribute first, fail with an exception, and only then read
    the key; most of a plan's time went there. A plain dict's key is exactly what the sandbox returns for
    `q["prompt"]` without any check, so returning it at once is as safe. The same holds for the public
    attributes of a `loop` (`loop.index`, `loop.first`), of an imported macro module (`m.cite`) and of a
    `namespace()` (`ns.parts`), which the sandbox would only check against names starting with "_" (its
    other checks are for functions, types, frames and mutable containers, none of which these are).
    Anything else (a dict method such as `items`, a name starting with "_", any other object) takes the
    sandbox's usual path."""

    code_generator_class = _BudgetedCode
    intercepted_binops = frozenset({"+", "*", "**", "//", "%"})

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.globals["range"] = self.budgeted_range

    @staticmethod
    def budgeted_steps(iterable: Any) -> Iterator[Any]:
        steps = _STEPS.get(None)
        if steps is None:
            yield from iterable
            return
        for item in iterable:
            steps[0] += 1
            if steps[0] > MAX_STEPS:
                raise TemplateBudget(f"the loops run more than {MAX_STEPS:,} times in one plan")
            yield item

    @staticmethod
    def budgeted_text(text: Any) -> Any:
        return _checked_size(text)

    @staticmethod
    def budgeted_range(*args: int) -> range:
        _check_sizes(args)
        made = range(*args)
        if len(made) > MAX_STEPS:
            raise TemplateBudget(f"a range of {len(made):,} numbers; a plan's loops run at most"
                                 f" {MAX_STEPS:,} times")
        return made

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if not isinstance(right, (int, float)) or not isinstance(left, (int, float)) or \
                    (isinstance(right, int) and abs(right) > 64 and abs(left) > 1):
                raise TemplateBudget("a power too large for a plan (the exponent can be at most 64)")
        elif operator == "%" and isinstance(left, str):
            _check_widths(_PERCENT_WIDTHS.findall(left))  # "%2500000000d" % 1
        elif operator == "*":
            for count, other in ((left, right), (right, left)):
                if isinstance(count, int) and isinstance(other, (str, list, tuple)) and \
                        count * len(other) > MAX_TEXT:
                    raise TemplateBudget(f"repeating a value {count:,} times makes more than"
                                         f" {MAX_TEXT:,} characters or items")
            if isinstance(left, int) and isinstance(right, int) and \
                    left.bit_length() + right.bit_length() > MAX_NUMBER_BITS:
                raise TemplateBudget("a number far larger than a plan can hold")
        return _checked_size(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        if type(__obj) is Macro:
            # a template's own macro: nothing for the sandbox to refuse (it has no `unsafe_callable` or
            # `alters_data`), so it is called as Context.call calls it (with the evaluation context first, for
            # autoescaping), without the two layers of checks on the way
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            if args or kwargs:
                _check_sizes(args, kwargs.values())
            try:
                return _checked_size(__obj(__context.eval_ctx, *args, **kwargs))
            except StopIteration:
                return __context.environment.undefined("value was undefined because a callable raised a"
                                                       " StopIteration exception")
        if args or kwargs:
            _check_sizes(args, kwargs.values())  # 'x'.ljust(10**9), 'x'.zfill(10**9)
            _foresee(__obj, args, kwargs)  # what a string method would make, before it makes it
        return _checked_size(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj: Any, attribute: str) -> Any:
        kind = type(obj)
        if attribute[:1] != "_":
            if kind is dict:
                try:
                    return obj[attribute]
                except KeyError:
                    pass
            elif kind is LoopContext or kind is TemplateModule or kind is Namespace:
                try:
                    return getattr(obj, attribute)
                except AttributeError:
                    pass
        return super().getattr(obj, attribute)

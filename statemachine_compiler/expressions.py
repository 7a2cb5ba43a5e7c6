"""`{{ }}` templates: find the expressions in a string, parse them, list what they read.

An expression is JSONata written against the names of DSL.md (`inputs.x`, `tasks.a.output`,
`item`, ...). It is parsed once here so a syntax error is reported at compile time, and its
references are recorded with their spans so the emitter can rewrite them into Step Functions
terms (`$states.context.Execution.Input.inputs.x`, `$t_a.output`, ...).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import jsonata

ROOTS = ("inputs", "tasks", "trigger", "execution", "item", "index", "error", "attempt", "secrets")
TASK_FIELDS = ("output", "status", "error")
EXECUTION_FIELDS = ("id", "name", "start_time", "workflow", "version")


class ExpressionError(ValueError):
    """An expression that cannot be compiled; the message is for people."""


@dataclass(frozen=True)
class Reference:
    """A name the expression reads, e.g. `tasks.fetch.output` → root tasks, key fetch."""

    root: str
    key: str | None  # the step after the root: a task id, secret name or execution field
    field: str | None  # the step after the key (tasks.<id>.<field>)
    start: int  # span of root (and key, when there is one) in the expression text
    end: int


@dataclass(frozen=True)
class Expression:
    text: str
    references: tuple[Reference, ...]

    def rewrite(self, replace: Callable[[Reference], str]) -> str:
        """The text with every reference's span replaced by `replace(reference)`."""
        text = self.text
        for ref in sorted(self.references, key=lambda r: r.start, reverse=True):
            text = text[: ref.start] + replace(ref) + text[ref.end :]
        return text


@dataclass(frozen=True)
class Template:
    """A string split into literal text and expressions."""

    parts: tuple[str | Expression, ...]

    @property
    def expressions(self) -> tuple[Expression, ...]:
        return tuple(p for p in self.parts if isinstance(p, Expression))

    @property
    def is_single_expression(self) -> bool:
        """Exactly one `{{ }}` and nothing around it: the value keeps its JSON type."""
        return len(self.parts) == 1 and isinstance(self.parts[0], Expression)


def has_template(value: object) -> bool:
    return isinstance(value, str) and "{{" in value


@lru_cache(maxsize=4096)
def parse_template(text: str) -> Template:
    parts: list[str | Expression] = []
    cursor = 0
    while (start := text.find("{{", cursor)) != -1:
        end = _closing_braces(text, start + 2)
        if start > cursor:
            parts.append(text[cursor:start])
        parts.append(parse_expression(text[start + 2 : end].strip()))
        cursor = end + 2
    if cursor < len(text):
        parts.append(text[cursor:])
    return Template(tuple(parts))


@lru_cache(maxsize=4096)
def parse_expression(text: str) -> Expression:
    if not text:
        raise ExpressionError("empty expression '{{ }}'")
    try:
        ast = jsonata.Jsonata(text).ast
    except jsonata.JException as exc:
        at = getattr(exc, "location", None)
        where = f" at character {at + 1}" if isinstance(at, int) and at >= 0 else ""
        raise ExpressionError(f"invalid expression '{text}'{where}: {exc}") from None
    references: list[Reference] = []
    _collect(ast, text, relative=False, out=references, seen=set())
    return Expression(text, tuple(references))


def _closing_braces(text: str, index: int) -> int:
    """Index of the `}}` that closes a `{{` opened before `index`, skipping quoted strings."""
    depth, quote = 0, ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'`":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and text.startswith("}}", index):
                return index
            depth -= 1
        index += 1
    raise ExpressionError("'{{' is never closed by '}}'")


# Attributes of jsonata-python's AST nodes that hold sub-expressions.
_CHILDREN = (
    "steps", "stages", "predicate", "lhs", "rhs", "expression", "expressions", "arguments",
    "condition", "then", "_else", "body", "procedure", "terms", "group", "update", "delete",
    "lhs_object", "rhs_object",
)


def _collect(node, text: str, relative: bool, out: list[Reference], seen: set[int]) -> None:
    """Record the root names of `node`; names inside predicates and later steps are relative."""
    if isinstance(node, (list, tuple)):
        for item in node:
            _collect(item, text, relative, out, seen)
        return
    if not hasattr(node, "type") or id(node) in seen:
        return
    seen.add(id(node))
    if node.type == "path" and node.steps:
        first, *rest = node.steps
        if first.type == "name" and not relative:
            out.append(_reference(first, rest, text))
            _collect([first.stages, first.predicate], text, True, out, seen)
        else:
            _collect(first, text, relative, out, seen)
        _collect(rest, text, True, out, seen)
        _collect([node.stages, node.predicate, node.group], text, True, out, seen)
        return
    if node.type == "name" and not relative:
        out.append(_reference(node, [], text))
        return
    for attribute in _CHILDREN:
        value = getattr(node, attribute, None)
        if value is not None:
            _collect(value, text, relative, out, seen)


def _reference(first, rest: list, text: str) -> Reference:
    names = [first, *rest]
    steps = []
    for step in names[:3]:
        if step.type != "name":
            break
        steps.append(step)
    key = steps[1].value if len(steps) > 1 else None
    field = steps[2].value if len(steps) > 2 else None
    end_step = steps[1] if key is not None else first
    return Reference(first.value, key, field, _start(first, text), end_step.position)


def _start(name_node, text: str) -> int:
    """Start offset of a name token (the AST keeps only its end), backticks included."""
    end = name_node.position
    quoted = end >= 1 and text[end - 1 : end] == "`"
    return end - len(name_node.value) - (2 if quoted else 0)

"""Render DSL values and expressions into Step Functions JSONata.

A value is any YAML tree. Strings holding `{{ }}` become `{% %}` JSONata strings; every name an
expression reads is rewritten into its Step Functions form by a `Resolver`, which knows where
the current state is (inside a Map iteration, in the same state that assigns a variable…).
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from . import placeholders
from .expressions import Expression, Reference, has_template, parse_template

_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_EXECUTION = {
    "id": "$states.context.Execution.Id",
    "name": "$states.context.Execution.Name",
    "start_time": "$states.context.Execution.StartTime",
}
EXECUTION_INPUT = "$states.context.Execution.Input"


def task_variable(task_id: str, depth: int = 0) -> str:
    """The variable holding a task's record {status, output, error} in a scope `depth` deep.

    Each nesting level (Parallel branch, Map iteration) uses its own name, so an inner scope
    never assigns a name its outer scopes hold.
    """
    return f"t{depth or '_'}{'_' if depth else ''}{task_id.replace('-', '_')}"


def item_variables(depth: int) -> tuple[str, str]:
    """The variables holding a Map iteration's item and index in a scope `depth` deep."""
    return f"item{depth}", f"index{depth}"


def secret_name(expression: Expression) -> str | None:
    """NAME when the expression is exactly `secrets.NAME` (kept for the Lambda to resolve)."""
    refs = expression.references
    whole = len(refs) == 1 and refs[0].root == "secrets" and refs[0].key
    if whole and expression.text.replace(" ", "") == f"secrets.{refs[0].key}":
        return refs[0].key
    return None


def secret_reference(name: str) -> str:
    return f"{{{{ secrets.{name} }}}}"


@dataclass(frozen=True)
class Resolver:
    """Turns a DSL name into the JSONata that reads it from the current state."""

    workflow: str
    # Declared defaults (null for optional inputs): applied here, so a run started from any
    # client sees them.
    input_defaults: dict = field(default_factory=dict)
    # Variables assigned by the state being rendered: Output cannot see its own Assign.
    same_state: dict[str, str] = field(default_factory=dict)
    # The first state of a Map iteration reads item/index from its input, not from variables.
    entry: bool = False
    # The variable of each task's record as seen from the state being rendered.
    variable: Callable[[str], str] = task_variable
    item_depth: int = 0  # depth of the scope whose item/index variables are in view

    def __call__(self, ref: Reference) -> str:
        return getattr(self, "_" + ref.root)(ref)

    def _inputs(self, ref: Reference) -> str:
        given = f"{EXECUTION_INPUT}.inputs"
        if ref.key is None:
            return f"$merge([{json.dumps(self.input_defaults)}, {given}])" if self.input_defaults else given
        if ref.key in self.input_defaults:
            default = json.dumps(self.input_defaults[ref.key])
            return f"($v := {_path(given, ref.key)}; $exists($v) ? $v : {default})"
        return _path(given, ref.key)

    def _trigger(self, ref: Reference) -> str:
        return _path(f"{EXECUTION_INPUT}.trigger", ref.key)

    def _tasks(self, ref: Reference) -> str:
        variable = self.variable(ref.key)
        return f"({self.same_state[variable]})" if variable in self.same_state else "$" + variable

    def _execution(self, ref: Reference) -> str:
        fields = {**_EXECUTION, "workflow": json.dumps(self.workflow),
                  "version": json.dumps(placeholders.WORKFLOW_VERSION)}
        if ref.key:
            return fields[ref.key]
        return "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}"

    def _item(self, ref: Reference) -> str:
        base = "$states.input.item" if self.entry else "$" + item_variables(self.item_depth)[0]
        return _path(base, ref.key)  # the span of `item.name` covers `.name` too

    def _index(self, ref: Reference) -> str:
        return "$states.input.index" if self.entry else "$" + item_variables(self.item_depth)[1]

    def _error(self, ref: Reference) -> str:
        return _path("$error", ref.key)

    def _attempt(self, ref: Reference) -> str:
        return "($states.context.State.RetryCount + 1)"


def _path(base: str, key: str | None) -> str:
    if key is None:
        return base
    return f"{base}.{key}" if _PLAIN_NAME.match(key) else f"{base}.`{key}`"


def expression(expr: Expression, resolve: Resolver) -> str:
    """The JSONata text of one `{{ }}` expression."""
    return expr.rewrite(resolve)


def template_text(text: str, resolve: Resolver) -> str:
    """JSONata text (no `{% %}`) computing a string template's value."""
    template = parse_template(text)
    if template.is_single_expression and not secret_name(template.parts[0]):
        return expression(template.parts[0], resolve)
    pieces = []
    for part in template.parts:
        if isinstance(part, Expression):
            name = secret_name(part)
            pieces.append(json.dumps(secret_reference(name)) if name else f"$string({expression(part, resolve)})")
        else:
            pieces.append(json.dumps(part))
    return " & ".join(pieces)


def value(data: object, resolve: Resolver) -> object:
    """A YAML value as ASL JSON: templates become `{% %}` strings; the rest stays literal."""
    if isinstance(data, dict):
        return {str(k): value(v, resolve) for k, v in data.items()}
    if isinstance(data, list):
        return [value(v, resolve) for v in data]
    if has_template(data):
        template = parse_template(data)
        if len(template.parts) == 1 and secret_name(template.parts[0]):
            return secret_reference(secret_name(template.parts[0]))
        return "{% " + template_text(data, resolve) + " %}"
    if isinstance(data, str) and data.startswith("{%") and data.endswith("%}"):
        return "{% " + json.dumps(data) + " %}"  # a literal that Step Functions would evaluate
    return _json_safe(data)


def value_text(data: object, resolve: Resolver) -> str:
    """A YAML value as one JSONata expression (for Assign/Output built from several parts)."""
    if isinstance(data, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {value_text(v, resolve)}" for k, v in data.items()) + "}"
    if isinstance(data, list):
        return "[" + ", ".join(value_text(v, resolve) for v in data) + "]"
    if has_template(data):
        return f"({template_text(data, resolve)})"
    return json.dumps(_json_safe(data))


def jsonata(text: str) -> str:
    return "{% " + text + " %}"


def _json_safe(data: object) -> object:
    # YAML dates and times have no JSON form: keep them as the ISO text the user wrote.
    if hasattr(data, "isoformat"):
        return data.isoformat()
    return data

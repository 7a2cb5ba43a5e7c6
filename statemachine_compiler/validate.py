"""Check loaded YAML against the DSL's models and turn pydantic's errors into diagnostics."""

import typing

from pydantic import BaseModel, ValidationError

from .diagnostics import Reporter, describe, did_you_mean
from .model import Workflow


def validate(data: object, reporter: Reporter) -> Workflow | None:
    """The workflow model, or None after reporting every shape error."""
    if not isinstance(data, dict):
        reporter.error((), f"the file holds {describe(data)}: a workflow is a mapping with at least 'id' and 'tasks'")
        return None
    try:
        return Workflow.model_validate(data)
    except ValidationError as exc:
        for path, errors in _by_place(data, exc.errors(include_url=False)).items():
            reporter.error(tuple(p for p in path if p != "[key]"), _explain(path, errors))
        return None


def _by_place(data: object, errors: list[dict]) -> dict[tuple, list[dict]]:
    """Errors grouped by the place in the file they are about (a union reports once per member)."""
    grouped: dict[tuple, list[dict]] = {}
    for error in errors:
        grouped.setdefault(_data_path(data, error["loc"]), []).append(error)
    return grouped


def _data_path(data: object, loc: tuple) -> tuple:
    """pydantic's location as keys and indexes of the file: drops the names it adds for
    union members and validators ('str', 'function-before[...]'); keeps '[key]' markers."""
    path: list = []
    node = data
    for part in loc:
        if part == "[key]":
            path.append(part)
        elif isinstance(node, dict) and part in node or isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and not (isinstance(part, str) and "[" in part):
            path.append(part)  # a missing or unknown key
            node = None
    return tuple(path)


def _explain(path: tuple, errors: list[dict]) -> str:
    if path and path[-1] == "[key]":
        return _explain_key(path[:-1], errors[0])
    if len(errors) > 1 and all(e["type"] in _TYPE_NAMES for e in errors):
        expected = " or ".join(dict.fromkeys(_TYPE_NAMES[e["type"]] for e in errors))
        return f"expected {expected}, got {describe(errors[0]['input'])}"
    error = errors[0]
    kind, message = error["type"], error["msg"]
    if kind == "extra_forbidden":
        key = str(path[-1])
        allowed = _fields_at(path[:-1])
        return f"unknown key '{key}'{did_you_mean(key, allowed)}"
    if kind == "missing":
        return f"missing required key '{path[-1]}'{_MISSING_HINTS.get(path[-1], '')}"
    if kind in _TYPE_NAMES:
        return f"expected {_TYPE_NAMES[kind]}, got {describe(error['input'])}"
    if kind == "literal_error":
        expected = error["ctx"]["expected"]
        return f"'{error['input']}' is not allowed: expected {expected}"
    if kind == "string_pattern_mismatch":
        name = path[-2] if isinstance(path[-1], int) else path[-1]  # secrets[0] → secrets
        return f"'{error['input']}' is not valid: {_PATTERN_HINTS.get(name, message)}"
    if kind == "too_short" and path == ("tasks",):
        return "a workflow needs at least one task"
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    elif message.startswith("Input should be"):
        message = f"{error['input']!r} should be" + message[len("Input should be") :]
    return message[:1].lower() + message[1:]


def _explain_key(container: tuple, error: dict) -> str:
    """A key of a mapping whose keys are names (task ids, input names) that is not valid."""
    key = container[-1]
    if error["type"] != "string_pattern_mismatch":
        return f"'{key}' is not a valid name"
    is_task = len(container) >= 2 and container[-2] in ("tasks", "errors")
    what, hint = ("task id", _PATTERN_HINTS["id"]) if is_task else ("input name", _PATTERN_HINTS["input"])
    return f"{what} '{key}' is not valid: {hint}"


_TYPE_NAMES = {
    "string_type": "text", "bool_type": "true or false", "bool_parsing": "true or false",
    "int_type": "a whole number", "int_parsing": "a whole number", "int_from_float": "a whole number",
    "float_type": "a number", "float_parsing": "a number",
    "list_type": "a list", "dict_type": "a mapping", "model_type": "a mapping", "model_attributes_type": "a mapping",
}

_MISSING_HINTS = {
    "id": ": add one such as 'id: daily_sync'",
    "tasks": ": add 'tasks:', a mapping from each task id to its task",
    "type": ": add one such as 'type: core/http.get' or 'type: <namespace>/<plugin>.<action>'",
    "path": ": add the URL path the webhook listens on, such as '/ingest'",
}

_PATTERN_HINTS = {
    "id": "use lowercase letters, digits, '_' and '-', starting with a letter (at most 63)",
    "namespace": "use dotted lowercase words such as 'team.billing'",
    "path": "a webhook path starts with '/' and uses letters, digits, '_', '-', '.', '/'",
    "secret": "a secret name uses letters, digits and '_'",
    "secrets": "a secret name uses letters, digits and '_'",
    "input": "an input name uses letters, digits and '_', not starting with a digit",
}


def _fields_at(path: tuple) -> list[str]:
    """Names the model at `path` accepts, for did-you-mean on unknown keys."""
    model: object = Workflow
    for part in path:
        model = _step(model, part)
        if model is None:
            return []
    return list(model.model_fields) if _is_model(model) else []


def _step(annotation: object, part: object) -> object:
    if _is_model(annotation):
        field = annotation.model_fields.get(part)
        return _unwrap(field.annotation) if field else None
    origin = typing.get_origin(annotation)
    if origin in (dict, list):
        return _unwrap(typing.get_args(annotation)[-1])
    return None


def _unwrap(annotation: object) -> object:
    """Strip Optional/Annotated down to the model, list or dict inside."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, __import__("types").UnionType):
            candidates = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = next((a for a in candidates if _is_model(a) or typing.get_origin(a)), candidates[0])
        else:
            return annotation


def _is_model(annotation: object) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)

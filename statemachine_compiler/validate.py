"""Check loaded YAML against the DSL's models and turn pydantic's errors into diagnostics."""

import typing

from pydantic import BaseModel, ValidationError

from .diagnostics import Reporter, did_you_mean
from .model import Workflow


def validate(data: object, reporter: Reporter) -> Workflow | None:
    """The workflow model, or None after reporting every shape error."""
    if not isinstance(data, dict):
        reporter.error((), "a workflow must be a mapping with at least 'id' and 'tasks'")
        return None
    try:
        return Workflow.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            path, message = _explain(error)
            reporter.error(path, message)
        return None


def _explain(error: dict) -> tuple[tuple, str]:
    # pydantic puts the validator's name in the path for some types (e.g. "function-before").
    path = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
    kind, message = error["type"], error["msg"]
    if kind == "extra_forbidden":
        key = str(path[-1])
        allowed = _fields_at(path[:-1])
        return path, f"unknown key '{key}'{did_you_mean(key, allowed)}"
    if kind == "missing":
        return path, f"missing required key '{path[-1]}'"
    if kind == "literal_error":
        expected = error["ctx"]["expected"]
        return path, f"'{error['input']}' is not allowed: expected {expected}"
    if kind == "string_pattern_mismatch":
        return path, f"'{error['input']}' is not valid: {_PATTERN_HINTS.get(path[-1], message)}"
    if kind == "too_short" and path == ("tasks",):
        return path, "a workflow needs at least one task"
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return path, message[:1].lower() + message[1:]


_PATTERN_HINTS = {
    "id": "use lowercase letters, digits, '_' and '-', starting with a letter (at most 63)",
    "namespace": "use dotted lowercase words such as 'team.billing'",
    "path": "a webhook path starts with '/' and uses letters, digits, '_', '-', '.', '/'",
    "secret": "a secret name uses letters, digits and '_'",
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
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType")):
            candidates = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = next((a for a in candidates if _is_model(a) or typing.get_origin(a)), candidates[0])
        else:
            return annotation


def _is_model(annotation: object) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)

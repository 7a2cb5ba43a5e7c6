"""Reading a task's `inputs`: each helper names the field and what was expected when it is wrong."""

import re
from typing import Any

from statemill.runtime.errors import InputError

_MISSING = object()
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}


def field(inputs: dict, name: str, kind: type | tuple[type, ...], default: Any = _MISSING) -> Any:
    """inputs[name], checked to be of `kind`; required unless a default is given."""
    value = inputs.get(name)
    if value is None:
        if default is _MISSING:
            raise InputError(f"input '{name}' is required")
        return default
    if not is_a(value, kind):
        raise InputError(f"input '{name}' must be {expected(kind)}, got {json_type(value)}")
    return value


def duration_seconds(inputs: dict, name: str, default: float) -> float:
    """A duration input: a number of seconds, or text like "500ms", "30s", "5m"."""
    value = field(inputs, name, (int, float, str), default)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if not match:
            raise InputError(f"input '{name}' must be a duration like 30s or 500ms, got {value!r}")
        value = float(match.group(1)) * _SECONDS[match.group(2)]
    if value <= 0:
        raise InputError(f"input '{name}' must be positive, got {value}")
    return float(value)


def is_a(value: Any, kind: type | tuple[type, ...]) -> bool:
    """isinstance, except that a JSON boolean is not a number."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return isinstance(value, kinds) and (not isinstance(value, bool) or bool in kinds)


_JSON_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
}


def expected(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if set(kinds) == {int, float}:
        return "a number"
    return " or ".join(_JSON_NAMES.get(k, k.__name__) for k in kinds)


def json_type(value: Any) -> str:
    """How a JSON reader would name the type of `value`."""
    if value is None:
        return "null"
    return _JSON_NAMES.get(type(value), type(value).__name__)

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
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _kinds(kind)):
        names = " or ".join(k.__name__ for k in _kinds(kind))
        raise InputError(
            f"input '{name}' must be {names}, got {type(value).__name__}: {value!r:.80}"
        )
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


def _kinds(kind) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)

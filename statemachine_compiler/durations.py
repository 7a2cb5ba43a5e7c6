"""Durations as the DSL writes them: 500ms, 30s, 5m, 2h, 1d, or ISO-8601 (PT5M)."""

import re

_SHORT = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h|d)$")
_ISO = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
HINT = "write a duration such as 500ms, 30s, 5m, 2h, 1d or PT5M"


def parse_ms(text: object) -> int | None:
    """Milliseconds, or None when `text` is not a duration."""
    if isinstance(text, bool) or not isinstance(text, str):
        return None
    value = text.strip()
    if match := _SHORT.match(value):
        return round(float(match[1]) * _UNIT_MS[match[2]])
    match = _ISO.match(value)
    if match and value not in ("P", "PT") and not value.endswith("T"):
        parts = {k: float(v) for k, v in match.groupdict().items() if v}
        return round(
            parts.get("d", 0) * 86_400_000 + parts.get("h", 0) * 3_600_000
            + parts.get("m", 0) * 60_000 + parts.get("s", 0) * 1000
        )
    return None


def format_ms(ms: int) -> str:
    for unit in ("d", "h", "m", "s"):
        if ms >= _UNIT_MS[unit] and ms % _UNIT_MS[unit] == 0:
            return f"{ms // _UNIT_MS[unit]}{unit}"
    return f"{ms}ms"

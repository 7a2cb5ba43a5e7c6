"""5-field cron (as croniter reads it) <-> EventBridge Scheduler `cron(min hour dom month dow year)`.

EventBridge differs from cron in three ways that matter here:
- exactly one of day-of-month and day-of-week is `?`;
- day-of-week counts 1-7 from Sunday (cron: 0-6 from Sunday, 7 also Sunday) and takes no steps;
- cron runs on days matching day-of-month OR day-of-week when both are restricted, which one
  EventBridge expression cannot say: such a cron becomes two expressions, one per day field,
  whose fire times together are the cron's (a minute both match fires once: the execution is
  named from the scheduled time).

Fields are expanded with croniter, then written back in a canonical form, so names, steps,
ranges and lists all arrive the same way.
"""

from __future__ import annotations

import itertools
import re

from croniter import croniter

# (lowest, highest) of minute, hour, day-of-month, month; day-of-week is handled on its own.
_BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12))
_EXPRESSION = re.compile(r"^cron\((.+)\)$")
_NTH = re.compile(r"^(\d)#(\d)$")


class CronError(ValueError):
    """A cron that EventBridge Scheduler cannot express (or an expression this module cannot read)."""


def to_schedule_expressions(cron: str) -> list[str]:
    """The EventBridge Scheduler expressions whose fire times together are `cron`'s (one or two)."""
    try:
        fields, nth_weekdays = croniter.expand(cron)
    except ValueError as exc:  # croniter's errors, and int() of a bad number inside it
        raise CronError(f"'{cron}' is not a valid cron expression: {exc}") from None
    if len(fields) != 5:
        raise CronError(f"'{cron}' has {len(fields)} fields: write 5 (minute hour day-of-month month day-of-week)")
    minute, hour, month = (_compact(fields[i], *_BOUNDS[i]) for i in (0, 1, 3))
    day_of_month = _day_of_month(fields[2], cron)
    day_of_week = _day_of_week(fields[4], nth_weekdays, cron)

    def expression(dom: str, dow: str) -> str:
        return f"cron({minute} {hour} {dom} {month} {dow} *)"

    if day_of_week == "*":
        return [expression(day_of_month, "?")]
    if day_of_month == "*":
        return [expression("?", day_of_week)]
    # Both restricted: cron fires on either (see the module's docstring).
    return [expression(day_of_month, "?"), expression("?", day_of_week)]


def to_croniter_syntax(expression: str) -> str:
    """An EventBridge `cron(...)` expression (with `*` as year) as a 5-field cron croniter reads.

    The local scheduler fires the schedules stored in the (emulated) Scheduler API with it.
    """
    match = _EXPRESSION.match(expression.strip())
    fields = match.group(1).split() if match else []
    if len(fields) != 6:
        raise CronError(f"'{expression}' is not an EventBridge cron expression: cron(min hour dom month dow year)")
    minute, hour, dom, month, dow, year = fields
    if year != "*":
        raise CronError(f"'{expression}': only '*' is supported as the year")
    steps = [_steps_to_ranges(field, *_BOUNDS[i]) for i, field in enumerate((minute, hour, dom, month))]
    dom_part = "*" if dom == "?" else steps[2]
    dow_part = "*" if dow == "?" else ",".join(_eventbridge_weekday_to_cron(part) for part in dow.split(","))
    return f"{steps[0]} {steps[1]} {dom_part} {steps[3]} {dow_part}"


def _day_of_month(values: list, cron: str) -> str:
    if "l" in values:
        if len(values) > 1:
            raise CronError(f"'{cron}': EventBridge takes 'L' (last day of the month) alone, not in a list")
        return "L"
    return _compact(values, 1, 31)


def _day_of_week(values: list, nth_weekdays: dict, cron: str) -> str:
    if values == ["*"]:
        return "*"
    if any(isinstance(v, str) for v in values):
        raise CronError(f"'{cron}': this day-of-week form has no EventBridge equivalent: use days 0-6 or names")
    if nth_weekdays:
        # "5#3": the third Friday. EventBridge takes one such day, alone.
        if len(values) != 1 or len(nth_weekdays.get(values[0], ())) != 1:
            raise CronError(f"'{cron}': EventBridge takes one 'day#n' in day-of-week, alone")
        (nth,) = nth_weekdays[values[0]]
        return f"{values[0] + 1}#{nth}"
    # croniter gives 0 (and 7) for Sunday; EventBridge counts 1 (Sunday) to 7 (Saturday).
    days = sorted({value % 7 + 1 for value in values})
    return "*" if len(days) == 7 else _runs(days)


def _compact(values: list, lowest: int, highest: int) -> str:
    """`*`, `start/step`, or a list of values and ranges."""
    if values == ["*"] or values == list(range(lowest, highest + 1)):
        return "*"
    if any(isinstance(v, str) for v in values):
        raise CronError(f"'{values}' has no EventBridge equivalent")
    values = sorted(values)
    if len(values) >= 3:
        step = values[1] - values[0]
        progression = all(b - a == step for a, b in itertools.pairwise(values))
        if progression and step > 1 and values[-1] + step > highest:
            return f"{values[0]}/{step}"
    return _runs(values)


def _runs(values: list[int]) -> str:
    """[1, 2, 3, 5] -> "1-3,5": runs of three or more as ranges."""
    parts, start = [], 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[i - 1] + 1:
            run = values[start:i]
            parts.append(f"{run[0]}-{run[-1]}" if len(run) >= 3 else ",".join(map(str, run)))
            start = i
    return ",".join(parts)


def _steps_to_ranges(field: str, lowest: int, highest: int) -> str:
    """EventBridge "5/15" (from 5, every 15) is "5-59/15" in cron."""
    parts = []
    for part in field.split(","):
        start, slash, step = part.partition("/")
        if slash and "-" not in start:
            start = f"{lowest if start == '*' else start}-{highest}"
        parts.append(f"{start}{slash}{step}")
    return ",".join(parts)


def _eventbridge_weekday_to_cron(part: str) -> str:
    """"2-6" -> "1-5", "6#3" -> "5#3"; names (MON) are the same in both."""
    nth = _NTH.match(part)
    if nth:
        return f"{int(nth.group(1)) - 1}#{nth.group(2)}"
    return re.sub(r"\d", lambda digit: str(int(digit.group()) - 1), part)

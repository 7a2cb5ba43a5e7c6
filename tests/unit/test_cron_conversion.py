"""cron -> EventBridge Scheduler expressions, checked by fire times: croniter's for the cron,
and an evaluator written here from EventBridge's documented rules for the expressions (kept
independent of statemachine_compiler.cron, so a shared misreading cannot hide)."""

import calendar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from croniter import croniter

from statemachine_compiler import CompileError, compile_source
from statemachine_compiler.cron import CronError, to_croniter_syntax, to_schedule_expressions

FIRE_TIMES = 12
START = datetime(2025, 1, 30, 22, 17, tzinfo=UTC)  # a Thursday, near a month's end

CRONS = [
    ("0 2 * * *", 1),
    ("*/15 * * * *", 1),
    ("5,20,35,50 * * * *", 1),
    ("0 9-17 * * *", 1),
    ("30 8 * * mon-fri", 1),
    ("0 0 * * 1-5", 1),
    ("0 0 * * 0", 1),
    ("0 0 * * 7", 1),
    ("0 12 * * sun,sat", 1),
    ("0 0 * * */2", 1),
    ("0 0 * * 5-7", 1),
    ("15 10 1 * *", 1),
    ("0 0 1,15 * *", 1),
    ("0 0 */10 * *", 1),
    ("0 0 L * *", 1),
    ("0 6 * jan,jul *", 1),
    ("0 0 1 */3 *", 1),
    ("0 0 * * 5#3", 1),
    ("10-20/5 1-3 * * *", 1),
    ("0 0 13 * fri", 2),
    ("0 0 1,15 * sun", 2),
    ("0 0 */2 * 1", 2),
    ("0 8 1-7 * mon", 2),
    ("0 0 * 2 sat-sun", 1),
]

NAMES = {name: i for i, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], start=1)}
MONTHS = {name.upper(): i for i, name in enumerate(calendar.month_abbr) if name}


def _values(field: str, lowest: int, highest: int, names: dict) -> set:
    """One EventBridge field (`*`, `?`, lists, `a-b`, `a/b`, names) as the set of values it allows."""
    if field in ("*", "?"):
        return set(range(lowest, highest + 1))
    allowed = set()
    for part in field.split(","):
        base, _, step = part.partition("/")
        if "-" in base:
            first, last = (names.get(x, None) or int(x) for x in base.split("-"))
        elif base == "*":
            first, last = lowest, highest
        else:
            first = names.get(base, None) or int(base)
            last = highest if step else first
        allowed.update(range(first, last + 1, int(step or 1)))
    return allowed


def _day_matches(day: datetime, dom: str, month: str, dow: str) -> bool:
    if day.month not in _values(month, 1, 12, MONTHS):
        return False
    weekday = (day.weekday() + 1) % 7 + 1  # EventBridge: SUN=1 .. SAT=7
    if dow != "?":
        if "#" in dow:
            wanted, nth = map(int, dow.split("#"))
            return weekday == wanted and (day.day - 1) // 7 + 1 == nth
        return weekday in _values(dow, 1, 7, NAMES)
    if dom == "L":
        return day.day == calendar.monthrange(day.year, day.month)[1]
    return day.day in _values(dom, 1, 31, {})


def eventbridge_fire_times(expression: str, timezone: str, after: datetime, count: int) -> list[datetime]:
    minute, hour, dom, month, dow, year = expression.removeprefix("cron(").removesuffix(")").split()
    assert year == "*" and (dom == "?") != (dow == "?"), expression
    zone = ZoneInfo(timezone)
    local = after.astimezone(zone)
    times, day = [], local.replace(hour=0, minute=0, second=0, microsecond=0)
    while len(times) < count:
        if _day_matches(day, dom, month, dow):
            for h in sorted(_values(hour, 0, 23, {})):
                for m in sorted(_values(minute, 0, 59, {})):
                    moment = day.replace(hour=h, minute=m)
                    if moment > local and len(times) < count:
                        times.append(moment.astimezone(UTC))
        day += timedelta(days=1)
    return times


def croniter_fire_times(cron: str, timezone: str, after: datetime, count: int) -> list[datetime]:
    iterator = croniter(cron, after.astimezone(ZoneInfo(timezone)))
    return [iterator.get_next(datetime).astimezone(UTC) for _ in range(count)]


@pytest.mark.parametrize(("cron", "schedules"), CRONS)
@pytest.mark.parametrize("timezone", ["UTC", "Europe/Paris"])
def test_expressions_fire_when_the_cron_does(cron, schedules, timezone):
    expressions = to_schedule_expressions(cron)
    assert len(expressions) == schedules
    merged = sorted({t for e in expressions for t in eventbridge_fire_times(e, timezone, START, FIRE_TIMES)})
    assert merged[:FIRE_TIMES] == croniter_fire_times(cron, timezone, START, FIRE_TIMES)


@pytest.mark.parametrize(("cron", "_"), CRONS)
def test_local_scheduler_syntax_fires_as_the_expression(cron, _):
    """The local scheduler reads the stored expressions back with croniter."""
    for expression in to_schedule_expressions(cron):
        assert (croniter_fire_times(to_croniter_syntax(expression), "UTC", START, FIRE_TIMES)
                == eventbridge_fire_times(expression, "UTC", START, FIRE_TIMES))


@pytest.mark.parametrize(("cron", "expected"), [
    ("0 2 * * *", ["cron(0 2 * * ? *)"]),
    ("*/15 * * * *", ["cron(0/15 * * * ? *)"]),
    ("30 8 * * mon-fri", ["cron(30 8 ? * 2-6 *)"]),
    ("0 0 * * 0", ["cron(0 0 ? * 1 *)"]),
    ("0 0 * * 7", ["cron(0 0 ? * 1 *)"]),
    ("0 0 * * */2", ["cron(0 0 ? * 1,3,5,7 *)"]),
    ("0 0 13 * fri", ["cron(0 0 13 * ? *)", "cron(0 0 ? * 6 *)"]),
    ("0 0 * * 5#3", ["cron(0 0 ? * 6#3 *)"]),
])
def test_expressions_read_as_eventbridge_documents_them(cron, expected):
    assert to_schedule_expressions(cron) == expected


@pytest.mark.parametrize("cron", ["0 0 1,L * *", "0 0 * * 1#2,1#4"])
def test_crons_eventbridge_cannot_express_are_refused(cron):
    with pytest.raises(CronError, match="EventBridge"):
        to_schedule_expressions(cron)


@pytest.mark.parametrize(("cron", "message"), [
    ("61 * * * *", "not a valid cron expression"),
    ("0 2 * *", "not a valid cron expression"),
    ("0 0 1,L * *", "'L'"),
])
def test_invalid_crons_are_compile_errors_with_their_position(cron, message):
    source = f'id: nightly\ntrigger:\n  cron: "{cron}"\ntasks:\n  a: {{type: core/log, inputs: {{message: hi}}}}\n'
    with pytest.raises(CompileError) as caught:
        compile_source(source, file="nightly.yaml")
    (diagnostic,) = caught.value.diagnostics
    assert message in diagnostic.message
    assert (diagnostic.field, str(diagnostic.position)) == ("trigger.cron", "3:3")

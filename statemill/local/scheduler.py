"""The local server's scheduler: fires the EventBridge Scheduler schedules stored in this server
(moto) as EventBridge Scheduler would, by calling the scheduled_start code with the Target's
Input and the scheduled time.

Policy after a gap (a suspended laptop, a clock moved forward): of the slots missed, only the
latest is started, so at most one missed run is caught up. A schedule fires only slots after it
was first seen. The clock is injectable: tests use a FakeClock moved through the server.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from statemachine_compiler.cron import CronError, to_croniter_syntax
from statemill.control.schedules import SCHEDULED_TIME

LOG = logging.getLogger(__name__)
TICK_SECONDS = 1.0


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime):
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment


class LocalScheduler:
    def __init__(self, scheduler_client: Any, group: str, start: Callable[[dict], dict], clock=None):
        self._client = scheduler_client
        self._group = group
        self._start = start
        self.clock = clock or SystemClock()
        self._checked: dict[str, datetime] = {}  # schedule name -> fired up to (exclusive of later)
        self._lock = threading.RLock()
        self._stopping = threading.Event()

    def tick(self) -> list[dict]:
        """Start what is due now; returns what each start answered."""
        with self._lock:  # the thread's ticks and a test's clock moves must not interleave
            now = self.clock.now()
            results = []
            seen = set()
            for schedule in self._enabled_schedules():
                name = schedule["Name"]
                seen.add(name)
                since = self._checked.setdefault(name, now)
                slot = self._latest_slot(schedule, since, now)
                self._checked[name] = now
                if slot is not None:
                    results.append(self._fire(schedule, slot))
            # A disabled or deleted schedule starts afresh from when it is seen again.
            for name in set(self._checked) - seen:
                del self._checked[name]
            return results

    def move_clock(self, moment: datetime) -> list[dict]:
        """Move a FakeClock to `moment` and start what is due, with no tick of the thread between."""
        with self._lock:
            # Schedules applied since the last tick are seen at the old time, so their next slot counts.
            self.tick()
            self.clock.set(moment)
            return self.tick()

    def run(self) -> None:
        while not self._stopping.wait(TICK_SECONDS):
            try:
                self.tick()
            except Exception:  # one bad tick (server shutting down, say) must not end the thread
                LOG.exception("local scheduler tick failed")

    def start(self) -> None:
        threading.Thread(target=self.run, name="statemill-scheduler", daemon=True).start()

    def stop(self) -> None:
        self._stopping.set()

    def _enabled_schedules(self) -> list[dict]:
        try:
            pages = self._client.get_paginator("list_schedules").paginate(GroupName=self._group, State="ENABLED")
            names = [item["Name"] for page in pages for item in page["Schedules"]]
        except self._client.exceptions.ResourceNotFoundException:
            return []  # no cron workflow applied yet: the group does not exist
        return [self._client.get_schedule(GroupName=self._group, Name=name) for name in names]

    @staticmethod
    def _latest_slot(schedule: dict, since: datetime, now: datetime) -> datetime | None:
        """The latest fire time in (since, now], or None."""
        from croniter import croniter

        try:
            cron = to_croniter_syntax(schedule["ScheduleExpression"])
        except CronError as exc:
            LOG.warning("schedule %s is not fired locally: %s", schedule["Name"], exc)
            return None
        zone = ZoneInfo(schedule.get("ScheduleExpressionTimezone") or "UTC")
        previous = croniter(cron, now.astimezone(zone)).get_prev(datetime)
        # croniter's get_prev is strictly before `now`; a slot exactly at `now` is due too.
        if croniter.match(cron, now.astimezone(zone)):
            previous = now.astimezone(zone).replace(second=0, microsecond=0)
        return previous.astimezone(UTC) if previous > since else None

    def _fire(self, schedule: dict, slot: datetime) -> dict:
        text = schedule["Target"]["Input"].replace(SCHEDULED_TIME, slot.strftime("%Y-%m-%dT%H:%M:%SZ"))
        try:
            return {"schedule": schedule["Name"], **self._start(json.loads(text))}
        except Exception as exc:  # reported, as Scheduler would after its retries; the next slot still fires
            LOG.exception("schedule %s could not start its workflow", schedule["Name"])
            return {"schedule": schedule["Name"], "started": False, "error": f"{type(exc).__name__}: {exc}"}

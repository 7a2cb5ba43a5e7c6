"""POST /statemill/test/clock {"now": ISO time}: move the local scheduler's fake clock and run
its due schedules at once. Mounted only when the server starts with STATEMILL_FAKE_CLOCK (the
fake clock's first time), so tests can fire cron triggers without waiting for real minutes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from statemill.local.scheduler import FakeClock, LocalScheduler

ENV_FAKE_CLOCK = "STATEMILL_FAKE_CLOCK"
ROUTE = "/statemill/test/clock"


def fake_clock(environ: dict) -> FakeClock | None:
    start = environ.get(ENV_FAKE_CLOCK)
    return FakeClock(datetime.fromisoformat(start)) if start else None


def clock_app(scheduler: LocalScheduler, clock: FakeClock):
    def app(environ: dict, start_response: Callable) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request = json.loads(environ["wsgi.input"].read(length) or b"{}")
        fired = scheduler.move_clock(datetime.fromisoformat(request["now"]))
        data = json.dumps({"now": clock.now().isoformat(), "fired": fired}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]
    return app

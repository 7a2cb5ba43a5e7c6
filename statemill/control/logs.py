"""The runtime's log lines of one execution: from the local server's log route, or CloudWatch.

Lines are the JSON records the runtime logs (message, level, timestamp, task, execution…).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

from statemill import platform
from statemill.control.errors import PlatformUnavailable
from statemill.control.target import TargetSettings

LOCAL_LOGS_ROUTE = "/statemill/logs/"  # statemill.local.server.LOGS_ROUTE
FOLLOW_POLL_SECONDS = 0.5


class _LocalLogs:
    def __init__(self, target: TargetSettings, arn: str):
        self._url = target.endpoint_url + LOCAL_LOGS_ROUTE + urllib.parse.quote(arn, safe=":")
        self._next = 0

    def new_lines(self) -> list[dict]:
        try:
            with urllib.request.urlopen(f"{self._url}?after={self._next}", timeout=10) as response:
                page = json.load(response)
        except (OSError, ValueError) as exc:
            raise PlatformUnavailable(f"cannot read logs from the local server: {exc}") from None
        self._next = page["next"]
        return page["lines"]


class _CloudWatchLogs:
    """The platform functions' log groups, filtered on the execution field of each JSON line."""

    def __init__(self, target: TargetSettings, arn: str):
        self._logs = target.client("logs")
        self._groups = [f"/aws/lambda/{platform.resource_name(target.stage, name)}" for name in platform.FUNCTIONS]
        self._pattern = f'{{ $.execution = "{arn}" }}'
        self._seen: set[str] = set()
        self._since = 0

    def new_lines(self) -> list[dict]:
        events = []
        for group in self._groups:
            try:
                pages = self._logs.get_paginator("filter_log_events").paginate(
                    logGroupName=group, filterPattern=self._pattern, startTime=self._since)
                events += [e for page in pages for e in page["events"] if e["eventId"] not in self._seen]
            except self._logs.exceptions.ResourceNotFoundException:
                continue  # a function that never ran has no log group yet
        events.sort(key=lambda e: e["timestamp"])
        self._seen.update(e["eventId"] for e in events)
        if events:
            self._since = events[-1]["timestamp"]
        return [_parsed(e["message"]) for e in events]


def _parsed(message: str) -> dict:
    try:
        record = json.loads(message)
    except ValueError:
        return {"message": message}
    return record if isinstance(record, dict) else {"message": message}


def reader(target: TargetSettings, arn: str) -> _LocalLogs | _CloudWatchLogs:
    return _LocalLogs(target, arn) if target.name == "local" else _CloudWatchLogs(target, arn)


def follow(target: TargetSettings, arn: str, poll: float = FOLLOW_POLL_SECONDS) -> Iterator[dict]:
    """Every line, then new ones as they come, until the execution has ended."""
    source = reader(target, arn)
    stepfunctions = target.client("stepfunctions")
    while True:
        running = stepfunctions.describe_execution(executionArn=arn)["status"] == "RUNNING"
        yield from source.new_lines()  # read after the status: no line of a last task is missed
        if not running:
            return
        time.sleep(poll)

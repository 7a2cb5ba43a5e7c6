"""Execution history (get_execution_history events) read per state, for progress displays.

Step Functions names the state only on its StateEntered/StateExited events; every other event
(TaskScheduled, TaskFailed, LambdaFunctionSucceeded…) is tied to its state through the
chain of previousEventId links, which this module follows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class StateEvent:
    id: int
    type: str  # the history event type: TaskStateEntered, TaskFailed, ExecutionSucceeded…
    timestamp: datetime
    state: str | None  # None for execution-level events
    error: str | None = None
    cause: str | None = None


def _details(event: dict[str, Any]) -> dict[str, Any]:
    return next((value for key, value in event.items() if key.endswith("EventDetails")), {})


def state_events(events: Iterable[dict[str, Any]]) -> list[StateEvent]:
    """Each history event with the name of the state it belongs to, oldest first."""
    state_of: dict[int, str | None] = {}
    result = []
    for event in sorted(events, key=lambda e: e["id"]):
        details = _details(event)
        if event["type"].startswith("Execution"):
            state = None
        elif event["type"].endswith("StateEntered"):
            state = details.get("name")
        else:
            state = state_of.get(event.get("previousEventId", 0))
        # An exited state no longer owns the events that follow it.
        state_of[event["id"]] = None if event["type"].endswith("StateExited") else state
        if event["type"].endswith("StateExited"):
            state = details.get("name")
        result.append(StateEvent(
            id=event["id"], type=event["type"], timestamp=event["timestamp"], state=state,
            error=details.get("error"), cause=details.get("cause"),
        ))
    return result

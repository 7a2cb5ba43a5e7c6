"""An execution as Statemill shows it: status, inputs, outputs and per-task progress.

Built from what every target's Step Functions API returns (describe_execution and the
execution history), so `run`, `execution inspect` and the control API agree everywhere.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from statemill.control.history import StateEvent

# Step Functions execution status -> Statemill's (CLI.md).
STATUS = {"RUNNING": "RUNNING", "SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED", "TIMED_OUT": "TIMED_OUT",
           "ABORTED": "CANCELLED", "PENDING_REDRIVE": "FAILED"}
ICONS = {"PENDING": "○", "SUCCEEDED": "✓", "RUNNING": "⟳", "WAITING": "⟳", "FAILED": "✗", "SKIPPED": "⤼",
         "CANCELLED": "✗", "TIMED_OUT": "✗"}


@dataclass
class TaskRun:
    id: str
    status: str = "PENDING"  # PENDING | RUNNING | WAITING | SUCCEEDED | FAILED | SKIPPED
    start_time: datetime | None = None
    stop_time: datetime | None = None
    attempts: int = 0
    error: dict | None = None

    @property
    def seconds(self) -> float | None:
        if self.start_time and self.stop_time:
            return (self.stop_time - self.start_time).total_seconds()
        return None

    def to_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "start_time": _iso(self.start_time),
                "stop_time": _iso(self.stop_time), "attempts": self.attempts, "error": self.error}


@dataclass
class Execution:
    id: str
    arn: str
    workflow: str
    version: str | None
    status: str
    start_time: datetime | None
    stop_time: datetime | None
    inputs: dict
    outputs: Any
    error: dict | None
    tasks: list[TaskRun] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"id": self.id, "arn": self.arn, "workflow": self.workflow, "version": self.version,
                "status": self.status, "start_time": _iso(self.start_time), "stop_time": _iso(self.stop_time),
                "inputs": self.inputs, "outputs": self.outputs, "error": self.error,
                "tasks": [t.to_dict() for t in self.tasks]}


def error_of(error: str | None, cause: str | None) -> dict | None:
    """{type, message} from a Step Functions error and cause (a Lambda's cause is JSON)."""
    if error is None and cause is None:
        return None
    message = cause or ""
    try:
        parsed = json.loads(message) if message.startswith("{") else None
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        message = parsed.get("errorMessage") or parsed.get("message") or message
        return {"type": parsed.get("type") or error, "message": message, **({"task": parsed["task"]} if "task" in parsed else {})}
    return {"type": error, "message": message}


def task_runs(task_ids: Iterable[str], events: list[StateEvent], status: str) -> list[TaskRun]:
    """Each task's status from the history: a state named by its task id, a Choice 'Run <id>?'."""
    runs = {task_id: TaskRun(task_id) for task_id in task_ids}
    skipped_by = {f"Run {task_id}?": task_id for task_id in runs}
    for event in events:
        if event.state in skipped_by and event.type == "ChoiceStateExited":
            run = runs[skipped_by[event.state]]
            if run.status == "PENDING":
                run.status = "SKIPPED"
        run = runs.get(event.state)
        if run is not None:
            _apply(run, event)
    for run in runs.values():
        if run.status in ("RUNNING", "WAITING") and status not in ("RUNNING", "WAITING"):
            # Unfinished when the run ended: cut short by a cancel, else by a failure.
            run.status = "FAILED" if run.error and status != "CANCELLED" else "CANCELLED"
    return list(runs.values())


def _apply(run: TaskRun, event: StateEvent) -> None:
    kind = event.type
    if kind.endswith("StateEntered"):
        run.start_time = run.start_time or event.timestamp
        run.status = "RUNNING"
        if not kind.startswith("Task"):
            run.attempts += 1  # Pass, Wait and Map states run once
    elif kind == "TaskScheduled":
        run.attempts += 1
    elif kind == "TaskSubmitted" and run.status == "RUNNING":
        run.status = "WAITING"
    elif kind in ("TaskSucceeded", "MapStateSucceeded"):
        run.error = None
    elif kind in ("TaskFailed", "TaskTimedOut", "MapStateFailed", "ExecutionFailed"):
        run.error = error_of(event.error, event.cause)
    elif kind.endswith("StateExited"):
        run.stop_time = event.timestamp
        run.status = "FAILED" if run.error else "SUCCEEDED"


def summarize(description: dict, events: list[StateEvent], task_ids: Iterable[str], workflow: str,
              version: str | None = None) -> Execution:
    """The Execution from describe_execution's response and the state events of its history."""
    status = STATUS.get(description["status"], description["status"])
    document = _json(description.get("input")) or {}
    tasks = task_runs(task_ids, events, status)
    if status == "RUNNING" and any(t.status == "WAITING" for t in tasks):
        status = "WAITING"
    return Execution(
        id=description.get("name") or description["executionArn"].rsplit(":", 1)[-1],
        arn=description["executionArn"], workflow=workflow, version=version, status=status, start_time=description.get("startDate"), stop_time=description.get("stopDate"),
        inputs=document.get("inputs", {}), outputs=_json(description.get("output")),
        error=error_of(description.get("error"), description.get("cause")), tasks=tasks)


def _json(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None

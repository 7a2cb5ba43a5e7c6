"""Executions on a target: start, find (by id or ARN), list, inspect, wait, cancel, answer, redrive.

EXEC is an execution's id (its name) or its ARN. An id is looked for among the registered
workflows, those whose id starts it first (started here, it is "<workflow>-<random>").
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from statemill import platform
from statemill.control import approvals, inputs, workflows
from statemill.control.errors import NotFound, NotSupported, Refused
from statemill.control.executions import STATUS, Execution, summarize
from statemill.control.history import state_events
from statemill.control.registry import Registry, WorkflowRecord
from statemill.control.target import TargetSettings

# Statemill status -> the Step Functions status to filter list_executions by.
STATUS_FILTER = {"RUNNING": "RUNNING", "WAITING": "RUNNING", "SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED",
                 "CANCELLED": "ABORTED", "TIMED_OUT": "TIMED_OUT"}
CANCELLED_ERROR = "Statemill.Cancelled"
POLL_FIRST_SECONDS = 0.05
POLL_MAX_SECONDS = 0.5


@dataclass(frozen=True)
class Found:
    arn: str
    workflow: WorkflowRecord
    description: dict  # describe_execution's response


def start(target: TargetSettings, reference: str, values: dict) -> str:
    """Start a workflow with inputs checked against its input schema; returns the execution ARN."""
    record = workflows.get(target, reference)
    if not record.enabled:
        raise Refused(f"workflow '{record.name}' is disabled: statemill workflow enable {record.name}")
    document = {"inputs": inputs.prepare(record.input_schema or {}, values), "trigger": {"type": "manual"}}
    response = target.client("stepfunctions").start_execution(
        stateMachineArn=record.state_machine_arn, name=f"{record.id}-{uuid.uuid4().hex[:12]}",
        input=json.dumps(document))
    return response["executionArn"]


def find(target: TargetSettings, reference: str) -> Found:
    records = Registry.of(target).list()
    if reference.startswith("arn:"):
        description = _describe(target, reference)
        by_arn = {r.state_machine_arn: r for r in records}
        if description is None or description["stateMachineArn"] not in by_arn:
            raise NotFound(f"no execution {reference} of a registered workflow on the {target.name} target")
        return Found(reference, by_arn[description["stateMachineArn"]], description)
    # Likely owners first: executions started here are named "<workflow id>-<random>".
    for record in sorted(records, key=lambda r: not reference.startswith(f"{r.id}-")):
        arn = record.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{reference}"
        description = _describe(target, arn)
        if description is not None:
            return Found(arn, record, description)
    raise NotFound(f"no execution '{reference}' on the {target.name} target: "
                   "see statemill execution list")


def _describe(target: TargetSettings, arn: str) -> dict | None:
    stepfunctions = target.client("stepfunctions")
    try:
        return stepfunctions.describe_execution(executionArn=arn)
    except (stepfunctions.exceptions.ExecutionDoesNotExist, stepfunctions.exceptions.InvalidArn):
        return None


def inspect(target: TargetSettings, reference: str | Found) -> Execution:
    """Status, inputs, outputs and per-task progress, with the tasks of the version that ran."""
    found = reference if isinstance(reference, Found) else find(target, reference)
    stepfunctions = target.client("stepfunctions")
    description = stepfunctions.describe_execution(executionArn=found.arn)
    history = [event for page in stepfunctions.get_paginator("get_execution_history").paginate(
        executionArn=found.arn) for event in page["events"]]
    definition = stepfunctions.describe_state_machine_for_execution(executionArn=found.arn)["definition"]
    version, task_ids = (Registry.of(target).definition(found.workflow, definition)
                         or (found.workflow.version, found.workflow.task_ids))
    return summarize(description, state_events(history), task_ids, found.workflow.id, version)


def wait(target: TargetSettings, found: Found, timeout: float | None = None) -> Execution:
    """Poll until the execution is no longer running (or `timeout` seconds pass)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    pause = POLL_FIRST_SECONDS
    stepfunctions = target.client("stepfunctions")
    while stepfunctions.describe_execution(executionArn=found.arn)["status"] == "RUNNING":
        if deadline is not None and time.monotonic() >= deadline:
            break
        time.sleep(pause)
        pause = min(pause * 2, POLL_MAX_SECONDS)
    return inspect(target, found)


def list_executions(target: TargetSettings, workflow: str | None = None, status: str | None = None,
                    limit: int = 50) -> list[dict[str, Any]]:
    """The newest executions first: {id, arn, workflow, status, start_time, stop_time}."""
    records = [workflows.get(target, workflow)] if workflow else workflows.list_workflows(target)
    paginator = target.client("stepfunctions").get_paginator("list_executions")
    filters = {"statusFilter": STATUS_FILTER[status]} if status else {}
    found = []
    for record in records:
        pages = paginator.paginate(stateMachineArn=record.state_machine_arn, **filters,
                                   PaginationConfig={"MaxItems": limit})
        found += [(record, item) for page in pages for item in page["executions"]]
    found.sort(key=lambda pair: pair[1]["startDate"], reverse=True)
    return [{"id": item["name"], "arn": item["executionArn"], "workflow": record.name,
             "status": STATUS.get(item["status"], item["status"]), "start_time": _iso(item.get("startDate")),
             "stop_time": _iso(item.get("stopDate"))} for record, item in found[:limit]]


def cancel(target: TargetSettings, reference: str) -> Found:
    found = find(target, reference)
    if found.description["status"] != "RUNNING":
        status = STATUS.get(found.description["status"], found.description["status"])
        raise Refused(f"execution {found.description['name']} is already {status}: nothing to cancel")
    target.client("stepfunctions").stop_execution(
        executionArn=found.arn, error=CANCELLED_ERROR, cause="cancelled from the statemill command line")
    return found


def answer(target: TargetSettings, reference: str, task: str, *, approved: bool, by: str,
           comment: str = "") -> Found:
    """Approve or reject the core/approval task `task` that the execution waits on."""
    found = find(target, reference)
    try:
        approvals.answer(target.client("stepfunctions"), target.client("dynamodb"), _registry_table(target),
                         found.arn, task, approved=approved, by=by, comment=comment)
    except approvals.ApprovalNotFound as exc:
        waiting = [a["task"] for a in approvals.pending(target.client("dynamodb"), _registry_table(target),
                                                         found.arn)]
        hint = f"waiting: {', '.join(waiting)}" if waiting else "it waits for no approval"
        raise NotFound(f"{exc} ({hint})") from None
    return found


def redrive(target: TargetSettings, reference: str) -> Found:
    found = find(target, reference)
    if target.name == "local":
        raise NotSupported("redrive is not supported by the local engine (moto has no RedriveExecution): "
                           f"start the workflow again: statemill execution start {found.workflow.name}")
    target.client("stepfunctions").redrive_execution(executionArn=found.arn)
    return found


def _registry_table(target: TargetSettings) -> str:
    return target.resource(platform.REGISTRY_TABLE.logical_name)


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None

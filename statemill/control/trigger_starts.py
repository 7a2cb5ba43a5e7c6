"""Starting an execution for a trigger, named from its idempotency key, so that a repeated
delivery (a webhook sent again, a schedule fired twice) starts nothing new: Step Functions
refuses a second execution of the same name.

Runs inside the webhook and scheduled_start Lambda functions (and the local server), so it
finds its resources through the platform's environment variables, not TargetSettings.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from statemill import platform
from statemill.control import inputs
from statemill.control.registry import Registry, WorkflowRecord
from statemill.control.triggers import CronTrigger, TriggerRows

EXECUTION_NAME_MAX = 80


@dataclass(frozen=True)
class Started:
    execution_id: str
    execution_arn: str
    new: bool  # False: this key had started it already


class PlatformClients:
    """boto3 clients and table names from the environment, built once per process."""

    def __init__(self, stepfunctions: Any = None, dynamodb: Any = None, registry_table: str | None = None):
        self._given = {"stepfunctions": stepfunctions, "dynamodb": dynamodb}
        self._registry_table = registry_table
        self._lock = threading.Lock()

    def client(self, service: str) -> Any:
        with self._lock:  # boto3 client creation is not thread-safe
            if self._given[service] is None:
                import boto3

                self._given[service] = boto3.session.Session().client(service)
            return self._given[service]

    @functools.cached_property
    def registry_table(self) -> str:
        return self._registry_table or os.environ[platform.ENV_REGISTRY_TABLE]

    @property
    def registry(self) -> Registry:
        return Registry(self.client("dynamodb"), self.registry_table)

    @property
    def triggers(self) -> TriggerRows:
        return TriggerRows(self.client("dynamodb"), self.registry_table)


def execution_name(workflow: str, suffix: str) -> str:
    """"<workflow>-<suffix>", the workflow id shortened to fit Step Functions' 80 characters."""
    return f"{workflow[:EXECUTION_NAME_MAX - len(suffix) - 1]}-{suffix}"


def scheduled_name(workflow: str, trigger: int, scheduled_time: datetime) -> str:
    return execution_name(workflow, f"cron{trigger}-{scheduled_time:%Y%m%dT%H%MZ}")


def delivery_name(workflow: str, trigger: int, delivery_key: str) -> str:
    digest = hashlib.sha256(delivery_key.encode()).hexdigest()[:24]
    return execution_name(workflow, f"hook{trigger}-{digest}")


def start_once(stepfunctions: Any, record: WorkflowRecord, name: str, document: dict) -> Started:
    """Start `record` as `name`; an execution already started under that name is returned instead."""
    arn = record.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"
    try:
        response = stepfunctions.start_execution(stateMachineArn=record.state_machine_arn, name=name,
                                                 input=json.dumps(document))
    except stepfunctions.exceptions.ExecutionAlreadyExists:
        return Started(name, arn, new=False)
    # Same name and same input while it runs: Step Functions answers with the first execution.
    return Started(name, response["executionArn"], new=True)


def start_scheduled(event: dict, clients: PlatformClients) -> dict:
    """scheduled_start: the Scheduler's target input (schedules.target_input) -> what was started."""
    namespace, workflow, index = event["namespace"], event["workflow"], int(event["trigger"])
    scheduled_time = datetime.fromisoformat(event["scheduled_time"])
    record = clients.registry.get(namespace, workflow)
    if record is None:
        return {"started": False, "reason": f"no workflow {namespace}/{workflow}"}
    if not record.enabled:
        return {"started": False, "reason": f"workflow {record.name} is disabled"}
    trigger = next((t for t in clients.triggers.list(namespace, workflow)
                    if isinstance(t, CronTrigger) and t.index == index), None)
    if trigger is None:
        return {"started": False, "reason": f"workflow {record.name} has no cron trigger {index}"}
    document = {"inputs": inputs.prepare(record.input_schema or {}, trigger.inputs),
                "trigger": {"type": "cron", "cron": trigger.cron, "timezone": trigger.timezone,
                            "scheduled_time": event["scheduled_time"]}}
    started = start_once(clients.client("stepfunctions"), record, scheduled_name(workflow, index, scheduled_time),
                         document)
    return {"started": started.new, "execution": started.execution_id, "arn": started.execution_arn}

"""Cron triggers as EventBridge Scheduler schedules (the same API on AWS, LocalStack and moto).

Each schedule invokes the platform's scheduled_start function, not the state machine itself:
Step Functions refuses ':' in execution names, so only code can name an execution from the
scheduled time (2025-01-01T02:00:00Z), which is what makes a redelivered schedule start nothing
new. A disabled workflow's schedules are DISABLED.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from statemill import platform
from statemill.control.triggers import CronTrigger, Trigger

# Replaced by EventBridge Scheduler (and the local scheduler) at each invocation.
SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"


@dataclass(frozen=True)
class ScheduleTarget:
    """Where every schedule of a stage goes, and as whom."""

    group: str
    function_arn: str
    role_arn: str


def target_input(namespace: str, workflow: str, trigger: int) -> str:
    """What scheduled_start receives: which trigger fired, and for which time."""
    return json.dumps({"namespace": namespace, "workflow": workflow, "trigger": trigger,
                       "scheduled_time": SCHEDULED_TIME})


def sync(scheduler: Any, target: ScheduleTarget, namespace: str, workflow: str, triggers: list[Trigger],
         previous: list[Trigger], enabled: bool) -> None:
    """Create or update the schedules of `triggers`; delete those `previous` had and they do not."""
    wanted = set()
    for trigger in triggers:
        if not isinstance(trigger, CronTrigger):
            continue
        for name, expression in zip(trigger.schedules, trigger.expressions, strict=True):
            wanted.add(name)
            _put(scheduler, target, name, {
                "ScheduleExpression": expression, "ScheduleExpressionTimezone": trigger.timezone,
                "State": "ENABLED" if enabled else "DISABLED", "FlexibleTimeWindow": {"Mode": "OFF"},
                "Description": f"{namespace}/{workflow}: cron '{trigger.cron}'",
                "Target": {"Arn": target.function_arn, "RoleArn": target.role_arn,
                           "Input": target_input(namespace, workflow, trigger.index)}})
    for name in schedule_names(previous):
        if name not in wanted:
            _delete(scheduler, target.group, name)


def set_state(scheduler: Any, group: str, triggers: list[Trigger], enabled: bool) -> None:
    """Enable or disable every schedule of a workflow (update_schedule needs the whole schedule)."""
    for name in schedule_names(triggers):
        schedule = scheduler.get_schedule(GroupName=group, Name=name)
        fields = {key: schedule[key] for key in ("ScheduleExpression", "FlexibleTimeWindow", "Target",
                                                  "ScheduleExpressionTimezone", "Description") if key in schedule}
        scheduler.update_schedule(GroupName=group, Name=name, State="ENABLED" if enabled else "DISABLED",
                                  **fields)


def delete_all(scheduler: Any, group: str, triggers: list[Trigger]) -> None:
    for name in schedule_names(triggers):
        _delete(scheduler, group, name)


def schedule_names(triggers: list[Trigger]) -> list[str]:
    return [name for t in triggers if isinstance(t, CronTrigger) for name in t.schedules]


def stage_target(stage: str, region: str, account: str) -> ScheduleTarget:
    function = platform.resource_name(stage, platform.SCHEDULED_START)
    role = platform.resource_name(stage, platform.SCHEDULER_ROLE)
    return ScheduleTarget(group=platform.resource_name(stage, platform.SCHEDULE_GROUP),
                          function_arn=f"arn:aws:lambda:{region}:{account}:function:{function}",
                          role_arn=f"arn:aws:iam::{account}:role/{role}")


def _put(scheduler: Any, target: ScheduleTarget, name: str, fields: dict) -> None:
    try:
        scheduler.update_schedule(GroupName=target.group, Name=name, **fields)
    except scheduler.exceptions.ResourceNotFoundException:
        _ensure_group(scheduler, target.group)
        scheduler.create_schedule(GroupName=target.group, Name=name, **fields)


def _ensure_group(scheduler: Any, group: str) -> None:
    """The CDK app creates the group; an emulator starts without it."""
    try:
        scheduler.get_schedule_group(Name=group)
    except scheduler.exceptions.ResourceNotFoundException:
        scheduler.create_schedule_group(Name=group)


def _delete(scheduler: Any, group: str, name: str) -> None:
    try:
        scheduler.delete_schedule(GroupName=group, Name=name)
    except scheduler.exceptions.ResourceNotFoundException:
        pass  # already gone: nothing is left to remove

"""A workflow's triggers on a target, kept in step with apply, enable, disable and delete:
trigger rows in the registry, and one EventBridge Scheduler schedule per cron expression."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from statemachine_compiler.model import Workflow
from statemill import platform
from statemill.control import schedules
from statemill.control.registry import WorkflowRecord
from statemill.control.target import TargetSettings
from statemill.control.triggers import (
    CronTrigger,
    Trigger,
    TriggerRows,
    WebhookTrigger,
    from_workflow,
)
from statemill.control.webhook_secrets import new_secret

NEXT_FIRE_TIMES = 5


def deploy(target: TargetSettings, record: WorkflowRecord, workflow: Workflow) -> list[Trigger]:
    stored = rows(target)
    previous = stored.list(record.namespace, record.id)
    triggers = from_workflow(workflow, previous, new_secret)
    if schedules.schedule_names(triggers + previous):  # no Scheduler client for workflows without cron
        schedules.sync(target.client("scheduler"), _schedule_target(target), record.namespace, record.id,
                       triggers, previous, record.enabled)
    stored.replace(record.namespace, record.id, triggers, previous)
    return triggers


def set_enabled(target: TargetSettings, record: WorkflowRecord, enabled: bool) -> None:
    triggers = rows(target).list(record.namespace, record.id)
    if schedules.schedule_names(triggers):
        schedules.set_state(target.client("scheduler"), _group(target), triggers, enabled)


def remove(target: TargetSettings, record: WorkflowRecord) -> None:
    """The schedules (the trigger rows go with the workflow's other registry rows)."""
    triggers = rows(target).list(record.namespace, record.id)
    if schedules.schedule_names(triggers):
        schedules.delete_all(target.client("scheduler"), _group(target), triggers)


def describe(target: TargetSettings, record: WorkflowRecord, now: datetime | None = None) -> list[dict]:
    """Each trigger, with a cron's next fire times in its timezone and a webhook's URL path."""
    described = []
    for trigger in rows(target).list(record.namespace, record.id):
        if isinstance(trigger, CronTrigger):
            described.append({"type": "cron", "cron": trigger.cron, "timezone": trigger.timezone,
                              "inputs": trigger.inputs, "schedules": trigger.schedules,
                              "next": next_fire_times(trigger.cron, trigger.timezone, now)})
        elif isinstance(trigger, WebhookTrigger):
            described.append({"type": "webhook", "path": trigger.path, "method": trigger.method,
                              "auth": trigger.auth, "url_path": webhook_path(record, trigger)})
    return described


def next_fire_times(cron: str, timezone: str, now: datetime | None = None,
                    count: int = NEXT_FIRE_TIMES) -> list[str]:
    from croniter import croniter

    iterator = croniter(cron, (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)))
    return [iterator.get_next(datetime).isoformat() for _ in range(count)]


def webhook_path(record: WorkflowRecord, trigger: WebhookTrigger) -> str:
    return f"/hooks/{record.namespace}/{record.id}/{trigger.route}"


def rows(target: TargetSettings) -> TriggerRows:
    return TriggerRows(target.client("dynamodb"), target.resource(platform.REGISTRY_TABLE.logical_name))


def _group(target: TargetSettings) -> str:
    return target.resource(platform.SCHEDULE_GROUP)


def _schedule_target(target: TargetSettings) -> schedules.ScheduleTarget:
    account = target.client("sts").get_caller_identity()["Account"]
    return schedules.stage_target(target.stage, target.region, account)

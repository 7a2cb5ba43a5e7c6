"""A workflow's triggers as applied: one registry row each (pk of the workflow, sk "TRIGGER#<n>").

The webhook gateway and the scheduled start read these rows instead of compiling the YAML
again; a webhook's generated secret lives here and survives re-applies (see webhook_secrets).
Registry.delete removes them with the workflow's other rows.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from statemill import platform
from statemill.control.registry import workflow_key

if TYPE_CHECKING:  # the webhook and scheduled_start functions never load the compiler (cold start)
    from statemachine_compiler.model import Workflow

PREFIX = "TRIGGER#"


@dataclass(frozen=True)
class CronTrigger:
    index: int
    cron: str
    timezone: str
    inputs: dict
    expressions: list[str]
    schedules: list[str]  # EventBridge Scheduler schedule names, one per expression
    type: str = "cron"


@dataclass(frozen=True)
class WebhookTrigger:
    index: int
    path: str
    method: str
    auth: str  # hmac | api_key | none
    secret_name: str | None = None  # `secret: NAME` of the secret store, when the file names one
    generated_secret: str | None = field(default=None, repr=False)
    type: str = "webhook"

    @property
    def route(self) -> str:
        """The part of /hooks/{namespace}/{workflow}/{route} this webhook answers."""
        return self.path.strip("/")


Trigger = CronTrigger | WebhookTrigger


def from_workflow(workflow: Workflow, previous: list[Trigger], new_secret) -> list[Trigger]:
    """The triggers of a compiled workflow; a webhook keeps the secret generated for its path
    before (`new_secret()` makes one for a new webhook)."""
    from statemachine_compiler.cron import to_schedule_expressions
    from statemill.control.webhook_secrets import needs_generated_secret

    secrets = {t.path: t.generated_secret for t in previous if isinstance(t, WebhookTrigger)}
    declared = [workflow.trigger] if workflow.trigger else list(workflow.triggers or [])
    triggers: list[Trigger] = []
    for index, trigger in enumerate(declared):
        if trigger.cron is not None:
            expressions = to_schedule_expressions(trigger.cron)
            triggers.append(CronTrigger(
                index=index, cron=trigger.cron, timezone=trigger.timezone or "UTC", inputs=trigger.inputs or {},
                expressions=expressions,
                schedules=[platform.schedule_name(workflow.namespace, workflow.id, index, part)
                           for part in range(len(expressions))]))
            continue
        hook = trigger.webhook
        generated = None
        if needs_generated_secret(hook.auth, hook.secret):
            generated = secrets.get(hook.path) or new_secret()
        triggers.append(WebhookTrigger(index=index, path=hook.path, method=hook.method, auth=hook.auth,
                                       secret_name=hook.secret, generated_secret=generated))
    return triggers


class TriggerRows:
    def __init__(self, dynamodb: Any, table: str):
        self._dynamodb = dynamodb
        self._table = table

    def list(self, namespace: str, workflow: str) -> list[Trigger]:
        response = self._dynamodb.query(
            TableName=self._table, ConsistentRead=True,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":pk": workflow_key(namespace, workflow)["pk"], ":prefix": {"S": PREFIX}})
        triggers = [_trigger(json.loads(item["trigger"]["S"])) for item in response["Items"]]
        return sorted(triggers, key=lambda t: t.index)

    def replace(self, namespace: str, workflow: str, triggers: list[Trigger], previous: list[Trigger]) -> None:
        for trigger in triggers:
            self._dynamodb.put_item(TableName=self._table, Item={
                **workflow_key(namespace, workflow, f"{PREFIX}{trigger.index}"),
                "trigger": {"S": json.dumps(asdict(trigger))}})
        for stale in previous[len(triggers):]:
            self._dynamodb.delete_item(TableName=self._table,
                                       Key=workflow_key(namespace, workflow, f"{PREFIX}{stale.index}"))


def _trigger(data: dict) -> Trigger:
    kind = data.pop("type")
    return CronTrigger(**data) if kind == "cron" else WebhookTrigger(**data)

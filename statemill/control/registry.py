"""The workflows of a target, as rows of the registry table (statemill.platform.REGISTRY_TABLE).

One row per workflow (pk "WORKFLOW#<namespace>#<id>", sk "WORKFLOW") holds what was applied:
YAML, ASL, input schema, version, enabled flag. One row per deployed definition (same pk,
sk "DEFINITION#<hash>") remembers the version and task ids an execution of that definition
ran with, so an execution started before a re-apply is still shown with its own tasks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from statemill import platform

CURRENT = "WORKFLOW"
DEFINITION_PREFIX = "DEFINITION#"


@dataclass(frozen=True)
class WorkflowRecord:
    namespace: str
    id: str
    version: str
    enabled: bool
    state_machine_arn: str
    applied_at: str
    task_ids: list[str]
    yaml: str = ""
    asl: dict | None = None
    input_schema: dict | None = None
    description: str | None = None

    @property
    def name(self) -> str:
        return f"{self.namespace}/{self.id}"

    def to_dict(self, full: bool = False) -> dict:
        summary = {"namespace": self.namespace, "id": self.id, "version": self.version,
                   "enabled": self.enabled, "description": self.description,
                   "applied_at": self.applied_at, "state_machine_arn": self.state_machine_arn}
        if not full:
            return summary
        return {**summary, "tasks": self.task_ids, "input_schema": self.input_schema,
                "yaml": self.yaml, "asl": self.asl}


def workflow_key(namespace: str, workflow: str, sk: str = CURRENT) -> dict:
    return {"pk": {"S": f"WORKFLOW#{namespace}#{workflow}"}, "sk": {"S": sk}}


def definition_hash(definition: str) -> str:
    """The hash of a deployed definition (as Step Functions returns it for an execution)."""
    return hashlib.sha256(definition.encode()).hexdigest()[:16]


class Registry:
    def __init__(self, dynamodb: Any, table: str):
        self._dynamodb = dynamodb
        self._table = table

    @classmethod
    def of(cls, target) -> Registry:
        return cls(target.client("dynamodb"), target.resource(platform.REGISTRY_TABLE.logical_name))

    def get(self, namespace: str, workflow: str) -> WorkflowRecord | None:
        item = self._dynamodb.get_item(TableName=self._table, Key=workflow_key(namespace, workflow),
                                       ConsistentRead=True).get("Item")
        return None if item is None else _record(item)

    def put(self, record: WorkflowRecord, definition: str) -> None:
        """Store the workflow and remember which version and tasks its deployed definition has."""
        self._dynamodb.put_item(TableName=self._table, Item={
            **workflow_key(record.namespace, record.id, DEFINITION_PREFIX + definition_hash(definition)),
            "version": {"S": record.version}, "task_ids": {"S": json.dumps(record.task_ids)}})
        self._dynamodb.put_item(TableName=self._table, Item=_item(record))

    def set_enabled(self, record: WorkflowRecord, enabled: bool) -> None:
        self._dynamodb.update_item(
            TableName=self._table, Key=workflow_key(record.namespace, record.id),
            UpdateExpression="SET enabled = :enabled",
            ExpressionAttributeValues={":enabled": {"BOOL": enabled}})

    def delete(self, record: WorkflowRecord) -> None:
        """Every row of the workflow: the current one and its definitions."""
        pk = workflow_key(record.namespace, record.id)["pk"]
        for page in self._dynamodb.get_paginator("query").paginate(
                TableName=self._table, KeyConditionExpression="pk = :pk",
                ExpressionAttributeValues={":pk": pk}, ProjectionExpression="pk, sk"):
            for item in page["Items"]:
                self._dynamodb.delete_item(TableName=self._table, Key=item)

    def list(self, namespace: str | None = None) -> list[WorkflowRecord]:
        """Every workflow (of one namespace), sorted by namespace and id."""
        prefix = "WORKFLOW#" + (f"{namespace}#" if namespace else "")
        records = []
        # The registry holds a few hundred workflows at most: a filtered scan is enough.
        for page in self._dynamodb.get_paginator("scan").paginate(
                TableName=self._table, FilterExpression="sk = :sk AND begins_with(pk, :prefix)",
                ExpressionAttributeValues={":sk": {"S": CURRENT}, ":prefix": {"S": prefix}}):
            records.extend(_record(item) for item in page["Items"])
        return sorted(records, key=lambda r: (r.namespace, r.id))

    def definition(self, record: WorkflowRecord, definition: str) -> tuple[str, list[str]] | None:
        """(version, task ids) of a definition this workflow was deployed with, if remembered."""
        key = workflow_key(record.namespace, record.id, DEFINITION_PREFIX + definition_hash(definition))
        item = self._dynamodb.get_item(TableName=self._table, Key=key).get("Item")
        return None if item is None else (item["version"]["S"], json.loads(item["task_ids"]["S"]))


def _item(record: WorkflowRecord) -> dict:
    item = {
        **workflow_key(record.namespace, record.id),
        "namespace": {"S": record.namespace}, "id": {"S": record.id},
        "version": {"S": record.version}, "enabled": {"BOOL": record.enabled},
        "state_machine_arn": {"S": record.state_machine_arn}, "applied_at": {"S": record.applied_at},
        "task_ids": {"S": json.dumps(record.task_ids)}, "yaml": {"S": record.yaml},
        "asl": {"S": json.dumps(record.asl)}, "input_schema": {"S": json.dumps(record.input_schema)},
    }
    if record.description:
        item["description"] = {"S": record.description}
    return item


def _record(item: dict) -> WorkflowRecord:
    return WorkflowRecord(
        namespace=item["namespace"]["S"], id=item["id"]["S"], version=item["version"]["S"],
        enabled=item["enabled"]["BOOL"], state_machine_arn=item["state_machine_arn"]["S"],
        applied_at=item["applied_at"]["S"], task_ids=json.loads(item["task_ids"]["S"]),
        yaml=item["yaml"]["S"], asl=json.loads(item["asl"]["S"]),
        input_schema=json.loads(item["input_schema"]["S"]),
        description=item.get("description", {}).get("S"))

"""core/log and core/approval."""

import json

import boto3
import pytest

from statemill.runtime.errors import InputError
from statemill.runtime.task_runner import handle
from statemill.runtime.tasks.approval import approval_key

from .conftest import REGISTRY_TABLE, make_event


def test_log_writes_one_structured_line_with_the_ids(services, log_lines):
    result = handle(
        make_event("core/log", {"message": "rows saved", "level": "warning"}), services=services
    )

    assert result == {}
    [line] = [entry for entry in log_lines() if entry.get("source") == "core/log"]
    assert line["level"] == "WARNING"
    assert line["message"] == "rows saved"
    assert line["execution"] == make_event("x")["execution"]
    assert line["task"] == "t1"


def test_log_rejects_unknown_levels(services):
    with pytest.raises(InputError, match="input 'level' must be one of"):
        handle(make_event("core/log", {"message": "m", "level": "loud"}), services=services)


def test_approval_parks_the_token_where_approve_finds_it(services, log_lines):
    event = make_event(
        "core/approval",
        {"message": "Ship it?", "approvers": ["ops"]},
        task="gate",
        task_token="tok-123",
    )

    assert handle(event, services=services) is None

    item = boto3.client("dynamodb").get_item(
        TableName=REGISTRY_TABLE, Key=approval_key(event["execution"], "gate")
    )["Item"]
    assert item["task_token"]["S"] == "tok-123"
    assert item["message"]["S"] == "Ship it?"
    assert json.loads(item["approvers"]["S"]) == ["ops"]
    assert any("Ship it?" in entry["message"] for entry in log_lines())


def test_approval_without_a_token_is_an_input_error(services):
    with pytest.raises(InputError, match="waitForTaskToken"):
        handle(make_event("core/approval", {"message": "?"}), services=services)

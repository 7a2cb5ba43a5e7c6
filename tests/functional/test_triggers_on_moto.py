"""Trigger code against moto's AWS APIs: schedules kept in step with a workflow, the scheduled
start and the webhook gateway (as the Lambda functions run them on AWS)."""

import json
import time

import boto3
import pytest
from moto import mock_aws

from statemachine_compiler import compile_source
from statemill.control import schedules, trigger_starts, triggers, webhook_gateway
from statemill.control.registry import Registry, WorkflowRecord
from statemill.control.webhook_auth import sign

REGION = "us-east-1"
TABLE = "statemill-dev-registry"
TARGET = schedules.stage_target("dev", REGION, "123456789012")
WORKFLOW = """
id: report
inputs:
  size: {type: integer, default: 1}
triggers:
  - cron: "0 8 13 * fri"
    timezone: Europe/Paris
    inputs: {size: 3}
  - webhook: {path: /go}
tasks:
  a: {type: core/transform, inputs: {value: 1}}
"""
DEFINITION = json.dumps({"StartAt": "a", "States": {"a": {"Type": "Pass", "End": True}}})


@pytest.fixture
def aws():
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                         {"AttributeName": "sk", "KeyType": "RANGE"}],
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                    {"AttributeName": "sk", "AttributeType": "S"}])
        stepfunctions = boto3.client("stepfunctions", region_name=REGION)
        yield {"dynamodb": dynamodb, "stepfunctions": stepfunctions,
               "scheduler": boto3.client("scheduler", region_name=REGION)}


@pytest.fixture
def applied(aws):
    """The workflow registered with its trigger rows, as `workflow apply` leaves it."""
    compiled = compile_source(WORKFLOW)
    arn = aws["stepfunctions"].create_state_machine(
        name="statemill-dev-default--report", definition=DEFINITION,
        roleArn="arn:aws:iam::123456789012:role/statemill-dev-states")["stateMachineArn"]
    record = WorkflowRecord(namespace="default", id="report", version="v1", enabled=True, state_machine_arn=arn,
                            applied_at="2025-01-01T00:00:00+00:00", task_ids=["a"],
                            input_schema=compiled.input_schema)
    Registry(aws["dynamodb"], TABLE).put(record, DEFINITION)
    made = triggers.from_workflow(compiled.workflow, [], lambda: "s3cret")
    triggers.TriggerRows(aws["dynamodb"], TABLE).replace("default", "report", made, [])
    return record, made


def clients(aws) -> trigger_starts.PlatformClients:
    return trigger_starts.PlatformClients(aws["stepfunctions"], aws["dynamodb"], TABLE)


def test_schedules_follow_the_workflow(aws, applied):
    _, made = applied
    scheduler = aws["scheduler"]
    schedules.sync(scheduler, TARGET, "default", "report", made, [], enabled=True)
    names = ["default--report--0-0", "default--report--0-1"]
    stored = [scheduler.get_schedule(GroupName=TARGET.group, Name=name) for name in names]
    assert [s["ScheduleExpression"] for s in stored] == ["cron(0 8 13 * ? *)", "cron(0 8 ? * 6 *)"]
    assert {s["ScheduleExpressionTimezone"] for s in stored} == {"Europe/Paris"}
    assert json.loads(stored[0]["Target"]["Input"]) == {
        "namespace": "default", "workflow": "report", "trigger": 0, "scheduled_time": schedules.SCHEDULED_TIME}
    assert stored[0]["Target"]["Arn"].endswith(":function:statemill-dev-scheduled-start")

    schedules.set_state(scheduler, TARGET.group, made, enabled=False)
    assert {scheduler.get_schedule(GroupName=TARGET.group, Name=n)["State"] for n in names} == {"DISABLED"}

    webhook_only = [t for t in made if isinstance(t, triggers.WebhookTrigger)]
    schedules.sync(scheduler, TARGET, "default", "report", webhook_only, made, enabled=True)
    assert scheduler.list_schedules(GroupName=TARGET.group)["Schedules"] == []


def test_a_scheduled_time_starts_one_execution(aws, applied):
    event = {"namespace": "default", "workflow": "report", "trigger": 0, "scheduled_time": "2025-06-13T06:00:00Z"}
    first = trigger_starts.start_scheduled(event, clients(aws))
    again = trigger_starts.start_scheduled(event, clients(aws))
    assert first["execution"] == again["execution"] == "report-cron0-20250613T0600Z"
    (execution,) = aws["stepfunctions"].list_executions(stateMachineArn=applied[0].state_machine_arn)["executions"]
    document = json.loads(aws["stepfunctions"].describe_execution(executionArn=execution["executionArn"])["input"])
    assert document["inputs"] == {"size": 3}
    assert document["trigger"]["scheduled_time"] == "2025-06-13T06:00:00Z"


def test_a_disabled_workflow_starts_nothing_on_schedule(aws, applied):
    Registry(aws["dynamodb"], TABLE).set_enabled(applied[0], False)
    event = {"namespace": "default", "workflow": "report", "trigger": 0, "scheduled_time": "2025-06-13T06:00:00Z"}
    assert trigger_starts.start_scheduled(event, clients(aws))["started"] is False


def rest_api_event(body: bytes, headers: dict) -> dict:
    """What API Gateway's REST API hands the webhook Lambda (proxy integration, payload 1.0)."""
    return {"resource": "/hooks/{proxy+}", "path": "/hooks/default/report/go", "httpMethod": "POST",
            "headers": headers, "queryStringParameters": {"from": "ci"}, "body": body.decode(),
            "isBase64Encoded": False}


def test_the_webhook_lambda_starts_one_execution_per_delivery(aws, applied):
    body = json.dumps({"size": 7}).encode()
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-Statemill-Timestamp": stamp,
               "X-Statemill-Signature": sign("s3cret", stamp, body), "X-Statemill-Delivery": "d-1"}
    answers = [webhook_gateway.handle(rest_api_event(body, headers), clients=clients(aws)) for _ in range(2)]
    assert [a["statusCode"] for a in answers] == [202, 202]
    assert len({json.loads(a["body"])["execution"] for a in answers}) == 1
    (execution,) = aws["stepfunctions"].list_executions(stateMachineArn=applied[0].state_machine_arn)["executions"]
    document = json.loads(aws["stepfunctions"].describe_execution(executionArn=execution["executionArn"])["input"])
    assert document["inputs"] == {"size": 7}
    assert document["trigger"]["query"] == {"from": "ci"}
    assert "x-statemill-signature" not in document["trigger"]["headers"]


def test_the_webhook_lambda_refuses_a_forged_delivery(aws, applied):
    body = b'{"size": 7}'
    headers = {"Content-Type": "application/json", "X-Statemill-Timestamp": str(int(time.time())),
               "X-Statemill-Signature": "sha256=" + "0" * 64}
    answer = webhook_gateway.handle(rest_api_event(body, headers), clients=clients(aws))
    assert answer["statusCode"] == 403
    assert json.loads(answer["body"])["error"]["code"] == "forbidden"
    assert aws["stepfunctions"].list_executions(stateMachineArn=applied[0].state_machine_arn)["executions"] == []

"""LocalEngine itself: provisioning, environment, deploy/update, placeholders, history, threads."""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from statemachine_compiler import placeholders
from statemill import platform
from statemill.local.engine import EngineError, LocalEngine


def invoke(function, payload, **state):
    return {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"FunctionName": placeholders.function_arn(function), "Payload": payload},
            **state}


def machine(states, **top):
    return {"QueryLanguage": "JSONata", "StartAt": next(iter(states)), "States": states, **top}


@pytest.fixture(scope="module")
def engine():
    with LocalEngine(time_scale=0, functions={}) as engine:
        yield engine


def test_unknown_placeholder_is_an_error_naming_it(engine):
    with pytest.raises(EngineError, match=r"\$\{StatemillNope\}"):
        engine.deploy("nope", machine({"p": {"Type": "Pass", "Output": "${StatemillNope}", "End": True}}))


def test_placeholders_resolve_to_this_engines_functions_and_workflows(engine):
    assert engine.resolve_placeholder(placeholders.FUNCTION_ARN, "task_runner") == (
        "arn:aws:lambda:us-east-1:123456789012:function:task_runner")
    assert engine.resolve_placeholder(placeholders.WORKFLOW_ARN, "team.data/child") == (
        "arn:aws:states:us-east-1:123456789012:stateMachine:statemill-local-team_data--child")


def test_platform_tables_and_bucket_exist_with_their_key_schemas(engine):
    dynamodb = engine.session.client("dynamodb")
    for table in platform.TABLES:
        name = platform.resource_name("local", table.logical_name)
        described = dynamodb.describe_table(TableName=name)["Table"]
        keys = {k["AttributeName"]: k["KeyType"] for k in described["KeySchema"]}
        expected = {table.partition_key: "HASH"} | ({table.sort_key: "RANGE"} if table.sort_key else {})
        assert keys == expected
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        assert ttl.get("AttributeName") == table.ttl_attribute
    buckets = [b["Name"] for b in engine.session.client("s3").list_buckets()["Buckets"]]
    assert buckets == [platform.resource_name("local", platform.BUCKET)]


def test_handlers_see_the_platform_environment_and_can_use_the_tables(engine):
    def put(event, context):
        import boto3

        table = boto3.resource("dynamodb").Table(os.environ[platform.ENV_DATA_TABLE])
        table.put_item(Item={"pk": "default#t", "sk": event["key"], "stage": os.environ[platform.ENV_STAGE]})
        return {"table": table.name, "function": context.function_name}

    engine.register_function("put", put)
    arn = engine.deploy("env_check", machine({"a": invoke("put", {"key": "k1"}, End=True,
                                                          Output="{% $states.result.Payload %}")}))
    result = engine.run(arn, timeout=10)
    assert result.status == "SUCCEEDED", result
    assert result.output == {"table": "statemill-local-data", "function": "put"}
    item = engine.session.client("dynamodb").get_item(
        TableName="statemill-local-data", Key={"pk": {"S": "default#t"}, "sk": {"S": "k1"}})["Item"]
    assert item["stage"] == {"S": "local"}


def test_deploy_twice_updates_the_definition(engine):
    first = engine.deploy("versioned", machine({"p": {"Type": "Pass", "Output": 1, "End": True}}))
    second = engine.deploy("versioned", machine({"p": {"Type": "Pass", "Output": 2, "End": True}}))
    assert first == second
    assert engine.run(second, timeout=10).output == 2


def test_extra_substitutions_are_applied(engine):
    definition = machine({"p": {"Type": "Pass", "Output": placeholders.WORKFLOW_VERSION, "End": True}})
    arn = engine.deploy("substituted", definition, substitutions={placeholders.WORKFLOW_VERSION: "v7"})
    assert engine.run(arn, timeout=10).output == "v7"


def test_progress_names_the_state_of_each_task_event(engine):
    def fail(event, context):
        raise RuntimeError("nope")

    engine.register_function("ok", lambda event, context: "fine")
    engine.register_function("fail", fail)
    arn = engine.deploy("progress", machine({
        "first": invoke("ok", {}, Next="second"),
        "second": invoke("fail", {}, End=True)}))
    result = engine.run(arn, timeout=10)
    events = engine.progress(result.arn)
    by_type = {(e.type, e.state) for e in events}
    assert {("TaskStateEntered", "first"), ("TaskSucceeded", "first"), ("TaskStateExited", "first"),
            ("TaskStateEntered", "second"), ("TaskFailed", "second"),
            ("ExecutionFailed", None)} <= by_type
    failed = next(e for e in events if e.type == "TaskFailed")
    assert (failed.error, failed.state) == ("RuntimeError", "second")
    assert engine.progress(result.arn, after_event_id=events[-2].id) == events[-1:]


def test_fifty_concurrent_executions_all_finish_correctly(engine):
    # GIVEN a workflow of two tasks and a Map, started 50 times at once from many threads
    engine.register_function("add", lambda event, context: event["a"] + event["b"])
    arn = engine.deploy("concurrent", machine({
        "sum": invoke("add", {"a": "{% $states.input.n %}", "b": 1},
                      Output="{% $states.result.Payload %}", Next="fan"),
        "fan": {"Type": "Map", "Items": "{% [1, 2, 3] %}", "End": True,
                "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "m",
                                  "States": {"m": invoke("add", "{% $states.input %}",
                                                         Output="{% $states.result.Payload %}",
                                                         End=True)}},
                "ItemSelector": {"a": "{% $states.context.Map.Item.Value * $states.input %}",
                                 "b": 0},
                "Output": "{% $sum($states.result) %}"}}))
    # WHEN they all run
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda n: engine.run(arn, {"n": n}, timeout=120), range(50)))
    # THEN every one succeeded with its own answer
    assert [r.status for r in results] == ["SUCCEEDED"] * 50
    assert [r.output for r in results] == [6 * (n + 1) for n in range(50)]


def test_task_tokens_of_concurrent_executions_resolve_independently(engine):
    tokens = {}
    ready = threading.Condition()

    def notify(event, context):
        with ready:
            tokens[event["who"]] = event["token"]
            ready.notify_all()
        return {}

    engine.register_function("notify", notify)
    arn = engine.deploy("approvals", machine({"wait": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Arguments": {"FunctionName": placeholders.function_arn("notify"),
                      "Payload": {"who": "{% $states.input.who %}",
                                  "token": "{% $states.context.Task.Token %}"}},
        "Output": "{% $states.result %}", "End": True}}))
    executions = {who: engine.start_execution(arn, {"who": who}) for who in range(20)}
    with ready:
        assert ready.wait_for(lambda: len(tokens) == 20, timeout=30)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda who: engine.send_task_success(tokens[who], {"who": who}), tokens))
    results = {who: engine.wait(arn_, timeout=30) for who, arn_ in executions.items()}
    assert {who: r.output for who, r in results.items()} == {who: {"who": who} for who in range(20)}


def test_a_definition_over_the_step_functions_limit_is_refused_like_aws_would(engine):
    from statemachine_compiler import CompileError

    padding = "x" * (1024 * 1024)
    huge = machine({"p": {"Type": "Pass", "Output": padding, "End": True}})
    with pytest.raises(CompileError, match=r"definition is 1,048,\d{3} bytes and Step Functions accepts at most 1,048,576"):
        engine.deploy("huge", huge)

"""statemill.local.moto_patches against the pinned moto: every internal it patches is still there.

When one of these fails after a moto upgrade, the message names the moved internal; fix
statemill/local/moto_patches.py for the new moto (or stay on the pinned version).
"""

import importlib
import inspect
import json
import os
import subprocess
import sys
import time

import moto
import pytest
from botocore.exceptions import ClientError

from statemill.local import moto_patches
from statemill.local.engine import LocalEngine
from statemill.local.functions import UnknownFunction

PINNED_MOTO = "5.2.5"
ASL = "moto.stepfunctions.parser.asl"
TASK = f"{ASL}.component.state.exec.state_task"

# (module, attribute, the parameters moto calls it with) — the patches rely on exactly these.
INTERNALS = [
    (f"{TASK}.lambda_eval_utils", "_invoke_lambda_function", ["parameters", "region", "state_credentials"]),
    (f"{ASL}.jsonata.jsonata", "_eval_jsonata", None),
    (f"{ASL}.jsonata.jsonata", "extract_jsonata_variable_references", ["jsonata_expression"]),
    (f"{ASL}.jsonata.validations", "validate_jsonata_expression_output",
     ["env", "expression", "rich_jsonata_expression", "jsonata_result"]),
    (f"{ASL}.component.intrinsic.jsonata", "get_intrinsic_functions_declarations", ["variable_references"]),
    (f"{ASL}.component.common.string.string_expression", "StringJSONata._eval_body", ["self", "env"]),
    (f"{ASL}.component.common.string.string_expression", "StringVariableSample._eval_body", ["self", "env"]),
    (f"{ASL}.eval.variable_store", "VariableStore.__init__", ["self"]),
    (f"{ASL}.component.state.wait.wait_function.wait_function", "WaitFunction._wait_interval",
     ["self", "env", "wait_seconds"]),
    (f"{ASL}.component.common.retry.retrier_decl", "time", None),
    (f"{ASL}.parse.asl_parser", "AmazonStateLanguageParser.parse", ["definition"]),
    (f"{ASL}.component.eval_component", "EvalComponent.heap_key", None),
    (f"{TASK}.service.state_task_service_sfn", "StateTaskServiceSfn._normalise_parameters",
     ["self", "parameters", "boto_service_name", "service_action_name"]),
    (f"{TASK}.service.state_task_service_sfn", "StateTaskServiceSfn._normalise_response",
     ["self", "response", "boto_service_name", "service_action_name"]),
    (f"{TASK}.service.state_task_service_sfn", "boto_client_for", ["region", "service", "state_credentials"]),
    (f"{TASK}.service.state_task_service", "StateTaskService._to_boto_request",
     ["self", "parameters", "structure_shape"]),
    (f"{TASK}.service.state_task_service", "StateTaskService._from_boto_response",
     ["self", "response", "structure_shape"]),
    (f"{TASK}.service.state_task_service_callback", "_DELAY_SECONDS_SYNC_CONDITION_CHECK", None),
    ("moto.stepfunctions.parser.models", "StepFunctionsParserBackend.start_execution",
     ["self", "state_machine_arn", "name", "execution_input", "trace_header"]),
    ("moto.stepfunctions.responses", "StepFunctionResponse.describe_execution", ["self"]),
    ("moto.stepfunctions.responses", "StepFunctionResponse.send_task_failure", ["self"]),
    ("moto.stepfunctions.parser.models", "StepFunctionsParserBackend.get_execution_history",
     ["self", "execution_arn"]),
    (f"{ASL}.eval.environment", "Environment.set_stop", ["self", "stop_date", "cause", "error"]),
    (f"{ASL}.eval.environment", "Environment.set_error", ["self", "error"]),
    (f"{ASL}.eval.program_state", "ProgramStopped", None),
]


def test_moto_batch_models_are_not_imported():
    # moto.batch is a bare package (see moto_patches): its models would import all of EC2's.
    check = ("import sys, statemill.local.moto_patches, moto.batch.utils; "
             "assert moto.batch.utils.JobStatus; assert 'moto.ec2' not in sys.modules, 'EC2 models imported'")
    subprocess.run([sys.executable, "-c", check], check=True)


def test_moto_is_the_pinned_version():
    assert moto.__version__ == PINNED_MOTO, (
        f"moto {moto.__version__} is installed; statemill.local.moto_patches was verified "
        f"against {PINNED_MOTO}: run these tests, fix the patches, then move the pin")


def moto_original(owner, attribute):
    """What moto itself holds there, even when the patches are already installed."""
    return moto_patches.originals.get((owner, attribute), getattr(owner, attribute))


@pytest.mark.parametrize("module_name, attribute, parameters", INTERNALS,
                         ids=[f"{m.rsplit('.', 1)[1]}.{a}" for m, a, _ in INTERNALS])
def test_patched_moto_internal_is_still_there(module_name, attribute, parameters):
    where = f"moto internal {module_name}.{attribute}"
    try:
        target = importlib.import_module(module_name)
        for part in attribute.split("."):
            target = moto_original(target, part)
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"{where} is gone ({exc}): statemill.local.moto_patches must be updated")
    if parameters is not None:
        actual = list(inspect.signature(inspect.unwrap(target)).parameters)
        assert actual == parameters, f"{where} now takes {actual}, the patch expects {parameters}"


def test_every_patch_replaces_a_listed_internal():
    LocalEngine(functions={}).start().stop()  # installs the patches
    def owner_and_attribute(module, attribute):
        owner, _, name = attribute.rpartition(".")
        return owner or module.rsplit(".", 1)[1], name
    listed = {owner_and_attribute(module, attribute) for module, attribute, _ in INTERNALS}
    patched = {(owner.__name__.rsplit(".", 1)[-1], name) for owner, name in moto_patches.originals}
    assert patched <= listed, f"patched but not checked for drift: {sorted(patched - listed)}"


@pytest.fixture(scope="module")
def engine():
    with LocalEngine(time_scale=0, functions={}) as engine:
        yield engine


def lambda_params(name, payload):
    return {"FunctionName": name, "Payload": json.dumps(payload).encode()}


@pytest.mark.parametrize("given, name", [
    ("arn:aws:lambda:eu-west-1:123456789012:function:task_runner", "task_runner"),
    ("arn:aws:lambda:eu-west-1:123456789012:function:task_runner:live", "task_runner"),
    ("123456789012:function:task_runner", "task_runner"),
    ("task_runner", "task_runner"),
])
def test_function_name_of(given, name):
    assert moto_patches.function_name_of(given) == name


def test_lambda_success_has_the_shape_moto_expects(engine):
    engine.register_function("echo", lambda event, context: {"seen": event})
    response = moto_patches._invoke_lambda_function(lambda_params("echo", {"a": 1}), "us-east-1", None)
    assert response == {"StatusCode": 200, "Payload": {"seen": {"a": 1}}, "ExecutedVersion": "$LATEST"}


def test_lambda_exception_becomes_an_unhandled_function_error(engine):
    def fail(event, context):
        raise KeyError("k")

    engine.register_function("fail", fail)
    response = moto_patches._invoke_lambda_function(lambda_params("fail", {}), "us-east-1", None)
    assert response["FunctionError"] == "Unhandled"
    assert response["Payload"] == {"errorType": "KeyError", "errorMessage": "'k'"}


def test_unserialisable_result_is_a_marshal_error(engine):
    engine.register_function("bad", lambda event, context: {"when": object()})
    response = moto_patches._invoke_lambda_function(lambda_params("bad", {}), "us-east-1", None)
    assert response["Payload"]["errorType"] == "Runtime.MarshalError"


def test_unknown_function_is_a_lambda_client_error(engine):
    with pytest.raises(ClientError) as raised:
        moto_patches._invoke_lambda_function(lambda_params("nobody", {}), "us-east-1", None)
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert isinstance(raised.value.__cause__, UnknownFunction)


def test_jsonata_expressions_are_parsed_once():
    moto_patches._parsed.cache_clear()
    for value in range(5):
        assert moto_patches.evaluate_jsonata("$x + 1", {"x": value}) == value + 1
    info = moto_patches._parsed.cache_info()
    assert (info.misses, info.hits) == (1, 4)


def test_higher_order_jsonata_functions_work_on_any_thread():
    import threading

    results = []
    thread = threading.Thread(target=lambda: results.append(moto_patches.evaluate_jsonata(
        "$map($xs, function($v) { $v * 2 })", {"xs": [1, 2]})))
    thread.start()
    thread.join()
    assert results == [[2, 4]]


def test_definition_is_parsed_once_per_state_machine(engine):
    parse = moto_patches.AmazonStateLanguageParser.parse
    arn = engine.deploy("parsed_once", {"StartAt": "p", "States": {"p": {"Type": "Pass", "End": True}}})
    before = parse.cache_info()
    for _ in range(3):
        assert engine.run(arn, timeout=10).status == "SUCCEEDED"
    after = parse.cache_info()
    assert after.misses == before.misses
    assert after.hits >= before.hits + 3


def test_time_scale_shortens_waits_and_retries(engine):
    flaky_calls = []

    def flaky(event, context):
        flaky_calls.append(time.monotonic())
        if len(flaky_calls) < 2:
            raise ConnectionError("once")
        return "ok"

    engine.register_function("flaky", flaky)
    arn = engine.deploy("scaled", {"QueryLanguage": "JSONata", "StartAt": "nap", "States": {
        "nap": {"Type": "Wait", "Seconds": 20, "Next": "call"},
        "call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
                 "Arguments": {"FunctionName": "flaky", "Payload": {}},
                 "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 20}]}}})
    engine.time_scale = 0.01
    try:
        started = time.monotonic()
        result = engine.run(arn, timeout=30)
        elapsed = time.monotonic() - started
    finally:
        engine.time_scale = 0
    assert result.status == "SUCCEEDED", result
    assert 0.4 <= elapsed < 3, elapsed  # 20 s + 20 s at 1/100
    assert flaky_calls[1] - flaky_calls[0] >= 0.19


def test_status_read_from_the_backend_matches_the_api(engine):
    arn = engine.deploy("status", {"QueryLanguage": "JSONata", "StartAt": "a", "States": {
        "a": {"Type": "Fail", "Error": "Boom"}}})
    execution = engine.run(arn, timeout=10).arn
    api = engine.stepfunctions.describe_execution(executionArn=execution)["status"]
    assert (engine.status(execution), api) == ("FAILED", "FAILED")


def test_history_read_from_the_backend_matches_the_api(engine):
    arn = engine.deploy("history", {"QueryLanguage": "JSONata", "StartAt": "a", "States": {
        "a": {"Type": "Pass", "Output": {"x": 1}, "Next": "b"}, "b": {"Type": "Wait", "Seconds": 1, "End": True}}})
    execution = engine.run(arn, timeout=10).arn
    from_api = []
    for page in engine.stepfunctions.get_paginator("get_execution_history").paginate(executionArn=execution):
        from_api.extend(page["events"])
    direct = engine.history(execution)
    assert [(e["id"], e["type"]) for e in direct] == [(e["id"], e["type"]) for e in from_api]
    assert {k for e in direct for k in e} == {k for e in from_api for k in e}
    assert [e["timestamp"] for e in direct] == [e["timestamp"] for e in from_api]
    assert all(type(e["type"]) is str for e in direct)


def test_a_parsed_definition_is_reused_from_the_disk_cache_by_the_next_process(tmp_path):
    # Each process counts the calls that reach moto's own parser, then runs the machine.
    script = (
        "from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser as P\n"
        "from statemill.local import moto_patches\n"
        "from statemill.local.engine import LocalEngine\n"
        "with LocalEngine(functions={}) as engine:\n"
        "    calls, parse = [], moto_patches.originals[(P, 'parse')]\n"
        "    moto_patches.originals[(P, 'parse')] = lambda d: calls.append(1) or parse(d)\n"
        "    arn = engine.deploy('cached', " + repr(json.dumps(_three_states())) + ")\n"
        "    print(len(calls), engine.run(arn, timeout=10).output)\n")
    env = {**os.environ, "STATEMILL_HOME": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                           check=True).stdout.split() for _ in range(2)]
    assert runs == [["1", "3"], ["0", "3"]], "the second process should run the cached program"
    assert list((tmp_path / "cache").glob("asl-moto*/*.pickle"))


def _three_states():
    states = {f"s{i}": {"Type": "Pass", "Output": i + 1, "Next": f"s{i + 1}"} for i in range(3)}
    states["s2"] = {"Type": "Pass", "Output": 3, "End": True}
    return {"QueryLanguage": "JSONata", "StartAt": "s0", "States": states}

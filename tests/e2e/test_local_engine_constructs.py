"""The ASL constructs the compiler emits, run on the local engine (JSONata everywhere).

Each test hand-writes the kind of state machine the compiler produces and asserts what
Step Functions does with it. Findings where the engine differs from AWS are asserted as
such and named in the test, so a moto upgrade that fixes them shows up here.
"""

import threading
import time

import pytest

from statemachine_compiler import placeholders
from statemill.local.engine import LocalEngine

JSONATA = "JSONata"


@pytest.fixture(scope="module")
def engine():
    with LocalEngine(time_scale=0, functions={}) as engine:
        yield engine


def invoke(function, payload, **state):
    """A lambda:invoke Task state as the compiler writes it."""
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": placeholders.function_arn(function),
                      "Payload": payload},
        **state,
    }


def machine(states, start=None, **top):
    return {"QueryLanguage": JSONATA, "StartAt": start or next(iter(states)), "States": states, **top}


def deploy_and_run(engine, name, definition, input=None, timeout=30):
    arn = engine.deploy(name, definition)
    result = engine.run(arn, input, timeout=timeout)
    assert result.done, f"{name} still running after {timeout}s"
    return result


def echo(event, context):
    return {"event": event}


def test_task_arguments_assign_output(engine):
    # GIVEN a task whose inputs come from the execution input and whose result is assigned
    engine.register_function("echo", echo)
    definition = machine({
        "a": invoke("echo", {"task": "a", "inputs": {
            "x": "{% $states.context.Execution.Input.inputs.x %}"}},
            Assign={"t_a": "{% {'status': 'SUCCEEDED', 'output': $states.result.Payload} %}"},
            Output="{% $states.result.Payload.event.inputs %}", Next="done"),
        "done": {"Type": "Pass", "Output": "{% {'t_a': $t_a, 'previous': $states.input} %}",
                 "End": True},
    })
    # WHEN it runs
    result = deploy_and_run(engine, "task_basics", definition, {"inputs": {"x": [1, "two"]}})
    # THEN the handler got the rendered event and the variable carries its result
    assert result.status == "SUCCEEDED", result
    assert result.output == {
        "t_a": {"status": "SUCCEEDED", "output": {"event": {"task": "a", "inputs": {"x": [1, "two"]}}}},
        "previous": {"x": [1, "two"]},
    }


def test_strings_with_quotes_and_backslashes_survive_variables(engine):
    engine.register_function("echo", echo)
    tricky = 'say "hi" \\ C:\\path\nnext line'
    definition = machine({
        "a": invoke("echo", {"s": "{% $states.input.s %}"},
                    Assign={"s": "{% $states.result.Payload.event.s %}"}, Next="b"),
        "b": {"Type": "Pass", "Output": "{% {'s': $s, 'n': $length($s)} %}", "End": True},
    })
    result = deploy_and_run(engine, "tricky_strings", definition, {"s": tricky})
    assert result.status == "SUCCEEDED", result
    assert result.output == {"s": tricky, "n": len(tricky)}


def test_handler_exception_class_name_is_the_error(engine):
    class InputError(Exception):
        pass

    def reject(event, context):
        raise InputError("field 'url' is required")

    engine.register_function("reject", reject)
    result = deploy_and_run(engine, "handler_error", machine({"a": invoke("reject", {}, End=True)}))
    assert result.status == "FAILED"
    assert result.error == "InputError"
    assert '"errorMessage":"field \'url\' is required"' in result.cause


def test_unknown_function_fails_like_lambda(engine):
    state = invoke("missing", {}, End=True)
    state["Arguments"]["FunctionName"] = engine.function_arn("missing")
    result = deploy_and_run(engine, "no_such_function", machine({"a": state}))
    assert result.status == "FAILED"
    assert result.error == "Lambda.ResourceNotFoundException"


def test_parallel_branches_export_through_output(engine):
    engine.register_function("echo", echo)

    def branch(task):
        return machine({task: invoke("echo", {"task": task},
                                     Assign={f"t_{task}": "{% $states.result.Payload %}"},
                                     Output=f"{{% {{'t_{task}': $t_{task}}} %}}", End=True)})

    definition = machine({
        "fork": {"Type": "Parallel", "Branches": [branch("b"), branch("c")],
                 "Assign": {"t_b": "{% $states.result[0].t_b %}",
                            "merged": "{% $merge($states.result) %}"},
                 "Next": "join"},
        "join": {"Type": "Pass", "Output": "{% {'t_b': $t_b, 'merged': $merged} %}", "End": True},
    })
    result = deploy_and_run(engine, "parallel_exports", definition)
    assert result.status == "SUCCEEDED", result
    assert result.output["t_b"] == {"event": {"task": "b"}}
    assert result.output["merged"] == {"t_b": {"event": {"task": "b"}},
                                       "t_c": {"event": {"task": "c"}}}


def test_assign_inside_a_branch_stays_in_the_branch(engine):
    definition = machine({
        "fork": {"Type": "Parallel", "Next": "after", "Branches": [machine({
            "inner": {"Type": "Pass", "Assign": {"leak": 1}, "End": True}})]},
        "after": {"Type": "Pass", "Output": "{% $exists($leak) %}", "End": True},
    })
    result = deploy_and_run(engine, "branch_scope", definition)
    assert result.status == "SUCCEEDED", result
    assert result.output is False


def test_map_items_item_selector_max_concurrency(engine):
    running, peak, lock = [0], [0], threading.Lock()

    def square(event, context):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return event["value"] ** 2 + event["index"] * 1000

    engine.register_function("square", square)
    definition = machine({
        "each": {
            "Type": "Map",
            "Items": "{% $states.input.numbers %}",
            "ItemSelector": {"value": "{% $states.context.Map.Item.Value %}",
                             "index": "{% $states.context.Map.Item.Index %}"},
            "MaxConcurrency": 2,
            "ItemProcessor": {
                # Finding: QueryLanguage inside ItemProcessor is a parse error on this engine.
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "sq",
                "States": {"sq": invoke("square", "{% $states.input %}",
                                        Output="{% $states.result.Payload %}", End=True)},
            },
            "Assign": {"squares": "{% $states.result %}"},
            "Output": "{% $sum($squares) %}",
            "End": True,
        },
    })
    result = deploy_and_run(engine, "map_basics", definition, {"numbers": [1, 2, 3, 4, 5]})
    assert result.status == "SUCCEEDED", result
    assert result.output == 1 + 4 + 9 + 16 + 25 + 1000 * (0 + 1 + 2 + 3 + 4)
    assert peak[0] == 2


def choice_machine():
    return machine({
        "route": {
            "Type": "Choice",
            "Choices": [{"Condition": "{% $states.input.n > 10 %}", "Next": "big",
                         "Assign": {"branch": "big"}}],
            "Default": "small",
            "Assign": {"top": "{% 'top-level:' & $string($states.input.n) %}"},
        },
        "big": {"Type": "Pass", "Output": "{% {'branch': $branch, 'top': $exists($top) ? $top : null} %}",
                "End": True},
        "small": {"Type": "Pass", "Output": "{% {'top': $exists($top) ? $top : null} %}", "End": True},
    })


def test_choice_condition_and_rule_assign(engine):
    result = deploy_and_run(engine, "choice_rule", choice_machine(), {"n": 11})
    assert result.status == "SUCCEEDED", result
    assert result.output["branch"] == "big"


def test_choice_top_level_assign_on_default(engine):
    # Finding: on this engine the Choice state's top-level Assign applies when Default is taken.
    result = deploy_and_run(engine, "choice_default", choice_machine(), {"n": 3})
    assert result.status == "SUCCEEDED", result
    assert result.output == {"top": "top-level:3"}


def test_choice_top_level_assign_is_skipped_when_a_rule_matches(engine):
    # The matched rule's Assign replaces the state's (AWS: top-level Assign is for Default).
    result = deploy_and_run(engine, "choice_rule_top", choice_machine(), {"n": 12})
    assert result.status == "SUCCEEDED", result
    assert result.output == {"branch": "big", "top": None}


def test_query_language_inside_item_processor_is_rejected(engine):
    definition = machine({"each": {
        "Type": "Map", "Items": "{% [1] %}", "End": True,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"},
                          **machine({"p": {"Type": "Pass", "End": True}})}}})
    with pytest.raises(engine.stepfunctions.exceptions.ClientError, match="QueryLanguage"):
        engine.deploy("query_language_in_map", definition)


def test_catch_assigns_error_output(engine):
    def fail(event, context):
        raise TimeoutError("upstream took too long")

    engine.register_function("fail", fail)
    definition = machine({
        "a": invoke("fail", {}, Catch=[{
            "ErrorEquals": ["States.ALL"], "Next": "handled",
            "Assign": {"t_a": "{% {'status': 'FAILED', 'error': $states.errorOutput} %}"},
            "Output": "{% {'caught': $states.errorOutput.Error} %}"}], End=True),
        "handled": {"Type": "Pass", "Output": "{% {'t_a': $t_a, 'input': $states.input} %}",
                    "End": True},
    })
    result = deploy_and_run(engine, "catch_assign", definition)
    assert result.status == "SUCCEEDED", result
    assert result.output["input"] == {"caught": "TimeoutError"}
    assert result.output["t_a"]["error"]["Error"] == "TimeoutError"
    assert "upstream took too long" in result.output["t_a"]["error"]["Cause"]


class Flaky:
    """Fails `failures` times, then returns the attempt numbers it saw."""

    def __init__(self, failures):
        self.failures = failures
        self.attempts = []

    def __call__(self, event, context):
        self.attempts.append(event["attempt"])
        if len(self.attempts) <= self.failures:
            raise ConnectionError(f"attempt {len(self.attempts)} failed")
        return {"attempts": self.attempts}


def test_retry_with_max_delay_and_jitter_and_retry_count(engine):
    flaky = Flaky(failures=2)
    engine.register_function("flaky", flaky)
    definition = machine({"a": invoke(
        "flaky", {"attempt": "{% $states.context.State.RetryCount + 1 %}"},
        Retry=[{"ErrorEquals": ["ConnectionError"], "IntervalSeconds": 3, "BackoffRate": 2,
                "MaxAttempts": 3, "MaxDelaySeconds": 5, "JitterStrategy": "FULL"}],
        Output="{% $states.result.Payload %}", End=True)})
    result = deploy_and_run(engine, "retry_jitter", definition)
    assert result.status == "SUCCEEDED", result
    assert result.output == {"attempts": [1, 2, 3]}


def test_retry_exhausted_fails_with_the_last_error(engine):
    engine.register_function("flaky", Flaky(failures=5))
    definition = machine({"a": invoke(
        "flaky", {"attempt": "{% $states.context.State.RetryCount + 1 %}"},
        Retry=[{"ErrorEquals": ["ConnectionError"], "MaxAttempts": 2}], End=True)})
    result = deploy_and_run(engine, "retry_exhausted", definition)
    assert (result.status, result.error) == ("FAILED", "ConnectionError")
    assert "attempt 3 failed" in result.cause


def test_wait_seconds_is_skipped_at_time_scale_zero(engine):
    definition = machine({
        "nap": {"Type": "Wait", "Seconds": "{% $states.input.seconds %}", "Next": "done"},
        "done": {"Type": "Pass", "Output": "{% $states.input %}", "End": True}})
    started = time.monotonic()
    result = deploy_and_run(engine, "wait_seconds", definition, {"seconds": 3600})
    assert result.status == "SUCCEEDED", result
    assert result.output == {"seconds": 3600}
    assert time.monotonic() - started < 5


def test_fail_state_with_jsonata_error_and_cause(engine):
    definition = machine({"stop": {
        "Type": "Fail",
        "Error": "{% 'Workflow.' & $states.input.kind %}",
        "Cause": "{% 'rows missing: ' & $string($count($states.input.rows)) %}"}})
    result = deploy_and_run(engine, "fail_jsonata", definition, {"kind": "Invalid", "rows": [1, 2]})
    assert (result.status, result.error, result.cause) == (
        "FAILED", "Workflow.Invalid", "rows missing: 2")


def test_execution_input_and_context_are_visible(engine):
    definition = machine({"p": {"Type": "Pass", "End": True, "Output": {
        "input": "{% $states.context.Execution.Input %}",
        "name": "{% $states.context.Execution.Name %}",
        "state": "{% $states.context.State.Name %}",
        "machine": "{% $states.context.StateMachine.Name %}",
        "started": "{% $states.context.Execution.StartTime %}"}}})
    arn = engine.deploy("context_object", definition)
    execution = engine.start_execution(arn, {"a": 1}, name="run-42")
    result = engine.wait(execution, timeout=10)
    assert result.status == "SUCCEEDED", result
    assert result.output["input"] == {"a": 1}
    assert result.output["name"] == "run-42"
    assert result.output["state"] == "p"
    assert result.output["machine"] == "context_object"
    assert result.output["started"].startswith(str(result.started.year))


def test_jsonata_evaluation_error_fails_the_execution(engine):
    definition = machine({"p": {"Type": "Pass", "Output": "{% $number('not a number') %}",
                                "End": True}})
    result = deploy_and_run(engine, "jsonata_error", definition)
    assert result.status == "FAILED"
    assert result.error == "States.QueryEvaluationError", result


def test_undefined_result_is_a_query_evaluation_error(engine):
    definition = machine({"p": {"Type": "Pass", "Output": "{% $states.input.missing %}",
                                "End": True}})
    result = deploy_and_run(engine, "jsonata_undefined", definition, {"present": 1})
    assert (result.status, result.error) == ("FAILED", "States.QueryEvaluationError")


def test_jsonata_error_is_caught_by_states_all(engine):
    engine.register_function("echo", echo)
    definition = machine({
        "a": invoke("echo", "{% $number('x') %}", End=True,
                    Catch=[{"ErrorEquals": ["States.ALL"], "Next": "caught",
                            "Output": "{% $states.errorOutput.Error %}"}]),
        "caught": {"Type": "Succeed"}})
    result = deploy_and_run(engine, "jsonata_error_caught", definition)
    assert (result.status, result.output) == ("SUCCEEDED", "States.QueryEvaluationError")


def wait_for_token_machine():
    return machine({"approve": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Arguments": {"FunctionName": placeholders.function_arn("notify"),
                      "Payload": {"task": "approve", "task_token": "{% $states.context.Task.Token %}"}},
        "Output": "{% {'decision': $states.result} %}",
        "TimeoutSeconds": 30, "End": True}})


def answer_tokens(engine, tokens, answer):
    """Resolve the first delivered task token from another thread, as an approver would."""
    def approver():
        token = tokens.get(timeout=10)
        answer(token)
    thread = threading.Thread(target=approver)
    thread.start()
    return thread


@pytest.fixture
def notified_tokens(engine):
    import queue

    tokens = queue.Queue()

    def notify(event, context):
        tokens.put(event["task_token"])
        return {"sent": True}

    engine.register_function("notify", notify)
    return tokens


def test_wait_for_task_token_success(engine, notified_tokens):
    approver = answer_tokens(engine, notified_tokens,
                             lambda token: engine.send_task_success(token, {"approved": True}))
    result = deploy_and_run(engine, "approval_ok", wait_for_token_machine())
    approver.join()
    assert result.status == "SUCCEEDED", result
    assert result.output == {"decision": {"approved": True}}


def test_wait_for_task_token_failure(engine, notified_tokens):
    approver = answer_tokens(engine, notified_tokens, lambda token: engine.send_task_failure(
        token, "Statemill.Rejected", "rejected by alice"))
    result = deploy_and_run(engine, "approval_rejected", wait_for_token_machine())
    approver.join()
    assert (result.status, result.error, result.cause) == (
        "FAILED", "Statemill.Rejected", "rejected by alice")


@pytest.fixture
def real_time(engine):
    engine.time_scale = 1
    yield
    engine.time_scale = 0


def test_stop_execution_aborts_a_waiting_execution(engine, real_time):
    arn = engine.deploy("stoppable", machine({"nap": {"Type": "Wait", "Seconds": 60, "End": True}}))
    execution = engine.start_execution(arn)
    engine.stop_execution(execution, error="Statemill.Cancelled", cause="by user")
    result = engine.wait(execution, timeout=10)
    assert result.status == "ABORTED", result


def test_execution_timeout_seconds(engine, real_time):
    arn = engine.deploy("too_slow", machine(
        {"nap": {"Type": "Wait", "Seconds": 60, "End": True}}, TimeoutSeconds=1))
    started = time.monotonic()
    result = engine.run(arn, timeout=10)
    assert result.status == "TIMED_OUT", result
    assert 1 <= time.monotonic() - started < 5


def test_task_timeout_seconds(engine):
    engine.register_function("slow", lambda event, context: time.sleep(3))
    definition = machine({"a": invoke("slow", {}, TimeoutSeconds=1, End=True)})
    result = deploy_and_run(engine, "slow_task", definition)
    assert (result.status, result.error) == ("FAILED", "States.Timeout"), result


@pytest.mark.parametrize("output", ["plain text", None, 0, False, [1, "x"]])
def test_any_json_value_is_an_execution_output(engine, output):
    definition = machine({"p": {"Type": "Pass", "Output": "{% $states.input.value %}",
                                "End": True}})
    result = deploy_and_run(engine, "json_outputs", definition, {"value": output})
    assert (result.status, result.output) == ("SUCCEEDED", output)


def child_machine():
    return machine({"c": {"Type": "Pass", "End": True,
                          "Output": "{% {'doubled': $states.input.n * 2} %}"}})


def parent_machine(engine, resource, child):
    return machine({"sub": {
        "Type": "Task", "Resource": resource, "End": True,
        "Arguments": {"StateMachineArn": child, "Input": {"n": "{% $states.input.n %}"},
                      "Name": "{% $states.context.Execution.Name & '-sub' %}"},
        "Output": "{% $states.result %}"}})


def test_subflow_sync2_returns_the_child_output_as_json(engine):
    child = engine.deploy("child", child_machine())
    parent = engine.deploy("parent_sync2", parent_machine(
        engine, "arn:aws:states:::states:startExecution.sync:2", child))
    result = engine.run(parent, {"n": 21}, timeout=10)
    assert result.status == "SUCCEEDED", result
    assert result.output["Output"] == {"doubled": 42}
    assert result.output["Status"] == "SUCCEEDED"
    assert result.output["ExecutionArn"].endswith(result.arn.rsplit(":", 1)[1] + "-sub")


def test_subflow_sync_returns_the_child_output_as_text(engine):
    child = engine.deploy("child", child_machine())
    parent = engine.deploy("parent_sync", parent_machine(
        engine, "arn:aws:states:::states:startExecution.sync", child))
    result = engine.run(parent, {"n": 5}, timeout=10)
    assert result.status == "SUCCEEDED", result
    assert result.output["Output"] == '{"doubled": 10}'


def test_subflow_without_sync_returns_the_started_execution(engine):
    child = engine.deploy("child", child_machine())
    parent = engine.deploy("parent_async", parent_machine(
        engine, "arn:aws:states:::states:startExecution", child))
    result = engine.run(parent, {"n": 1}, timeout=10)
    assert result.status == "SUCCEEDED", result
    assert set(result.output) == {"ExecutionArn", "StartDate"}
    assert engine.wait(result.output["ExecutionArn"], timeout=10).output == {"doubled": 2}


def test_failed_subflow_fails_the_parent_task(engine):
    child = engine.deploy("child_fails", machine({"f": {"Type": "Fail", "Error": "Boom"}}))
    parent = engine.deploy("parent_of_failure", parent_machine(
        engine, "arn:aws:states:::states:startExecution.sync:2", child))
    result = engine.run(parent, {"n": 1}, timeout=10)
    assert (result.status, result.error) == ("FAILED", "States.TaskFailed"), result
    assert '"Error":"Boom"' in result.cause.replace(" ", "")

"""Every patch of moto's Step Functions interpreter (moto is pinned: see pyproject.toml).

`apply()` installs them once per process and points them at the engine's hooks:

- Lambda tasks call Python callables in-process instead of Lambda over HTTP/Docker.
- JSONata is evaluated by jsonata-python, each expression parsed once; `$states` and the
  workflow variables are passed as bindings instead of being spliced into the expression
  as JSON text (moto's way re-parses every variable on every evaluation and breaks on
  strings holding quotes or backslashes). A failing expression raises the catchable
  States.QueryEvaluationError, as on AWS, not States.Runtime.
- Wait states and Retry intervals sleep `time_scale` times their real duration.
- A parsed definition is reused by every execution of the same state machine, and kept
  (pickled) in STATEMILL_HOME/cache so the next process skips moto's slow parser.
- `states:startExecution(.sync|.sync:2)` gets the request/response normalisation that moto
  stubbed out, so child executions start and the parent receives their output.
- An execution started without a name (a subflow's child, say) gets a UUID, not "None".
- DescribeExecution always returns the output as JSON text, as AWS does.
- SendTaskFailure keeps its `cause` (moto's request handler drops it).
- Stopping an execution wakes its tasks that wait for a task token, so it ends.
- Importing the interpreter no longer imports moto.batch's models (and with them all of
  EC2's, ~1.5 s): Statemill never emits `states:batch` tasks, so the interpreter gets
  moto.batch.utils alone. This one runs at import, before moto's interpreter is imported.

tests/functional/test_moto_patches.py fails loudly, naming the internal, when moto moves.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
import sys
import threading
import time
import types
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.session
import jsonata
import moto

from statemill.home import home_dir


def _import_batch_utils_alone() -> None:
    """Make `moto.batch` a bare package, so importing moto.batch.utils skips its models."""
    if "moto.batch" not in sys.modules:
        package = types.ModuleType("moto.batch")
        package.__path__ = [str(Path(moto.__file__).parent / "batch")]
        sys.modules["moto.batch"] = moto.batch = package


_import_batch_utils_alone()

from botocore.exceptions import ClientError
from moto.core.responses import EmptyResult
from moto.stepfunctions import responses as stepfunctions_responses
from moto.stepfunctions.parser.api import EvaluationFailedEventDetails, HistoryEventType
from moto.stepfunctions.parser.asl.component import eval_component
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import (
    StatesErrorName,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
    StatesErrorNameType,
)
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.common.string import string_expression
from moto.stepfunctions.parser.asl.component.intrinsic import jsonata as intrinsic_jsonata
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_callback,
    state_task_service_sfn,
)
from moto.stepfunctions.parser.asl.component.state.wait.wait_function import wait_function
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped
from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata
from moto.stepfunctions.parser.asl.jsonata import validations
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.parser.asl.utils import boto_client
from moto.stepfunctions.parser.asl.utils.encoding import to_json_str
from moto.stepfunctions.parser.models import StepFunctionsParserBackend
from moto.stepfunctions.parser.utils import camel_to_snake_case, long_uid

from statemill.local.functions import UnknownFunction

# How often a parent polls a `.sync` child execution (moto: 0.5 s, which dominates latency).
SYNC_POLL_SECONDS = 0.02
PARSED_EXPRESSIONS_CACHED = 4096
PARSED_DEFINITIONS_CACHED = 256


@dataclass
class Hooks:
    """What the patches call into; set by the engine through `apply()`."""

    invoke_function: Callable[[str, Any], Any]
    time_scale: float = 1.0


def _no_engine(name: str, payload: Any) -> Any:
    raise UnknownFunction(f"no local engine is routing Lambda functions (asked for {name!r})")


hooks = Hooks(invoke_function=_no_engine)
_apply_lock = threading.Lock()
_applied = False
# (owner, attribute) -> moto's own value, kept for wrappers and for the drift tests.
originals: dict[tuple[Any, str], Any] = {}


def _replace(owner: Any, attribute: str, value: Any) -> None:
    originals[(owner, attribute)] = getattr(owner, attribute)
    setattr(owner, attribute, value)


def apply(invoke_function: Callable[[str, Any], Any], time_scale: float = 1.0) -> None:
    """Install every patch (once per process) and route them to these hooks.

    The moto backend is process-wide, so the hooks are too: the last caller wins.
    """
    global _applied
    hooks.invoke_function = invoke_function
    hooks.time_scale = time_scale
    with _apply_lock:
        if _applied:
            return
        for patch in PATCHES:
            patch()
        _applied = True


# --- (a) Lambda tasks -> Python callables --------------------------------------------------


def function_name_of(function_name_or_arn: str) -> str:
    """`arn:aws:lambda:r:a:function:name[:qualifier]`, `a:function:name` or `name` -> `name`."""
    parts = function_name_or_arn.split(":")
    if "function" in parts[:-1]:
        return parts[parts.index("function") + 1]
    return parts[-1]


def _invoke_lambda_function(parameters: dict, region: str, state_credentials: Any) -> dict:
    # Same shape as moto's stock path: lambda.invoke's response with Payload already decoded.
    function_arn = parameters["FunctionName"]
    payload = json.loads(parameters.get("Payload") or b"{}")
    try:
        result = hooks.invoke_function(function_name_of(function_arn), payload)
    except UnknownFunction as exc:
        raise _lambda_client_error("ResourceNotFoundException", str(exc), 404) from exc
    except Exception as exc:  # noqa: BLE001 - any handler failure is the task's ASL error
        return _unhandled(type(exc).__name__, str(exc))
    try:
        # What Lambda would return: the handler's result after a JSON round trip.
        result = json.loads(json.dumps(result))
    except (TypeError, ValueError) as exc:
        return _unhandled("Runtime.MarshalError", f"Unable to marshal response: {exc}")
    return {"StatusCode": 200, "Payload": result, "ExecutedVersion": "$LATEST"}


def _unhandled(error_type: str, message: str) -> dict:
    return {
        "StatusCode": 200,
        "FunctionError": "Unhandled",
        "Payload": {"errorType": error_type, "errorMessage": message},
        "ExecutedVersion": "$LATEST",
    }


def _lambda_client_error(code: str, message: str, status: int) -> ClientError:
    response = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": str(uuid.uuid4())},
    }
    return ClientError(response, "Invoke")


def _patch_lambda_invoke() -> None:
    _replace(lambda_eval_utils, "_invoke_lambda_function", _invoke_lambda_function)


# --- (b) JSONata with jsonata-python ---------------------------------------------------------

_bindings = threading.local()


@functools.lru_cache(maxsize=PARSED_EXPRESSIONS_CACHED)
def _parsed(expression: str) -> jsonata.Jsonata:
    return jsonata.Jsonata(expression)


def evaluate_jsonata(expression: str, bindings: dict[str, Any] | None = None) -> Any:
    """Evaluate with jsonata-python; raises moto's JSONataException on any failure."""
    try:
        parsed = _parsed(expression)
        # jsonata-python's higher-order and $now functions read the thread's "current" instance.
        jsonata.Jsonata.CURRENT.jsonata = parsed
        return parsed.evaluate(None, bindings)
    except Exception as exc:
        raise moto_jsonata.JSONataException("UNKNOWN", str(exc)) from exc


def _eval_with_current_bindings(expression: str) -> Any:
    # moto's own call sites (output validation: `$exists(<expr>)`) see the bindings of the
    # expression being evaluated on this thread.
    return evaluate_jsonata(expression, getattr(_bindings, "current", None))


def _jsonata_bindings(env: Any, with_states: bool) -> dict[str, Any]:
    store = env.variable_store
    bindings = {**store._outer_scope, **store._inner_scope}
    if with_states:
        # The context object holds datetimes: give JSONata their JSON form, as AWS does.
        bindings["states"] = json.loads(to_json_str(env.states._states_data))
    return bindings


@contextlib.contextmanager
def _current_bindings(bindings: dict[str, Any]) -> Iterator[None]:
    _bindings.current = bindings
    try:
        yield
    finally:
        _bindings.current = None


def _eval_string_jsonata(self: Any, env: Any) -> None:
    references = moto_jsonata.extract_jsonata_variable_references(self.expression)
    declarations = intrinsic_jsonata.get_intrinsic_functions_declarations(references)
    expression = f"({declarations}{self.expression})" if declarations else self.expression
    bindings = _jsonata_bindings(env, with_states=True)
    with _current_bindings(bindings):
        try:
            result = evaluate_jsonata(expression, bindings)
        except moto_jsonata.JSONataException as exc:
            raise _query_evaluation_error(env, self.expression, exc.details) from exc
        validations.validate_jsonata_expression_output(env, self.expression, expression, result)
    env.stack.append(result)


def _query_evaluation_error(env: Any, expression: str, details: str | None) -> Exception:
    # AWS fails with the catchable States.QueryEvaluationError; moto with States.Runtime.
    error = StatesErrorName(typ=StatesErrorNameType.StatesQueryEvaluationError)
    cause = f"The JSONata expression '{expression}' threw an error during evaluation: {details}"
    failure = FailureEventException(FailureEvent(
        env=env, error_name=error, event_type=HistoryEventType.EvaluationFailed,
        event_details=EventDetails(evaluationFailedEventDetails=EvaluationFailedEventDetails(
            error=error.error_name, cause=cause)),
    ))
    env.event_manager.add_event(
        context=env.event_history_context, event_type=HistoryEventType.EvaluationFailed,
        event_details=EventDetails(
            evaluationFailedEventDetails=failure.get_evaluation_failed_event_details()),
    )
    return failure


def _eval_string_variable_sample(self: Any, env: Any) -> None:
    moto_jsonata.extract_jsonata_variable_references(self.expression)  # rejects $ and $$
    with_states = self.query_language_mode == string_expression.QueryLanguageMode.JSONata
    env.stack.append(evaluate_jsonata(self.expression, _jsonata_bindings(env, with_states)))


def _patch_jsonata() -> None:
    _replace(moto_jsonata, "_eval_jsonata", _eval_with_current_bindings)
    _replace(string_expression.StringJSONata, "_eval_body", _eval_string_jsonata)
    _replace(string_expression.StringVariableSample, "_eval_body", _eval_string_variable_sample)


# --- (c) time scale for Wait states and Retry intervals --------------------------------------


def _scaled_wait_interval(self: Any, env: Any, wait_seconds: float) -> None:
    # Replaces moto's loop, which re-waits forever on fractional (scaled) seconds.
    deadline = time.monotonic() + max(wait_seconds, 0) * hooks.time_scale
    while env.is_running() and (remaining := deadline - time.monotonic()) > 0:
        env.program_state_event.wait(remaining)


class _ScaledTime:
    """Stands in for the `time` module inside moto's retrier: only `sleep` is used there."""

    @staticmethod
    def sleep(seconds: float) -> None:
        time.sleep(max(seconds, 0) * hooks.time_scale)


def _patch_time_scale() -> None:
    _replace(wait_function.WaitFunction, "_wait_interval", _scaled_wait_interval)
    _replace(retrier_decl, "time", _ScaledTime)


# --- (d) one parse per definition --------------------------------------------------------------


def _thread_safe_heap_key(self: Any) -> str:
    # Components are now shared by concurrent executions; dict.setdefault is atomic, so every
    # thread agrees on the key under which retry counters live in each execution's heap.
    return self.__dict__.get("_heap_key") or self.__dict__.setdefault("_heap_key", long_uid())


def _parse_through_disk_cache(definition: str) -> tuple[Any, Any]:
    """The parsed program, from STATEMILL_HOME's cache when this definition was seen before.

    moto's ANTLR parser takes ~0.5 s for 40 task states; unpickling the result takes ~7 ms.
    Only the program is kept: the parse tree (second item) serves no caller on this path.
    """
    digest = hashlib.sha256(definition.encode()).hexdigest()
    path = home_dir() / "cache" / f"asl-moto{moto.__version__}" / f"{digest}.pickle"
    try:
        return pickle.loads(path.read_bytes()), None
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
        pass  # not cached yet (or written by another moto): parse it
    program, tree = originals[(AmazonStateLanguageParser, "parse")](definition)
    with contextlib.suppress(OSError, pickle.PickleError, TypeError, RecursionError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
        partial.write_bytes(pickle.dumps(program))
        os.replace(partial, path)  # atomic: concurrent runs never read half a file
    return program, tree


def _patch_definition_cache() -> None:
    original = AmazonStateLanguageParser.parse
    cached_parse = functools.lru_cache(maxsize=PARSED_DEFINITIONS_CACHED)(_parse_through_disk_cache)
    _replace(AmazonStateLanguageParser, "parse", staticmethod(cached_parse))
    originals[(AmazonStateLanguageParser, "parse")] = original
    _replace(eval_component.EvalComponent, "heap_key", property(_thread_safe_heap_key))


# --- (e) states:startExecution(.sync|.sync:2) ----------------------------------------------


@functools.cache
def _operation_model(service_name: str, snake_action: str) -> Any:
    model = botocore.session.get_session().get_service_model(service_name)
    for operation_name in model.operation_names:
        if camel_to_snake_case(operation_name) == snake_action:
            return model.operation_model(operation_name)
    raise LookupError(f"{service_name} has no operation {snake_action!r}")


def _operation_of(task: Any, service_action_name: str | None) -> Any:
    return _operation_model(
        task._get_boto_service_name(), task._get_boto_service_action(service_action_name)
    )


def _sfn_normalise_parameters(
    self: Any, parameters: dict, boto_service_name: str | None = None,
    service_action_name: str | None = None,
) -> None:
    # moto's version only JSON-encodes Input; boto3 also needs stateMachineArn/input/name.
    original = originals[(state_task_service_sfn.StateTaskServiceSfn, "_normalise_parameters")]
    original(self, parameters, boto_service_name, service_action_name)
    self._to_boto_request(parameters, _operation_of(self, service_action_name).input_shape)


def _sfn_normalise_response(
    self: Any, response: Any, boto_service_name: str | None = None,
    service_action_name: str | None = None,
) -> None:
    # executionArn -> ExecutionArn, as Step Functions shows service integration results.
    self._from_boto_response(response, _operation_of(self, service_action_name).output_shape)


_client_lock = threading.Lock()


@functools.cache
def _shared_client(region: str, service: str) -> Any:
    # boto3 client creation is not thread-safe and costs ~40 ms; clients are safe to share.
    with _client_lock:
        return boto_client.boto_client_for(region=region, service=service)


def _sfn_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
    return _shared_client(region, service)


def _patch_nested_executions() -> None:
    _replace(state_task_service_sfn, "boto_client_for", _sfn_client_for)
    _replace(state_task_service_sfn.StateTaskServiceSfn, "_normalise_parameters",
             _sfn_normalise_parameters)
    _replace(state_task_service_sfn.StateTaskServiceSfn, "_normalise_response",
             _sfn_normalise_response)
    _replace(state_task_service_callback, "_DELAY_SECONDS_SYNC_CONDITION_CHECK", SYNC_POLL_SECONDS)


# --- (f) unnamed executions get a unique name ------------------------------------------------


def _start_execution(self: Any, state_machine_arn: str, name: str | None = None,
                     execution_input: str | None = None, trace_header: str | None = None) -> Any:
    # moto names every unnamed execution "None", so the second one collides (AWS: a UUID).
    original = originals[(StepFunctionsParserBackend, "start_execution")]
    return original(self, state_machine_arn, name or str(uuid.uuid4()), execution_input,
                    trace_header)


def _patch_execution_names() -> None:
    _replace(StepFunctionsParserBackend, "start_execution", _start_execution)


# --- (g) describe_execution output is always JSON ----------------------------------------


def _describe_execution(self: Any) -> Any:
    # moto returns a string output unencoded and omits a null output and the stop date of a
    # timed-out execution; AWS always sends JSON text (and `.sync:2` parents parse it).
    result = originals[(stepfunctions_responses.StepFunctionResponse, "describe_execution")](self)
    response = result.result
    execution = self.stepfunction_backend.describe_execution(response["executionArn"])
    if execution.status == "SUCCEEDED":
        response["output"] = json.dumps(execution.output)
    if execution.stop_date is not None:
        response["stopDate"] = execution.stop_date
    return result


def _patch_describe_execution() -> None:
    _replace(stepfunctions_responses.StepFunctionResponse, "describe_execution",
             _describe_execution)


# --- (h) send_task_failure keeps its cause --------------------------------------------------


def _send_task_failure(self: Any) -> EmptyResult:
    # moto's handler forwards only the error: an approver's reason would be lost.
    self.stepfunction_backend.send_task_failure(
        self._get_param("taskToken"), error=self._get_param("error"),
        cause=self._get_param("cause"))
    return EmptyResult()


def _patch_send_task_failure() -> None:
    _replace(stepfunctions_responses.StepFunctionResponse, "send_task_failure", _send_task_failure)


# --- (i) stopping an execution wakes the tasks waiting for a token -------------------------


def _set_stop(self: Any, stop_date: Any, cause: str | None, error: str | None) -> None:
    # moto's waitForTaskToken blocks until its token is answered or times out (a day, for an
    # approval): a cancelled execution would never end.
    originals[(Environment, "set_stop")](self, stop_date=stop_date, cause=cause, error=error)
    for endpoint in list(self.callback_pool_manager._pool.values()):
        endpoint.interrupt_all()


def _set_error(self: Any, error: Any) -> None:
    # As on AWS, a stopped execution stays aborted whatever its woken tasks report.
    if not isinstance(self._program_state, ProgramStopped):
        originals[(Environment, "set_error")](self, error=error)


def _patch_stop_wakes_callbacks() -> None:
    _replace(Environment, "set_stop", _set_stop)
    _replace(Environment, "set_error", _set_error)


PATCHES: tuple[Callable[[], None], ...] = (
    _patch_lambda_invoke,
    _patch_jsonata,
    _patch_time_scale,
    _patch_definition_cache,
    _patch_nested_executions,
    _patch_execution_names,
    _patch_describe_execution,
    _patch_send_task_failure,
    _patch_stop_wakes_callbacks,
)


def execution_history(account: str, region: str, execution_arn: str) -> list[dict[str, Any]]:
    """An execution's history events read from moto's backend, oldest first.

    The same events as GetExecutionHistory, without moto's response serialisation, which
    costs ~3 ms per event: live progress re-reads the history many times a second.
    """
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    backend = stepfunctions_parser_backends[account][region]
    # Through JSON: the backend keeps enums and ISO text where the API gives strings and
    # datetimes.
    events = json.loads(json.dumps(backend.get_execution_history(execution_arn)["events"]))
    return [{**event, "timestamp": _datetime(event["timestamp"])} for event in events]


def execution_status(account: str, region: str, execution_arn: str) -> str:
    """RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED, read from moto's backend.

    DescribeExecution through boto3 costs ~7 ms of CPU in moto's request handling: polled
    for an execution's end, it would slow the execution it waits for.
    """
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    execution = stepfunctions_parser_backends[account][region].describe_execution(execution_arn)
    return execution.exec_status.value if execution.exec_status else "RUNNING"


def _datetime(value: Any) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value) if isinstance(value, str) else value

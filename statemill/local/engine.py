"""The embedded local engine: Step Functions state machines run in this process, on moto.

    with LocalEngine(time_scale=0) as engine:
        engine.register_function("task_runner", handler)          # handler(event, context)
        arn = engine.deploy("daily_sync", asl_dict)                # placeholders substituted
        result = engine.run(arn, {"inputs": {...}})                # ExecutionResult

Lambda tasks run as Python calls (statemill.local.functions); the platform's DynamoDB
tables and S3 bucket are emulated by moto (statemill.local.provision). Safe to use from
many threads. The moto backend and os.environ are process-wide: run one engine at a time.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from statemachine_compiler import limits, placeholders
from statemill import platform
from statemill.control.history import StateEvent, state_events
from statemill.home import home_dir
from statemill.local.functions import FunctionRoutes, Handler, platform_entrypoints
from statemill.local.logs import ExecutionLogs

ACCOUNT_ID = "123456789012"  # moto's default account
ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/statemill-local-states"
_POLL_FIRST_SECONDS = 0.002
_POLL_MAX_SECONDS = 0.05


class EngineError(RuntimeError):
    """The local engine cannot do what was asked (not started, unknown placeholder…)."""


@dataclass(frozen=True)
class ExecutionResult:
    arn: str
    status: str  # RUNNING | SUCCEEDED | FAILED | TIMED_OUT | ABORTED
    output: Any = None  # parsed JSON, when SUCCEEDED
    error: str | None = None
    cause: str | None = None
    started: datetime | None = None
    stopped: datetime | None = None

    @property
    def done(self) -> bool:
        return self.status != "RUNNING"


class LocalEngine:
    def __init__(
        self,
        *,
        region: str = "us-east-1",
        stage: str = "local",
        time_scale: float = 1.0,
        functions: Mapping[str, Handler | str] | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        """`functions`: name -> handler or "module:callable"; default: the platform's own.

        `time_scale` multiplies Wait states and Retry intervals (0: no waiting at all).
        `environment` adds to the variables the handlers see (the platform's are set).
        """
        self.region = region
        self.stage = stage
        self._time_scale = time_scale
        self._routes = FunctionRoutes(
            self.function_arn, platform_entrypoints() if functions is None else functions)
        self._extra_environment = dict(environment or {})
        self._saved_environment: dict[str, str | None] = {}
        self._mock: Any = None
        self._sfn: Any = None
        self.logs = ExecutionLogs()

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> LocalEngine:
        from moto import mock_aws  # heavy: only when an engine really starts

        from statemill.local import moto_patches
        from statemill.local.provision import provision_platform, provision_plugins
        from statemill.platform import platform_environment

        if self._mock is not None:
            return self
        moto_patches.apply(self._routes.invoke, self._time_scale)
        # The interpreter logs every failed state with its internals; the history says it all.
        logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)
        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        self._set_environment({"AWS_REGION": self.region, "AWS_DEFAULT_REGION": self.region,
                               # Metrics are for CloudWatch; locally they would only flood stdout.
                               "POWERTOOLS_METRICS_DISABLED": "true",
                               **platform_environment(self.stage),
                               # Secrets come from the encrypted store `statemill secret set` writes.
                               platform.ENV_SECRET_STORE: platform.FILE_SECRET_STORE + str(home_dir()),
                               **self._extra_environment})
        self.logs.attach()
        import boto3

        # Created inside the mock, once: boto3 client creation is not thread-safe, use is.
        self.session = boto3.session.Session(region_name=self.region)
        provision_platform(self.session, self.stage)
        provision_plugins(self.session, self.stage, home_dir())
        self._sfn = self.session.client("stepfunctions")
        return self

    def stop(self) -> None:
        """Stop moto (every execution, table and object is gone) and restore os.environ."""
        if self._mock is None:
            return
        self._mock.stop()
        self._mock = self._sfn = None
        self.logs.detach()
        for key, value in self._saved_environment.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_environment.clear()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def time_scale(self) -> float:
        """Multiplier of Wait states and Retry intervals (0: no waiting); settable any time."""
        return self._time_scale

    @time_scale.setter
    def time_scale(self, value: float) -> None:
        self._time_scale = value
        if self._mock is not None:
            from statemill.local import moto_patches

            moto_patches.hooks.time_scale = value

    def _set_environment(self, values: Mapping[str, str]) -> None:
        for key, value in values.items():
            self._saved_environment.setdefault(key, os.environ.get(key))
            os.environ[key] = value

    @property
    def stepfunctions(self) -> Any:
        """The boto3 Step Functions client of this engine (for statemill.control and tests)."""
        if self._sfn is None:
            raise EngineError("the local engine is not started: call start() or use `with`")
        return self._sfn

    # --- functions -----------------------------------------------------------------------------

    def function_arn(self, name: str) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{name}"

    def register_function(self, name: str, handler: Handler | str) -> None:
        """Route Lambda `name` to `handler(event, context)` (or a "module:callable")."""
        self._routes.register(name, handler)

    def state_machine_arn(self, name: str) -> str:
        return f"arn:aws:states:{self.region}:{ACCOUNT_ID}:stateMachine:{name}"

    def resolve_placeholder(self, name: str, argument: str | None) -> str | None:
        """The value of a compiler placeholder on this engine (None: not one it knows)."""
        if name == placeholders.FUNCTION_ARN:
            return self.function_arn(argument)
        if name == placeholders.WORKFLOW_ARN:
            namespace, _, workflow = argument.partition("/")
            return self.state_machine_arn(platform.state_machine_name(self.stage, namespace, workflow))
        return None

    # --- state machines ------------------------------------------------------------------------

    def deploy(self, name: str, definition: Mapping[str, Any] | str, *,
               substitutions: Mapping[str, str] | None = None, type: str = "STANDARD") -> str:
        """Create the state machine, or update it when it exists; returns its ARN.

        Compiler placeholders are resolved: `substitutions` maps whole placeholders
        (`${StatemillWorkflowVersion}`) to values; functions and workflows resolve here.
        """
        text = definition if isinstance(definition, str) else json.dumps(definition)
        given = dict(substitutions or {})

        def resolve(placeholder: str, argument: str | None) -> str | None:
            written = f"${{{placeholder}{':' + argument if argument else ''}}}"
            return given[written] if written in given else self.resolve_placeholder(placeholder, argument)
        try:
            text = placeholders.substitute(text, resolve)
        except placeholders.UnresolvedPlaceholder as exc:
            raise EngineError(f"{exc.args[0]}: pass it in substitutions=") from None
        limits.check_definition_size(text, name)  # moto would accept what AWS refuses
        arn = self.state_machine_arn(name)
        sfn = self.stepfunctions
        try:
            sfn.update_state_machine(stateMachineArn=arn, definition=text, roleArn=ROLE_ARN)
        except sfn.exceptions.StateMachineDoesNotExist:
            sfn.create_state_machine(name=name, definition=text, roleArn=ROLE_ARN, type=type)
        return arn

    # --- executions ----------------------------------------------------------------------------

    def start_execution(self, state_machine_arn: str, input: Any = None, *,
                        name: str | None = None) -> str:
        """Start one execution; returns its ARN. Unnamed executions get a unique name."""
        response = self.stepfunctions.start_execution(
            stateMachineArn=state_machine_arn,
            name=name or uuid.uuid4().hex,  # moto gives every unnamed execution the same name
            input=json.dumps({} if input is None else input),
        )
        return response["executionArn"]

    def describe(self, execution_arn: str) -> ExecutionResult:
        response = self.stepfunctions.describe_execution(executionArn=execution_arn)
        output = response.get("output")
        return ExecutionResult(
            arn=execution_arn, status=response["status"],
            output=None if output is None else json.loads(output),
            error=response.get("error"), cause=response.get("cause"),
            started=response.get("startDate"), stopped=response.get("stopDate"),
        )

    def wait(self, execution_arn: str, timeout: float | None = None) -> ExecutionResult:
        """Block until the execution ends (or `timeout` seconds pass: status RUNNING)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = _POLL_FIRST_SECONDS
        while self.status(execution_arn) == "RUNNING":
            if deadline is not None and time.monotonic() >= deadline:
                break
            time.sleep(pause)
            pause = min(pause * 2, _POLL_MAX_SECONDS)
        return self.describe(execution_arn)

    def status(self, execution_arn: str) -> str:
        """The execution's status, cheaply (read from moto's backend): poll this, not describe."""
        from statemill.local import moto_patches

        self.stepfunctions  # noqa: B018 -- raises a clear error when the engine is not started
        return moto_patches.execution_status(ACCOUNT_ID, self.region, execution_arn)

    def run(self, state_machine_arn: str, input: Any = None, *,
            timeout: float | None = None) -> ExecutionResult:
        """Start an execution and wait for it."""
        return self.wait(self.start_execution(state_machine_arn, input), timeout)

    def stop_execution(self, execution_arn: str, error: str | None = None,
                       cause: str | None = None) -> None:
        details = {k: v for k, v in (("error", error), ("cause", cause)) if v is not None}
        self.stepfunctions.stop_execution(executionArn=execution_arn, **details)

    def send_task_success(self, task_token: str, output: Any) -> None:
        self.stepfunctions.send_task_success(taskToken=task_token, output=json.dumps(output))

    def send_task_failure(self, task_token: str, error: str, cause: str = "") -> None:
        self.stepfunctions.send_task_failure(taskToken=task_token, error=error, cause=cause)

    # --- history -------------------------------------------------------------------------------

    def history(self, execution_arn: str) -> list[dict[str, Any]]:
        """The get_execution_history events, oldest first (read from moto's backend directly)."""
        from statemill.local import moto_patches

        self.stepfunctions  # noqa: B018 -- raises a clear error when the engine is not started
        return moto_patches.execution_history(ACCOUNT_ID, self.region, execution_arn)

    def progress(self, execution_arn: str, after_event_id: int = 0) -> list[StateEvent]:
        """History events newer than `after_event_id`, each with its state's name.

        Poll it with the last id seen to show live per-state progress.
        """
        return [e for e in state_events(self.history(execution_arn)) if e.id > after_event_id]


"""One task invocation, the same for every function: parse the event, resolve secrets and
payload references in its inputs, run the task, mask and offload its result, and report errors
under their Statemill names with messages fit for people.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from statemill.runtime import observability
from statemill.runtime.errors import InternalError, StatemillError
from statemill.runtime.event import TaskEvent
from statemill.runtime.payloads import dereference, offload_if_large
from statemill.runtime.secrets import Masker, resolve_secrets
from statemill.runtime.services import Services, default_services

# Leave this much of the Lambda's remaining time to report a timeout cleanly.
_DEADLINE_MARGIN_SECONDS = 1.0


@dataclass(frozen=True)
class Invocation:
    """What a task implementation receives."""

    event: TaskEvent
    inputs: dict[str, Any]
    services: Services
    masker: Masker
    lambda_context: Any = None

    def time_limit(self, seconds: float) -> float:
        """`seconds`, cut down to the task's own timeout and to the Lambda's remaining time."""
        limits = [seconds]
        if self.event.timeout_seconds:
            limits.append(self.event.timeout_seconds)
        remaining_ms = getattr(self.lambda_context, "get_remaining_time_in_millis", None)
        if remaining_ms is not None:
            limits.append(max(remaining_ms() / 1000 - _DEADLINE_MARGIN_SECONDS, 0.1))
        return min(limits)


Task = Callable[[Invocation], Any]


def run_task(
    event: dict, lambda_context: Any, task: Task, *, function: str, services: Services | None = None
) -> Any:
    services = services or default_services()
    log = observability.logger()
    masker = Masker()
    try:
        parsed = TaskEvent.parse(event)
    except StatemillError as error:
        log.warning(f"rejected task event: {error.message}", extra={"error": type(error).__name__})
        raise _without_traceback(error) from None
    ids = {"execution": parsed.execution, "task": parsed.task, "workflow": parsed.workflow}
    started, failed = time.monotonic(), True
    with observability.task_scope({**ids, "type": parsed.type, "attempt": parsed.attempt}, masker):
        try:
            with observability.traced(parsed.type, {**ids, "namespace": parsed.namespace}):
                # Secrets first: text inside offloaded payloads is data, never a secret reference.
                inputs = resolve_secrets(
                    parsed.inputs,
                    namespace=parsed.namespace,
                    paths=parsed.secrets,
                    resolver=services.secrets,
                    masker=masker,
                )
                inputs = dereference(inputs, parsed, services)
                result = task(Invocation(parsed, inputs, services, masker, lambda_context))
                result = offload_if_large(masker.mask_value(result), parsed, services)
            failed = False
            return result
        except StatemillError as error:
            masked = type(error)(masker.mask(error.message))
            log.warning(f"task failed: {masked.message}", extra={"error": type(error).__name__})
            raise _without_traceback(masked) from None
        except Exception:
            log.exception(f"internal error while running {parsed.type}")
            raise InternalError(
                f"{function} failed unexpectedly while running {parsed.type}; "
                f"the execution's logs have the details"
            ) from None
        finally:
            observability.record_task(function, parsed.type, started, failed)


def _without_traceback(error: StatemillError) -> StatemillError:
    # The Lambda runtime copies the traceback into the error Cause; ours is no business of users.
    return error.with_traceback(None)

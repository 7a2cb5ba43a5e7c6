"""How long a task may run: its own limit, the task's timeout and the Lambda's remaining time."""

from dataclasses import dataclass

import pytest

from statemill.runtime.event import TaskEvent
from statemill.runtime.invocation import Invocation
from statemill.runtime.secrets import Masker
from statemill.runtime.services import Services
from statemill.runtime.settings import Settings


@dataclass
class FakeLambdaContext:
    remaining_ms: int

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def invocation(timeout_seconds=None, lambda_context=None) -> Invocation:
    event = TaskEvent("w", "e", "t", "core/log", timeout_seconds=timeout_seconds)
    return Invocation(event, {}, Services(Settings()), Masker(), lambda_context)


@pytest.mark.parametrize(
    "own, task_timeout, remaining_ms, limit",
    [
        (30, None, None, 30),
        (30, 5, None, 5),
        (30, 300, None, 30),
        (30, None, 11_000, 10),  # one second is kept to report the timeout
        (30, None, 500, 0.1),
    ],
)
def test_time_limit_is_the_tightest_of_all(own, task_timeout, remaining_ms, limit):
    context = FakeLambdaContext(remaining_ms) if remaining_ms is not None else None

    assert invocation(task_timeout, context).time_limit(own) == pytest.approx(limit)

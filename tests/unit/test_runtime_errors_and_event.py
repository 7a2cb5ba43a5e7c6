"""The error classes' names and the task event's parsing."""

import pytest

from statemill.runtime import errors
from statemill.runtime.errors import InputError, StatemillError
from statemill.runtime.event import TaskEvent

CONTRACT_NAMES = [
    "InputError",
    "HttpError",
    "Timeout",
    "CodeError",
    "SecretError",
    "PluginError",
    "PermissionDenied",
]


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_each_contract_error_is_named_statemill_dot_name(name):
    cls = getattr(errors, name)

    assert cls.__name__ == f"Statemill.{name}"
    assert type(cls("m")).__name__ == f"Statemill.{name}"
    assert issubclass(cls, StatemillError)


def test_a_new_error_class_gets_the_prefix_from_its_base():
    class Brand(StatemillError):
        pass

    assert Brand.__name__ == "Statemill.Brand"


MINIMAL = {
    "workflow": "w",
    "execution": "arn:aws:states:r:1:execution:w:run-7",
    "task": "t",
    "type": "core/log",
}


def test_parse_fills_defaults():
    event = TaskEvent.parse(MINIMAL)

    assert (event.v, event.namespace, event.attempt, event.inputs, event.secrets) == (
        1,
        "default",
        1,
        {},
        {},
    )
    assert event.execution_name == "run-7"


def test_parse_keeps_every_field_and_ignores_unknown_ones():
    raw = {
        **MINIMAL,
        "v": 1,
        "namespace": "team.a",
        "version": "3f2a",
        "attempt": 2,
        "inputs": {"a": 1},
        "secrets": {"S": [["a"], ["l", 0]]},
        "timeout_seconds": 30,
        "code": {"language": "python"},
        "plugin": {"name": "p"},
        "task_token": "tok",
        "added_later": True,
    }

    event = TaskEvent.parse(raw)

    assert event.secrets == {"S": (("a",), ("l", 0))} and event.timeout_seconds == 30 and event.task_token == "tok"
    assert event.code == {"language": "python"} and event.plugin == {"name": "p"}


@pytest.mark.parametrize(
    "raw, message",
    [
        ([], "the task event must be a JSON object, got an array"),
        ({**MINIMAL, "v": 2}, "task event version 2 is not supported"),
        ({k: v for k, v in MINIMAL.items() if k != "task"}, "the task event has no 'task' field"),
        ({**MINIMAL, "inputs": "x"}, "task event field 'inputs' must be an object, got a string"),
        (
            {**MINIMAL, "attempt": True},
            "task event field 'attempt' must be an integer, got a boolean",
        ),
        ({**MINIMAL, "secrets": ["S"]}, "task event field 'secrets' must be an object, got an array"),
        (
            {**MINIMAL, "secrets": {"S": [["a", True]]}},
            "task event field 'secrets' must map each secret name to a list of input paths",
        ),
    ],
)
def test_a_malformed_event_is_an_input_error(raw, message):
    with pytest.raises(InputError) as raised:
        TaskEvent.parse(raw)

    assert str(raised.value).startswith(message)

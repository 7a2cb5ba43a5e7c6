"""Every error class reaches the caller under its Statemill name, as the Lambda runtime and the
local engine report it (`type(exc).__name__`), with a message for people."""

import copy
import importlib

import pytest

from statemill import platform
from statemill.runtime.entrypoints import FUNCTIONS
from statemill.runtime.errors import PluginError, SecretError
from statemill.runtime.invocation import run_task

from .conftest import make_event, make_services


def invoke(function: str, event: dict, services):
    """Call a platform function the way the local engine routes it: through FUNCTIONS."""
    module, _, name = FUNCTIONS[function].partition(":")
    return getattr(importlib.import_module(module), name)(event, None, services=services)


def lambda_error_payload(error: Exception) -> dict:
    """What the AWS Lambda runtime sends Step Functions for an unhandled exception."""
    return {"errorType": type(error).__name__, "errorMessage": str(error)}


def raising(error: Exception):
    def task(call):
        raise error

    return task


CASES = {
    "Statemill.InputError": (
        platform.TASK_RUNNER,
        make_event("core/nope"),
        "is not run by task_runner",
    ),
    "Statemill.HttpError": (
        platform.TASK_RUNNER,
        make_event("core/http.get", {"url": "{server}/missing"}),
        "answered 404",
    ),
    "Statemill.Timeout": (
        platform.CODE_RUNNERS["bash"],
        make_event(
            "core/code", code={"language": "bash", "source": "sleep 10"}, timeout_seconds=0.5
        ),
        "did not finish within 0.5 s",
    ),
    "Statemill.CodeError": (
        platform.CODE_RUNNERS["python"],
        make_event(
            "core/code",
            code={"language": "python", "source": "def main(i):\n    raise ValueError('bad')\n"},
        ),
        "ValueError: bad",
    ),
    "Statemill.SecretError": (
        platform.TASK_RUNNER,
        make_event("core/log", {"message": "{{ secrets.X }}"}, secrets={"X": [["message"]]}),
        "no secret store is configured",
    ),
    "Statemill.PermissionDenied": (
        platform.TASK_RUNNER,
        make_event("core/http.get", {"url": "http://169.254.169.254/"}),
        "cloud metadata",
    ),
}


@pytest.mark.parametrize("error_name", CASES)
def test_platform_functions_raise_under_the_statemill_name(aws, http_server, error_name):
    function, event, message = copy.deepcopy(CASES[error_name])
    http_server.respond = lambda request: (404, {}, b"")
    if "url" in event["inputs"]:
        event["inputs"]["url"] = event["inputs"]["url"].format(server=http_server.url)
    services = make_services(allow_private_networks="127.0.0.1/32")

    with pytest.raises(Exception) as raised:
        invoke(function, event, services)

    payload = lambda_error_payload(raised.value)
    assert payload["errorType"] == error_name
    assert message in payload["errorMessage"]
    assert "Traceback" not in payload["errorMessage"]


@pytest.mark.parametrize(
    "error, name",
    [
        (PluginError("the plugin broke"), "Statemill.PluginError"),
        (SecretError("x"), "Statemill.SecretError"),
    ],
)
def test_errors_raised_by_any_task_keep_their_name(aws, error, name):
    with pytest.raises(Exception) as raised:
        run_task(
            make_event("community/x.y"),
            None,
            raising(error),
            function="plugin_host",
            services=make_services(),
        )

    assert type(raised.value).__name__ == name
    assert str(raised.value) == str(error)


def test_a_bug_becomes_an_internal_error_without_internals(aws, log_lines):
    with pytest.raises(Exception) as raised:
        run_task(
            make_event("core/x"),
            None,
            raising(KeyError("secret_internal_key")),
            function="task_runner",
            services=make_services(),
        )

    assert type(raised.value).__name__ == "Statemill.InternalError"
    assert "secret_internal_key" not in str(raised.value)
    assert "the execution's logs have the details" in str(raised.value)
    assert any("secret_internal_key" in line.get("exception", "") for line in log_lines())


def test_a_malformed_event_is_an_input_error(aws):
    with pytest.raises(Exception) as raised:
        invoke(
            platform.TASK_RUNNER, {"workflow": "w", "execution": "e", "task": "t"}, make_services()
        )

    assert type(raised.value).__name__ == "Statemill.InputError"
    assert str(raised.value) == "the task event has no 'type' field"

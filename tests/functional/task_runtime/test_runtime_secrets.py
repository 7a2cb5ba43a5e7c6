"""Secret references: resolved only for declared names, masked everywhere they could leak."""

import base64
from urllib.parse import quote

import pytest

from statemill.runtime.errors import HttpError, SecretError
from statemill.runtime.task_runner import handle

from .conftest import allow_loopback, json_response, make_event, make_services

SECRET = "s3cr3t/val+ue=="


class FakeStore:
    def __init__(self, values: dict[str, str]):
        self.values = values
        self.asked: list[tuple[str, str]] = []

    def get(self, namespace: str, name: str) -> str:
        self.asked.append((namespace, name))
        if name not in self.values:
            raise SecretError(f"secret '{name}' does not exist in namespace '{namespace}'")
        return self.values[name]


@pytest.fixture
def store():
    return FakeStore({"API_TOKEN": SECRET})


@pytest.fixture
def secret_services(aws, store):
    return make_services(network=allow_loopback(), secrets=store)


def leaked_forms() -> list[str]:
    return [SECRET, base64.b64encode(SECRET.encode()).decode(), quote(SECRET, safe="")]


def test_the_secret_is_sent_and_masked_in_the_output_and_logs(
    secret_services, store, http_server, log_lines
):
    # GIVEN a server that echoes the secret back in several encodings
    http_server.respond = lambda request: json_response(
        {"got": request.headers["Authorization"], "forms": leaked_forms()}
    )
    event = make_event(
        "core/http.get",
        {"url": http_server.url, "headers": {"Authorization": "Bearer {{ secrets.API_TOKEN }}"}},
        secrets={"API_TOKEN": [["headers", "Authorization"]]},
    )

    # WHEN the task runs
    result = handle(event, services=secret_services)

    # THEN the server received the real value, and nothing we return or log contains it
    assert http_server.requests[0].headers["Authorization"] == f"Bearer {SECRET}"
    assert store.asked == [("default", "API_TOKEN")]
    assert result["body"] == {"got": "Bearer ***", "forms": ["***", "***", "***"]}
    logged = str(log_lines())
    assert all(form not in logged for form in leaked_forms())


def test_secrets_are_masked_in_error_messages(secret_services, http_server, log_lines):
    http_server.respond = lambda request: (500, {}, f"bad token {SECRET}".encode())
    event = make_event(
        "core/http.get",
        {"url": http_server.url + "/?t={{secrets.API_TOKEN}}"},
        secrets={"API_TOKEN": [["url"]]},
    )

    with pytest.raises(HttpError) as failed:
        handle(event, services=secret_services)

    assert SECRET not in str(failed.value) and quote(SECRET, safe="") not in str(failed.value)
    assert "bad token ***" in str(failed.value)
    assert SECRET not in str(log_lines())


def test_only_the_names_the_event_lists_for_a_path_resolve_there(secret_services, store, log_lines):
    # GIVEN a message listed for OTHER only, though it also holds API_TOKEN's reference text
    store.values["OTHER"] = "other-value"
    event = make_event(
        "core/log",
        {"message": "{{ secrets.OTHER }} then {{ secrets.API_TOKEN }}"},
        secrets={"OTHER": [["message"]]},
    )

    # WHEN the task runs
    handle(event, services=secret_services)

    # THEN API_TOKEN's text is data: logged as it came, never looked up
    assert store.asked == [("default", "OTHER")]
    logged = [line["message"] for line in log_lines() if line.get("source") == "core/log"]
    assert logged == ["*** then {{ secrets.API_TOKEN }}"]


def test_a_missing_secret_is_a_secret_error(secret_services):
    event = make_event("core/log", {"message": "{{ secrets.GONE }}"}, secrets={"GONE": [["message"]]})

    with pytest.raises(SecretError, match="secret 'GONE' does not exist"):
        handle(event, services=secret_services)


def test_without_a_secret_store_secrets_fail_clearly(services):
    event = make_event(
        "core/log", {"message": "{{ secrets.API_TOKEN }}"}, secrets={"API_TOKEN": [["message"]]}
    )

    with pytest.raises(SecretError, match="no secret store is configured"):
        handle(event, services=services)


def test_code_tasks_mask_what_the_code_prints_and_returns(aws, store, log_lines):
    from statemill.runtime.code.runner import handle_python

    services = make_services(secrets=store)
    event = make_event(
        "core/code",
        {"token": "{{ secrets.API_TOKEN }}"},
        code={
            "language": "python",
            "source": "def main(input):\n    print(input['token'])\n    return input\n",
        },
        secrets={"API_TOKEN": [["token"]]},
    )

    assert handle_python(event, services=services) == {"token": "***"}
    printed = [line["message"] for line in log_lines() if line.get("stream") == "stdout"]
    assert printed == ["***"]


def test_records_are_masked_for_every_handler_not_only_ours(aws, store):
    # GIVEN a plain handler on the root logger (Lambda's runtime and pytest attach one there)
    import logging

    from statemill.runtime.code.runner import handle_python
    from statemill.runtime.errors import CodeError

    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(logging.Formatter().format(record) + repr(vars(record)))

    root = logging.getLogger()
    handler, level = Keep(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    event = make_event(
        "core/code",
        {"token": "{{ secrets.API_TOKEN }}"},
        code={"language": "python",
              "source": "def main(input):\n    print(input['token'])\n    raise ValueError(input['token'])\n"},
        secrets={"API_TOKEN": [["token"]]},
    )

    # WHEN a code task prints the secret and fails with it
    try:
        with pytest.raises(CodeError):
            handle_python(event, services=make_services(secrets=store))
    finally:
        root.removeHandler(handler)
        root.setLevel(level)

    # THEN what reached that handler holds the mask, never the value in any encoding
    assert seen and any("***" in line for line in seen)
    assert [form for form in leaked_forms() if form in "".join(seen)] == []

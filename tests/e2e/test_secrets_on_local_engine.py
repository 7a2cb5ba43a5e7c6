"""Secrets end to end on the embedded engine: read from the local encrypted store into an http
header and a code task's input, and nowhere else; never in clear, base64 or URL-encoded form in
the history, outputs, logs or registry, even when a task prints the secret and fails with it.

Plugin config secrets are a later issue: not covered here.
"""

import base64
import hashlib
import json
from urllib.parse import quote, quote_plus

import pytest

from statemachine_compiler import CompileError
from statemachine_compiler.compiler import compile_source
from statemill import platform
from statemill.local.engine import LocalEngine
from statemill.local.session import LocalSession
from statemill.runtime.local_secret_store import LocalSecretStore
from tests.json_server import json_server

SECRET = "s3cr3t/Tok+en=é?&"
INJECTED = "{{ secrets.API_TOKEN }}"  # what a hostile server puts in its answer


def encoded_forms(secret: str) -> list[str]:
    raw = secret.encode()
    return [secret, base64.b64encode(raw).decode(), base64.b64encode(raw).decode().rstrip("="),
            base64.urlsafe_b64encode(raw).decode().rstrip("="), quote(secret, safe=""),
            quote_plus(secret, safe="")]


@pytest.fixture(scope="module")
def listener():
    """An HTTP server on 127.0.0.1 that records each request's headers and answers with text
    that looks like a secret reference, and with the secret it was sent, encoded."""
    received: list[dict] = []

    def answer(method, path, headers, body):
        received.append({"path": path, "headers": headers})
        sent = headers.get("Authorization", "").removeprefix("Bearer ")
        return {"injected": INJECTED, "echo": encoded_forms(sent) if sent else []}

    with json_server(answer) as url:
        yield url, received


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    store_dir = tmp_path_factory.mktemp("home")
    store = LocalSecretStore(store_dir)
    store.put("e2e", "API_TOKEN", SECRET)
    store.put("e2e", "DB_PASSWORD", "db-pa55")
    store.put("other", "FOREIGN", "foreign-value")
    environment = {platform.ENV_SECRET_STORE: platform.FILE_SECRET_STORE + str(store_dir),
                   platform.ENV_ALLOW_PRIVATE_NETWORKS: "127.0.0.1/32"}
    with LocalEngine(time_scale=0, environment=environment) as engine:
        yield LocalSession(engine)


def run(session, source: str, tmp_path):
    compiled = compile_source(source)
    deployed = session.deploy(compiled, tmp_path)
    arn = session.start(deployed, {})
    session.engine.wait(arn, timeout=120)
    return arn, session.execution(arn, deployed)


WORKFLOW = """
id: secrets_e2e
namespace: e2e
secrets: [API_TOKEN]
tasks:
  call:
    type: core/http.get
    inputs:
      url: {url}/call
      headers: {{Authorization: "Bearer {{{{ secrets.API_TOKEN }}}}"}}
  forward:
    type: core/http.get
    needs: [call]
    inputs:
      url: {url}/forward
      headers: {{X-Data: "{{{{ tasks.call.output.body.injected }}}}"}}
  use:
    type: core/code
    needs: [call]
    language: python
    source: |
      import hashlib
      def main(input):
          return {{"sha256": hashlib.sha256(input["token"].encode()).hexdigest(),
                  "fetched": input["fetched"]}}
    inputs:
      token: "{{{{ secrets.API_TOKEN }}}}"
      fetched: "{{{{ tasks.call.output.body }}}}"
  leak:
    type: core/code
    needs: [call]
    on_error: continue
    language: python
    source: |
      import base64, urllib.parse
      def main(input):
          token = input["token"]
          print("token is", token, base64.b64encode(token.encode()).decode(), urllib.parse.quote(token, safe=""))
          raise RuntimeError("leaking " + token)
    inputs:
      token: "{{{{ secrets.API_TOKEN }}}}"
outputs:
  call: "{{{{ tasks.call.output }}}}"
  use: "{{{{ tasks.use.output }}}}"
  leak_error: "{{{{ tasks.leak.error }}}}"
"""


def test_a_secret_reaches_only_where_it_was_written_and_leaks_nowhere(session, listener, tmp_path):
    url, received = listener
    received.clear()

    # GIVEN a workflow sending a secret in a header and to two code tasks, one of which prints it
    # and fails with it in its message, and a server whose answer holds reference text
    arn, execution = run(session, WORKFLOW.format(url=url), tmp_path)

    # THEN the run succeeded, the failure was recorded, and the secret went where it was written
    assert execution.status == "SUCCEEDED", execution.error
    by_path = {request["path"]: request["headers"] for request in received}
    assert by_path["/call"]["Authorization"] == f"Bearer {SECRET}"
    assert execution.outputs["use"]["sha256"] == hashlib.sha256(SECRET.encode()).hexdigest()
    assert execution.outputs["leak_error"]["type"] == "Statemill.CodeError"
    assert "leaking ***" in execution.outputs["leak_error"]["message"]

    # AND reference text arriving as data stayed data, in an http header and a code input alike
    assert by_path["/forward"]["X-Data"] == INJECTED
    assert execution.outputs["use"]["fetched"]["injected"] == INJECTED

    # AND the value is nowhere in history, outputs, logs or registry, in any encoding
    engine = session.engine
    history = engine.history(arn)
    logs = engine.logs.lines(arn)
    registry = engine.session.client("dynamodb").scan(
        TableName=platform.resource_name(engine.stage, platform.REGISTRY_TABLE.logical_name))["Items"]
    places = {"history": history, "outputs": execution.outputs, "execution": execution.to_dict(),
              "describe": engine.stepfunctions.describe_execution(executionArn=arn),
              "logs": logs, "registry": registry}
    assert len(history) > 10 and logs, "there is something to scan"
    assert any("token is ***" in line.get("message", "") for line in logs), "the print was logged, masked"
    leaks = [(place, form) for place, content in places.items()
             for form in encoded_forms(SECRET) if form in json.dumps(content, default=str, ensure_ascii=False)
             or form in json.dumps(content, default=str)]
    assert leaks == []


def test_a_secret_of_another_namespace_cannot_be_read(session, listener, tmp_path):
    url, received = listener
    received.clear()
    source = f"""
id: foreign
namespace: e2e
secrets: [FOREIGN, API_TOKEN]
tasks:
  call:
    type: core/http.get
    inputs:
      url: {url}/foreign
      headers: {{A: "{{{{ secrets.API_TOKEN }}}}", B: "{{{{ secrets.FOREIGN }}}}"}}
"""
    _, execution = run(session, source, tmp_path)

    assert execution.status == "FAILED"
    assert execution.error["type"] == "Statemill.SecretError"
    assert execution.error["message"].startswith("secret 'FOREIGN' does not exist in namespace 'e2e'")
    assert received == [], "the task never ran with part of its secrets"


def test_a_missing_secret_fails_the_task_before_it_runs(session, listener, tmp_path):
    url, received = listener
    received.clear()
    source = f"""
id: missing
namespace: e2e
secrets: [API_TOKEN, GONE]
tasks:
  call:
    type: core/http.get
    retry: {{max: 2}}
    inputs:
      url: {url}/missing
      headers: {{A: "{{{{ secrets.API_TOKEN }}}}", B: "{{{{ secrets.GONE }}}}"}}
"""
    _, execution = run(session, source, tmp_path)

    assert execution.error["type"] == "Statemill.SecretError"
    assert "secret 'GONE' does not exist in namespace 'e2e' (set it with: " \
           "statemill --namespace e2e secret set GONE)" in execution.error["message"]
    assert execution.tasks[0].attempts == 1, "a missing secret is never retried"
    assert received == []


def test_an_undeclared_secret_is_a_compile_error():
    with pytest.raises(CompileError, match="secret 'API_TOKEN' is not declared: add it to secrets:"):
        compile_source("""
id: undeclared
tasks:
  call:
    type: core/http.get
    inputs:
      url: https://example.com
      headers: {A: "{{ secrets.API_TOKEN }}"}
""")

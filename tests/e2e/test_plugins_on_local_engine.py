"""The reference webhook_pipeline (community/slack.send) run with `statemill run` on the embedded
engine, against a stub Slack on 127.0.0.1: the plugin is installed with no server running (kept
in STATEMILL_HOME), pinned at run, and reads its token from the declared secret SLACK_TOKEN.

`run` is a process of its own: in this one, the runtime's log handler would keep capsys's stream
after the test closed it.
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from statemachine_compiler import compile_file
from statemill import platform
from statemill.cli.main import main
from statemill.local.engine import LocalEngine
from statemill.local.session import LocalSession
from statemill.plugins.build import build
from tests.e2e.test_secrets_on_local_engine import encoded_forms
from tests.json_server import json_server

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "fixtures" / "workflows" / "ref_webhook_pipeline.yaml"
TOKEN = "xoxb-test-token"


@pytest.fixture(scope="session")
def slack_build(tmp_path_factory) -> Path:
    """plugins/slack built once (asc takes seconds)."""
    output = tmp_path_factory.mktemp("slack-build")
    build(ROOT / "plugins" / "slack", output=output, optimize=False)
    return output


@pytest.fixture
def stub_slack():
    """A Slack Web API stand-in that records each request and accepts every message."""
    received: list[dict] = []

    def answer(method, path, headers, body):
        received.append({"path": path, "authorization": headers.get("Authorization"), "body": json.loads(body)})
        return {"ok": True, "channel": "C024BE91L", "ts": "1700000000.000100"}

    with json_server(answer) as url:
        yield url, received


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("STATEMILL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("STATEMILL_TARGET", raising=False)
    return tmp_path / "home"


def statemill_run(*args: str) -> subprocess.CompletedProcess:
    # The stub Slack listens on loopback, which the platform's network guard refuses by default.
    environment = {**os.environ, platform.ENV_ALLOW_PRIVATE_NETWORKS: "127.0.0.1/32"}
    return subprocess.run([sys.executable, "-m", "statemill.cli.main", *args], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL, check=False, env=environment)


def slack_pointed_at(stub_url: str, slack_build: Path, directory: Path) -> Path:
    """A copy of the slack plugin allowed to reach the stub, with its api_url set to it."""
    manifest = yaml.safe_load((slack_build / "plugin.yaml").read_text())
    manifest["permissions"]["network"]["allowed_hosts"].append("127.0.0.1")
    manifest["permissions"]["config"]["api_url"] = {"value": f"{stub_url}/api"}
    directory.mkdir()
    (directory / "plugin.yaml").write_text(yaml.safe_dump(manifest))
    (directory / "plugin.wasm").write_bytes((slack_build / "plugin.wasm").read_bytes())
    return directory


def reference_with_secret_and_outputs(directory: Path) -> Path:
    """The reference example plus what running it needs: its secret declared, the output shown."""
    workflow = REFERENCE.read_text().replace("tasks:\n", "secrets: [SLACK_TOKEN]\ntasks:\n", 1)
    path = directory / "webhook_pipeline.yaml"
    path.write_text(workflow + 'outputs:\n  sent: "{{ tasks.notify.output }}"\n')
    return path


def test_the_webhook_pipeline_posts_one_message_to_slack(home, stub_slack, slack_build, tmp_path, monkeypatch,
                                                         capsys):
    # GIVEN the slack plugin (allowed to reach the stub) installed with no server, and the token set
    stub_url, received = stub_slack
    assert main(["plugin", "install", str(slack_pointed_at(stub_url, slack_build, tmp_path / "slack"))]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN))
    assert main(["secret", "set", "SLACK_TOKEN"]) == 0
    capsys.readouterr()

    # WHEN the reference workflow runs on the embedded engine
    result = statemill_run("--json", "run", str(reference_with_secret_and_outputs(tmp_path)))

    # THEN Slack got exactly one chat.postMessage, and the run succeeded with the plugin's output
    assert result.returncode == 0, result.stderr
    assert received == [{"path": "/api/chat.postMessage", "authorization": f"Bearer {TOKEN}",
                         "body": {"channel": "alerts", "text": "New payload received"}}]
    execution = json.loads(result.stdout)
    assert execution["status"] == "SUCCEEDED"
    assert execution["outputs"] == {"sent": {"ok": True, "channel": "C024BE91L", "ts": "1700000000.000100"}}
    assert TOKEN not in result.stdout + result.stderr


def test_run_refuses_a_plugin_task_whose_plugin_is_not_installed(home):
    result = statemill_run("run", str(REFERENCE))

    assert result.returncode == 2
    assert "plugin 'community/slack' is not installed: statemill plugin install plugins/slack" in result.stderr


def test_run_checks_literal_inputs_against_the_action_schema(home, slack_build, tmp_path):
    assert main(["plugin", "install", str(slack_build)]) == 0
    workflow = reference_with_secret_and_outputs(tmp_path)
    workflow.write_text(workflow.read_text().replace("channel: alerts", "channel: 42"))

    result = statemill_run("run", str(workflow))

    assert result.returncode == 2
    assert ("inputs of community/slack.send (task 'notify') do not match its schema: channel: 42 is not of "
            "type 'string'") in result.stderr


LEAKY_TASKS = """
  call:
    type: core/http.get
    inputs:
      url: "{url}/call"
      headers: {{Authorization: "Bearer {{{{ secrets.SLACK_TOKEN }}}}"}}
  leak:
    type: core/code
    language: python
    on_error: continue
    source: |
      def main(input):
          print("token is", input["token"])
          raise ValueError("leaking " + input["token"])
    inputs: {{token: "{{{{ secrets.SLACK_TOKEN }}}}"}}
"""


def test_a_secret_in_a_header_a_code_task_and_a_plugin_config_leaks_nowhere(home, slack_build, tmp_path,
                                                                             monkeypatch, capsys):
    # GIVEN a server that refuses every request, echoing the token it was sent (Slack's stand-in too)
    refusing = json_server(lambda method, path, headers, body: {"ok": False, "error": headers["Authorization"]})
    environment = {platform.ENV_ALLOW_PRIVATE_NETWORKS: "127.0.0.1/32"}
    with refusing as url, LocalEngine(time_scale=0, environment=environment) as engine:
        assert main(["plugin", "install", str(slack_pointed_at(url, slack_build, tmp_path / "slack"))]) == 0
        monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN))
        assert main(["secret", "set", "SLACK_TOKEN"]) == 0
        capsys.readouterr()
        engine.stop()  # restarted below: an engine loads the plugins installed when it starts
        engine.start()

        # WHEN the reference workflow, plus an http task and a code task that prints the secret and
        # fails with it, runs; and its plugin task fails with the echoed token in its message
        workflow = reference_with_secret_and_outputs(tmp_path)
        workflow.write_text(workflow.read_text().replace("tasks:\n", "tasks:" + LEAKY_TASKS.format(url=url), 1))
        session = LocalSession(engine)
        deployed = session.deploy(compile_file(workflow), tmp_path)
        arn = session.start(deployed, {})
        engine.wait(arn, timeout=120)
        execution = session.execution(arn, deployed)
        history, logs = engine.history(arn), engine.logs.lines(arn)
        registry = engine.session.client("dynamodb").scan(
            TableName=platform.resource_name(engine.stage, platform.REGISTRY_TABLE.logical_name))["Items"]
        describe = engine.stepfunctions.describe_execution(executionArn=arn)

    statuses = {task.id: task.status for task in execution.tasks}
    assert statuses == {"call": "SUCCEEDED", "leak": "FAILED", "notify": "FAILED"}
    assert any("token is ***" in line.get("message", "") for line in logs), "the print was logged, masked"
    # THEN the failure says what happened, masked, and the token is nowhere in any encoding
    assert execution.status == "FAILED"
    assert execution.error["message"] == "plugin community/slack@1.0.0 action 'send': Slack refused the message: Bearer ***"
    places = {"history": history, "execution": execution.to_dict(), "describe": describe, "logs": logs,
              "registry": registry}
    assert len(history) > 5 and logs, "there is something to scan"
    leaks = [(place, form) for place, content in places.items() for form in encoded_forms(TOKEN)
             if form in json.dumps(content, default=str)]
    assert leaks == []

"""The local server end to end through the CLI: one server for the module, on a free port, with
STATEMILL_HOME in a temporary folder. Commands run in-process through statemill.cli.main.main."""

import json
import time

import pytest

from statemill.cli.main import main
from statemill.local import server_process

BASICS = """
id: basics
inputs:
  name: {type: string}
tasks:
  greet:
    type: core/log
    inputs: {message: "hello {{ inputs.name }}"}
  shape:
    type: core/transform
    needs: [greet]
    inputs: {value: {greeting: "hi {{ inputs.name }}"}}
outputs:
  greeting: "{{ tasks.shape.output.greeting }}"
"""
FAILING = """
id: failing
tasks:
  fine:
    type: core/transform
    inputs: {value: 1}
  broken:
    type: core/code
    needs: [fine]
    language: python
    source: |
      def main(input):
          raise ValueError("the data is not there")
"""
SLEEPY = """
id: sleepy
tasks:
  nap:
    type: core/sleep
    inputs: {duration: 300s}
  after:
    type: core/log
    needs: [nap]
    inputs: {message: "woke up"}
"""
GATE = """
id: gate
tasks:
  ask:
    type: core/approval
    inputs: {message: "go on?"}
  done:
    type: core/log
    needs: [ask]
    inputs: {message: "approved by {{ tasks.ask.output.by }}"}
outputs:
  comment: "{{ tasks.ask.output.comment }}"
"""


def statemill(capsys, *args: str) -> tuple[int, str, str]:
    """Run one command in-process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def as_json(capsys, *args: str, expect: int = 0):
    code, out, err = statemill(capsys, "--json", *args)
    assert code == expect, err or out
    return json.loads(out)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("statemill_home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STATEMILL_HOME", str(home))
        patch.delenv("STATEMILL_TARGET", raising=False)
        record = server_process.start_detached(server_process.free_port(), home)
        try:
            yield home
        finally:
            if server_process.status(home) is not None:
                server_process.stop(home)
            assert record.pid  # the fixture's own server is the one stopped


@pytest.fixture(scope="module")
def applied(home, tmp_path_factory):
    folder = tmp_path_factory.mktemp("workflows")
    files = {}
    for name, text in (("basics", BASICS), ("failing", FAILING), ("sleepy", SLEEPY), ("gate", GATE)):
        files[name] = folder / f"{name}.yaml"
        files[name].write_text(text)
    assert main(["workflow", "apply", *map(str, files.values())]) == 0
    return files


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (value := predicate()):
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_applied_workflows_are_listed_and_described(capsys, applied):
    listed = as_json(capsys, "workflow", "list")
    assert [w["id"] for w in listed] == ["basics", "failing", "gate", "sleepy"]
    assert all(w["enabled"] and w["namespace"] == "default" for w in listed)

    described = as_json(capsys, "workflow", "describe", "basics")
    assert described["tasks"] == ["greet", "shape"]
    assert described["input_schema"]["required"] == ["name"]
    assert described["yaml"] == BASICS
    assert described["state_machine_arn"].endswith(":stateMachine:statemill-local-default--basics")


def test_start_wait_then_inspect_shows_tasks_and_outputs(capsys, applied):
    result = as_json(capsys, "execution", "start", "basics", "-i", "name=ada", "--wait")
    assert result["status"] == "SUCCEEDED"
    assert result["outputs"] == {"greeting": "hi ada"}
    assert result["inputs"] == {"name": "ada"}

    inspected = as_json(capsys, "execution", "inspect", result["id"])
    assert [(t["id"], t["status"], t["attempts"]) for t in inspected["tasks"]] == [
        ("greet", "SUCCEEDED", 1), ("shape", "SUCCEEDED", 1)]
    assert inspected["version"] == as_json(capsys, "workflow", "describe", "basics")["version"]

    code, out, _ = statemill(capsys, "execution", "inspect", result["arn"])
    assert code == 0
    assert "✓  greet" in out and '"greeting": "hi ada"' in out

    listed = as_json(capsys, "execution", "list", "--workflow", "basics", "--status", "succeeded")
    assert result["id"] in [e["id"] for e in listed]


def test_logs_return_the_execution_log_lines(capsys, applied):
    result = as_json(capsys, "execution", "start", "basics", "-i", "name=grace", "--wait")
    lines = as_json(capsys, "execution", "logs", result["id"])
    assert [(line["task"], line["message"]) for line in lines] == [("greet", "hello grace")]
    assert {line["execution"] for line in lines} == {result["arn"]}

    code, out, _ = statemill(capsys, "execution", "logs", result["id"], "--follow")
    assert code == 0 and "greet hello grace" in out


def test_a_failing_task_shows_failed_with_its_error(capsys, applied):
    code, out, _ = statemill(capsys, "--json", "execution", "start", "failing", "--wait")
    assert code == 1
    result = json.loads(out)
    assert result["status"] == "FAILED"
    tasks = {t["id"]: t for t in as_json(capsys, "execution", "inspect", result["id"])["tasks"]}
    assert tasks["fine"]["status"] == "SUCCEEDED"
    assert tasks["broken"]["status"] == "FAILED"
    assert "the data is not there" in tasks["broken"]["error"]["message"]

    code, out, _ = statemill(capsys, "execution", "inspect", result["id"])
    assert "✗  broken" in out and "the data is not there" in out


def test_bad_inputs_and_unknown_names(capsys, applied):
    code, _, err = statemill(capsys, "execution", "start", "basics")
    assert code == 2 and "missing input: 'name'" in err
    assert statemill(capsys, "execution", "start", "nothing_here")[0] == 3
    error = as_json(capsys, "execution", "inspect", "basics-000000000000", expect=3)["error"]
    assert error["code"] == "not_found"
    assert statemill(capsys, "execution", "redrive", "basics-000000000000")[0] == 3


def test_cancel_a_running_execution(capsys, applied):
    started = as_json(capsys, "execution", "start", "sleepy")
    wait_for(lambda: as_json(capsys, "execution", "inspect", started["id"])["tasks"][0]["status"] == "RUNNING")

    assert as_json(capsys, "execution", "cancel", started["id"])["action"] == "cancelled"
    inspected = as_json(capsys, "execution", "inspect", started["id"])
    assert inspected["status"] == "CANCELLED"
    assert [t["status"] for t in inspected["tasks"]] == ["CANCELLED", "PENDING"]
    code, _, err = statemill(capsys, "execution", "cancel", started["id"])
    assert code == 2 and "already CANCELLED" in err


def _waiting(capsys, execution_id: str) -> bool:
    return as_json(capsys, "execution", "inspect", execution_id)["status"] == "WAITING"


def test_approve_lets_the_next_task_run(capsys, applied):
    started = as_json(capsys, "execution", "start", "gate")
    wait_for(lambda: _waiting(capsys, started["id"]))
    assert statemill(capsys, "execution", "approve", started["id"], "nope")[0] == 3

    as_json(capsys, "execution", "approve", started["id"], "ask", "--comment", "ship it")
    done = wait_for(lambda: (e := as_json(capsys, "execution", "inspect", started["id"]))["status"] != "WAITING"
                    and e["status"] != "RUNNING" and e)
    assert done["status"] == "SUCCEEDED"
    assert done["outputs"] == {"comment": "ship it"}
    assert [t["status"] for t in done["tasks"]] == ["SUCCEEDED", "SUCCEEDED"]


def test_reject_fails_the_approval_task(capsys, applied):
    started = as_json(capsys, "execution", "start", "gate")
    wait_for(lambda: _waiting(capsys, started["id"]))

    as_json(capsys, "execution", "reject", started["id"], "ask", "--comment", "not today")
    done = wait_for(lambda: (e := as_json(capsys, "execution", "inspect", started["id"]))["status"] == "FAILED"
                    and e)
    tasks = {t["id"]: t for t in done["tasks"]}
    assert tasks["ask"]["status"] == "FAILED"
    assert tasks["ask"]["error"]["type"] == "Statemill.Rejected"
    assert "not today" in tasks["ask"]["error"]["message"]
    assert tasks["done"]["status"] == "PENDING"


def test_reapply_unchanged_changes_nothing_and_a_change_is_a_new_version(capsys, applied, tmp_path):
    before = as_json(capsys, "workflow", "describe", "basics")
    again = as_json(capsys, "workflow", "apply", str(applied["basics"]))
    assert again == [{"namespace": "default", "id": "basics", "version": before["version"],
                      "change": "unchanged", "state_machine_arn": before["state_machine_arn"]}]
    assert as_json(capsys, "workflow", "describe", "basics")["applied_at"] == before["applied_at"]

    changed = tmp_path / "basics.yaml"
    changed.write_text(BASICS.replace("hi {{", "hello again {{").replace(
        "outputs:", "  extra:\n    type: core/log\n    inputs: {message: x}\noutputs:"))
    [result] = as_json(capsys, "workflow", "apply", str(changed))
    assert result["change"] == "updated" and result["version"] != before["version"]
    assert as_json(capsys, "execution", "start", "basics", "-i", "name=new", "--wait")["outputs"] == {
        "greeting": "hello again new"}
    assert as_json(capsys, "workflow", "describe", "basics")["tasks"] == ["greet", "shape", "extra"]
    applied_back = as_json(capsys, "workflow", "apply", str(applied["basics"]))
    assert applied_back[0]["version"] == before["version"]


def test_disable_refuses_new_executions_until_enabled(capsys, applied):
    assert as_json(capsys, "workflow", "disable", "basics")["enabled"] is False
    code, _, err = statemill(capsys, "execution", "start", "basics", "-i", "name=x")
    assert code == 2 and "statemill workflow enable default/basics" in err
    assert as_json(capsys, "workflow", "enable", "default/basics")["enabled"] is True


def test_redrive_is_not_supported_locally(capsys, applied):
    failed = json.loads(statemill(capsys, "--json", "execution", "start", "failing", "--wait")[1])
    code, _, err = statemill(capsys, "execution", "redrive", failed["id"])
    assert code == 4 and "not supported by the local engine" in err


def test_delete_removes_the_workflow(capsys, applied, tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(BASICS.replace("id: basics", "id: extra"))
    as_json(capsys, "workflow", "apply", str(extra))
    as_json(capsys, "workflow", "delete", "extra")
    assert "extra" not in [w["id"] for w in as_json(capsys, "workflow", "list")]
    assert statemill(capsys, "workflow", "describe", "extra")[0] == 3


def test_server_status(capsys, home):
    status = as_json(capsys, "server", "status")
    assert status["running"] is True and status["home"] == str(home)
    code, _, err = statemill(capsys, "server", "start", "--detach", "--port", str(status["port"]))
    assert code == 4 and "already running" in err


def test_commands_without_a_server_exit_4(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("STATEMILL_HOME", str(tmp_path))
    for command in (["workflow", "list"], ["execution", "inspect", "x"], ["execution", "start", "basics"],
                    ["server", "stop"]):
        code, _, err = statemill(capsys, *command)
        assert code == 4, command
        assert "the local server is not running" in err
    assert as_json(capsys, "server", "status")["running"] is False


def test_stop_stops_a_detached_server(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("STATEMILL_HOME", str(tmp_path))
    port = server_process.free_port()
    started = as_json(capsys, "server", "start", "--detach", "--port", str(port))
    assert started["running"] and started["port"] == port
    stopped = as_json(capsys, "server", "stop")
    assert stopped == {"running": False, "pid": started["pid"], "port": port}
    assert not (tmp_path / "server.json").exists()
    assert as_json(capsys, "server", "status")["running"] is False

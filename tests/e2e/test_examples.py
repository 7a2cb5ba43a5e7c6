"""Every example workflow runs on the embedded engine to its expected outputs and statuses."""

import threading
import time
from pathlib import Path

import pytest

from statemachine_compiler import compile_file
from statemill.control.inputs import prepare
from statemill.local.engine import LocalEngine
from statemill.local.session import LocalSession

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def session():
    with LocalEngine(time_scale=0) as engine:  # retry intervals and waits take no time
        yield LocalSession(engine)


def start(session, name, inputs=None):
    compiled = compile_file(EXAMPLES / f"{name}.yaml")
    deployed = session.deploy(compiled, EXAMPLES)
    return deployed, session.start(deployed, prepare(compiled.input_schema, inputs or {}))


def run(session, name, inputs=None):
    deployed, arn = start(session, name, inputs)
    session.engine.wait(arn, timeout=120)
    return session.execution(arn, deployed)


def statuses(execution):
    return {task.id: task.status for task in execution.tasks}


def test_hello_code_runs_python_typescript_and_bash(session):
    execution = run(session, "hello_code", {"name": "Ada"})
    assert execution.status == "SUCCEEDED"
    assert execution.outputs == {"message": {"greeting": "Hello, Ada!", "letters": 3, "input_bytes": 15}}
    assert set(statuses(execution).values()) == {"SUCCEEDED"}


def test_squares_runs_a_nested_dag_per_item(session):
    execution = run(session, "squares", {"count": 4})
    assert execution.outputs == {"squares": [1, 4, 9, 16], "total": 30,
                                 "labels": ["#0: 1² = 1", "#1: 2² = 4", "#2: 3² = 9", "#3: 4² = 16"]}
    tasks = {task.id: task for task in execution.tasks}
    assert tasks["sq"].attempts == 4, "one run of the nested task per item"
    assert statuses(execution) == dict.fromkeys(["numbers", "square", "sq", "label", "total"], "SUCCEEDED")


def test_flaky_succeeds_on_its_third_try(session):
    execution = run(session, "flaky")
    assert execution.outputs == {"tries": 3}
    [task] = execution.tasks
    assert (task.status, task.attempts) == ("SUCCEEDED", 3)


def test_parent_runs_its_child_workflow(session):
    execution = run(session, "parent")
    assert execution.status == "SUCCEEDED"
    assert execution.outputs == {"factorial": 720}


def test_inventory_writes_and_reads_the_data_table(session):
    execution = run(session, "inventory")
    outputs = execution.outputs
    assert outputs["apples"] == {"key": "apples", "data": {"count": 12, "aisle": 3}}
    assert sorted(item["key"] for item in outputs["all"]["items"]) == ["apples", "pears"]


def test_on_failure_skips_tolerates_then_runs_its_handler(session):
    execution = run(session, "on_failure")
    assert execution.status == "FAILED"
    assert statuses(execution) == {"only_us": "SKIPPED", "optional": "FAILED", "important": "FAILED",
                                   "alert": "SUCCEEDED"}
    assert execution.error["task"] == "important"
    assert execution.error["message"].startswith("RuntimeError: cannot continue (optional step: FAILED)")
    optional = next(task for task in execution.tasks if task.id == "optional")
    assert "the optional step is broken" in optional.error["message"]


def answer_when_asked(session, arn, *, approved):
    """Answer the approval as soon as the run asks for it (from another thread, like a person)."""
    def answer():
        deadline = time.monotonic() + 30
        while not session.pending_approvals(arn) and time.monotonic() < deadline:
            time.sleep(0.02)
        session.answer(arn, "ship", approved=approved, by="alice", comment="looks good")
    thread = threading.Thread(target=answer)
    thread.start()
    return thread


def run_answered(session, *, approved):
    deployed, arn = start(session, "approval")
    answer_when_asked(session, arn, approved=approved).join()
    session.engine.wait(arn, timeout=60)
    return session.execution(arn, deployed)


def test_approval_approved_lets_the_run_go_on(session):
    execution = run_answered(session, approved=True)
    assert execution.status == "SUCCEEDED"
    assert execution.outputs == {"approved_by": "alice", "comment": "looks good"}


def test_approval_rejected_fails_the_approval_task(session):
    execution = run_answered(session, approved=False)
    assert execution.status == "FAILED"
    assert statuses(execution) == {"build": "SUCCEEDED", "ship": "FAILED", "announce": "PENDING"}
    assert execution.error == {"type": "Statemill.Rejected", "message": "rejected by alice: looks good"}


def test_a_waiting_run_shows_waiting_and_can_be_cancelled(session):
    deployed, arn = start(session, "approval")
    deadline = time.monotonic() + 30
    while not session.pending_approvals(arn) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert session.execution(arn, deployed).status in ("WAITING", "RUNNING")
    session.engine.stop_execution(arn, error="Statemill.Cancelled", cause="by the test")
    session.engine.wait(arn, timeout=10)
    execution = session.execution(arn, deployed)
    assert execution.status == "CANCELLED"
    assert statuses(execution) == {"build": "SUCCEEDED", "ship": "CANCELLED", "announce": "PENDING"}

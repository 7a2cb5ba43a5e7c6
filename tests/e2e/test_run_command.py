"""`statemill run` as a user runs it: a process, its exit code, its outputs and progress."""

import json
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def statemill(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "statemill.cli.main", *args], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL, check=False)


def test_run_prints_outputs_on_stdout_and_progress_on_stderr():
    result = statemill("run", str(EXAMPLES / "squares.yaml"), "-i", "count=3")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"squares": [1, 4, 9], "total": 14,
                                         "labels": ["#0: 1² = 1", "#1: 2² = 4", "#2: 3² = 9"]}
    progress = result.stderr.splitlines()
    assert any(line.startswith("✓ square succeeded") for line in progress), result.stderr
    assert "Traceback" not in result.stderr


def test_a_failed_run_exits_1_naming_the_task():
    result = statemill("run", str(EXAMPLES / "on_failure.yaml"))
    assert result.returncode == 1
    assert "⤼ only_us skipped" in result.stderr
    assert "failed: task 'important': Statemill.CodeError: RuntimeError: cannot continue" in result.stderr


def test_json_prints_the_execution():
    result = statemill("--json", "run", str(EXAMPLES / "child.yaml"), "-i", "n=4")
    assert result.returncode == 0, result.stderr
    execution = json.loads(result.stdout)
    assert (execution["status"], execution["outputs"], execution["inputs"]) == ("SUCCEEDED", {"factorial": 24}, {"n": 4})
    assert [(t["id"], t["status"], t["attempts"]) for t in execution["tasks"]] == [("factorial", "SUCCEEDED", 1)]


def test_inputs_that_do_not_match_exit_2_before_anything_runs():
    result = statemill("run", str(EXAMPLES / "squares.yaml"), "-i", "count=0", "-i", "colour=red")
    assert result.returncode == 2
    assert result.stderr.startswith("error: input 'count': 0 is less than the minimum of 1")
    assert "unknown input 'colour'" in result.stderr


def test_an_approval_with_nobody_to_answer_stops_the_run():
    result = statemill("run", str(EXAMPLES / "approval.yaml"))
    assert result.returncode == 1
    assert "task 'ship' waits for an approval" in result.stderr

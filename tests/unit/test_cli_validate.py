"""`statemill validate`, `compile`, `graph` and `schema` on workflow files.

Each bad workflow of the table runs through the CLI in-process (fast); a handful of
subprocess runs check the real entry point: exit codes, stderr's first line, never a traceback.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from statemill.cli.main import main
from tests.unit.test_bad_workflows import BAD_WORKFLOWS

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "tests" / "fixtures" / "workflows" / "ref_daily_sync.yaml"
INVALID = 2


def first_line_for(diagnostic: tuple, file: Path) -> str:
    line, column, _, _ = diagnostic
    return f"error: {file}:{line}:{column}: "


def printed(diagnostic: tuple, file: Path) -> str:
    """A diagnostic as the CLI prints it: error: file:line:col: field: message."""
    line, column, field, message = diagnostic
    subject = f"{field}: " if field else ""
    return f"error: {file}:{line}:{column}: {subject}{message}"


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "STATEMILL_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "statemill.cli.main", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60)


@pytest.fixture
def bad_files(tmp_path) -> list[tuple[Path, list[tuple]]]:
    """Every case of the table written to its own file (code files resolve beside it)."""
    files = []
    for i, param in enumerate(BAD_WORKFLOWS):
        text, expected = param.values
        path = tmp_path / f"case{i:02d}.yaml"
        path.write_text(text, encoding="utf-8")
        files.append((path, expected))
    return files


# --- every bad workflow, in-process --------------------------------------------------------

@pytest.mark.parametrize("text, expected", BAD_WORKFLOWS)
def test_validate_reports_every_error_of_a_bad_workflow(text, expected, tmp_path, capsys):
    file = tmp_path / "workflow.yaml"
    file.write_text(text, encoding="utf-8")

    code = main(["validate", str(file)])

    out, err = capsys.readouterr()
    assert code == INVALID
    assert out == ""
    assert "Traceback" not in err
    assert err.splitlines() == [printed(d, file) for d in expected]


@pytest.mark.parametrize("text, expected", BAD_WORKFLOWS)
def test_json_validate_lists_the_diagnostics(text, expected, tmp_path, capsys):
    file = tmp_path / "workflow.yaml"
    file.write_text(text, encoding="utf-8")

    code = main(["--json", "validate", str(file)])

    out, err = capsys.readouterr()
    assert code == INVALID
    assert err == ""
    [result] = json.loads(out)
    assert result["file"] == str(file) and result["valid"] is False
    got = [(d["line"], d["column"], d["field"], d["message"]) for d in result["diagnostics"]]
    assert got == expected
    assert {d["severity"] for d in result["diagnostics"]} == {"error"}
    assert {d["file"] for d in result["diagnostics"]} == {str(file)}


# --- the real entry point, a few subprocesses ------------------------------------------------

def test_validate_subprocess_over_every_bad_workflow(bad_files, tmp_path):
    result = run_cli("validate", *(str(path) for path, _ in bad_files), home=tmp_path)

    assert result.returncode == INVALID
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith(first_line_for(bad_files[0][1][0], bad_files[0][0]))
    for path, expected in bad_files:
        # Each file's errors come in the table's order, first error first.
        own = [line for line in lines if line.startswith(f"error: {path}:")]
        assert own == [printed(d, path) for d in expected], path.name


def test_validate_subprocess_one_bad_workflow_first_line(bad_files, tmp_path):
    path, expected = next((p, e) for p, e in bad_files if len(e) > 1)

    result = run_cli("validate", str(path), home=tmp_path)

    assert result.returncode == INVALID
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == printed(expected[0], path)
    assert "Traceback" not in result.stderr


def test_json_validate_subprocess_prints_one_result_per_file(bad_files, tmp_path):
    files = [GOOD, *(path for path, _ in bad_files)]

    result = run_cli("--json", "validate", *map(str, files), home=tmp_path)

    assert result.returncode == INVALID
    assert "Traceback" not in result.stderr
    results = json.loads(result.stdout)
    assert [r["file"] for r in results] == [str(f) for f in files]
    assert results[0] == {"file": str(GOOD), "valid": True, "diagnostics": []}
    for (path, expected), got in zip(bad_files, results[1:]):
        assert got["valid"] is False
        assert [(d["line"], d["column"], d["field"], d["message"]) for d in got["diagnostics"]] == expected


def test_compile_subprocess_prints_the_asl(tmp_path):
    result = run_cli("compile", str(GOOD), home=tmp_path)

    assert result.returncode == 0, result.stderr
    asl = json.loads(result.stdout)
    assert asl["StartAt"] == "fetch"
    assert list(asl["States"]) == ["fetch", "save"]
    assert asl["QueryLanguage"] == "JSONata"


def test_missing_file_subprocess_exits_2_with_a_clear_line(tmp_path):
    missing = tmp_path / "nope.yaml"

    result = run_cli("validate", str(missing), home=tmp_path)

    assert result.returncode == INVALID
    assert result.stderr.splitlines()[0] == f"error: {missing}: cannot read the file: No such file or directory"
    assert "Traceback" not in result.stderr


# --- good workflows, in-process ----------------------------------------------------------------

def test_validate_a_good_workflow(capsys):
    assert main(["validate", str(GOOD)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == "✓ 1 workflow valid"


def test_compile_writes_the_asl_to_a_file(tmp_path, capsys):
    out_file = tmp_path / "daily_sync.asl.json"

    assert main(["compile", str(GOOD), "-o", str(out_file)]) == 0

    assert capsys.readouterr().out == ""
    assert json.loads(out_file.read_text())["StartAt"] == "fetch"


def test_graph_dot(capsys):
    assert main(["graph", str(GOOD), "--format", "dot"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('digraph "daily_sync" {')
    assert '"fetch" -> "save";' in out
    assert out.rstrip().endswith("}")


def test_graph_mermaid(capsys):
    assert main(["graph", str(GOOD), "--format", "mermaid"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "flowchart TD"
    assert "  fetch --> save" in out.splitlines()


def test_graph_json(capsys):
    assert main(["--json", "graph", str(GOOD)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "mermaid"
    assert data["diagram"].startswith("flowchart TD")


def test_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Statemill workflow"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) == {"id", "tasks"}
    assert schema["additionalProperties"] is False
    assert {"id", "tasks", "trigger", "inputs", "secrets"} <= set(schema["properties"])


def test_compile_stats(capsys):
    assert main(["compile", str(GOOD), "--stats"]) == 0
    out = capsys.readouterr().out
    rows = {" ".join(line.split()[:-1]): line.split()[-1] for line in out.splitlines()
            if line.strip() and "per 1M runs" not in line}
    assert rows["tasks"] == "2"
    assert rows["states"] == "2"
    assert rows["billed transitions per run"] == "2"
    assert "Standard, per 1M runs" in out and "Express, per 1M runs" in out


@pytest.mark.parametrize("args", [
    ["compile", "GOOD", "--stats", "--json"],  # --json written last, as people do
    ["--json", "compile", "GOOD", "--stats"],
], ids=["json-last", "json-first"])
def test_compile_stats_json(args, capsys):
    assert main([str(GOOD) if a == "GOOD" else a for a in args]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert set(stats) == {"tasks", "states", "transitions_per_run", "transitions_per_item",
                          "estimated_seconds", "definition_bytes", "definition_limit_bytes",
                          "price_per_1m_runs_usd"}
    assert stats["tasks"] == 2 and stats["states"] == 2
    assert 0 < stats["definition_bytes"] < stats["definition_limit_bytes"] == 1024 * 1024
    assert set(stats["price_per_1m_runs_usd"]) == {"standard", "express"}
    assert stats["price_per_1m_runs_usd"]["standard"] > stats["price_per_1m_runs_usd"]["express"] > 0


# --- failures of compile, in-process -----------------------------------------------------------

def test_compile_a_bad_workflow_exits_2_with_every_error(tmp_path, capsys):
    text, expected = next(p.values for p in BAD_WORKFLOWS if len(p.values[1]) > 1)
    file = tmp_path / "workflow.yaml"
    file.write_text(text)

    assert main(["compile", str(file)]) == INVALID

    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [printed(d, file) for d in expected]


def test_compile_a_bad_workflow_with_json_gives_the_error_object(tmp_path, capsys):
    text, expected = next(p.values for p in BAD_WORKFLOWS if len(p.values[1]) > 1)
    file = tmp_path / "workflow.yaml"
    file.write_text(text)

    assert main(["--json", "compile", str(file)]) == INVALID

    error = json.loads(capsys.readouterr().out)["error"]
    line, column, _, _ = expected[0]
    assert error["code"] == "invalid_workflow"
    assert error["where"] == f"{file}:{line}:{column}"
    assert error["message"] == printed(expected[0], file).removeprefix("error: ")
    assert len(error["diagnostics"]) == len(expected)


@pytest.mark.parametrize("command", [["validate"], ["compile"], ["graph"]])
def test_missing_file(command, tmp_path, capsys):
    missing = tmp_path / "nope.yaml"

    assert main([*command, str(missing)]) == INVALID

    err = capsys.readouterr().err
    assert err.splitlines()[0] == f"error: {missing}: cannot read the file: No such file or directory"

"""Golden tests: each workflow in tests/fixtures/workflows compiles to the ASL stored beside it.

`make golden` (pytest --update-golden) rewrites the expected files; review them in the diff.
"""

import json
import re
from pathlib import Path

import pytest
from statelint.linter import Linter

from statemachine_compiler import compile_file

FIXTURES = Path(__file__).parent.parent / "fixtures" / "workflows"
WORKFLOWS = sorted(FIXTURES.glob("*.yaml"))
MAX_STATE_NAME = 80
# statelint 3.1.0 wants a literal in a Wait's Seconds/Timestamp; JSONata states may use an
# expression there (docs.aws.amazon.com/step-functions/latest/dg/state-wait.html).
STATELINT_JSONATA_WAIT = re.compile(r'\.(Seconds|Timestamp) is "\{%.*%\}" but should be ')


def _expected_path(workflow: Path) -> Path:
    return workflow.with_name(workflow.stem + ".asl.json")


def _render(asl: dict) -> str:
    return json.dumps(asl, indent=2, sort_keys=False) + "\n"


def _states(states: dict):
    """Every (name, state) of a state machine, nested branches and Map bodies included."""
    for name, state in states.items():
        yield name, state
        for branch in state.get("Branches", []):
            yield from _states(branch["States"])
        if "ItemProcessor" in state:
            yield from _states(state["ItemProcessor"]["States"])


def _task_ids(tasks: dict):
    for task_id, task in tasks.items():
        yield task_id
        yield from _task_ids(task.tasks or {})


workflows = pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.stem)


def test_every_fixture_has_a_golden_file(request):
    if request.config.getoption("--update-golden"):
        pytest.skip("the golden files are being rewritten")
    missing = [w.name for w in WORKFLOWS if not _expected_path(w).exists()]
    assert missing == [], "run `make golden` and review the new files"


@workflows
def test_asl_matches_golden_file(workflow, request):
    actual = _render(compile_file(workflow).asl)
    expected_path = _expected_path(workflow)
    if request.config.getoption("--update-golden"):
        expected_path.write_text(actual, encoding="utf-8")
        return
    assert actual == expected_path.read_text(encoding="utf-8"), f"{workflow.name}: run `make golden` and review the diff"


@workflows
def test_asl_passes_statelint(workflow):
    problems = Linter.validate(compile_file(workflow).asl)
    assert [p for p in problems if not STATELINT_JSONATA_WAIT.search(p)] == []


@workflows
def test_state_names_fit_step_functions(workflow):
    too_long = [name for name, _ in _states(compile_file(workflow).asl["States"]) if len(name) > MAX_STATE_NAME]
    assert too_long == []


@workflows
def test_every_task_is_a_state_of_its_own_name(workflow):
    compiled = compile_file(workflow)
    names = {name for name, _ in _states(compiled.asl["States"])}
    ids = set(_task_ids(compiled.workflow.tasks)) | set(_task_ids(compiled.workflow.errors or {}))
    assert ids - names == set()


@pytest.mark.parametrize("fixture, plugin, task", [
    ("ref_webhook_pipeline", "community/slack", "notify"),
    ("ref_charge", "payments/stripe", "charge"),
])
def test_reference_plugin_example_warns_its_inputs_were_not_checked(fixture, plugin, task):
    compiled = compile_file(FIXTURES / f"{fixture}.yaml")
    assert [(w.field, w.message) for w in compiled.warnings] == [
        (f"tasks.{task}.type", f"plugin '{plugin}' is not installed here: the inputs of '{task}' were not checked"),
    ]


@pytest.mark.parametrize("fixture", ["ref_daily_sync", "ref_enrich_ts"])
def test_reference_core_example_compiles_without_warnings(fixture):
    assert compile_file(FIXTURES / f"{fixture}.yaml").warnings == []

"""Property tests: any DAG compiles to ASL that respects every `needs`; a series-parallel DAG
gets exactly its own ordering, no more."""

from hypothesis import given, settings

from statemachine_compiler import compile_source
from statemachine_compiler.graph import Dag
from tests.asl_order import done_before
from tests.dag_strategies import any_dag, series_parallel_dag, workflow_yaml


def ancestors(needs: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    dag = Dag(tuple(needs), {task: tuple(parents) for task, parents in needs.items()})
    return dag.ancestors


@settings(max_examples=300, deadline=None)
@given(any_dag())
def test_no_task_starts_before_its_needs(needs):
    compiled = compile_source(workflow_yaml(needs))
    finished = done_before(compiled.asl)
    assert set(finished) == set(needs), "every task is exactly one state"
    for task, required in ancestors(needs).items():
        assert required <= finished[task], f"{task} may start before {sorted(required - finished[task])}"


@settings(max_examples=300, deadline=None)
@given(series_parallel_dag())
def test_series_parallel_dags_gain_no_ordering(needs):
    compiled = compile_source(workflow_yaml(needs))
    assert compiled.added_waits == []
    assert compiled.warnings == []
    finished = done_before(compiled.asl)
    assert finished == dict(ancestors(needs))


@settings(max_examples=300, deadline=None)
@given(any_dag())
def test_the_only_extra_ordering_is_the_reported_waits(needs):
    compiled = compile_source(workflow_yaml(needs))
    with_waits = {task: list(parents) for task, parents in needs.items()}
    for wait in compiled.added_waits:
        assert wait.waits_for not in ancestors(needs)[wait.task], "a reported wait must be new"
        with_waits[wait.task].append(wait.waits_for)
    assert done_before(compiled.asl) == dict(ancestors(with_waits))
    assert len(compiled.warnings) == len({wait.task for wait in compiled.added_waits})

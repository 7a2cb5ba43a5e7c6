"""The compiler's intermediate form: a workflow as nested sequences and parallel groups.

Built from the series-parallel structure of each DAG; the emitter turns each node kind into
ASL states. Foreach tasks carry their own nested body.
"""

from dataclasses import dataclass
from functools import cached_property

from . import series_parallel, task_types
from .graph import Dag
from .model import Task


@dataclass(frozen=True)
class TaskStep:
    id: str
    task: Task
    type: task_types.TaskType
    body: "Sequence | None" = None  # core/foreach: the tasks run for each item


@dataclass(frozen=True)
class ParallelStep:
    branches: tuple["Sequence", ...]


Step = TaskStep | ParallelStep


@dataclass(frozen=True)
class Sequence:
    steps: tuple[Step, ...]

    @cached_property
    def task_ids(self) -> tuple[str, ...]:
        """Ids of the tasks this sequence runs at its own level (foreach bodies excluded)."""
        ids: list[str] = []
        for step in self.steps:
            if isinstance(step, TaskStep):
                ids.append(step.id)
            else:
                for branch in step.branches:
                    ids += branch.task_ids
        return tuple(ids)

    def first_task(self) -> str:
        step = self.steps[0]
        return step.id if isinstance(step, TaskStep) else step.branches[0].first_task()


def from_structure(node: series_parallel.Node, tasks: dict[str, Task], bodies: dict[str, "Sequence"]) -> Sequence:
    """The IR of one decomposed DAG; `bodies` holds the already built foreach bodies."""
    if isinstance(node, series_parallel.Series):
        return Sequence(tuple(_step(child, tasks, bodies) for child in node.children))
    return Sequence((_step(node, tasks, bodies),))


def _step(node: series_parallel.Node, tasks: dict[str, Task], bodies: dict[str, Sequence]) -> Step:
    if isinstance(node, series_parallel.Leaf):
        task = tasks[node.task]
        return TaskStep(node.task, task, task_types.lookup(task.type), bodies.get(node.task))
    if isinstance(node, series_parallel.Parallel):
        return ParallelStep(tuple(from_structure(child, tasks, bodies) for child in node.children))
    raise TypeError(f"a series cannot be a step of a series: {node!r}")


def durations_of(tasks: dict[str, Task], default_ms: int) -> dict[str, float]:
    return {task_id: float(task.estimate or default_ms) for task_id, task in tasks.items()}


def build(dag: Dag, tasks: dict[str, Task], bodies: dict[str, Sequence], default_ms: int):
    """The IR of `tasks` and the waits the series-parallel layout had to add."""
    structure, added = series_parallel.decompose(dag, durations_of(tasks, default_ms))
    return from_structure(structure, tasks, bodies), added

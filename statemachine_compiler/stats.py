"""What a compiled workflow costs to run: states, billed transitions, price per 1M runs."""

import json
from dataclasses import dataclass

from .ir import ParallelStep, Sequence, TaskStep
from .limits import DEFINITION_BYTES

# Step Functions list prices (us-east-1).
STANDARD_PER_TRANSITION = 0.000025
EXPRESS_PER_REQUEST = 0.000001
EXPRESS_PER_GB_SECOND = 0.00001667
EXPRESS_BILLED_GB = 64 / 1024  # the smallest memory increment billed
RUNS = 1_000_000


@dataclass(frozen=True)
class Stats:
    tasks: int
    states: int
    transitions_per_run: int  # every task runs, foreach bodies once per item
    transitions_per_item: dict[str, int]  # per foreach task: added for each item
    estimated_seconds: float  # the makespan from task estimates
    definition_bytes: int  # before placeholders are substituted (ARNs add a little)

    @property
    def standard_price(self) -> float:
        return self.transitions_per_run * STANDARD_PER_TRANSITION * RUNS

    @property
    def express_price(self) -> float:
        return (EXPRESS_PER_REQUEST + self.estimated_seconds * EXPRESS_BILLED_GB * EXPRESS_PER_GB_SECOND) * RUNS

    def to_dict(self) -> dict:
        return {"tasks": self.tasks, "states": self.states, "transitions_per_run": self.transitions_per_run,
                "transitions_per_item": self.transitions_per_item, "estimated_seconds": self.estimated_seconds,
                "definition_bytes": self.definition_bytes, "definition_limit_bytes": DEFINITION_BYTES,
                "price_per_1m_runs_usd": {"standard": round(self.standard_price, 2),
                                          "express": round(self.express_price, 2)}}


def compute(asl: dict, main: Sequence, estimates_ms: dict[str, int]) -> Stats:
    per_item: dict[str, int] = {}
    return Stats(
        tasks=len(_task_ids(main)),
        states=count_states(asl["States"]),
        transitions_per_run=_transitions(main, per_item),
        transitions_per_item=per_item,
        estimated_seconds=makespan(main, estimates_ms) / 1000,
        definition_bytes=len(json.dumps(asl, separators=(",", ":")).encode()),
    )


def count_states(states: dict) -> int:
    total = 0
    for state in states.values():
        total += 1
        for branch in state.get("Branches", []):
            total += count_states(branch["States"])
        if "ItemProcessor" in state:
            total += count_states(state["ItemProcessor"]["States"])
    return total


def _transitions(seq: Sequence, per_item: dict[str, int]) -> int:
    """States entered when every task runs: a task, its Choice, each Parallel and Map."""
    total = 0
    for step in seq.steps:
        if isinstance(step, ParallelStep):
            total += 1 + sum(_transitions(branch, per_item) for branch in step.branches)
            continue
        total += 1 + (step.task.when not in (None, True))
        if step.body is not None:
            per_item[step.id] = _transitions(step.body, per_item)
    return total


def makespan(seq: Sequence, estimates_ms: dict[str, int]) -> float:
    """Run time of the laid-out structure when each task takes its estimate (default 1s)."""
    total = 0.0
    for step in seq.steps:
        if isinstance(step, ParallelStep):
            total += max(makespan(branch, estimates_ms) for branch in step.branches)
        else:
            total += estimates_ms.get(step.id, 1000)
    return total


def _task_ids(seq: Sequence) -> list[str]:
    ids = []
    for step in seq.steps:
        if isinstance(step, TaskStep):
            ids.append(step.id)
            if step.body is not None:
                ids += _task_ids(step.body)
        else:
            for branch in step.branches:
                ids += _task_ids(branch)
    return ids

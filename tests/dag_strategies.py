"""Random DAGs for property tests and benchmarks: any DAG, or a series-parallel one."""

import random

from hypothesis import strategies as st


@st.composite
def any_dag(draw, max_tasks: int = 14) -> dict[str, list[str]]:
    """task id -> needs, with needs only on earlier tasks (so it is acyclic)."""
    count = draw(st.integers(min_value=1, max_value=max_tasks))
    needs = {}
    for i in range(count):
        earlier = [f"t{j}" for j in range(i)]
        needs[f"t{i}"] = draw(st.lists(st.sampled_from(earlier), unique=True, max_size=3)) if earlier else []
    return needs


@st.composite
def series_parallel_dag(draw, max_tasks: int = 14) -> dict[str, list[str]]:
    """A DAG built by series and parallel composition: it needs no added ordering."""
    counter = iter(range(10_000))

    def build(budget: int) -> tuple[dict[str, list[str]], list[str], list[str]]:
        """(needs, sources, sinks) of a random series-parallel DAG of up to `budget` tasks."""
        if budget <= 1 or draw(st.integers(0, 3)) == 0:
            task = f"t{next(counter)}"
            return {task: []}, [task], [task]
        left_budget = draw(st.integers(1, budget - 1))
        left, right = build(left_budget), build(budget - left_budget)
        if draw(st.booleans()):  # series: every sink of the left feeds every source of the right
            needs = {**left[0], **right[0]}
            for source in right[1]:
                needs[source] = needs[source] + left[2]
            return needs, left[1], right[2]
        return {**left[0], **right[0]}, left[1] + right[1], left[2] + right[2]

    return build(draw(st.integers(1, max_tasks)))[0]


def random_dag(rng: random.Random, tasks: int, window: int = 8, max_needs: int = 3) -> dict[str, list[str]]:
    """A layered-looking random DAG: each task needs a few of the `window` tasks before it."""
    needs = {}
    for i in range(tasks):
        earlier = list(range(max(0, i - window), i))
        picked = rng.sample(earlier, min(len(earlier), rng.randint(0, max_needs)))
        needs[f"t{i}"] = [f"t{j}" for j in sorted(picked)]
    return needs


def random_pipeline(rng: random.Random, tasks: int) -> dict[str, list[str]]:
    """A typical data pipeline: stages of parallel chains joined by fan-in tasks."""
    needs: dict[str, list[str]] = {}
    joins: list[str] = []
    while len(needs) < tasks:
        heads = []
        for _ in range(rng.randint(1, 6)):
            previous = joins[-1:]
            for _ in range(rng.randint(1, 4)):
                task = f"t{len(needs)}"
                needs[task] = list(previous)
                previous = [task]
            heads += previous
        join = f"t{len(needs)}"
        needs[join] = heads
        joins.append(join)
    return needs


def workflow_yaml(needs: dict[str, list[str]], estimates: dict[str, int] | None = None) -> str:
    """A workflow of core/log tasks with these needs (estimates in seconds, optional)."""
    lines = ["id: generated", "tasks:"]
    for task, parents in needs.items():
        lines.append(f"  {task}:")
        lines.append("    type: core/log")
        lines.append(f"    inputs: {{message: {task}}}")
        if parents:
            lines.append(f"    needs: [{', '.join(parents)}]")
        if estimates and task in estimates:
            lines.append(f"    estimate: {estimates[task]}s")
    return "\n".join(lines) + "\n"

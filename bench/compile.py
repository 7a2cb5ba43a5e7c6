"""Compiler benchmark: speed, ASL size, cost per run, and DAG fidelity against the
"topological levels" layout that other DAG → Step Functions tools use.

Run: .venv/bin/python bench/compile.py
"""

import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from statemachine_compiler import compile_source
from statemachine_compiler.graph import Dag
from statemachine_compiler.series_parallel import critical_path
from statemachine_compiler.stats import compute, makespan
from tests.dag_strategies import random_dag, random_pipeline, workflow_yaml

ASL_LIMIT = 1024 * 1024
SEED = 20261122


def levels_makespan(needs: dict[str, list[str]], seconds: dict[str, int]) -> float:
    """Each level waits for the whole previous level: the sum of each level's slowest task."""
    level: dict[str, int] = {}
    for task, parents in needs.items():  # tasks only need earlier tasks
        level[task] = 1 + max((level[p] for p in parents), default=-1)
    slowest: dict[int, int] = {}
    for task, depth in level.items():
        slowest[depth] = max(slowest.get(depth, 0), seconds[task])
    return float(sum(slowest.values()))


def speed(rng: random.Random, title: str, make_dag) -> None:
    print(title)
    print(f"  {'tasks':>6} {'time':>9} {'ASL bytes':>11} {'of 1 MB':>8} {'states/task':>12} "
          f"{'transitions/run':>16} {'added waits':>12}")
    for size in (100, 1_000, 2_000):
        text = workflow_yaml(make_dag(rng, size))
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            compiled = compile_source(text)
            best = min(best, time.perf_counter() - start)
        size_bytes = len(json.dumps(compiled.asl, separators=(",", ":")))
        stats = compute(compiled.asl, compiled.main, {})
        print(f"  {size:>6} {best * 1000:>7.0f}ms {size_bytes:>11,} {size_bytes / ASL_LIMIT:>8.1%} "
              f"{stats.states / size:>12.3f} {stats.transitions_per_run:>16} {len(compiled.added_waits):>12}")


def fidelity(rng: random.Random, runs: int = 200) -> None:
    compiled_ratios, level_ratios, sp_ratios, extra_states = [], [], [], []
    for _ in range(runs):
        size = rng.randint(8, 60)
        needs = random_dag(rng, size, window=rng.randint(2, 10))
        seconds = {task: rng.randint(1, 60) for task in needs}
        compiled = compile_source(workflow_yaml(needs, seconds))
        dag = Dag(tuple(needs), {t: tuple(p) for t, p in needs.items()})
        floor = critical_path(dag, {t: float(s) for t, s in seconds.items()})
        ms = {t: s * 1000 for t, s in seconds.items()}
        compiled_ratios.append(makespan(compiled.main, ms) / 1000 / floor)
        level_ratios.append(levels_makespan(needs, seconds) / floor)
        stats = compute(compiled.asl, compiled.main, ms)
        extra_states.append(stats.transitions_per_run - stats.tasks)
        if not compiled.added_waits:
            sp_ratios.append(compiled_ratios[-1])
    print(f"\nDAG fidelity on {runs} random DAGs (8-60 tasks, estimates 1-60 s): makespan ÷ critical path")
    print(f"  {'layout':<28} {'mean':>7} {'max':>7}")
    print(f"  {'statemill series-parallel':<28} {statistics.mean(compiled_ratios):>7.3f} {max(compiled_ratios):>7.3f}")
    print(f"  {'topological levels':<28} {statistics.mean(level_ratios):>7.3f} {max(level_ratios):>7.3f}")
    if sp_ratios:
        print(f"  series-parallel DAGs among them: {len(sp_ratios)}, statemill ratio max {max(sp_ratios):.3f} (target 1.0)")
    print(f"  billed non-task states per run (Parallel/Map/Choice): mean {statistics.mean(extra_states):.1f}, "
          f"max {max(extra_states)}")


def main() -> None:
    rng = random.Random(SEED)
    speed(rng, "compile speed, pipeline DAGs (parallel chains joined by fan-in tasks)", random_pipeline)
    speed(rng, "\ncompile speed, random DAGs (each task needs up to 3 of the 8 before it: far from "
          "series-parallel)", random_dag)
    fidelity(rng)


if __name__ == "__main__":
    main()

"""Series-parallel layout of DAGs: exact on series-parallel DAGs, fewest waits otherwise."""

from statemachine_compiler.graph import Dag
from statemachine_compiler.series_parallel import (
    AddedWait,
    Leaf,
    Parallel,
    Series,
    critical_path,
    decompose,
    makespan,
)


def dag(edges: list[str], nodes: str) -> Dag:
    needs = {n: tuple(e[0] for e in edges if e[1] == n) for n in nodes}
    return Dag(tuple(nodes), needs)


def test_diamond_keeps_its_parallel_middle():
    structure, added = decompose(dag(["ab", "ac", "bd", "cd"], "abcd"))
    assert structure == Series((Leaf("a"), Parallel((Leaf("b"), Leaf("c"))), Leaf("d")))
    assert added == []


def test_independent_chains_stay_fully_parallel():
    structure, added = decompose(dag(["ab", "cd"], "abcd"))
    assert structure == Parallel((Series((Leaf("a"), Leaf("b"))), Series((Leaf("c"), Leaf("d")))))
    assert added == []


def test_n_shape_gets_one_added_wait():
    # a→c, b→c, b→d: no Parallel layout is exact; one extra ordering is the minimum.
    structure, added = decompose(dag(["ac", "bc", "bd"], "abcd"))
    assert len(added) == 1
    assert makespan(structure, {}) == 2.0


def test_estimates_steer_the_added_wait_away_from_the_slow_task():
    # With `a` slow, making `d` wait for `a` would cost 10s; waiting `c` on `d` costs 1s.
    durations = {"a": 10.0}
    structure, added = decompose(dag(["ac", "bc", "bd"], "abcd"), durations)
    assert added == [AddedWait("c", "d")]
    assert makespan(structure, durations) == critical_path(dag(["ac", "bc", "bd"], "abcd"), durations)


def test_single_task():
    assert decompose(dag([], "a")) == (Leaf("a"), [])

"""DAG → series-parallel structure, the shape Step Functions' Parallel states can express.

A DAG's reachability order is series-parallel exactly when every part of it splits either
into independent groups (run in a Parallel) or into a sequence of groups where each comes
wholly after the previous. `decompose` finds that split recursively (modular decomposition
of the order's comparability graph), so a series-parallel DAG keeps all of its parallelism
and gains no states. Where a part splits neither way (an "N" shape such as a→c, b→c, b→d),
the fewest orderings are added: the part is cut in two where the estimated makespan grows
least, every task after the cut waits for every task before it, and each added wait is
returned so the compiler can report it.

Sets of tasks are bitsets (Python ints): a 2,000-task DAG decomposes in milliseconds.
"""

from dataclasses import dataclass

from .graph import Dag


@dataclass(frozen=True)
class Leaf:
    task: str


@dataclass(frozen=True)
class Series:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Parallel:
    children: tuple["Node", ...]


Node = Leaf | Series | Parallel


@dataclass(frozen=True)
class AddedWait:
    """`task` now also waits for `waits_for`, which the DAG did not require."""

    task: str
    waits_for: str


def decompose(dag: Dag, durations: dict[str, float] | None = None) -> tuple[Node, list[AddedWait]]:
    """The series-parallel structure of `dag` and the waits that had to be added."""
    return _Decomposer(dag, durations or {}).run()


def makespan(node: Node, durations: dict[str, float]) -> float:
    """Run time of the structure when each task takes its duration (default 1)."""
    if isinstance(node, Leaf):
        return durations.get(node.task, 1.0)
    spans = [makespan(child, durations) for child in node.children]
    return sum(spans) if isinstance(node, Series) else max(spans)


def critical_path(dag: Dag, durations: dict[str, float]) -> float:
    """The longest chain of the DAG: no layout can finish sooner."""
    finish: dict[str, float] = {}
    for node in dag.order:
        start = max((finish[p] for p in dag.needs[node]), default=0.0)
        finish[node] = start + durations.get(node, 1.0)
    return max(finish.values(), default=0.0)


def _bits(mask: int):
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class _Decomposer:
    def __init__(self, dag: Dag, durations: dict[str, float]):
        self.names = list(dag.order)
        index = {name: i for i, name in enumerate(self.names)}
        self.duration = [float(durations.get(name, 1.0)) for name in self.names]
        self.parents = [[index[p] for p in dag.needs[name]] for name in self.names]
        self.kids = [[index[c] for c in dag.children[name]] for name in self.names]
        n = len(self.names)
        below = [0] * n  # ancestors of each task, as a bitset
        for i in range(n):
            for p in self.parents[i]:
                below[i] |= below[p] | (1 << p)
        above = [0] * n
        for i in reversed(range(n)):
            for c in self.kids[i]:
                above[i] |= above[c] | (1 << c)
        self.below, self.above = below, above
        self.related = [below[i] | above[i] for i in range(n)]
        self.added: list[AddedWait] = []

    def run(self) -> tuple[Node, list[AddedWait]]:
        everything = (1 << len(self.names)) - 1
        return self._split(everything), self.added

    def _split(self, tasks: int) -> Node:
        if tasks & (tasks - 1) == 0:
            return Leaf(self.names[tasks.bit_length() - 1])
        groups = self._components(tasks, related=True)
        if len(groups) > 1:
            return Parallel(tuple(self._split(g) for g in groups))
        stages = self._components(tasks, related=False)
        if len(stages) > 1:
            # Unrelated-components of a connected order are totally ordered: sort by position.
            stages.sort(key=lambda g: (g & -g).bit_length())
            return Series(self._flatten(Series, [self._split(s) for s in stages]))
        before, after = self._cut(tasks)
        return Series(self._flatten(Series, [self._split(before), self._split(after)]))

    def _components(self, tasks: int, related: bool) -> list[int]:
        """Groups of `tasks` connected through ordering (related) or through its absence."""
        groups, unseen = [], tasks
        while unseen:
            seed = unseen & -unseen
            group, frontier = seed, seed
            unseen ^= seed
            while frontier:
                reach = 0
                for i in _bits(frontier):
                    reach |= self.related[i] if related else ~self.related[i]
                frontier = reach & unseen
                unseen &= ~frontier
                group |= frontier
            groups.append(group)
        return groups

    def _cut(self, tasks: int) -> tuple[int, int]:
        """Split a part that is neither series nor parallel where the makespan grows least."""
        members = list(_bits(tasks))
        finish, tail = {}, {}
        for i in members:  # members are in topological order: bit index = position in order
            finish[i] = self.duration[i] + max((finish[p] for p in self.parents[i] if tasks >> p & 1), default=0.0)
        for i in reversed(members):
            tail[i] = self.duration[i] + max((tail[c] for c in self.kids[i] if tasks >> c & 1), default=0.0)
        best = None
        # Candidate cuts: everything finishing by t, or everything starting before t, comes
        # first. Both are closed under "needs" because every task lasts more than zero.
        for key in (lambda i: finish[i], lambda i: finish[i] - self.duration[i]):
            ranked = sorted(members, key=key)
            tail_after = [0.0] * (len(ranked) + 1)
            for position in reversed(range(len(ranked))):
                tail_after[position] = max(tail_after[position + 1], tail[ranked[position]])
            head_max, before, after, missing = 0.0, 0, tasks, 0
            for position, i in enumerate(ranked[:-1]):
                head_max = max(head_max, finish[i])
                # Unordered pairs across the cut, kept up to date as `i` crosses it.
                after ^= 1 << i
                missing += (after & ~self.related[i]).bit_count()
                missing -= (before & ~self.related[i]).bit_count()
                before |= 1 << i
                if key(ranked[position + 1]) == key(i):
                    continue  # a cut must not separate tasks with equal keys
                candidate = (head_max + tail_after[position + 1], missing, before)
                if best is None or candidate[:2] < best[:2]:
                    best = candidate
        _, _, before = best
        after = tasks & ~before
        self._record(before, after)
        return before, after

    def _record(self, before: int, after: int) -> None:
        last = [i for i in _bits(before) if not self.above[i] & before]
        first = [j for j in _bits(after) if not self.below[j] & after]
        for j in first:
            for i in last:
                if not self.below[j] >> i & 1:
                    self.added.append(AddedWait(self.names[j], self.names[i]))

    @staticmethod
    def _flatten(kind: type, nodes: list[Node]) -> tuple[Node, ...]:
        out: list[Node] = []
        for node in nodes:
            out.extend(node.children if isinstance(node, kind) else (node,))
        return tuple(out)

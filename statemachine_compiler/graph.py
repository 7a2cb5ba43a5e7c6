"""The task DAG: built from `needs`, checked for unknown names and cycles."""

from dataclasses import dataclass
from functools import cached_property

from .diagnostics import Reporter, did_you_mean


@dataclass(frozen=True)
class Dag:
    """Tasks in declaration order and, for each, the tasks it needs."""

    nodes: tuple[str, ...]
    needs: dict[str, tuple[str, ...]]

    @cached_property
    def order(self) -> tuple[str, ...]:
        """A topological order; among ready tasks, declaration order wins (stable output)."""
        rank = {node: i for i, node in enumerate(self.nodes)}
        waiting = {node: len(self.needs[node]) for node in self.nodes}
        ready = sorted((n for n, count in waiting.items() if count == 0), key=rank.get)
        order: list[str] = []
        while ready:
            node = ready.pop(0)
            order.append(node)
            for child in self.children[node]:
                waiting[child] -= 1
                if waiting[child] == 0:
                    ready.append(child)
                    ready.sort(key=rank.get)
        return tuple(order)

    @cached_property
    def children(self) -> dict[str, tuple[str, ...]]:
        children: dict[str, list[str]] = {node: [] for node in self.nodes}
        for node in self.nodes:
            for parent in self.needs[node]:
                children[parent].append(node)
        return {node: tuple(kids) for node, kids in children.items()}

    @cached_property
    def ancestors(self) -> dict[str, frozenset[str]]:
        result: dict[str, frozenset[str]] = {}
        for node in self.order:
            found = set(self.needs[node])
            for parent in self.needs[node]:
                found |= result[parent]
            result[node] = frozenset(found)
        return result


def build(tasks: dict[str, object], reporter: Reporter, path: tuple = ("tasks",)) -> Dag | None:
    """The DAG of `tasks` (id -> task with `.needs`); None only when it has a cycle.

    Unknown or repeated needs are reported and left out, so later checks still run.
    """
    needs: dict[str, tuple[str, ...]] = {}
    for task_id, task in tasks.items():
        kept: list[str] = []
        for i, need in enumerate(task.needs):
            where = (*path, task_id, "needs", i)
            if need == task_id:
                reporter.error(where, f"task '{task_id}' cannot need itself: remove '{need}' from its needs")
            elif need not in tasks:
                hint = did_you_mean(need, tasks)
                reporter.error(where, f"unknown task '{need}' in needs of '{task_id}'{hint}")
            elif need in kept:
                reporter.error(where, f"'{need}' is listed twice in needs of '{task_id}': remove one")
            else:
                kept.append(need)
        needs[task_id] = tuple(kept)
    dag = Dag(tuple(tasks), needs)
    if cycle := find_cycle(dag):
        reporter.error((*path, cycle[0], "needs"), f"the tasks form a cycle: {' → '.join(cycle)} "
                       "(each task needs the one before it): remove one of these needs")
        return None
    return dag


def find_cycle(dag: Dag) -> list[str] | None:
    """One cycle as a path that returns to its start (a → b → a), or None.

    The path starts at its earliest-declared task, so the message reads like the file.
    """
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for parent in dag.needs[node]:
            if state.get(parent) == 1:
                # needs point backwards in time: reverse to read in execution order.
                return _from_first(list(reversed(stack[stack.index(parent):])), dag.nodes)
            if parent not in state and (found := visit(parent)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in dag.nodes:
        if node not in state and (found := visit(node)):
            return found
    return None


def _from_first(loop: list[str], declared: tuple[str, ...]) -> list[str]:
    """The loop rotated to start (and end) at the task declared first."""
    start = min(range(len(loop)), key=lambda i: declared.index(loop[i]))
    rotated = loop[start:] + loop[:start]
    return rotated + [rotated[0]]

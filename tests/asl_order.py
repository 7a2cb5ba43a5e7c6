"""Read ordering back out of emitted ASL: which tasks are certainly done before each starts."""


def done_before(asl: dict) -> dict[str, frozenset[str]]:
    """Task state name -> the task states that have finished on every path before it starts."""
    found: dict[str, frozenset[str]] = {}
    _walk(asl["States"], asl["StartAt"], frozenset(), found)
    return found


def _walk(states: dict, name: str | None, done: frozenset[str], found: dict) -> frozenset[str]:
    while name is not None:
        state = states[name]
        if state["Type"] == "Parallel":
            ends = [_walk(b["States"], b["StartAt"], done, found) for b in state["Branches"]]
            done = frozenset().union(*ends)
        elif state["Type"] == "Task":
            found[name] = done
            done = done | {name}
        elif state["Type"] != "Pass":
            raise AssertionError(f"unexpected state type {state['Type']} in a generated DAG")
        else:
            found[name] = done
            done = done | {name}
        name = state.get("Next")
    return done

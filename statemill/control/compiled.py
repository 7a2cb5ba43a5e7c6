"""Facts of a compiled workflow that every target records the same way: version and task ids."""

import hashlib
import json

from statemachine_compiler import CompiledWorkflow


def all_task_ids(compiled: CompiledWorkflow) -> list[str]:
    """Every task of the workflow: top level, foreach bodies and errors handlers."""
    ids: list[str] = []

    def visit(tasks) -> None:
        for task_id, task in tasks.items():
            ids.append(task_id)
            if task.tasks:
                visit(task.tasks)

    visit(compiled.workflow.tasks)
    visit(compiled.workflow.errors or {})
    return ids


def version_of(asl: dict) -> str:
    """A workflow version: the hash of its compiled state machine."""
    return hashlib.sha256(json.dumps(asl, sort_keys=True).encode()).hexdigest()[:12]

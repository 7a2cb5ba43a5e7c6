"""Facts of a compiled workflow that every target records the same way: version and task ids."""

import hashlib
import json

from statemachine_compiler import CompiledWorkflow
from statemachine_compiler.model import iter_tasks


def all_task_ids(compiled: CompiledWorkflow) -> list[str]:
    """Every task of the workflow: top level, foreach bodies and errors handlers."""
    return [path[-1] for path, _ in iter_tasks(compiled.workflow)]


def version_of(asl: dict) -> str:
    """A workflow version: the hash of its compiled state machine."""
    return hashlib.sha256(json.dumps(asl, sort_keys=True).encode()).hexdigest()[:12]

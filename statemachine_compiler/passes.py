"""Rewrites of the validated workflow, run in order before the DAG is laid out.

Each pass takes the workflow (and a reporter for what it finds) and returns a new workflow.
"""

from pathlib import Path

from . import task_types
from .diagnostics import Reporter
from .model import Task, Workflow


def apply_defaults(workflow: Workflow, reporter: Reporter, base_dir: Path | None) -> Workflow:
    """Merge `defaults:` into every task it applies to; a task's own settings win."""
    defaults = workflow.defaults
    if defaults is None:
        return workflow

    def merged(task: Task) -> Task:
        kind = task_types.lookup(task.type)
        update: dict = {}
        if task.estimate is None and defaults.estimate is not None:
            update["estimate"] = defaults.estimate
        if kind is not None and (kind.is_task_state or kind.kind == "foreach"):
            if task.timeout is None and defaults.timeout is not None and kind.is_task_state:
                update["timeout"] = defaults.timeout
            if task.on_error is None and defaults.on_error is not None:
                update["on_error"] = defaults.on_error
            if defaults.retry is not None:
                own = task.retry.model_dump(exclude_unset=True) if task.retry else {}
                update["retry"] = defaults.retry.model_copy(update=own)
        if task.tasks:
            update["tasks"] = {tid: merged(t) for tid, t in task.tasks.items()}
        return task.model_copy(update=update)

    return _map_tasks(workflow, merged)


def inline_code_files(workflow: Workflow, reporter: Reporter, base_dir: Path | None) -> Workflow:
    """Read each `core/code` task's `file` (relative to the workflow) into its `source`."""

    def inlined(task: Task, path: tuple) -> Task:
        if task.tasks:
            task = task.model_copy(update={"tasks": {t: inlined(sub, (*path, "tasks", t)) for t, sub in task.tasks.items()}})
        if task.type != "core/code" or task.file is None or task.source is not None:
            return task
        file = (base_dir or Path.cwd()) / task.file
        try:
            source = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            reporter.error((*path, "file"), f"cannot read code file '{task.file}': {reason}")
            return task
        return task.model_copy(update={"source": source, "file": None})

    update = {"tasks": {tid: inlined(t, ("tasks", tid)) for tid, t in workflow.tasks.items()}}
    if workflow.errors:
        update["errors"] = {tid: inlined(t, ("errors", tid)) for tid, t in workflow.errors.items()}
    return workflow.model_copy(update=update)


PASSES = (apply_defaults, inline_code_files)


def _map_tasks(workflow: Workflow, change) -> Workflow:
    update = {"tasks": {tid: change(t) for tid, t in workflow.tasks.items()}}
    if workflow.errors:
        update["errors"] = {tid: change(t) for tid, t in workflow.errors.items()}
    return workflow.model_copy(update=update)

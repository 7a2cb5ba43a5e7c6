"""Rules that need the whole workflow: task types and their fields, what expressions may
read, secrets, triggers, timeouts and the express-mode limits."""

import re
import zoneinfo
from dataclasses import dataclass, replace

from croniter import croniter

from . import durations, task_types
from .cron import CronError, to_schedule_expressions
from .diagnostics import Reporter, describe, did_you_mean
from .expressions import (
    EXECUTION_FIELDS,
    ROOTS,
    TASK_FIELDS,
    ExpressionError,
    has_template,
    parse_template,
)
from .graph import Dag
from .model import Task, Workflow, iter_tasks
from .render import secret_name, task_variable

EXPRESS_LIMIT_MS = 5 * 60_000
WORKFLOW_REF = re.compile(r"^([a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*/)?[a-z][a-z0-9_-]{0,62}$")


@dataclass(frozen=True)
class Reads:
    """What an expression at one place of the workflow may read."""

    tasks: frozenset[str]  # task ids of the enclosing levels whose records are ready by then
    known: frozenset[str]  # every task id of that level, for "exists but is not an ancestor"
    item: bool = False
    error: bool = False
    secrets: bool = False
    foreach: frozenset[str] = frozenset()  # the core/foreach tasks this place runs inside
    ancestors: frozenset[str] = frozenset()  # the reading task's own ancestors at its level

    def ready(self, task_id: str) -> bool:
        """Kept apart from `tasks`: merging them per task would cost O(n²) on big DAGs."""
        return task_id in self.ancestors or task_id in self.tasks


def check(workflow: Workflow, dags: dict[tuple, Dag], reporter: Reporter) -> None:
    """Report every rule `workflow` breaks. `dags` maps a tasks path to its checked DAG."""
    _check_workflow_fields(workflow, reporter)
    everything = frozenset(workflow.tasks)
    _check_task_ids(workflow, reporter)
    for path, dag in dags.items():
        tasks = _tasks_at(workflow, path)
        outer = _outer_reads(workflow, dags, path)
        level = replace(outer, known=outer.known | set(tasks))
        for task_id, task in tasks.items():
            reads = replace(level, ancestors=dag.ancestors[task_id])
            _check_task(workflow, (*path, task_id), task, reads, reporter)
    _check_values(workflow.outputs or {}, ("outputs",), Reads(everything, everything), workflow, reporter)


def _tasks_at(workflow: Workflow, path: tuple) -> dict[str, Task]:
    node: object = workflow
    for part in path:
        node = getattr(node, part) if isinstance(part, str) and not isinstance(node, dict) else node[part]
    return node


def _outer_reads(workflow: Workflow, dags: dict[tuple, Dag], path: tuple) -> Reads:
    """What the tasks at `path` may read from the levels around them."""
    everything = frozenset(workflow.tasks)
    if path == ("tasks",):
        return Reads(frozenset(), frozenset())
    if path == ("errors",):
        return Reads(everything, everything, error=True)
    # A foreach body: it reads what its foreach task reads, plus item and index.
    parent_path, foreach_id = path[:-2], path[-2]
    parent = _outer_reads(workflow, dags, parent_path)
    ready = parent.tasks | dags[parent_path].ancestors[foreach_id]
    return Reads(ready, parent.known | set(_tasks_at(workflow, parent_path)), item=True, error=parent.error,
                 foreach=parent.foreach | {foreach_id})


def _check_workflow_fields(workflow: Workflow, reporter: Reporter) -> None:
    if workflow.trigger and workflow.triggers is not None:
        reporter.error(("triggers",), "use either 'trigger' or 'triggers', not both")
    triggers = [(("trigger",), workflow.trigger)] if workflow.trigger else []
    triggers += [(("triggers", i), t) for i, t in enumerate(workflow.triggers or [])]
    for path, trigger in triggers:
        _check_trigger(workflow, path, trigger, reporter)
    for name, spec in workflow.inputs.items():
        if spec.default is not None and spec.required:
            reporter.error(("inputs", name, "required"), "an input with a default cannot be required")
        if spec.default is not None and spec.enum is not None and spec.default not in spec.enum:
            reporter.error(("inputs", name, "default"), f"default {spec.default!r} is not one of enum {spec.enum}: "
                           "change the default or add it to enum")
    if workflow.timeout is not None:
        _whole_seconds(("timeout",), workflow.timeout, reporter)
    if len(set(workflow.secrets)) != len(workflow.secrets):
        reporter.error(("secrets",), "a secret is listed twice")
    if workflow.mode == "express":
        _check_express(workflow, reporter)


def _check_trigger(workflow: Workflow, path: tuple, trigger, reporter: Reporter) -> None:
    if (trigger.cron is None) == (trigger.webhook is None):
        reporter.error(path, "a trigger has exactly one of 'cron' or 'webhook'")
        return
    if trigger.webhook is not None:
        for key in ("timezone", "inputs"):
            if getattr(trigger, key) is not None:
                reporter.error((*path, key), f"'{key}' only applies to cron triggers: remove it")
        secret = trigger.webhook.secret
        if trigger.webhook.auth == "none" and secret:
            reporter.error((*path, "webhook", "secret"), "auth 'none' takes no secret")
        return
    fields = trigger.cron.split()
    if len(fields) != 5 or not croniter.is_valid(trigger.cron):
        reporter.error((*path, "cron"), f"'{trigger.cron}' is not a valid cron expression: "
                       "write 5 fields, minute hour day-of-month month day-of-week, e.g. '0 2 * * *'")
    else:
        try:
            to_schedule_expressions(trigger.cron)
        except CronError as exc:
            reporter.error((*path, "cron"), str(exc))
    if trigger.timezone is not None:
        try:
            zoneinfo.ZoneInfo(trigger.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            hint = did_you_mean(trigger.timezone, zoneinfo.available_timezones())
            reporter.error((*path, "timezone"), f"unknown timezone '{trigger.timezone}': use an IANA name such as Europe/Paris{hint}")
    for key in trigger.inputs or {}:
        if key not in workflow.inputs:
            reporter.error((*path, "inputs", key), f"no input '{key}' is declared in inputs{did_you_mean(key, workflow.inputs)}")


def _check_express(workflow: Workflow, reporter: Reporter) -> None:
    if workflow.timeout is not None and workflow.timeout > EXPRESS_LIMIT_MS:
        reporter.error(("timeout",), "an express workflow runs at most 5m: use mode standard")
    for path, task in iter_tasks(workflow):
        if task.type == "core/approval":
            reporter.error((*path, "type"), "express workflows cannot wait for an approval: use mode standard")
        if task.type == "core/subflow" and task.inputs.get("wait", True) is not False:
            reporter.error((*path, "type"), "express workflows cannot wait for a subflow: use mode standard or wait: false")
        if task.type == "core/sleep":
            _check_express_sleep(path, task, reporter)


def _check_express_sleep(path: tuple, task: Task, reporter: Reporter) -> None:
    if "until" in task.inputs:
        reporter.error((*path, "inputs", "until"), "express workflows cannot sleep until a time (a run lasts at most 5m): "
                       "use a duration of at most 5m, or mode standard")
        return
    ms = _duration_value(task.inputs.get("duration"))
    if ms is None and has_template(task.inputs.get("duration")):
        reporter.error((*path, "inputs", "duration"), "express workflows cannot sleep for a computed duration "
                       "(a run lasts at most 5m): write a fixed duration of at most 5m, or use mode standard")
    elif ms is not None and ms > EXPRESS_LIMIT_MS:
        reporter.error((*path, "inputs", "duration"), "express workflows cannot sleep longer than 5m: shorten it, or use mode standard")


def _check_task_ids(workflow: Workflow, reporter: Reporter) -> None:
    """Task ids name states, which must be unique across the whole state machine."""
    seen: dict[str, tuple] = {}
    variables: dict[str, str] = {}
    for path, _ in iter_tasks(workflow):
        task_id = path[-1]
        if task_id in seen:
            reporter.error(path, f"task id '{task_id}' is already used at {'.'.join(seen[task_id])}: "
                           "task ids are unique in a workflow, foreach bodies included; rename one")
            continue
        seen[task_id] = path
        variable = task_variable(task_id)
        if variable in variables:
            reporter.error(path, f"task ids '{variables[variable]}' and '{task_id}' differ only by '-' and '_': rename one")
        variables[variable] = task_id


def _check_task(workflow: Workflow, path: tuple, task: Task, reads: Reads, reporter: Reporter) -> None:
    task_type = task_types.lookup(task.type)
    if task_type is None:
        hint = did_you_mean(task.type, task_types.CORE_TYPES)
        reporter.error((*path, "type"), f"unknown task type '{task.type}'{hint or ': use core/<name> or <namespace>/<plugin>.<action>'}")
        return
    _check_fields(path, task, task_type, reporter)
    if task_type.function == task_types.PLUGIN_HOST:
        _warn_unchecked_plugin(path, task, reporter)
    if task_type.inputs is not None:
        for key in task.inputs:
            if key not in task_type.inputs:
                reporter.error((*path, "inputs", key), f"{task.type} takes no input '{key}'{did_you_mean(key, task_type.inputs)}")
        for key in sorted(task_type.required - set(task.inputs)):
            reporter.error((*path, "inputs", key), f"{task.type} needs input '{key}': add it under inputs")
    kind_check = _KIND_CHECKS.get(task_type.kind)
    if kind_check:
        kind_check(workflow, path, task, reporter)
    # Every "lambda" kind runs in a Lambda (core/code too, though its function depends on its language).
    secrets_ok = task_type.kind == "lambda"
    _check_values(task.inputs, (*path, "inputs"), replace(reads, secrets=secrets_ok), workflow, reporter)
    if isinstance(task.when, str):
        _check_single_expression(task.when, (*path, "when"), reads, workflow, reporter)
    for field in ("timeout",):
        if getattr(task, field) is not None:
            _whole_seconds((*path, field), getattr(task, field), reporter)
    if task.retry is not None:
        _whole_seconds((*path, "retry", "interval"), task.retry.interval, reporter)
        if task.retry.max_interval is not None:
            _whole_seconds((*path, "retry", "max_interval"), task.retry.max_interval, reporter)


def _check_fields(path: tuple, task: Task, task_type, reporter: Reporter) -> None:
    only = {"language": "core/code", "source": "core/code", "file": "core/code", "tasks": "core/foreach"}
    for field, owner in only.items():
        if getattr(task, field) is not None and task.type != owner:
            reporter.error((*path, field), f"'{field}' only applies to {owner} tasks")
    if not task_type.is_task_state and task.timeout is not None:
        reporter.error((*path, "timeout"), f"{task.type} cannot have a timeout: {_NOT_A_TASK_STATE[task_type.kind]}; remove 'timeout'")
    # A Map state can be retried and caught; Pass and Wait states cannot.
    if task_type.kind in ("transform", "sleep"):
        if task.retry is not None:
            reporter.error((*path, "retry"), f"{task.type} cannot be retried: it cannot fail; remove 'retry'")
        if task.on_error is not None:
            reporter.error((*path, "on_error"), f"{task.type} cannot fail, so it takes no on_error: remove it")


def _warn_unchecked_plugin(path: tuple, task: Task, reporter: Reporter) -> None:
    # The compiler knows no installed plugins: `apply` and `run` validate the inputs against the action's schema.
    match = task_types.PLUGIN_TYPE.match(task.type)
    reporter.warning((*path, "type"), f"plugin '{match['namespace']}/{match['plugin']}' is not installed here: "
                     f"the inputs of '{path[-1]}' were not checked")


def _check_code(workflow: Workflow, path: tuple, task: Task, reporter: Reporter) -> None:
    if task.language is None:
        reporter.error((*path, "language"), "core/code needs 'language': add python, javascript, typescript or bash")
    elif task.language not in task_types.CODE_LANGUAGES:
        hint = did_you_mean(task.language, task_types.CODE_LANGUAGES)
        reporter.error((*path, "language"), f"unknown language '{task.language}': use python, javascript, typescript or bash{hint}")
    if task.source is not None and task.file is not None:
        reporter.error((*path, "file"), "core/code takes 'source' or 'file', not both: remove one")
    elif task.source is None and task.file is None:
        reporter.error((*path, "source"), "core/code needs its code: add 'source' (the code itself) or 'file' (a path relative to the workflow)")


def _check_sleep(workflow: Workflow, path: tuple, task: Task, reporter: Reporter) -> None:
    if "duration" in task.inputs and "until" in task.inputs:
        reporter.error((*path, "inputs", "until"), "core/sleep takes 'duration' or 'until', not both: remove one")
    elif "duration" not in task.inputs and "until" not in task.inputs:
        reporter.error((*path, "inputs", "duration"), "core/sleep needs 'duration' (e.g. 30s) or 'until' (a timestamp) under inputs")
    duration = task.inputs.get("duration")
    if duration is not None and not has_template(duration):
        ms = _duration_value(duration)
        if ms is None:
            reporter.error((*path, "inputs", "duration"), f"'{duration}' is not a duration: write e.g. 30s, 5m, 1d")
        else:
            _whole_seconds((*path, "inputs", "duration"), ms, reporter)


def _check_foreach(workflow: Workflow, path: tuple, task: Task, reporter: Reporter) -> None:
    if not task.tasks:
        reporter.error((*path, "tasks"), "core/foreach needs 'tasks': add the tasks to run for each item (they read item and index)")
    concurrency = task.inputs.get("concurrency")
    if concurrency is not None and (not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 0):
        reporter.error((*path, "inputs", "concurrency"), "concurrency is a whole number (0 = no limit)")
    items = task.inputs.get("items")
    if items is not None and not isinstance(items, list) and not (has_template(items) and _single(items)):
        reporter.error((*path, "inputs", "items"), f"items is {describe(items)}: write a list or one expression such as '{{{{ tasks.list.output }}}}'")


def _check_approval(workflow: Workflow, path: tuple, task: Task, reporter: Reporter) -> None:
    timeout = task.inputs.get("timeout")
    if timeout is not None:
        ms = _duration_value(timeout)
        if ms is None:
            reporter.error((*path, "inputs", "timeout"), f"'{timeout}' is not a duration: write e.g. 1h, 2d")
        else:
            _whole_seconds((*path, "inputs", "timeout"), ms, reporter)


def _check_subflow(workflow: Workflow, path: tuple, task: Task, reporter: Reporter) -> None:
    target = task.inputs.get("workflow")
    if target is not None and not (isinstance(target, str) and _is_workflow_ref(target)):
        reporter.error((*path, "inputs", "workflow"), f"{describe(target)} is not a workflow id: write the id of another workflow, optionally as 'namespace/id'")
    if not isinstance(task.inputs.get("inputs", {}), dict):
        reporter.error((*path, "inputs", "inputs"), "inputs of a subflow is a mapping of the child's inputs")
    if not isinstance(task.inputs.get("wait", True), bool):
        reporter.error((*path, "inputs", "wait"), "wait is true or false")


def _check_lambda(workflow: Workflow, path: tuple, task: Task, reporter: Reporter) -> None:
    if task.type == "core/code":
        _check_code(workflow, path, task, reporter)


# Why a type that is not a Task state cannot have a timeout.
_NOT_A_TASK_STATE = {
    "transform": "it runs as a Pass state, which finishes at once",
    "sleep": "it runs as a Wait state, whose duration is its limit",
    "foreach": "set a timeout on the tasks inside it instead",
}

_KIND_CHECKS = {"lambda": _check_lambda, "sleep": _check_sleep, "foreach": _check_foreach,
                "approval": _check_approval, "subflow": _check_subflow}




def _is_workflow_ref(text: str) -> bool:
    return WORKFLOW_REF.match(text) is not None


def _single(text: str) -> bool:
    try:
        return parse_template(text).is_single_expression
    except ExpressionError:
        return True  # reported where the value is checked


def _duration_value(value: object) -> int | None:
    return durations.parse_ms(value)


def _whole_seconds(path: tuple, ms: int, reporter: Reporter) -> None:
    if ms % 1000:
        reporter.error(path, f"{durations.format_ms(ms)} is not a whole number of seconds, which Step Functions "
                       "needs here: write e.g. 1s or 30s")


def _check_single_expression(text: str, path: tuple, reads: Reads, workflow: Workflow, reporter: Reporter) -> None:
    if not has_template(text):
        reporter.error(path, "when is true, false or one expression such as \"{{ inputs.region = 'eu' }}\"")
        return
    if _single(text):
        _check_values(text, path, reads, workflow, reporter)
    else:
        reporter.error(path, "when must be exactly one {{ }} expression")


def _check_values(data: object, path: tuple, reads: Reads, workflow: Workflow, reporter: Reporter) -> None:
    """Check every expression inside a YAML value."""
    if isinstance(data, dict):
        for key, item in data.items():
            _check_values(item, (*path, key), reads, workflow, reporter)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            _check_values(item, (*path, i), reads, workflow, reporter)
    elif has_template(data):
        try:
            template = parse_template(data)
        except ExpressionError as exc:
            reporter.error(path, str(exc))
            return
        for expression in template.expressions:
            for message in _reference_problems(expression, reads, workflow):
                reporter.error(path, message)


def _reference_problems(expression, reads: Reads, workflow: Workflow) -> list[str]:
    problems = []
    for ref in expression.references:
        if ref.root not in ROOTS:
            problems.append(f"unknown name '{ref.root}' in '{{{{ {expression.text} }}}}': expressions read inputs, tasks, "
                            f"trigger, execution, item, index, error, attempt, secrets{did_you_mean(ref.root, ROOTS)}")
        elif ref.root == "tasks":
            problems += _task_reference_problems(ref, reads)
        elif ref.root == "inputs" and ref.key is not None and ref.key not in workflow.inputs:
            problems.append(f"no input '{ref.key}' is declared in inputs{did_you_mean(ref.key, workflow.inputs)}")
        elif ref.root == "execution" and ref.key is not None and ref.key not in EXECUTION_FIELDS:
            problems.append(f"execution has no field '{ref.key}': use {', '.join(EXECUTION_FIELDS)}")
        elif ref.root in ("item", "index") and not reads.item:
            problems.append(f"'{ref.root}' is only defined inside the tasks of a core/foreach")
        elif ref.root == "error" and not reads.error:
            problems.append("'error' is only defined in the tasks of errors:")
        elif ref.root == "secrets":
            problems += _secret_problems(expression, ref, reads, workflow)
    return problems


def _task_reference_problems(ref, reads: Reads) -> list[str]:
    if ref.key is None:
        return ["'tasks' must be followed by a task id, as in tasks.fetch.output"]
    if ref.field is not None and ref.field not in TASK_FIELDS:
        return [f"tasks.{ref.key} has no field '{ref.field}': use output, status or error"]
    if reads.ready(ref.key):
        return []
    if ref.key in reads.foreach:
        return [(f"'{ref.key}' is the core/foreach these tasks run in: its output exists only once every "
                 "item is done; read item and index here")]
    if ref.key in reads.known:
        return [f"task '{ref.key}' is not guaranteed to have run yet: add it to needs (directly or through another task)"]
    return [f"unknown task '{ref.key}'{did_you_mean(ref.key, reads.known | reads.tasks)}"]


def _secret_problems(expression, ref, reads: Reads, workflow: Workflow) -> list[str]:
    if ref.key is None or secret_name(expression) is None:
        return ["a secret is used whole, as '{{ secrets.NAME }}': Step Functions never sees its value, so it cannot be part of an expression"]
    if not reads.secrets:
        return ["secrets can only be passed to tasks that run in a Lambda function (http, db, code, notify, plugins)"]
    if ref.key not in workflow.secrets:
        return [f"secret '{ref.key}' is not declared: add it to secrets: at the top of the workflow{did_you_mean(ref.key, workflow.secrets)}"]
    return []

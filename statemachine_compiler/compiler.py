"""The compiler's pipeline: load → validate → passes → DAGs → checks → IR → emit.

Each stage is a public function of its own module; this one only chains them.
"""

from dataclasses import dataclass, field
from pathlib import Path

from . import checks, emit, graph, ir, passes, validate
from .diagnostics import CompileError, Diagnostic, Reporter
from .expressions import has_template, parse_template
from .inputs_schema import input_schema
from .loader import load
from .model import Task, Workflow, iter_tasks
from .series_parallel import AddedWait

DEFAULT_ESTIMATE_MS = 1000


@dataclass
class CompiledWorkflow:
    workflow: Workflow
    asl: dict
    input_schema: dict
    main: ir.Sequence
    dag: graph.Dag
    warnings: list[Diagnostic] = field(default_factory=list)
    added_waits: list[AddedWait] = field(default_factory=list)


def compile_file(path: str | Path) -> CompiledWorkflow:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CompileError([Diagnostic(f"cannot read the file: {reason}", file=str(path))]) from None
    return compile_source(text, file=str(path), base_dir=path.parent)


def compile_source(text: str, file: str = "", base_dir: Path | None = None) -> CompiledWorkflow:
    """Compile workflow YAML; raises CompileError listing every problem found."""
    data, positions = load(text, file)
    reporter = Reporter(file, positions)
    workflow = validate.validate(data, reporter)
    reporter.raise_if_errors()
    for rewrite in passes.PASSES:
        workflow = rewrite(workflow, reporter, base_dir)
    dags = build_dags(workflow, reporter)
    if None in dags.values():
        reporter.raise_if_errors()  # a cycle: nothing below can be checked
    checks.check(workflow, dags, reporter)
    reporter.raise_if_errors()
    main, errors, added = lay_out(workflow, dags, reporter)
    asl = emit.Emitter(workflow, needed_records(workflow)).emit(main, errors)
    return CompiledWorkflow(workflow, asl, input_schema(workflow), main, dags[("tasks",)],
                            reporter.warnings, added)


def build_dags(workflow: Workflow, reporter: Reporter) -> dict[tuple, graph.Dag | None]:
    """The checked DAG of every task level: tasks, errors, each foreach body (None: a cycle)."""
    dags: dict[tuple, graph.Dag | None] = {}

    def visit(path: tuple, tasks: dict[str, Task]) -> None:
        dags[path] = graph.build(tasks, reporter, path)
        for task_id, task in tasks.items():
            if task.tasks:
                visit((*path, task_id, "tasks"), task.tasks)

    visit(("tasks",), workflow.tasks)
    if workflow.errors:
        visit(("errors",), workflow.errors)
    return dags


def lay_out(workflow: Workflow, dags: dict[tuple, graph.Dag], reporter: Reporter):
    """The IR of the main DAG and the errors DAG; warns for each wait the layout adds."""
    added_all: list[AddedWait] = []

    def level(path: tuple, tasks: dict[str, Task]) -> ir.Sequence:
        bodies = {tid: level((*path, tid, "tasks"), t.tasks) for tid, t in tasks.items() if t.tasks}
        sequence, added = ir.build(dags[path], tasks, bodies, DEFAULT_ESTIMATE_MS)
        waits: dict[str, list[str]] = {}
        for wait in added:
            waits.setdefault(wait.task, []).append(wait.waits_for)
        for task, before in waits.items():
            names = ", ".join(f"'{b}'" for b in before)
            reporter.warning((*path, task, "needs"),
                             f"'{task}' will also wait for {names}: Step Functions' Parallel states cannot "
                             "express this DAG exactly (set 'estimate' on slow tasks to guide the layout)")
        added_all.extend(added)
        return sequence

    main = level(("tasks",), workflow.tasks)
    errors = level(("errors",), workflow.errors) if workflow.errors else None
    return main, errors, added_all


def needed_records(workflow: Workflow) -> frozenset[str]:
    """Tasks whose record a later expression reads (or a foreach iteration returns)."""
    needed: set[str] = set()

    def scan(data: object) -> None:
        if isinstance(data, dict):
            for item in data.values():
                scan(item)
        elif isinstance(data, list):
            for item in data:
                scan(item)
        elif has_template(data):
            for expression in parse_template(data).expressions:
                needed.update(r.key for r in expression.references if r.root == "tasks" and r.key)

    for path, task in iter_tasks(workflow):
        if len(path) > 2:  # inside a foreach: its iteration returns every nested output
            needed.add(path[-1])
        scan([task.inputs, task.when])
    scan(workflow.outputs)
    return frozenset(needed)

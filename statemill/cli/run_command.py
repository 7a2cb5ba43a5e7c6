"""`statemill run FILE`: run a workflow once on the embedded engine, with live progress."""

import getpass
import sys
import time
from pathlib import Path

import click

from statemachine_compiler import CompileError
from statemachine_compiler.model import iter_tasks
from statemill.control.executions import Execution
from statemill.control.inputs import InputError, load_file, parse_assignments, prepare

from .compile_commands import compile_or_fail, invalid_workflow
from .errors import INVALID, NOT_FOUND, WORKFLOW_FAILED, CliError
from .output import print_json, stderr, stdout
from .progress import LineProgress, LiveProgress, NoProgress

POLL_SECONDS = 0.05
ACTIVE = {"RUNNING", "WAITING"}


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-i", "--input", "assignments", multiple=True, metavar="KEY=VALUE",
              help="An input; VALUE is JSON when it parses (-i n=5), else text. Repeatable.")
@click.option("--input-file", type=click.Path(dir_okay=False), help="Inputs from a JSON or YAML file.")
@click.option("--no-watch", is_flag=True, help="No live progress: print the result when the run ends.")
@click.pass_obj
def run(obj: dict, file: str, assignments: tuple[str, ...], input_file: str | None, no_watch: bool) -> None:
    """Run a workflow once on the embedded engine and print its outputs."""
    compiled = compile_or_fail(file)
    inputs = _inputs(compiled.input_schema, assignments, input_file)
    from statemill.local.engine import LocalEngine  # moto: only when something runs
    from statemill.local.session import LocalSession, SubflowNotFound

    with LocalEngine() as engine:
        session = LocalSession(engine)
        try:
            deployed = session.deploy(compiled, Path(file).parent)
        except SubflowNotFound as exc:
            raise CliError(str(exc), NOT_FOUND, "not_found") from None
        except CompileError as exc:
            raise invalid_workflow(exc) from None
        arn = session.start(deployed, inputs)
        view = _view(obj["json"] or no_watch)
        with view:
            execution = _watch(session, arn, deployed, view)
    report_execution(execution, obj["json"])


def _inputs(schema: dict, assignments: tuple[str, ...], input_file: str | None) -> dict:
    try:
        values = load_file(input_file) if input_file else {}
        values.update(parse_assignments(assignments))
        return prepare(schema, values)
    except InputError as exc:
        raise CliError(exc.problems[0], INVALID, "invalid_input", details=exc.problems[1:]) from None


def _view(quiet: bool):
    if quiet:
        return NoProgress(stderr)
    return LiveProgress(stderr) if stderr.is_terminal else LineProgress(stderr)


def _watch(session, arn: str, deployed, view) -> Execution:
    """Follow the run to its end: redraw the view, answer approvals it asks for."""
    has_approvals = any(t.type == "core/approval" for _, t in iter_tasks(deployed.compiled.workflow))
    engine = session.engine
    while True:
        if view.shows_progress:
            view.show(session.execution(arn, deployed))
        if engine.status(arn) != "RUNNING":
            return session.execution(arn, deployed)
        if has_approvals:
            for approval in session.pending_approvals(arn):
                view.pause()
                _answer(session, arn, approval)
                view.resume()
        time.sleep(POLL_SECONDS)


def _answer(session, arn: str, approval: dict) -> None:
    """Ask in a terminal; with no one to ask, the run cannot go on."""
    task = approval["task"]
    if not sys.stdin.isatty():
        session.engine.stop_execution(arn, error="Statemill.NoApprover",
                                      cause=f"task '{task}' needs an approval and nobody can answer here")
        stderr.print(f"task '{task}' waits for an approval: answer it in a terminal, or start the local server "
                     "(statemill server start) and use statemill execution approve", markup=False)
        return
    approved = click.confirm(f"{task}: {approval['message']} — approve?", default=False, err=True)
    comment = click.prompt("comment", default="", show_default=False, err=True)
    session.answer(arn, task, approved=approved, by=getpass.getuser(), comment=comment)



def report_execution(execution: Execution, as_json: bool) -> None:
    """The outputs (or the whole execution with --json); a run that did not succeed exits 1."""
    if as_json:
        print_json(execution.to_dict())
    elif execution.status == "SUCCEEDED":
        stdout.print_json(data=execution.outputs if execution.outputs is not None else {})
    if execution.status != "SUCCEEDED":
        error = execution.error or {}
        where = f"task '{error['task']}': " if error.get("task") else ""
        detail = f"{error.get('type')}: {error.get('message')}" if error else execution.status.lower()
        raise CliError(f"execution {execution.id} {execution.status.lower()}: {where}{detail}",
                       WORKFLOW_FAILED, "execution_failed", quiet=as_json)

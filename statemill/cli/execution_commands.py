"""`statemill execution start|list|inspect|logs|cancel|approve|reject|redrive`."""

import getpass

import click

from statemill.control import logs, runs
from statemill.control.executions import Execution
from statemill.control.inputs import load_file, parse_assignments

from .control_context import reports_control_errors, target_of
from .output import print_json, stderr, stdout
from .progress import task_table
from .run_command import report_execution


@click.group()
def execution() -> None:
    """Executions of the target's workflows."""


@execution.command()
@click.argument("workflow_id", metavar="ID")
@click.option("-i", "--input", "assignments", multiple=True, metavar="KEY=VALUE",
              help="An input; VALUE is JSON when it parses (-i n=5), else text. Repeatable.")
@click.option("--input-file", type=click.Path(dir_okay=False), help="Inputs from a JSON or YAML file.")
@click.option("--wait", is_flag=True, help="Wait for the end; print the outputs (exit 1 if it failed).")
@click.pass_obj
@reports_control_errors
def start(obj: dict, workflow_id: str, assignments: tuple[str, ...], input_file: str | None, wait: bool) -> None:
    """Start a workflow; prints the execution id."""
    target = target_of(obj)
    values = load_file(input_file) if input_file else {}
    values.update(parse_assignments(assignments))
    found = runs.find(target, runs.start(target, workflow_id, values))
    if not wait:
        if obj["json"]:
            print_json({"id": found.description["name"], "arn": found.arn, "workflow": found.workflow.name})
        else:
            stdout.out(found.description["name"])
        return
    result = runs.wait(target, found)
    if not obj["json"]:
        stderr.print(task_table(result))
    report_execution(result, obj["json"])


@execution.command(name="list")
@click.option("--workflow", "workflow_id", metavar="ID", help="Only this workflow's executions.")
@click.option("--status", type=click.Choice(sorted(runs.STATUS_FILTER), case_sensitive=False))
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.pass_obj
@reports_control_errors
def list_command(obj: dict, workflow_id: str | None, status: str | None, limit: int) -> None:
    """The newest executions first."""
    items = runs.list_executions(target_of(obj), workflow_id, status.upper() if status else None, limit)
    if obj["json"]:
        print_json(items)
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("execution", "workflow", "status", "started", "stopped"):
        table.add_column(column, overflow="fold")  # ids are copied: never cut them
    for item in items:
        table.add_row(item["id"], item["workflow"], item["status"].lower(), item["start_time"] or "",
                      item["stop_time"] or "")
    stdout.print(table)


@execution.command()
@click.argument("reference", metavar="EXEC")
@click.pass_obj
@reports_control_errors
def inspect(obj: dict, reference: str) -> None:
    """Per-task status, timings, error and outputs."""
    result = runs.inspect(target_of(obj), reference)
    if obj["json"]:
        print_json(result.to_dict())
    else:
        _print_execution(result)


def _print_execution(result: Execution) -> None:
    version = f" (version {result.version})" if result.version else ""
    stdout.print(f"[bold]{result.id}[/]  {result.workflow}{version}  {result.status.lower()}")
    if result.start_time:
        stop = result.stop_time.isoformat(timespec="seconds") if result.stop_time else "…"
        seconds = f"  {(result.stop_time - result.start_time).total_seconds():.2f}s" if result.stop_time else ""
        stdout.print(f"{result.start_time.isoformat(timespec='seconds')} → {stop}{seconds}")
    stdout.print(task_table(result))
    if result.error:
        task = f"task '{result.error['task']}': " if result.error.get("task") else ""
        stdout.print(f"[red]error:[/] {task}{result.error.get('type')}: {result.error.get('message')}",
                     markup=True, highlight=False)
    if result.outputs is not None:
        stdout.print("[bold]outputs[/]")
        stdout.print_json(data=result.outputs)


@execution.command(name="logs")
@click.argument("reference", metavar="EXEC")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new lines until the execution ends.")
@click.pass_obj
@reports_control_errors
def logs_command(obj: dict, reference: str, follow: bool) -> None:
    """The task log lines of an execution."""
    target = target_of(obj)
    found = runs.find(target, reference)
    lines = logs.follow(target, found.arn) if follow else logs.reader(target, found.arn).new_lines()
    if obj["json"] and not follow:
        print_json(lines)
        return
    for line in lines:
        if obj["json"]:
            print_json(line)  # one object per line as they come
        else:
            stdout.print(_log_line(line), markup=False, highlight=False)


def _log_line(line: dict) -> str:
    parts = [str(line.get(key, "")) for key in ("timestamp", "level", "task")]
    return " ".join([*filter(None, parts), str(line.get("message", ""))])


@execution.command()
@click.argument("reference", metavar="EXEC")
@click.pass_obj
@reports_control_errors
def cancel(obj: dict, reference: str) -> None:
    """Stop a running execution (status CANCELLED)."""
    _print_done(obj, runs.cancel(target_of(obj), reference), "cancelled")


@execution.command()
@click.argument("reference", metavar="EXEC")
@click.argument("task")
@click.option("--comment", default="", help="Why; the approval task outputs it.")
@click.pass_obj
@reports_control_errors
def approve(obj: dict, reference: str, task: str, comment: str) -> None:
    """Approve the core/approval task TASK the execution waits on."""
    found = runs.answer(target_of(obj), reference, task, approved=True, by=getpass.getuser(), comment=comment)
    _print_done(obj, found, "approved")


@execution.command()
@click.argument("reference", metavar="EXEC")
@click.argument("task")
@click.option("--comment", default="", help="Why; it becomes the task's error message.")
@click.pass_obj
@reports_control_errors
def reject(obj: dict, reference: str, task: str, comment: str) -> None:
    """Reject the core/approval task TASK: it fails with Statemill.Rejected."""
    found = runs.answer(target_of(obj), reference, task, approved=False, by=getpass.getuser(), comment=comment)
    _print_done(obj, found, "rejected")


@execution.command()
@click.argument("reference", metavar="EXEC")
@click.pass_obj
@reports_control_errors
def redrive(obj: dict, reference: str) -> None:
    """Resume a failed execution from its failed states (AWS and LocalStack)."""
    _print_done(obj, runs.redrive(target_of(obj), reference), "redriven")


def _print_done(obj: dict, found: runs.Found, action: str) -> None:
    if obj["json"]:
        print_json({"id": found.description["name"], "arn": found.arn, "action": action})
    else:
        stderr.print(f"{action} {found.description['name']}")

"""`statemill workflow apply|delete|enable|disable|list|describe`."""

import click

from statemill.control import workflows

from .control_context import reports_control_errors, target_of
from .output import print_json, stderr, stdout


@click.group()
def workflow() -> None:
    """Workflows deployed on the target."""


@workflow.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.pass_obj
@reports_control_errors
def apply(obj: dict, files: tuple[str, ...]) -> None:
    """Compile and deploy workflows (create, or update when changed)."""
    applied = workflows.apply(target_of(obj), list(files))
    if obj["json"]:
        print_json([a.to_dict() for a in applied])
        return
    for result in applied:
        style = "dim" if result.change == "unchanged" else "green"
        stderr.print(f"[{style}]{result.change}[/] {result.record.name} (version {result.record.version})")


@workflow.command()
@click.argument("workflow_id", metavar="ID")
@click.pass_obj
@reports_control_errors
def delete(obj: dict, workflow_id: str) -> None:
    """Delete a workflow's state machine and registry rows (its executions' history stays)."""
    record = workflows.delete(target_of(obj), workflow_id)
    if obj["json"]:
        print_json({"namespace": record.namespace, "id": record.id, "deleted": True})


def _set_enabled(obj: dict, workflow_id: str, enabled: bool) -> None:
    record = workflows.set_enabled(target_of(obj), workflow_id, enabled)
    if obj["json"]:
        print_json(record.to_dict())


@workflow.command()
@click.argument("workflow_id", metavar="ID")
@click.pass_obj
@reports_control_errors
def enable(obj: dict, workflow_id: str) -> None:
    """Let the workflow start again."""
    _set_enabled(obj, workflow_id, True)


@workflow.command()
@click.argument("workflow_id", metavar="ID")
@click.pass_obj
@reports_control_errors
def disable(obj: dict, workflow_id: str) -> None:
    """Refuse new executions (running ones go on) until enabled or re-applied."""
    _set_enabled(obj, workflow_id, False)


@workflow.command(name="list")
@click.pass_obj
@reports_control_errors
def list_command(obj: dict) -> None:
    """Every workflow of the target (of --namespace, when given)."""
    records = workflows.list_workflows(target_of(obj))
    if obj["json"]:
        print_json([r.to_dict() for r in records])
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("workflow", "version", "enabled", "applied"):
        table.add_column(column, style="bold" if column == "workflow" else "", overflow="fold")
    for record in records:
        table.add_row(record.name, record.version, "yes" if record.enabled else "[yellow]no[/]", record.applied_at)
    stdout.print(table)


@workflow.command()
@click.argument("workflow_id", metavar="ID")
@click.pass_obj
@reports_control_errors
def describe(obj: dict, workflow_id: str) -> None:
    """A workflow: version, state, tasks, inputs and the YAML that was applied."""
    details = workflows.describe(target_of(obj), workflow_id)
    if obj["json"]:
        print_json(details)
        return
    rows = [("workflow", f"{details['namespace']}/{details['id']}"), ("description", details["description"]),
            ("version", details["version"]), ("enabled", "yes" if details["enabled"] else "no"),
            ("applied", details["applied_at"]), ("state machine", details["state_machine_arn"]),
            ("tasks", ", ".join(details["tasks"])),
            ("inputs", ", ".join((details["input_schema"] or {}).get("properties", {})) or "none")]
    for label, value in rows:
        if value:
            stdout.print(f"[bold]{label:<14}[/] {value}", soft_wrap=True)
    for trigger in details["triggers"]:
        if trigger["type"] == "cron":
            stdout.print(f"[bold]{'cron':<14}[/] {trigger['cron']} ({trigger['timezone']}), next: "
                         + ", ".join(trigger["next"]), soft_wrap=True)
        else:
            stdout.print(f"[bold]{'webhook':<14}[/] {trigger['method']} {trigger['url_path']} "
                         f"(auth {trigger['auth']}): statemill webhook show {details['id']}", soft_wrap=True)
    stdout.print()
    stdout.out(details["yaml"], end="")

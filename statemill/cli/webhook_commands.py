"""`statemill webhook show ID`: what a sender needs to call a workflow's webhook."""

import click

from statemill.control import webhooks

from .control_context import reports_control_errors, target_of
from .output import print_json, stdout


@click.group()
def webhook() -> None:
    """Webhooks of the workflows on the target."""


@webhook.command()
@click.argument("workflow_id", metavar="ID")
@click.option("--path", default=None, help="Which webhook, when the workflow has several.")
@click.pass_obj
@reports_control_errors
def show(obj: dict, workflow_id: str, path: str | None) -> None:
    """URL, method, auth and the secret to sign deliveries with."""
    details = webhooks.show(target_of(obj), workflow_id, path)
    if obj["json"]:
        print_json(details)
        return
    for label in ("url", "method", "auth", "secret"):
        if details[label] is not None:
            stdout.print(f"[bold]{label:<7}[/] {details[label]}", soft_wrap=True)

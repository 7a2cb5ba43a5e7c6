"""`statemill secret set NAME | list | delete NAME`: values come from stdin, never from argv."""

import sys

import click

from statemill.control import secrets

from .control_context import reports_control_errors, target_of
from .output import print_json, stdout


@click.group()
def secret() -> None:
    """Secrets workflows read as {{ secrets.NAME }} (in --namespace, else 'default')."""


@secret.command(name="set")
@click.argument("name")
@click.pass_obj
@reports_control_errors
def set_command(obj: dict, name: str) -> None:
    """Create or replace secret NAME; its value is read from stdin."""
    if sys.stdin.isatty():
        value = click.prompt(f"value of {name}", hide_input=True, err=True)
    else:
        # `echo value |` adds a line end nobody means to keep.
        value = sys.stdin.read().removesuffix("\n").removesuffix("\r")
    namespace = secrets.set_secret(target_of(obj), name, value)
    if obj["json"]:
        print_json({"namespace": namespace, "name": name})


@secret.command(name="list")
@click.pass_obj
@reports_control_errors
def list_command(obj: dict) -> None:
    """Names and update times (never values), of one namespace or of all."""
    found = secrets.list_secrets(target_of(obj))
    if obj["json"]:
        print_json([{"namespace": s.namespace, "name": s.name, "updated": s.updated.isoformat()}
                    for s in found])
        return
    for s in found:
        stdout.out(f"{s.namespace}/{s.name}  updated {s.updated:%Y-%m-%d %H:%M:%S %Z}".rstrip())


@secret.command()
@click.argument("name")
@click.pass_obj
@reports_control_errors
def delete(obj: dict, name: str) -> None:
    """Delete secret NAME (exit 3 when there is none)."""
    namespace = secrets.delete_secret(target_of(obj), name)
    if obj["json"]:
        print_json({"namespace": namespace, "name": name, "deleted": True})

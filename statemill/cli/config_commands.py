"""`statemill config set KEY VALUE | get KEY | list` (STATEMILL_HOME/config.json)."""

import click

from statemill.control import config
from statemill.home import home_dir

from .control_context import reports_control_errors
from .errors import NOT_FOUND, CliError
from .output import print_json, stdout


@click.group(name="config")
def config_group() -> None:
    """Settings kept in STATEMILL_HOME: target, namespace, region, stage."""


@config_group.command(name="set")
@click.argument("key", type=click.Choice(list(config.KEYS)))
@click.argument("value")
@click.pass_obj
@reports_control_errors
def set_command(obj: dict, key: str, value: str) -> None:
    """Set KEY to VALUE."""
    config.set_value(home_dir(), key, value)
    if obj["json"]:
        print_json({key: value})


@config_group.command(name="get")
@click.argument("key", type=click.Choice(list(config.KEYS)))
@click.pass_obj
@reports_control_errors
def get_command(obj: dict, key: str) -> None:
    """Print the value of KEY (exit 3 when it is not set)."""
    value = config.get(home_dir(), key)
    if value is None:
        raise CliError(f"{key} is not set: statemill config set {key} VALUE", NOT_FOUND, "not_found")
    if obj["json"]:
        print_json({key: value})
    else:
        stdout.out(value)


@config_group.command(name="list")
@click.pass_obj
@reports_control_errors
def list_command(obj: dict) -> None:
    """Every key that is set."""
    values = config.load(home_dir())
    if obj["json"]:
        print_json(values)
        return
    for key, value in sorted(values.items()):
        stdout.out(f"{key} = {value}")

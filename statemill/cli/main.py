"""The `statemill` command: global options, command registration, error handling."""

import sys

import click

from . import (
    compile_commands,
    config_commands,
    execution_commands,
    plugin_commands,
    run_command,
    secret_commands,
    server_commands,
    webhook_commands,
    workflow_commands,
)
from .errors import INVALID, PLATFORM, CliError
from .output import print_error, print_json


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
# No default here: the target settings choose between STATEMILL_TARGET, the config file and local.
@click.option("--target", type=click.Choice(["local", "localstack", "aws"]), default=None,
              help="Where workflows run [default: STATEMILL_TARGET, else `config set target`, else local].")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--namespace", default=None, help="Namespace of the workflows to act on.")
@click.version_option(package_name="statemill")
@click.pass_context
def cli(ctx: click.Context, target: str, as_json: bool, namespace: str | None) -> None:
    """Statemill: YAML workflows compiled to AWS Step Functions."""
    ctx.obj = {"target": target, "json": as_json, "namespace": namespace}


for command in (*compile_commands.COMMANDS, run_command.run, *server_commands.COMMANDS,
                *workflow_commands.COMMANDS, *execution_commands.COMMANDS, *config_commands.COMMANDS,
                *webhook_commands.COMMANDS, *secret_commands.COMMANDS, *plugin_commands.COMMANDS):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    as_json = "--json" in args
    if as_json:
        # `--json` is global, but people write it last (`statemill compile f.yaml --json`).
        args = ["--json", *(arg for arg in args if arg != "--json")]
    try:
        result = cli.main(args=args, prog_name="statemill", standalone_mode=False)
    except CliError as exc:
        _report(exc, as_json)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        print_error("aborted")
        return INVALID
    except click.ClickException as exc:
        _report(CliError(exc.format_message(), INVALID, "usage"), as_json)
        return INVALID
    except KeyboardInterrupt:
        print_error("interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 -- last resort: a clear line instead of a traceback
        _report(CliError(f"unexpected {type(exc).__name__}: {exc}", PLATFORM, "internal"), as_json)
        return PLATFORM
    return result if isinstance(result, int) else 0


def _report(exc: CliError, as_json: bool) -> None:
    if exc.quiet:
        return
    if as_json:
        print_json(exc.to_json())
    else:
        print_error(exc.message, exc.details)


if __name__ == "__main__":
    sys.exit(main())

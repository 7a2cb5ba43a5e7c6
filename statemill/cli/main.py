"""The `statemill` command: global options, command registration, error handling."""

import importlib
import sys

import click

from .errors import INVALID, PLATFORM, CliError
from .output import print_error, print_json

# Command -> "module:attribute": only the module of the command being run is imported.
COMMANDS = {
    "validate": "compile_commands:validate",
    "compile": "compile_commands:compile_command",
    "graph": "compile_commands:graph",
    "schema": "compile_commands:schema_command",
    "run": "run_command:run",
    "server": "server_commands:server",
    "workflow": "workflow_commands:workflow",
    "execution": "execution_commands:execution",
    "config": "config_commands:config_group",
    "webhook": "webhook_commands:webhook",
    "secret": "secret_commands:secret",
    "plugin": "plugin_commands:plugin",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, _, attribute = COMMANDS[name].partition(":")
        return getattr(importlib.import_module(f"{__package__}.{module}"), attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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

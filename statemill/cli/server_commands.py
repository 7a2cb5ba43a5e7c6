"""`statemill server start [--port] [--detach] | stop | status`: the long-lived local target."""

import click

from statemill.home import home_dir
from statemill.local import server_process
from statemill.local.server import DEFAULT_PORT

from .control_context import reports_control_errors
from .errors import PLATFORM, CliError
from .output import print_json, stderr, stdout


@click.group()
def server() -> None:
    """The local server: the local target's endpoint, on one port."""


@server.command()
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@click.option("--detach", is_flag=True, help="Run in the background; return once it answers.")
@click.pass_obj
@reports_control_errors
def start(obj: dict, port: int, detach: bool) -> None:
    """Start the local server (in the foreground until Ctrl-C, or --detach)."""
    home = home_dir()
    if detach:
        record = server_process.start_detached(port, home)
        _print_status(obj, record, home)
        return
    running = server_process.status(home)
    if running is not None:
        raise CliError(f"the local server is already running on port {running.port} (pid {running.pid}): "
                       "statemill server stop", PLATFORM, "platform")
    from statemill.local.server import PortInUse, serve  # moto: only when a server starts here

    def ready(record) -> None:
        if obj["json"]:
            print_json(_status_dict(record, home))
        else:
            stderr.print(f"statemill local server on {record.endpoint_url} (pid {record.pid}); Ctrl-C stops it")
    try:
        serve(port, home, ready)
    except PortInUse as exc:
        raise CliError(str(exc), PLATFORM, "platform") from None


@server.command()
@click.pass_obj
@reports_control_errors
def stop(obj: dict) -> None:
    """Stop the local server (SIGTERM, then wait)."""
    record = server_process.stop(home_dir())
    if obj["json"]:
        print_json({"running": False, "pid": record.pid, "port": record.port})
    else:
        stderr.print(f"stopped the local server (pid {record.pid}, port {record.port})")


@server.command()
@click.pass_obj
def status(obj: dict) -> None:
    """Whether the local server runs, with its port and pid."""
    home = home_dir()
    _print_status(obj, server_process.status(home), home)


def _status_dict(record, home) -> dict:
    if record is None:
        return {"running": False, "port": None, "pid": None, "endpoint": None, "home": str(home)}
    return {"running": True, "port": record.port, "pid": record.pid, "endpoint": record.endpoint_url,
            "home": str(home)}


def _print_status(obj: dict, record, home) -> None:
    if obj["json"]:
        print_json(_status_dict(record, home))
    elif record is None:
        stdout.print("not running")
    else:
        stdout.print(f"running on {record.endpoint_url} (port {record.port}, pid {record.pid})")

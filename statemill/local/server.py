"""The local server: a long-lived local target on one port (`statemill server start`).

moto's AWS APIs (Step Functions running state machines, DynamoDB, S3, STS) with Statemill's
moto patches; Lambda tasks run in this process and reach DynamoDB and S3 of this same
server over HTTP, as they would reach AWS. Statemill's own routes sit beside moto's on the
same port (ROUTES). Run it with `python -m statemill.local.server --port N`: it writes its
record in STATEMILL_HOME once it answers and removes it when it stops.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from statemill import platform
from statemill.home import ServerRecord, home_dir, remove_server_record, write_server_record
from statemill.local.logs import ExecutionLogs
from statemill.local.scheduler import LocalScheduler

DEFAULT_PORT = 4599
HOST = "127.0.0.1"
STAGE = "local"
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
LOGS_ROUTE = "/statemill/logs/"
HEALTH_ROUTE = "/statemill/health"
WEBHOOK_ROUTE = "/hooks/"

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]


class PortInUse(OSError):
    """Another process listens on the port."""


def server_environment(port: int) -> dict[str, str]:
    """What this process needs: moto calls itself back on MOTO_PORT, the handlers' boto3
    clients go to AWS_ENDPOINT_URL (this server) and find the platform's tables and bucket."""
    from statemill.platform import platform_environment

    return {"MOTO_PORT": str(port), "AWS_ENDPOINT_URL": f"http://{HOST}:{port}",
            "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
            # Metrics are for CloudWatch; locally they would only flood the server's log.
            "POWERTOOLS_METRICS_DISABLED": "true", **platform_environment(STAGE),
            # Secrets come from the encrypted store `statemill secret set` writes.
            platform.ENV_SECRET_STORE: platform.FILE_SECRET_STORE + str(home_dir())}


def _json_response(start_response: Callable, status: str, body: Any) -> list[bytes]:
    data = json.dumps(body, default=str).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def logs_app(logs: ExecutionLogs) -> WsgiApp:
    """GET /statemill/logs/<execution ARN>?after=N: the runtime's log lines from the N-th on
    (locally there is no CloudWatch)."""
    def app(environ: dict, start_response: Callable) -> list[bytes]:
        arn = unquote(environ["PATH_INFO"][len(LOGS_ROUTE):])
        try:
            after = int(parse_qs(environ.get("QUERY_STRING", "")).get("after", ["0"])[0])
        except ValueError:
            return _json_response(start_response, "400 Bad Request", {"error": "after must be an integer"})
        lines = logs.lines(arn)
        return _json_response(start_response, "200 OK", {"lines": lines[after:], "next": len(lines)})
    return app


def health_app(environ: dict, start_response: Callable) -> list[bytes]:
    return _json_response(start_response, "200 OK", {"status": "ok", "pid": os.getpid()})


class Dispatcher:
    """Statemill's routes by path prefix; every other request goes to moto."""

    def __init__(self, moto_app: WsgiApp, routes: dict[str, WsgiApp]):
        self._moto_app = moto_app
        self._routes = routes

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        for prefix, app in self._routes.items():
            if path.startswith(prefix):
                return app(environ, start_response)
        return self._moto_app(environ, start_response)


def build_app(logs: ExecutionLogs, extra_routes: dict[str, WsgiApp] | None = None) -> WsgiApp:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from statemill.local.webhook_route import webhook_app

    # The control API of a later issue mounts here too.
    routes = {LOGS_ROUTE: logs_app(logs), HEALTH_ROUTE: health_app, WEBHOOK_ROUTE: webhook_app(),
              **(extra_routes or {})}
    return Dispatcher(DomainDispatcherApplication(create_backend_app), routes)


def build_scheduler(session) -> tuple[LocalScheduler, dict[str, WsgiApp]]:
    """The scheduler of cron triggers (on a fake clock, with its route, under STATEMILL_FAKE_CLOCK)."""
    from statemill.control.trigger_starts import PlatformClients, start_scheduled
    from statemill.local import fake_clock_route

    clients = PlatformClients()
    clock = fake_clock_route.fake_clock(os.environ)
    scheduler = LocalScheduler(session.client("scheduler"), platform.resource_name(STAGE, platform.SCHEDULE_GROUP),
                               lambda event: start_scheduled(event, clients), clock)
    routes = {fake_clock_route.ROUTE: fake_clock_route.clock_app(scheduler, clock)} if clock else {}
    return scheduler, routes


def prepare_engine(port: int) -> ExecutionLogs:
    """Environment, moto patches with the platform's functions routed in-process, logs kept."""
    os.environ.update(server_environment(port))
    # We install flask ourselves and need none of moto[server]'s other extras.
    warnings.filterwarnings("ignore", message="When using MotoServer")
    # One line per request, and the interpreter's internals on every failed state: the
    # history and `execution logs` say it all.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)
    from moto.moto_api import _internal as moto_api

    from statemill.local import moto_patches
    from statemill.local.functions import FunctionRoutes, platform_entrypoints

    moto_api.moto_api_backend.set_config({"stepfunctions": {"execute_state_machine": True}})
    # Lambda functions are named as on AWS (statemill-local-task-runner), so ARNs match.
    routes = FunctionRoutes(
        lambda name: f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}",
        {platform.resource_name(STAGE, name): handler for name, handler in platform_entrypoints().items()})
    moto_patches.apply(routes.invoke)
    logs = ExecutionLogs()
    logs.attach()
    return logs


def serve(port: int, home: Path, on_ready: Callable[[ServerRecord], None] = lambda record: None) -> None:
    """Serve until SIGTERM or SIGINT; the record in `home` exists exactly while it answers."""
    import boto3
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    from statemill.local.provision import provision_platform, provision_plugins

    logs = prepare_engine(port)
    session = boto3.session.Session(region_name=REGION)
    scheduler, scheduler_routes = build_scheduler(session)
    try:
        server = make_server(HOST, port, build_app(logs, scheduler_routes), threaded=True,
                             request_handler=MotoRequestHandler)
    except OSError as exc:
        raise PortInUse(f"port {port} is in use ({exc.strerror}): statemill server start --port N") from None
    threading.Thread(target=server.serve_forever, name="statemill-server", daemon=True).start()
    provision_platform(session, STAGE)
    provision_plugins(session, STAGE, home)
    scheduler.start()
    stopping = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stopping.set())
    record = ServerRecord(pid=os.getpid(), port=port)
    write_server_record(home, record)
    try:
        on_ready(record)
        stopping.wait()
    finally:
        remove_server_record(home, record.pid)
        scheduler.stop()
        server.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m statemill.local.server")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    try:
        serve(args.port, home_dir(), lambda record: print(f"statemill local server on {record.endpoint_url}",
                                                          flush=True))
    except PortInUse as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 4
    return 0


if __name__ == "__main__":
    sys.exit(main())

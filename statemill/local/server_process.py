"""Start (detached), stop and query the local server process, through its record in STATEMILL_HOME.

Imports nothing heavy: `statemill server status|stop` must answer at once.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from statemill.control.errors import PlatformUnavailable
from statemill.home import SERVER_LOG, ServerRecord, process_alive, read_server_record
from statemill.local.server import HEALTH_ROUTE

START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
_POLL_SECONDS = 0.1


class ServerError(PlatformUnavailable):
    """The server could not be started or stopped."""


def free_port() -> int:
    """A loopback port nothing listens on now (for tests and benchmarks of the server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(record: ServerRecord, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(record.endpoint_url + HEALTH_ROUTE, timeout=timeout) as response:
            return json.load(response).get("pid") == record.pid
    except (OSError, ValueError):
        return False


def status(home: Path) -> ServerRecord | None:
    """The running server, if one answers."""
    record = read_server_record(home)
    return record if record is not None and answers(record) else None


def start_detached(port: int, home: Path, timeout: float = START_TIMEOUT_SECONDS) -> ServerRecord:
    """Start the server in its own session and return once it answers."""
    running = status(home)
    if running is not None:
        raise ServerError(f"the local server is already running on port {running.port} (pid {running.pid}): "
                          "statemill server stop")
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / SERVER_LOG
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "statemill.local.server", "--port", str(port)],
            env={**os.environ, "STATEMILL_HOME": str(home)}, stdin=subprocess.DEVNULL,
            stdout=log, stderr=log, start_new_session=True)  # outlives this command
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = read_server_record(home)
        if record is not None and record.pid == process.pid and answers(record):
            return record
        if process.poll() is not None:
            raise ServerError(f"the local server did not start: {_last_line(log_path)} (log: {log_path})")
        time.sleep(_POLL_SECONDS)
    process.terminate()
    raise ServerError(f"the local server did not answer within {timeout:.0f}s (log: {log_path})")


def stop(home: Path, timeout: float = STOP_TIMEOUT_SECONDS) -> ServerRecord:
    """SIGTERM, then wait until the process is gone."""
    record = read_server_record(home)
    if record is None:
        raise ServerError("the local server is not running")
    os.kill(record.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while process_alive(record.pid):
        if time.monotonic() >= deadline:
            raise ServerError(f"the local server (pid {record.pid}) did not stop within {timeout:.0f}s: "
                              f"kill {record.pid}")
        time.sleep(_POLL_SECONDS)
    return record


def _last_line(log_path: Path) -> str:
    try:
        lines = [line for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines() if line]
    except OSError:
        return "no log"
    return lines[-1] if lines else "no output"

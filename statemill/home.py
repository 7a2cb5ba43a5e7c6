"""STATEMILL_HOME (default ~/.statemill): the config file and the running local server's record.

Every command finds the local server through the record the server writes here once it
answers, and removes when it stops.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

ENV_HOME = "STATEMILL_HOME"
CONFIG_FILE = "config.json"
SERVER_FILE = "server.json"
SERVER_LOG = "server.log"


def home_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    return Path(env.get(ENV_HOME) or Path.home() / ".statemill").expanduser()


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (config and server record: CLI.md, mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


@dataclass(frozen=True)
class ServerRecord:
    pid: int
    port: int

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def write_server_record(home: Path, record: ServerRecord) -> None:
    write_private(home / SERVER_FILE, json.dumps(asdict(record)))


def remove_server_record(home: Path, pid: int) -> None:
    """Remove the record, unless another server has written its own since."""
    record = read_server_record(home)
    if record is not None and record.pid == pid:
        (home / SERVER_FILE).unlink(missing_ok=True)


def read_server_record(home: Path) -> ServerRecord | None:
    """The running server's record; None when there is none or its process is gone."""
    try:
        data = json.loads((home / SERVER_FILE).read_text(encoding="utf-8"))
        record = ServerRecord(pid=int(data["pid"]), port=int(data["port"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return record if process_alive(record.pid) else None


def process_alive(pid: int) -> bool:
    try:
        # A server this process started (tests, --detach) stays a zombie until reaped.
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass  # not our child: only the kernel can tell
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    return True

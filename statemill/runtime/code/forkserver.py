"""Python code tasks through one long-lived fork server (forkserver_python.py).

Each task still gets its own process — forked from a clean interpreter that has imported
nothing of ours, in its own session, with the same limits, scrubbed environment and empty
working directory as every other code task — without paying for an interpreter start.
"""

import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from statemill.runtime.code.sandbox import Limits, Outcome, scrubbed_environment
from statemill.runtime.errors import InternalError

SERVER = Path(__file__).with_name("forkserver_python.py")
BOOTSTRAP = Path(__file__).with_name("bootstrap_python.py")
# A code task's output files may not grow past this (a print loop must not fill the disk).
MAX_FILE_BYTES = 64 * 1024 * 1024
TAIL_LINES = 20


class ForkServer:
    def __init__(self) -> None:
        self._home = tempfile.mkdtemp(prefix="statemill-forkserver-")
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-S", str(SERVER), str(BOOTSTRAP)], cwd=self._home,
            env=scrubbed_environment(self._home), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            start_new_session=True)
        self._ids = itertools.count(1)
        self._waiting: dict[int, tuple[Future, Future]] = {}  # id -> (pid, exit status)
        self._lock = threading.Lock()
        threading.Thread(target=self._read_replies, daemon=True, name="statemill-forkserver").start()

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def run(self, runner_dir: Path, workdir: Path, limits: Limits, on_line) -> Outcome:
        request_id = next(self._ids)
        started, ended = Future(), Future()
        request = {"id": request_id, "dir": str(runner_dir), "workdir": str(workdir),
                   "address_space": limits.address_space_bytes, "file_size": MAX_FILE_BYTES}
        with self._lock:
            self._waiting[request_id] = (started, ended)
            self._process.stdin.write((json.dumps(request) + "\n").encode())
            self._process.stdin.flush()
        pid = started.result()
        try:
            returncode, timed_out = ended.result(timeout=limits.seconds), False
        except FutureTimeout:
            _kill_group(pid)
            returncode, timed_out = ended.result(), True
        _kill_group(pid)  # background children of the code must not outlive it
        return Outcome(returncode=returncode, timed_out=timed_out,
                       stderr_tail=_forward(runner_dir, on_line))

    def _read_replies(self) -> None:
        for line in self._process.stdout:
            reply = json.loads(line)
            started, ended = self._waiting[reply["id"]]
            if "pid" in reply:
                started.set_result(reply["pid"])
            else:
                del self._waiting[reply["id"]]
                ended.set_result(reply["exit"])
        failure = InternalError("the python fork server stopped unexpectedly")
        for started, ended in self._waiting.values():
            for future in (started, ended):
                if not future.done():
                    future.set_exception(failure)


def _forward(runner_dir: Path, on_line) -> list[str]:
    """Hand the code's output lines to `on_line`; return the last lines of stderr."""
    tail: list[str] = []
    for stream in ("stdout", "stderr"):
        with open(runner_dir / f"{stream}.txt", "rb") as output:
            for raw in output:
                line = raw.decode(errors="replace").rstrip("\r\n")
                on_line(stream, line)
                if stream == "stderr":
                    tail = (tail + [line])[-TAIL_LINES:]
    return tail


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


_server: ForkServer | None = None
_server_lock = threading.Lock()


def run_python(runner_dir: Path, workdir: Path, limits: Limits, on_line) -> Outcome:
    """Run the python task laid out in `runner_dir` (task.py, input.json) in a forked child."""
    global _server
    with _server_lock:
        if _server is None or not _server.alive:
            _server = ForkServer()
        server = _server
    return server.run(runner_dir, workdir, limits, on_line)

"""Run untrusted code in a child process with a time limit, a memory limit, a scrubbed
environment and an empty working directory; every line it prints is handed to `on_line`.
"""

import contextvars
import functools
import os
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

# Nothing of the function's own environment (credentials above all) reaches the child.
SCRUBBED_PATH = "/usr/local/bin:/usr/bin:/bin"
TAIL_LINES = 20
# Lines are read in pieces of at most this size, so a line without an end cannot eat memory.
MAX_LINE_BYTES = 64 * 1024
_READ_AFTER_EXIT_SECONDS = 5.0


@dataclass(frozen=True)
class Limits:
    seconds: float
    address_space_bytes: int


@dataclass
class Outcome:
    returncode: int
    timed_out: bool
    stdout: str = ""
    stdout_overflowed: bool = False
    stderr_tail: list[str] = field(default_factory=list)


def scrubbed_environment(workdir: str) -> dict[str, str]:
    return {"PATH": SCRUBBED_PATH, "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8"}


def run_sandboxed(
    argv: list[str],
    *,
    workdir: str,
    limits: Limits,
    on_line: Callable[[str, str], None],
    stdin: bytes | None = None,
    capture_stdout_bytes: int = 0,
) -> Outcome:
    """Run `argv` in `workdir`; `on_line(stream, line)` sees each stdout/stderr line as it comes.
    With `capture_stdout_bytes`, stdout is also returned (up to that many bytes)."""
    process = subprocess.Popen(
        _with_limits(argv, limits),
        cwd=workdir,
        env=scrubbed_environment(workdir),
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: a timeout kills its children too
    )
    outcome = Outcome(returncode=0, timed_out=False)
    captured: list[bytes] = []
    tail: deque[str] = deque(maxlen=TAIL_LINES)

    def read_stdout() -> None:
        size = 0
        for raw in _lines(process.stdout):
            on_line("stdout", _text(raw))
            if capture_stdout_bytes:
                size += len(raw)
                if size > capture_stdout_bytes:
                    outcome.stdout_overflowed = True
                else:
                    captured.append(raw)

    def read_stderr() -> None:
        for raw in _lines(process.stderr):
            line = _text(raw)
            tail.append(line)
            on_line("stderr", line)

    readers = [threading.Thread(target=read_stdout), threading.Thread(target=read_stderr)]
    if stdin is not None:
        readers.append(threading.Thread(target=_feed, args=(process.stdin, stdin)))
    for reader in readers:
        reader.daemon = True
        # Each reader keeps the caller's context: its log lines carry the task's ids and masking.
        reader.run = functools.partial(contextvars.copy_context().run, reader.run)
        reader.start()

    def expire() -> None:
        outcome.timed_out = True
        _kill_group(process.pid)

    # A timer, not wait(timeout=): that polls with sleeps and adds up to 50 ms to every task.
    deadline = threading.Timer(limits.seconds, expire)
    deadline.start()
    try:
        process.wait()
    finally:
        deadline.cancel()
    # Also after a normal exit: background children must not outlive the task.
    _kill_group(process.pid)
    process.wait()
    for reader in readers:
        reader.join(_READ_AFTER_EXIT_SECONDS)
    process.stdout.close()
    process.stderr.close()
    outcome.returncode = process.returncode
    outcome.stdout = b"".join(captured).decode(errors="replace")
    outcome.stderr_tail = list(tail)
    return outcome


def _with_limits(argv: list[str], limits: Limits) -> list[str]:
    """`argv` started by a shell that first applies the limits (setrlimit, via ulimit).

    Not preexec_fn: running Python between fork and exec can deadlock a threaded parent, and the
    local engine runs tasks on threads.
    """
    kib = limits.address_space_bytes // 1024
    return ["/bin/sh", "-c", f'ulimit -v {kib} && ulimit -c 0 && exec "$@"', "sandbox", *argv]


def _lines(pipe):
    return iter(lambda: pipe.readline(MAX_LINE_BYTES), b"")


def _feed(pipe, data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except (BrokenPipeError, OSError):
        pass  # the code did not read its input: that is its business


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _text(raw: bytes) -> str:
    return raw.decode(errors="replace").rstrip("\r\n")

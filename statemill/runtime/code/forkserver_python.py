"""The python fork server: `python -I -S forkserver_python.py <bootstrap.py>`.

Started once, it forks a fresh child for each python code task, so a task costs a fork
(~2 ms) instead of an interpreter start (~20 ms). Requests and replies are JSON lines:
  in:  {"id", "dir", "workdir", "address_space", "file_size"}
  out: {"id", "pid"} when the child starts, {"id", "exit"} when it ends.
Single-threaded on purpose: forking a process that runs threads is unsafe.
"""

import importlib.util
import json
import os
import resource
import select
import signal
import sys


def _load(path: str):
    spec = importlib.util.spec_from_file_location("bootstrap_python", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reply(message: dict) -> None:
    os.write(1, (json.dumps(message) + "\n").encode())  # unbuffered: children inherit no buffer


def _child(bootstrap, request: dict) -> None:
    """The task's process: its own session, files for output, its limits, then the code."""
    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        directory, workdir = request["dir"], request["workdir"]
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        for fd, name in ((1, "stdout.txt"), (2, "stderr.txt")):
            os.dup2(os.open(f"{directory}/{name}", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
        os.chdir(workdir)
        os.environ.update(HOME=workdir, TMPDIR=workdir)
        resource.setrlimit(resource.RLIMIT_AS, (request["address_space"],) * 2)
        resource.setrlimit(resource.RLIMIT_FSIZE, (request["file_size"],) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        bootstrap.main(directory)
        code = 0
    except BaseException:  # noqa: BLE001 -- the exit status reports it; nothing may escape
        code = 70
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def serve(bootstrap) -> None:
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so SIGCHLD wakes select()
    children: dict[int, int] = {}
    pending = b""
    while True:
        readable, _, _ = select.select([0, wake_read], [], [])
        if wake_read in readable:
            os.read(wake_read, 4096)
        if 0 in readable:
            data = os.read(0, 65536)
            if not data:
                return  # the runner went away: so do we
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                request = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    _child(bootstrap, request)
                children[pid] = request["id"]
                _reply({"id": request["id"], "pid": pid})
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            _reply({"id": children.pop(pid), "exit": os.waitstatus_to_exitcode(status)})


if __name__ == "__main__":
    serve(_load(sys.argv[1]))

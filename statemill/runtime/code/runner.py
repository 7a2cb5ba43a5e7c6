"""The code_runner_* functions: core/code tasks, each run in a sandboxed child process."""

import json
import signal
import tempfile
from pathlib import Path
from typing import Any

from statemill import platform
from statemill.runtime import observability
from statemill.runtime.code import forkserver, languages
from statemill.runtime.code.sandbox import Limits, Outcome, run_sandboxed
from statemill.runtime.errors import CodeError, InputError, Timeout
from statemill.runtime.invocation import Invocation, run_task
from statemill.runtime.services import Services
from statemill.runtime.settings import DEFAULT_CODE_TIMEOUT_SECONDS

ALIASES = {"js": "javascript", "ts": "typescript", "py": "python", "sh": "bash"}
# The function that runs each language: typescript is transpiled, then runs as javascript.
RUNNER_OF = {
    "python": "python",
    "javascript": "javascript",
    "typescript": "javascript",
    "bash": "bash",
}
MAX_STDOUT_OUTPUT_BYTES = 6 * 1024 * 1024
MAX_LOGGED_LINE = 8 * 1024


def run_code(call: Invocation, runner: str) -> Any:
    code = call.event.code or {}
    language = ALIASES.get(code.get("language"), code.get("language"))
    source = code.get("source")
    if language not in RUNNER_OF:
        raise InputError(f"code language must be one of {', '.join(RUNNER_OF)}, got {language!r}")
    if RUNNER_OF[language] != runner:
        raise InputError(
            f"{language} code runs on {platform.CODE_RUNNERS[RUNNER_OF[language]]}, "
            f"not on {platform.CODE_RUNNERS[runner]}"
        )
    if not isinstance(source, str) or not source.strip():
        raise InputError("the code task has no source")
    seconds = call.time_limit(call.event.timeout_seconds or DEFAULT_CODE_TIMEOUT_SECONDS)
    memory_mb = call.services.settings.code_memory_mb
    with tempfile.TemporaryDirectory(prefix="statemill-code-") as root:
        runner_dir, workdir = Path(root, "runner"), Path(root, "work")
        runner_dir.mkdir()
        workdir.mkdir()
        launch = languages.prepare(
            language, source, call.inputs, runner_dir, memory_mb, call.services.settings.esbuild
        )
        limits = Limits(seconds, (memory_mb + launch.extra_address_space_mb) << 20)
        if launch.forked:
            outcome = forkserver.run_python(runner_dir, workdir, limits, _log_line)
        else:
            outcome = run_sandboxed(
                launch.argv,
                workdir=str(workdir),
                limits=limits,
                on_line=_log_line,
                stdin=launch.stdin,
                capture_stdout_bytes=MAX_STDOUT_OUTPUT_BYTES if launch.output_on_stdout else 0,
            )
        if outcome.timed_out:
            raise Timeout(
                f"the {language} code did not finish within {seconds:g} s and was stopped"
            )
        if launch.output_on_stdout:
            return _stdout_output(language, outcome)
        return _bootstrap_output(language, outcome, languages.read_result(runner_dir), memory_mb)


def _stdout_output(language: str, outcome: Outcome) -> Any:
    if outcome.returncode != 0:
        raise CodeError(_exit_message(language, outcome))
    if outcome.stdout_overflowed:
        raise CodeError(f"the {language} code printed more than {MAX_STDOUT_OUTPUT_BYTES} bytes")
    try:
        return json.loads(outcome.stdout)
    except ValueError:
        return {"stdout": outcome.stdout.rstrip("\n")}


def _bootstrap_output(language: str, outcome: Outcome, result: dict | None, memory_mb: int) -> Any:
    if result and "ok" in result:
        return result["ok"]
    if result and "error" in result:
        error = result["error"]
        if error["type"] == "MemoryError":
            raise CodeError(f"the {language} code ran out of memory (limit {memory_mb} MiB)")
        raise CodeError("\n".join([f"{error['type']}: {error['message']}", *error["trace"]]))
    if outcome.returncode < 0:
        # Killed by a signal: V8 aborts, and the kernel kills, on memory exhaustion.
        number = -outcome.returncode
        raise CodeError(
            f"the {language} code was stopped by signal {number} ({signal.strsignal(number)}), "
            f"most likely because it exceeded its memory limit ({memory_mb} MiB)"
        )
    raise CodeError(_exit_message(language, outcome))


def _exit_message(language: str, outcome: Outcome) -> str:
    tail = "\n".join(outcome.stderr_tail[-5:])
    return f"the {language} code exited with status {outcome.returncode}" + (
        f":\n{tail}" if tail else ""
    )


def _log_line(stream: str, line: str) -> None:
    observability.logger().info(
        line[:MAX_LOGGED_LINE], extra={"stream": stream, "source": "core/code"}
    )


def _handler(runner: str):
    def handle(event: dict, context: Any = None, *, services: Services | None = None) -> Any:
        return run_task(
            event,
            context,
            lambda call: run_code(call, runner),
            function=platform.CODE_RUNNERS[runner],
            services=services,
        )

    handle.__name__ = f"handle_{runner}"
    return handle


handle_python = _handler("python")
handle_javascript = _handler("javascript")
handle_bash = _handler("bash")

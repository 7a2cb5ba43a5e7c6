"""core/code: python, javascript, typescript and bash, each in a limited, scrubbed child process."""

import os
import re
import subprocess
import time

import pytest

from statemill.runtime.code.runner import handle_bash, handle_javascript, handle_python
from statemill.runtime.errors import CodeError, InputError, Timeout

from .conftest import make_event, make_services

HANDLERS = {
    "python": handle_python,
    "javascript": handle_javascript,
    "typescript": handle_javascript,
    "bash": handle_bash,
}


def run(services, language, source, inputs=None, **fields):
    event = make_event(
        "core/code", inputs or {}, code={"language": language, "source": source}, **fields
    )
    return HANDLERS[language](event, services=services)


@pytest.mark.parametrize(
    "language, source, expected",
    [
        ("python", "def main(input):\n    return {'doubled': input['n'] * 2}\n", {"doubled": 42}),
        ("javascript", "export default (input) => ({ doubled: input.n * 2 })", {"doubled": 42}),
        ("javascript", "export default async (input) => { await null; return input.n + 1 }", 22),
        (
            "typescript",
            "export default (input: {n: number}): number[] => [input.n as number]",
            [21],
        ),
        ("bash", 'read -r line; echo "{\\"raw\\": $line}"', {"raw": {"n": 21}}),
        ("bash", "echo hello; echo world", {"stdout": "hello\nworld"}),
    ],
)
def test_each_language_follows_its_convention(services, language, source, expected):
    assert run(services, language, source, {"n": 21}) == expected


def test_ts_alias_runs_on_the_javascript_runner(services):
    assert run(services, "typescript", "export default (): string => 'ok'") == "ok"
    event = make_event("core/code", {}, code={"language": "ts", "source": "export default () => 1"})
    assert handle_javascript(event, services=services) == 1


def test_output_lines_go_to_the_execution_logs(services, log_lines):
    run(
        services,
        "python",
        "import sys\ndef main(input):\n    print('to stdout')\n    print('to stderr', file=sys.stderr)\n",
    )

    code_lines = [line for line in log_lines() if line.get("source") == "core/code"]
    assert {(line["stream"], line["message"]) for line in code_lines} == {
        ("stdout", "to stdout"),
        ("stderr", "to stderr"),
    }
    assert all(line["execution"].endswith(":run-1") and line["task"] == "t1" for line in code_lines)


def test_a_python_error_shows_the_users_traceback_only(services):
    source = "def helper(x):\n    return 1 / x\n\ndef main(input):\n    return helper(0)\n"

    with pytest.raises(CodeError) as failed:
        run(services, "python", source)

    message = str(failed.value)
    assert message.startswith("ZeroDivisionError: division by zero")
    assert 'File "task.py", line 5, in main' in message and "line 2, in helper" in message
    assert "bootstrap" not in message and "statemill" not in message


def test_a_javascript_error_shows_the_users_message(services):
    with pytest.raises(CodeError, match=r"^TypeError: nope\n.*task\.mjs:1"):
        run(services, "javascript", "export default () => { throw new TypeError('nope') }")


def test_typescript_that_does_not_compile_is_a_code_error(services):
    with pytest.raises(CodeError, match=r"(?s)does not compile:.*Expected \"\)\".*task\.ts:1:26"):
        run(services, "typescript", "export default (x: number => x")


def test_a_failing_bash_script_reports_its_status_and_stderr(services):
    with pytest.raises(CodeError, match=r"exited with status 3:\nsomething broke"):
        run(services, "bash", "echo something broke >&2; exit 3")


def test_code_that_loops_forever_is_stopped(services):
    started = time.monotonic()

    with pytest.raises(Timeout, match=r"the python code did not finish within 1 s and was stopped"):
        run(
            services,
            "python",
            "def main(input):\n    while True:\n        pass\n",
            timeout_seconds=1,
        )

    assert time.monotonic() - started < 10
    assert run(services, "python", "def main(input):\n    return 'still fine'\n") == "still fine"


def test_a_timeout_kills_background_children_too(services):
    marker = f"statemill-orphan-{os.getpid()}"
    with pytest.raises(Timeout):
        run(services, "bash", f"sleep 300 & exec -a {marker} sleep 300", timeout_seconds=1)

    time.sleep(0.2)
    assert (
        marker
        not in subprocess.run(
            ["ps", "-eo", "args"], capture_output=True, text=True, check=True
        ).stdout
    )


@pytest.mark.parametrize(
    "language, source, message",
    [
        (
            "python",
            "def main(input):\n    hog = []\n    while True:\n        hog.append(bytearray(50_000_000))\n",
            r"the python code ran out of memory \(limit 256 MiB\)",
        ),
        (
            "javascript",
            "export default () => { const hog = []; for (;;) hog.push(new Array(1e6).fill(1)) }",
            r"the javascript code was stopped by signal \d+ \(\w+\), most likely because it exceeded its memory limit \(256 MiB\)",
        ),
    ],
)
def test_code_that_allocates_without_bound_is_stopped(aws, language, source, message):
    limited = make_services(code_memory_mb=256)

    with pytest.raises(CodeError, match=message):
        run(limited, language, source, timeout_seconds=60)

    assert (
        run(limited, "python", "def main(input):\n    return len(bytearray(10_000_000))\n")
        == 10_000_000
    )


def test_code_cannot_read_the_parent_environment(services, monkeypatch):
    monkeypatch.setenv("STATEMILL_TEST_CANARY", "canary-value")
    read_canary = {
        "python": "import os\ndef main(input):\n    return os.environ['STATEMILL_TEST_CANARY']\n",
        "javascript": "export default () => { if (!process.env.STATEMILL_TEST_CANARY) throw new Error('no canary'); }",
        "bash": 'echo "${STATEMILL_TEST_CANARY:?no canary}"',
    }

    for language, source in read_canary.items():
        with pytest.raises(CodeError, match="STATEMILL_TEST_CANARY|no canary") as denied:
            run(services, language, source)
        assert "canary-value" not in str(denied.value)

    environment = run(
        services, "python", "import os\ndef main(input):\n    return dict(os.environ)\n"
    )
    assert "canary-value" not in environment.values()
    assert not {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} & set(environment)


def test_code_starts_in_an_empty_temporary_directory(services):
    where = run(
        services,
        "python",
        "import os\ndef main(input):\n    return [os.getcwd(), os.listdir('.')]\n",
    )

    assert where[1] == []
    assert where[0] != os.getcwd() and not os.path.exists(where[0])


def test_a_language_on_the_wrong_runner_is_an_input_error(services):
    event = make_event("core/code", {}, code={"language": "bash", "source": "echo hi"})

    with pytest.raises(
        InputError, match="bash code runs on code_runner_bash, not on code_runner_python"
    ):
        handle_python(event, services=services)


@pytest.mark.parametrize(
    "source, message",
    [
        (
            "def main(input):\n    return float('nan')\n",
            "ValueError: Out of range float values are not JSON compliant",
        ),
        (
            "def main(input):\n    return object()\n",
            "TypeError: Object of type object is not JSON serializable",
        ),
        (
            "import os\ndef main(input):\n    open('../runner/result.json', 'w').write('{\"error\": 1}')\n    os._exit(3)\n",
            "the python code exited with status 3",
        ),
        ("x = 1\n", "TypeError: the code must define main(input)"),
        ("def main(input) oops\n", "SyntaxError: expected ':' (task.py, line 1)"),
    ],
)
def test_python_results_that_are_not_json_are_code_errors(services, source, message):
    with pytest.raises(CodeError, match=re.escape(message)):
        run(services, "python", source)

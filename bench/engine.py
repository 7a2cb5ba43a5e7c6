"""Local engine benchmark: the public orchestrator benchmark end to end, warm latency and
throughput, each beside the same work in plain Python (the floor).

Run: .venv/bin/python bench/engine.py
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from statemachine_compiler import compile_source
from statemill.local.engine import LocalEngine
from statemill.local.session import LocalSession

# Prefect 3 running the 40-task flow locally on these machines (measured: 16-20 s).
PREFECT_40_TASKS_SECONDS = 16.0
FIB = "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"


def code_chain(count: int, n: int) -> str:
    """`count` sequential python code tasks, each computing fib(n) naively."""
    lines = [f"id: fib_{count}x{n}", "tasks:"]
    for i in range(count):
        lines += [f"  t{i}:", "    type: core/code", "    language: python", "    source: |"]
        lines += [f"      {line}" for line in (FIB + f"def main(input):\n    return fib({n})").splitlines()]
        if i:
            lines.append(f"    needs: [t{i - 1}]")
    return "\n".join(lines) + "\n"


def log_chain(count: int) -> str:
    lines = [f"id: log_{count}", "tasks:"]
    for i in range(count):
        lines += [f"  t{i}:", "    type: core/log", f"    inputs: {{message: step {i}}}"]
        if i:
            lines.append(f"    needs: [t{i - 1}]")
    return "\n".join(lines) + "\n"


def timed_process(argv: list[str], home: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env={**os.environ, "STATEMILL_HOME": str(home)})
    return time.perf_counter() - start


def end_to_end(folder: Path) -> None:
    print("public orchestrator benchmark, whole process from the command to its exit")
    print("  (first run: moto parses the definition, ~0.5 s for 40 states; then its parse is cached)")
    print(f"  {'workload':<34} {'first run':>10} {'next runs':>10} {'plain Python':>13} {'overhead/task':>14}")
    for count, n in ((40, 10), (10, 33)):
        flow = folder / f"fib_{count}x{n}.yaml"
        flow.write_text(code_chain(count, n))
        home = folder / f"home_{count}"
        command = [sys.executable, "-m", "statemill.cli.main", "run", str(flow), "--no-watch"]
        first = timed_process(command, home)
        cached = min(timed_process(command, home) for _ in range(3))
        floor = timed_process([sys.executable, "-c", FIB + f"for _ in range({count}): fib({n})"], home)
        print(f"  {f'{count} sequential python tasks, fib({n})':<34} {first:>9.2f}s {cached:>9.2f}s "
              f"{floor:>12.2f}s {(cached - floor) / count * 1000:>12.0f}ms")
        if count == 40:
            print(f"  vs Prefect 3 on the same flow ({PREFECT_40_TASKS_SECONDS:.0f} s, measured): "
                  f"{PREFECT_40_TASKS_SECONDS / first:.1f}x faster on a first run, "
                  f"{PREFECT_40_TASKS_SECONDS / cached:.1f}x after (target: at least 5x)")


def deploy(session: LocalSession, text: str):
    return session.deploy(compile_source(text), ROOT)


def warm(session: LocalSession) -> None:
    three = deploy(session, log_chain(3).replace("log_3", "three_tasks"))
    for _ in range(3):  # warm-up
        session.engine.run(three.arn, {"inputs": {}})
    latencies = []
    for _ in range(40):
        start = time.perf_counter()
        result = session.engine.run(three.arn, {"inputs": {}})
        latencies.append(time.perf_counter() - start)
        assert result.status == "SUCCEEDED", result
    latencies.sort()
    p90 = latencies[int(len(latencies) * 0.9) - 1]
    print("\nwarm engine, in-process (the local server adds one HTTP round trip per call)")
    print(f"  3-task workflow latency: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"p90 {p90 * 1000:.0f} ms (target: median under 50 ms; Prefect 3: 1.2 s)")

    forty = deploy(session, log_chain(40))
    session.engine.run(forty.arn, {"inputs": {}})
    start = time.perf_counter()
    session.engine.run(forty.arn, {"inputs": {}})
    per_task = (time.perf_counter() - start) / 40
    print(f"  per in-process task (40 sequential core/log): {per_task * 1000:.1f} ms (target: under 10 ms; "
          "plain Python floor: a function call, ~0 ms)")

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=32) as pool:
        arns = list(pool.map(lambda _: session.engine.start_execution(three.arn, {"inputs": {}}), range(200)))
    results = [session.engine.wait(arn, timeout=300) for arn in arns]
    elapsed = time.perf_counter() - start
    succeeded = sum(r.status == "SUCCEEDED" for r in results)
    print(f"  200 executions started at once: {succeeded}/200 succeeded in {elapsed:.1f} s "
          f"({200 / elapsed:.0f} executions/s)")


def server_latency(folder: Path) -> None:
    """The same 3-task workflow on `statemill server`: every call is an HTTP round trip."""
    from statemill.control import runs, target, workflows
    from statemill.local import server_process

    port = server_process.free_port()
    home = folder / "home"
    flow = folder / "three_tasks.yaml"
    flow.write_text(log_chain(3).replace("log_3", "three_tasks"))
    os.environ["STATEMILL_HOME"] = str(home)
    server_process.start_detached(port, home)
    try:
        settings = target.resolve("local")
        workflows.apply(settings, [flow])
        stepfunctions = settings.client("stepfunctions")
        latencies = []
        for _ in range(43):
            start = time.perf_counter()
            arn = runs.start(settings, "three_tasks", {})
            while stepfunctions.describe_execution(executionArn=arn)["status"] == "RUNNING":
                time.sleep(0.01)  # each describe costs the server CPU: poll as a client would
            latencies.append(time.perf_counter() - start)
        latencies = sorted(latencies[3:])  # the first runs warm the server up
        p90 = latencies[int(len(latencies) * 0.9) - 1]
        print("\nwarm local server (statemill server start), over HTTP")
        print(f"  3-task workflow latency: median {statistics.median(latencies) * 1000:.0f} ms, "
              f"p90 {p90 * 1000:.0f} ms (target: median under 50 ms; Prefect 3: 1.2 s)")
    finally:
        server_process.stop(home)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        end_to_end(Path(folder))
        server_latency(Path(folder))
    with LocalEngine() as engine:
        warm(LocalSession(engine))


if __name__ == "__main__":
    main()

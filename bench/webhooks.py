"""Webhook load on the local server, loopback only: N signed deliveries from C concurrent clients.

Starts its own server (free port, STATEMILL_HOME in a temporary folder), applies one webhook
workflow, sends the deliveries, then checks that every accepted delivery has exactly one
execution and none is lost. Prints throughput and latency percentiles.

    .venv/bin/python bench/webhooks.py [--deliveries 1000] [--clients 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HOST = "127.0.0.1"  # loopback only: nothing leaves this machine
TIME_LIMIT_SECONDS = 300
WORKFLOW = """
id: bench_hook
inputs:
  n: {type: integer, minimum: 0}
trigger:
  webhook: {path: /events, method: POST}
tasks:
  keep:
    type: core/transform
    inputs: {value: "{{ inputs.n }}"}
"""


def deliver(hook: dict, n: int, deadline: float) -> tuple[int, float, str | None]:
    from statemill.control.webhook_auth import sign

    body = json.dumps({"n": n}).encode()
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-Statemill-Timestamp": timestamp,
               "X-Statemill-Signature": sign(hook["secret"], timestamp, body),
               "X-Statemill-Delivery": f"bench-{n}"}
    request = urllib.request.Request(hook["url"], data=body, headers=headers, method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=max(1.0, min(30.0, deadline - time.monotonic()))) as response:
            answer = json.loads(response.read())
            return response.status, time.perf_counter() - started, answer["execution"]
    except urllib.error.HTTPError as error:
        return error.code, time.perf_counter() - started, None
    except OSError:
        return 0, time.perf_counter() - started, None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="statemill-bench-"))
    os.environ["STATEMILL_HOME"] = str(home)
    os.environ.pop("STATEMILL_TARGET", None)
    from statemill.control import runs, target, webhooks, workflows
    from statemill.local import server_process

    server_process.start_detached(server_process.free_port(), home)
    try:
        (home / "hook.yaml").write_text(WORKFLOW)
        settings = target.resolve("local")
        workflows.apply(settings, [home / "hook.yaml"])
        hook = webhooks.show(settings, "bench_hook")
        assert hook["url"].startswith(f"http://{HOST}:"), hook["url"]
        deadline = time.monotonic() + TIME_LIMIT_SECONDS
        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            results = list(pool.map(lambda n: deliver(hook, n, deadline), range(args.deliveries)))
        elapsed = time.perf_counter() - began
        accepted = [execution for status, _, execution in results if status == 202]
        listed = {e["id"] for e in runs.list_executions(settings, "bench_hook", limit=args.deliveries * 2)}
        latencies = sorted(latency for _, latency, _ in results)
        statuses: dict[int, int] = {}
        for status, _, _ in results:
            statuses[status] = statuses.get(status, 0) + 1
        print(f"{args.deliveries} deliveries from {args.clients} clients in {elapsed:.1f} s: "
              f"{args.deliveries / elapsed:.0f} deliveries/s; statuses {statuses}")
        print(f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
              f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
        lost = set(accepted) - listed
        print(f"accepted {len(accepted)}, distinct executions {len(set(accepted))}, executions listed "
              f"{len(listed)}, accepted but not found {len(lost)}")
        return 0 if len(set(accepted)) == len(accepted) == len(listed) and not lost else 1
    finally:
        server_process.stop(home)


if __name__ == "__main__":
    sys.exit(main())

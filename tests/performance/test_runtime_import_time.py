"""Cold start budget: importing a Lambda handler module costs at most 1.5x a bare `import boto3`.

Each import is timed in a fresh interpreter (nothing cached in sys.modules), alternating with
boto3 in the same run so that machine speed cancels out; the median of several rounds is used.
"""

import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from statemill import platform

FUNCTIONS_DIR = Path(__file__).resolve().parents[2] / "functions"
ROUNDS = 5
BUDGET_RATIO = 1.5

TIMER = """
import sys, time
sys.path.insert(0, {path!r})
started = time.perf_counter()
import {module}
print(time.perf_counter() - started)
"""


def import_seconds(module: str, path: str = "") -> float:
    code = TIMER.format(module=module, path=path)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout)


@pytest.mark.parametrize("function", [platform.TASK_RUNNER, *platform.CODE_RUNNERS.values()])
def test_handler_import_costs_at_most_one_and_a_half_boto3(function):
    handler_dir = str(FUNCTIONS_DIR / function)
    import_seconds("boto3")  # warm the OS file cache for both before measuring
    import_seconds("handler", handler_dir)
    boto3_times, handler_times = [], []
    for _ in range(ROUNDS):
        boto3_times.append(import_seconds("boto3"))
        handler_times.append(import_seconds("handler", handler_dir))

    ratio = statistics.median(handler_times) / statistics.median(boto3_times)

    assert ratio <= BUDGET_RATIO, (
        f"importing {function}'s handler takes {ratio:.2f}x a bare `import boto3` "
        f"(budget {BUDGET_RATIO}x): move heavy imports into the functions that need them"
    )

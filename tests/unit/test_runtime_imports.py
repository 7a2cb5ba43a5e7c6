"""What the Lambda handler modules may import: statemill.runtime ships inside Lambda, so never
the CLI, the local engine, the control plane, CDK or moto; and nothing heavy at import time."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from statemill import platform
from statemill.runtime.entrypoints import FUNCTIONS

FUNCTIONS_DIR = Path(__file__).resolve().parents[2] / "functions"
NEVER = ("statemill.cli", "statemill.local", "statemill.control", "aws_cdk", "moto")
NOT_AT_IMPORT = ("boto3", "botocore", "urllib3", "aws_lambda_powertools", "aws_xray_sdk", "extism")


def modules_after_importing(handler_dir: Path) -> set[str]:
    code = f"import sys, json; sys.path.insert(0, {str(handler_dir)!r}); import handler; print(json.dumps(list(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_handlers_import_nothing_forbidden_or_heavy(function):
    loaded = modules_after_importing(FUNCTIONS_DIR / function)

    def found(prefixes):
        return sorted(m for m in loaded if m.split(".")[0] in prefixes or m.startswith(prefixes))

    assert found(NEVER) == []
    assert found(NOT_AT_IMPORT) == []


def test_every_task_and_code_function_has_an_entrypoint_and_a_handler():
    expected = {platform.TASK_RUNNER, platform.PLUGIN_HOST, *platform.CODE_RUNNERS.values()}

    assert set(FUNCTIONS) == expected
    assert all((FUNCTIONS_DIR / name / "handler.py").exists() for name in expected)

"""The runtime layer's recipe: pins agree with pyproject.toml; building it is optional (downloads)."""

import os
import tomllib

import pytest

from tests.infra.conftest import repository

RECIPE = repository() / "layers" / "runtime" / "requirements.txt"


def _pins(lines) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.split("[")[0].lower()] = version
    return pins


def test_layer_pins_are_the_projects():
    project = tomllib.loads((repository() / "pyproject.toml").read_text())["project"]["dependencies"]
    layer = _pins(RECIPE.read_text().splitlines())
    assert {name: version for name, version in _pins(project).items() if name in layer} == layer


@pytest.mark.skipif(not os.environ.get("STATEMILL_TEST_LAYER_BUILD"),
                    reason="downloads wheels from PyPI: set STATEMILL_TEST_LAYER_BUILD=1")
def test_layer_builds_for_the_lambda_platform(tmp_path):
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("layer_build", repository() / "layers" / "build.py")
    layer_build = importlib.util.module_from_spec(spec)
    sys.modules["layer_build"] = layer_build
    spec.loader.exec_module(layer_build)
    target = layer_build.build("runtime", tmp_path)
    assert (target / "statemill" / "platform.py").is_file()
    assert any(path.name.endswith("x86_64-linux-gnu.so") for path in (target / "pydantic_core").iterdir())

"""Run with: pytest test_plugin.py (from the Statemill checkout's venv). Builds, then calls greet."""

from pathlib import Path

from statemill.plugins.build import build
from statemill.runtime.plugin_sandbox import CallContext, run_action


def test_greet(tmp_path):
    artifact = build(Path(__file__).parent, output=tmp_path)
    context = CallContext(artifact.manifest, {}, lambda *_: None)

    assert run_action(artifact, "greet", {"name": "Ada"}, context) == {"greeting": "Hello, Ada!"}

"""Plugins built once per test session (asc takes seconds each: two at a time), and a moto
platform with a plugin store to install them into."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pytest

from statemill.plugins.artifact import Artifact
from statemill.plugins.build import build
from statemill.plugins.store import PluginStore
from statemill.runtime.errors import SecretError
from tests.functional.task_runtime.conftest import (  # noqa: F401
    BUCKET,
    REGISTRY_TABLE,
    aws,
    make_event,
    make_services,
)

ROOT = Path(__file__).resolve().parents[3]
PLUGIN_SOURCES = {
    "text": ROOT / "plugins" / "text",
    "slack": ROOT / "plugins" / "slack",
    **{name: ROOT / "tests" / "fixtures" / "plugins" / name
       for name in ("network", "files", "config", "caller", "spin", "hog")},
}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """Each plugin's artifact directory (plugin.yaml + plugin.wasm)."""
    root = tmp_path_factory.mktemp("plugins")

    def one(name: str) -> tuple[str, Path]:
        output = root / name
        output.mkdir()
        build(PLUGIN_SOURCES[name], output=output, optimize=False)
        return name, output

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, PLUGIN_SOURCES))


class Secrets:
    def __init__(self, values: dict[str, str]):
        self.values = values

    def get(self, namespace: str, name: str) -> str:
        if name not in self.values:
            raise SecretError(f"secret '{name}' does not exist in namespace '{namespace}'")
        return self.values[name]


@pytest.fixture
def store(aws) -> PluginStore:  # noqa: F811 (the fixture, imported above)
    return PluginStore(boto3.client("s3"), boto3.client("dynamodb"), BUCKET, REGISTRY_TABLE)


def install(store: PluginStore, artifact: Artifact) -> dict:
    record, _ = store.publish(artifact)
    return {"name": record.name, "version": record.version, "sha256": record.sha256}


def plugin_event(pin: dict, action: str, inputs: dict, **fields) -> dict:
    return make_event(f"{pin['name']}.{action}", inputs, plugin={**pin, "action": action}, **fields)

"""Plugins on a target: install, list, remove (the store of statemill.plugins.store).

On the local target every install is kept in STATEMILL_HOME (statemill.plugins.home_plugins),
which `statemill run` and each start of the local server load, and reaches the running server
too: so `install` works with or without a server, and both see the same plugins.
"""

from __future__ import annotations

from pathlib import Path

from statemill import platform
from statemill.control import config
from statemill.control.errors import NotFound, Refused
from statemill.control.target import TargetSettings
from statemill.home import read_server_record
from statemill.plugins.artifact import read_artifact
from statemill.plugins.home_plugins import HomePlugins
from statemill.plugins.install import install as install_artifact
from statemill.plugins.manifest import ManifestError
from statemill.plugins.signing import SignatureError
from statemill.plugins.store import PluginNotFound, PluginRecord, PluginStore, PluginStoreError


def store_of(target: TargetSettings) -> PluginStore:
    return PluginStore(target.client("s3"), target.client("dynamodb"), target.resource(platform.BUCKET),
                       target.resource(platform.REGISTRY_TABLE.logical_name))


def trusted_keys(target: TargetSettings) -> dict[str, str]:
    setting = config.load(target.home).get("plugin_trusted_keys", "")
    pairs = [entry.split("=", 1) for entry in setting.split(",") if entry.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise config.ConfigError("plugin_trusted_keys must be NAME=BASE64 pairs separated by commas")
    return {name.strip(): key.strip() for name, key in pairs}


def install(target: TargetSettings, path: str | Path, sha256: str | None = None) -> tuple[PluginRecord, bool]:
    try:
        artifact = read_artifact(Path(path))
        keys = trusted_keys(target)
        if target.name != "local":
            return install_artifact(store_of(target), artifact, expected_sha256=sha256, trusted_keys=keys)
        record, new = install_artifact(HomePlugins(target.home), artifact, expected_sha256=sha256, trusted_keys=keys)
        if _server_running(target):
            store_of(target).publish(artifact, record.signer)
        return record, new
    except (ManifestError, SignatureError, PluginStoreError) as error:
        raise Refused(str(error)) from None


def list_plugins(target: TargetSettings) -> list[PluginRecord]:
    if target.name == "local":
        return HomePlugins(target.home).list()
    return store_of(target).list()


def remove(target: TargetSettings, reference: str) -> list[PluginRecord]:
    name, _, version = reference.partition("@")
    try:
        if target.name != "local":
            return store_of(target).remove(name, version or None)
        removed = HomePlugins(target.home).remove(name, version or None)
    except PluginNotFound as error:
        raise NotFound(str(error)) from None
    if _server_running(target):
        try:
            store_of(target).remove(name, version or None)
        except PluginNotFound:
            pass  # already removed on the server: nothing left to remove there
    return removed


def _server_running(target: TargetSettings) -> bool:
    return read_server_record(target.home) is not None

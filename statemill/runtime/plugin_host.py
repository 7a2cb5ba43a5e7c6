"""The plugin_host function: run the plugin action a task event pins, from the plugin store.

The event's `plugin` is {name, version, sha256, action} (pinned by `workflow apply` and
`statemill run`); the stored artifact must hash to that sha256, or nothing runs.
"""

from __future__ import annotations

from typing import Any

from statemill.platform import PLUGIN_HOST
from statemill.runtime.errors import InputError, PluginError
from statemill.runtime.invocation import Invocation, run_task
from statemill.runtime.services import Services

# Plugins calling plugins calling plugins…: a cycle would otherwise only end at the timeout.
MAX_CALL_DEPTH = 4


def run(call: Invocation) -> Any:
    pin = call.event.plugin or {}
    missing = [key for key in ("name", "version", "sha256", "action") if not isinstance(pin.get(key), str)]
    if missing:
        raise InputError(f"task '{call.event.task}' has no pinned plugin {', '.join(missing)}: install "
                         f"the plugin (statemill plugin install), then apply or run the workflow again")
    store = plugin_store(call.services)
    artifact = _load(store, pin["name"], pin["version"], pin["sha256"])
    return _run_action(call, store, artifact, pin["action"], call.inputs, depth=0)


def _run_action(call: Invocation, store, artifact, action: str, inputs: Any, depth: int) -> Any:
    from statemill.runtime import plugin_sandbox
    from statemill.runtime.plugin_io import check_output, plugin_config, split_inputs

    manifest = artifact.manifest
    if action not in manifest.actions:
        raise InputError(f"plugin {manifest.reference} has no action '{action}' "
                         f"(it has: {', '.join(sorted(manifest.actions))})")
    payload, config = split_inputs(manifest, action, inputs)
    config.update(plugin_config(manifest, call))

    def call_plugin(name: str, nested_action: str, nested_inputs: Any) -> Any:
        if depth + 1 >= MAX_CALL_DEPTH:
            raise PluginError(f"plugin calls nest deeper than {MAX_CALL_DEPTH} ({manifest.name} → {name})")
        record = store.installed(name)
        nested = _load(store, record.name, record.version, record.sha256)
        return _run_action(call, store, nested, nested_action, nested_inputs, depth + 1)

    def fetch(method: str, url: str, headers: dict, body: bytes | None):
        from statemill.runtime import http_client

        return http_client.fetch(method, url, guard=call.services.network, headers=headers, body=body,
                                 max_bytes=call.services.settings.http_max_response_bytes)

    context = plugin_sandbox.CallContext(manifest, config, call_plugin, fetch)
    limit = call.time_limit(manifest.permissions.timeout_seconds)
    output = plugin_sandbox.run_action(artifact, action, payload, context, time_limit=limit)
    check_output(manifest, action, output)
    return output


def _load(store, name: str, version: str, sha256: str):
    from statemill.plugins.store import ArtifactTampered, PluginNotFound

    try:
        return store.load(name, version, sha256)
    except (ArtifactTampered, PluginNotFound) as error:
        raise PluginError(str(error)) from None


def plugin_store(services: Services):
    from statemill.plugins.store import PluginStore

    settings = services.settings
    return PluginStore(services.s3, services.dynamodb, settings.require("bucket"),
                       settings.require("registry_table"))


def handle(event: dict, context: Any = None, *, services: Services | None = None) -> Any:
    return run_task(event, context, run, function=PLUGIN_HOST, services=services)

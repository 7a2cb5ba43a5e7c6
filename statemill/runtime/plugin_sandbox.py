"""Run one plugin action with Extism, under exactly the permissions its plugin.yaml declares.

Permissions map onto Extism's manifest: network.allowed_hosts -> allowed_hosts, filesystem ->
allowed_paths (a fresh empty directory per invocation, "ro:" when read-only), memory_mb ->
memory.max_pages, timeout -> timeout_ms. Config keys and plugin-to-plugin calls go through
Statemill's host functions (plugin_host_functions), which refuse anything undeclared.

Compiling a module costs ~40 ms; instantiating a compiled one ~1 ms. Compiled modules are kept
for the life of the process (warm Lambda invocations), each with its own scratch directories,
so concurrent invocations never share files.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statemill.plugins.artifact import Artifact
from statemill.plugins.manifest import Manifest
from statemill.runtime.errors import PluginError, StatemillError, Timeout

WASM_PAGE_BYTES = 64 * 1024
# Errors a plugin raises through the SDK's fail(kind, message): "Statemill.<Kind>: message".
GUEST_ERROR = re.compile(r"^Statemill\.(\w+): (.*)$", re.DOTALL)
GUEST_ERRORS_ALLOWED = {"PluginError", "PermissionDenied", "InputError", "HttpError"}


@dataclass
class CallContext:
    """What Statemill's host functions see during one call (Extism's host_context)."""

    manifest: Manifest
    config: dict[str, str]
    call_plugin: Callable[[str, str, Any], Any]  # (plugin name, action, input) -> output
    fetch: Callable[[str, str, dict, bytes | None], Any]  # HTTP through the platform's network guard
    denial: StatemillError | None = None  # the first refused request: it fails the call


@dataclass
class _Sandbox:
    compiled: Any  # extism CompiledPlugin
    directories: list[Path] = field(default_factory=list)

    def reset(self) -> None:
        for directory in self.directories:
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir(parents=True)


class SandboxCache:
    """Compiled modules by artifact digest; each checked out by one call at a time."""

    def __init__(self) -> None:
        self._idle: dict[str, list[_Sandbox]] = {}
        self._lock = threading.Lock()

    @contextmanager
    def sandbox(self, artifact: Artifact) -> Iterator[_Sandbox]:
        with self._lock:
            idle = self._idle.setdefault(artifact.digest, [])
            sandbox = idle.pop() if idle else None
        if sandbox is None:
            sandbox = _compile(artifact)
        sandbox.reset()
        try:
            yield sandbox
        finally:
            with self._lock:
                self._idle[artifact.digest].append(sandbox)

    def clear(self) -> None:
        with self._lock:
            self._idle.clear()


def _compile(artifact: Artifact) -> _Sandbox:
    import extism

    from statemill.runtime import plugin_host_functions

    permissions = artifact.manifest.permissions
    scratch = Path(tempfile.mkdtemp(prefix="statemill-plugin-"))
    directories, allowed_paths = [], {}
    for index, (virtual, access) in enumerate(sorted(permissions.filesystem.items())):
        directory = scratch / str(index)
        directories.append(directory)
        allowed_paths[("ro:" if access == "read-only" else "") + str(directory)] = virtual
    manifest = {
        "wasm": [{"data": artifact.module}],
        # No host for Extism's own HTTP client: requests go through statemill:host/http_request,
        # which checks allowed_hosts and the platform's network guard, and says what it refused.
        "allowed_hosts": [],
        "allowed_paths": allowed_paths,
        "memory": {"max_pages": permissions.memory_mb * 1024 * 1024 // WASM_PAGE_BYTES},
        "timeout_ms": int(permissions.timeout_seconds * 1000),
    }
    compiled = extism.extism.CompiledPlugin(manifest, wasi=True, functions=plugin_host_functions.FUNCTIONS)
    return _Sandbox(compiled, directories)


_cache = SandboxCache()


def run_action(artifact: Artifact, action: str, payload: Any, context: CallContext,
               time_limit: float | None = None) -> Any:
    """The action's output (JSON), or a Statemill error naming the permission it broke."""
    import extism

    manifest = artifact.manifest
    where = f"plugin {manifest.reference} action '{action}'"
    with _cache.sandbox(artifact) as sandbox:
        plugin = extism.Plugin(sandbox.compiled, config=context.config)
        # The Lambda's remaining time may be shorter than the declared timeout.
        timer = None
        if time_limit is not None and time_limit < manifest.permissions.timeout_seconds:
            timer = threading.Timer(time_limit, plugin.cancel_handle().cancel)
            timer.start()
        try:
            raw = plugin.call(action, json.dumps(payload), host_context=context)
        except extism.Error as error:
            if context.denial is not None:
                raise context.denial from None
            raise _explain(str(error), where, manifest) from None
        finally:
            if timer is not None:
                timer.cancel()
            del plugin
    if context.denial is not None:
        # The plugin carried on after a refusal: its output cannot be trusted to mean anything.
        raise context.denial
    try:
        return json.loads(bytes(raw).decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError):
        raise PluginError(f"{where} returned output that is not JSON") from None


def _explain(message: str, where: str, manifest: Manifest) -> StatemillError:
    permissions = manifest.permissions
    if message in ("timeout", "cancelled", "canceled"):
        return Timeout(f"{where} was stopped after {permissions.timeout} (permissions.timeout"
                       f"{' or the task timeout' if message != 'timeout' else ''})")
    if message == "oom":
        return PluginError(f"{where} was stopped: it tried to use more than its "
                           f"{permissions.memory_mb} MB of memory (permissions.memory_mb)")
    guest = GUEST_ERROR.match(message)
    if guest and guest[1] in GUEST_ERRORS_ALLOWED:
        from statemill.runtime import errors

        return getattr(errors, guest[1])(f"{where}: {guest[2]}")
    first_line = message.strip().splitlines()[0] if message.strip() else "no message"
    return PluginError(f"{where} crashed: {first_line}")



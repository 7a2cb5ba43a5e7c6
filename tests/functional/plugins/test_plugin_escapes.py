"""Each escape attempt is refused or stopped with an error naming the permission, and the host
is unharmed: the same plugin's normal action succeeds right after."""

import pytest
import yaml

from statemill.plugins.artifact import read_artifact
from statemill.runtime import plugin_host

from .conftest import install, make_services, plugin_event

# plugin, action, inputs, expected error class, words the message must hold
ESCAPES = [
    ("network", "fetch", {"url": "http://127.0.0.1:9/steal"}, "Statemill.PermissionDenied",
     ["http://127.0.0.1:9/steal", "permissions.network.allowed_hosts", "allowed.example"]),
    ("files", "read", {"path": "/etc/passwd"}, "Statemill.PermissionDenied",
     ["/etc/passwd", "permissions.filesystem"]),
    ("files", "read", {"path": "/scratch/../../../etc/passwd"}, "Statemill.PermissionDenied",
     ["outside the plugin's virtual paths", "permissions.filesystem"]),
    ("files", "write", {"path": "/reference/x.txt", "text": "no"}, "Statemill.PermissionDenied",
     ["read-only", "permissions.filesystem"]),
    ("config", "read", {"key": "AWS_SECRET_ACCESS_KEY"}, "Statemill.PermissionDenied",
     ["'AWS_SECRET_ACCESS_KEY'", "permissions.config"]),
    ("caller", "slug", {"text": "Hello World"}, "Statemill.PermissionDenied",
     ["community/text", "permissions.plugins"]),
    ("spin", "spin", {}, "Statemill.Timeout", ["300ms", "permissions.timeout"]),
    ("hog", "hog", {}, "Statemill.PluginError", ["4 MB", "permissions.memory_mb"]),
]


@pytest.mark.parametrize("plugin, action, inputs, error, words", ESCAPES,
                         ids=[f"{e[0]}-{e[1]}-{i}" for i, e in enumerate(ESCAPES)])
def test_escape_is_refused_and_host_unharmed(built, store, plugin, action, inputs, error, words):
    pin = install(store, read_artifact(built[plugin]))
    services = make_services()

    with pytest.raises(Exception) as refused:
        plugin_host.handle(plugin_event(pin, action, inputs), services=services)

    assert type(refused.value).__name__ == error, str(refused.value)
    for word in words:
        assert word in str(refused.value)
    assert plugin_host.handle(plugin_event(pin, "ok", {}), services=services) == {"ok": True}


def test_declared_permissions_work(built, store):
    services = make_services()
    files = install(store, read_artifact(built["files"]))
    written = plugin_host.handle(plugin_event(files, "write", {"path": "/scratch/note.txt", "text": "kept"}),
                                 services=services)
    assert written == {"text": "kept"}
    # Each invocation gets fresh, empty directories: nothing written survives it.
    with pytest.raises(Exception, match="cannot open /scratch/note.txt"):
        plugin_host.handle(plugin_event(files, "read", {"path": "/scratch/note.txt"}), services=services)
    config = install(store, read_artifact(built["config"]))
    assert plugin_host.handle(plugin_event(config, "read", {"key": "greeting"}), services=services) == {
        "value": "hello"}


def test_a_declared_plugin_call_runs_the_installed_plugin(built, store, tmp_path):
    install(store, read_artifact(built["text"]))
    allowed = tmp_path / "caller"
    allowed.mkdir()
    manifest = (built["caller"] / "plugin.yaml").read_text().replace("escape/caller", "escape/friend")
    (allowed / "plugin.yaml").write_text(manifest + "permissions: {plugins: [community/text]}\n")
    (allowed / "plugin.wasm").write_bytes((built["caller"] / "plugin.wasm").read_bytes())
    pin = install(store, read_artifact(allowed))

    result = plugin_host.handle(plugin_event(pin, "slug", {"text": "Hello, World"}), services=make_services())

    assert result == {"slug": "hello-world"}


def test_an_allowed_host_that_resolves_to_a_private_address_is_still_refused(built, store, tmp_path):
    # Plugins' HTTP goes through the platform's network guard: allowed_hosts alone is not enough
    # to reach loopback, private or cloud-metadata addresses.
    copy = tmp_path / "network"
    copy.mkdir()
    manifest = yaml.safe_load((built["network"] / "plugin.yaml").read_text())
    manifest["permissions"]["network"]["allowed_hosts"] = ["localhost"]
    (copy / "plugin.yaml").write_text(yaml.safe_dump(manifest))
    (copy / "plugin.wasm").write_bytes((built["network"] / "plugin.wasm").read_bytes())
    pin = install(store, read_artifact(copy))

    with pytest.raises(Exception) as refused:
        plugin_host.handle(plugin_event(pin, "fetch", {"url": "http://localhost:9/steal"}), services=make_services())

    assert type(refused.value).__name__ == "Statemill.PermissionDenied", str(refused.value)
    assert "loopback" in str(refused.value)

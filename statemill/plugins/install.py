"""Install a built plugin: check its exports, the sha256 the user expects and its signature,
then publish it to the store (write-once)."""

from __future__ import annotations

from statemill.plugins.artifact import Artifact, check_exports
from statemill.plugins.signing import verify
from statemill.plugins.store import PluginRecord, PluginStore, PluginStoreError


def install(store: PluginStore, artifact: Artifact, *, expected_sha256: str | None = None,
            trusted_keys: dict[str, str] | None = None) -> tuple[PluginRecord, bool]:
    """(record, True when newly published). Raises ManifestError, SignatureError or PluginStoreError."""
    check_exports(artifact)
    if expected_sha256 is not None and artifact.digest != expected_sha256.lower():
        raise PluginStoreError(
            f"{artifact.manifest.reference} has sha256 {artifact.digest}, not the expected "
            f"{expected_sha256}: the artifact differs from the one you meant to install; refusing it")
    signer = verify(artifact, trusted_keys or {})
    return store.publish(artifact, signer)

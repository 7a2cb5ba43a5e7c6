"""Artifacts are immutable and pinned: a changed byte is refused at install and at run, a
published version cannot be replaced, and a signature must come from a trusted key."""

import base64
import dataclasses

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from statemill.plugins.artifact import read_artifact
from statemill.plugins.install import install
from statemill.plugins.signing import SignatureError, sign
from statemill.plugins.store import PluginStoreError, object_key
from statemill.runtime import plugin_host

from .conftest import BUCKET, make_services, plugin_event


def flip_one_byte(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1])


def test_install_refuses_an_artifact_that_is_not_the_expected_sha256(built, store):
    artifact = read_artifact(built["text"])
    tampered = dataclasses.replace(artifact, module=flip_one_byte(artifact.module))

    with pytest.raises(PluginStoreError, match="differs from the one you meant to install"):
        install(store, tampered, expected_sha256=artifact.digest)
    assert store.list() == []


def test_run_refuses_a_stored_artifact_changed_after_install(built, store):
    artifact = read_artifact(built["text"])
    record, _ = install(store, artifact, expected_sha256=artifact.digest)
    pin = {"name": record.name, "version": record.version, "sha256": record.sha256}
    key = object_key(record.name, record.version, "plugin.wasm")
    store._s3.put_object(Bucket=BUCKET, Key=key, Body=flip_one_byte(artifact.module))

    with pytest.raises(Exception, match="altered after install; refusing to run it") as refused:
        plugin_host.handle(plugin_event(pin, "slugify", {"text": "x"}), services=make_services())
    assert type(refused.value).__name__ == "Statemill.PluginError"


def test_a_published_version_can_never_be_replaced(built, store):
    artifact = read_artifact(built["text"])
    install(store, artifact)
    changed = dataclasses.replace(artifact, manifest_bytes=artifact.manifest_bytes + b"# changed\n")

    with pytest.raises(PluginStoreError, match="a version can never be replaced"):
        install(store, changed)
    store.remove("community/text", "1.0.0")
    with pytest.raises(PluginStoreError, match="a version can never be replaced"):
        install(store, changed)
    # The very same bytes may come back after a removal.
    assert install(store, artifact)[1] is True


def test_signatures_must_come_from_a_trusted_key(built, store):
    artifact = read_artifact(built["text"])
    private = Ed25519PrivateKey.generate()
    public = base64.b64encode(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
    raw_private = private.private_bytes_raw()
    signed = dataclasses.replace(artifact, signature=sign(artifact.digest, raw_private))
    tampered = dataclasses.replace(signed, module=flip_one_byte(artifact.module))

    with pytest.raises(SignatureError, match="not valid for any trusted key"):
        install(store, tampered, trusted_keys={"statemill": public})
    with pytest.raises(SignatureError, match="trusted: none configured"):
        install(store, signed)
    record, _ = install(store, signed, trusted_keys={"statemill": public})
    assert record.signer == "statemill"

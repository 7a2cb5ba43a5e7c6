"""The local secret store: every secret of every namespace in one AES-GCM-encrypted file, its
key in another file beside it (both mode 0600), so the store file alone reveals nothing.

Each read decrypts the file afresh, so a `statemill secret set` reaches a running local server
at once. Writes replace the file atomically, under a lock, so two writers lose nothing.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from statemill.runtime.errors import SecretError
from statemill.runtime.secret_store import StoredSecret

STORE_FILE = "secrets.enc"
KEY_FILE = "secrets.key"
_KEY_BYTES = 32  # AES-256
_NONCE_BYTES = 12
# Bound into every encryption: a file of another format or purpose cannot pass for a store.
_ASSOCIATED_DATA = b"statemill-secret-store-v1"


class LocalSecretStore:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.store_path = self.directory / STORE_FILE
        self.key_path = self.directory / KEY_FILE

    def get(self, namespace: str, name: str) -> str:
        entry = self._read().get(namespace, {}).get(name)
        if entry is None:
            raise SecretError(
                f"secret '{name}' does not exist in namespace '{namespace}' "
                f"(set it with: statemill --namespace {namespace} secret set {name})"
            )
        return entry["value"]

    def put(self, namespace: str, name: str, value: str) -> None:
        with self._writing() as secrets:
            updated = datetime.now(UTC).isoformat()
            secrets.setdefault(namespace, {})[name] = {"value": value, "updated": updated}

    def delete(self, namespace: str, name: str) -> bool:
        if not self.store_path.exists():
            return False
        with self._writing() as secrets:
            names = secrets.get(namespace, {})
            existed = names.pop(name, None) is not None
            if namespace in secrets and not names:
                del secrets[namespace]
        return existed

    def list(self, namespace: str | None = None) -> list[StoredSecret]:
        return [
            StoredSecret(ns, name, datetime.fromisoformat(entry["updated"]))
            for ns, names in sorted(self._read().items())
            if namespace is None or ns == namespace
            for name, entry in sorted(names.items())
        ]

    # --- the files ----------------------------------------------------------------------------

    def _read(self) -> dict[str, dict[str, dict]]:
        """{namespace: {name: {"value", "updated"}}}; empty when nothing was ever stored."""
        if not self.store_path.exists():
            return {}
        return self._decrypt(self.store_path.read_bytes(), self._key())

    @contextmanager
    def _writing(self):
        """The decrypted secrets, to change in place; written back encrypted on exit."""
        key = self._key(create=not self.store_path.exists())
        with open(self.key_path, "rb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # writers take turns; readers see whole files
            secrets = self._read()
            yield secrets
            self._write_private(self.store_path, self._encrypt(secrets, key))

    def _key(self, create: bool = False) -> bytes:
        if create and not self.key_path.exists():
            try:
                self._write_private(self.key_path, base64.b64encode(os.urandom(_KEY_BYTES)) + b"\n",
                                    exclusive=True)
            except FileExistsError:
                pass  # another writer made it first: use theirs
        try:
            key = base64.b64decode(self.key_path.read_bytes().strip(), validate=True)
        except FileNotFoundError:
            raise SecretError(
                f"the local secret store {self.store_path} cannot be read: its key file "
                f"{self.key_path} is missing. Restore the key file, or delete the store and set "
                f"the secrets again"
            ) from None
        except ValueError:
            key = b""
        if len(key) != _KEY_BYTES:
            raise SecretError(
                f"the key file {self.key_path} of the local secret store is damaged (it must hold "
                f"{_KEY_BYTES} bytes in base64). Restore it, or delete both {self.key_path.name} "
                f"and {self.store_path.name} and set the secrets again"
            )
        return key

    def _encrypt(self, secrets: dict, key: bytes) -> bytes:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(_NONCE_BYTES)
        plaintext = json.dumps(secrets, sort_keys=True).encode()
        return nonce + AESGCM(key).encrypt(nonce, plaintext, _ASSOCIATED_DATA)

    def _decrypt(self, data: bytes, key: bytes) -> dict:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            plaintext = AESGCM(key).decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], _ASSOCIATED_DATA)
        except (InvalidTag, ValueError):
            raise SecretError(
                f"the local secret store {self.store_path} cannot be decrypted with the key in "
                f"{self.key_path}: it is not the key the store was written with, or the store is "
                f"damaged. Restore the right key file, or delete both files and set the secrets again"
            ) from None
        return json.loads(plaintext)

    def _write_private(self, path: Path, data: bytes, exclusive: bool = False) -> None:
        """Write a file only its owner can read, whole or not at all; with `exclusive`, only if
        it does not exist yet (FileExistsError)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        target = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        target.unlink(missing_ok=True)  # a leftover of a crash may have other permissions
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if not exclusive:
            os.replace(target, path)
            return
        try:
            # A link appears complete or not at all: another writer never reads a half-written key.
            os.link(target, path)
        finally:
            target.unlink()

"""Where secrets live: one small API for every store, and the store a setting names.

The task runtime only reads (`get`); the CLI writes (`put`, `delete`) and lists names. Webhook
HMAC secrets and plugin config secrets use the same stores, through the same API.

STATEMILL_SECRET_STORE names the store: `ssm:/statemill/<stage>` (SSM Parameter Store, on AWS
and LocalStack) or `file:<directory>` (the local encrypted file store, in STATEMILL_HOME); empty:
none, and every secret reference fails clearly.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from statemill.platform import FILE_SECRET_STORE, SSM_SECRET_STORE
from statemill.runtime.secrets import NoSecretStore, SecretResolver


@dataclass(frozen=True)
class StoredSecret:
    """What a store tells about a secret without reading it."""

    namespace: str
    name: str
    updated: datetime


class SecretStore(SecretResolver, Protocol):
    def get(self, namespace: str, name: str) -> str:
        """The secret's value; SecretError when it does not exist or cannot be read."""

    def put(self, namespace: str, name: str, value: str) -> None:
        """Create the secret, or replace its value."""

    def delete(self, namespace: str, name: str) -> bool:
        """Remove the secret; False when there was none."""

    def list(self, namespace: str | None = None) -> list[StoredSecret]:
        """The secrets of a namespace (None: of every namespace), by namespace and name."""


def secret_store_from_setting(setting: str) -> SecretResolver:
    """The store STATEMILL_SECRET_STORE names (its modules are imported only when used)."""
    if not setting:
        return NoSecretStore()
    if setting.startswith(SSM_SECRET_STORE):
        from statemill.runtime.ssm_secret_store import SsmSecretStore

        return SsmSecretStore(setting[len(SSM_SECRET_STORE):])
    if setting.startswith(FILE_SECRET_STORE):
        from statemill.runtime.local_secret_store import LocalSecretStore

        return LocalSecretStore(setting[len(FILE_SECRET_STORE):])
    raise ValueError(
        f"STATEMILL_SECRET_STORE must be 'ssm:/statemill/<stage>' or 'file:<directory>', "
        f"got {setting!r}"
    )

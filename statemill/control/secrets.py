"""A target's secrets: set, list and delete them in its store, the local encrypted file store
(STATEMILL_HOME) or SSM Parameter Store (LocalStack, AWS). Values are never listed or printed.

Webhook HMAC secrets and plugin config secrets reach the same stores through `store_of`.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from statemachine_compiler.model import NAMESPACE_PATTERN, SECRET_PATTERN
from statemill import platform
from statemill.control.errors import NotFound, PlatformUnavailable, Refused
from statemill.control.target import DEFAULT_NAMESPACE, TargetSettings
from statemill.runtime.errors import SecretError
from statemill.runtime.secret_store import SecretStore, StoredSecret

# SSM Parameter Store's limit for a standard parameter's value.
MAX_VALUE_BYTES = 4096


class InvalidSecret(Refused):
    """A secret name or value that cannot be stored."""


def store_of(target: TargetSettings) -> SecretStore:
    """The secret store of a target (the same one its task functions read)."""
    if target.name == "local":
        from statemill.runtime.local_secret_store import LocalSecretStore

        return LocalSecretStore(target.home)
    from statemill.runtime.ssm_secret_store import SsmSecretStore

    return SsmSecretStore(platform.secret_parameter_prefix(target.stage), client=target.client("ssm"))


def set_secret(target: TargetSettings, name: str, value: str) -> str:
    """Create or replace a secret of the target's namespace; returns the namespace."""
    namespace = _namespace(target)
    _check_name(name)
    if not value:
        raise InvalidSecret(f"secret '{name}' needs a value: pipe it to stdin "
                            f"(printf %s \"$VALUE\" | statemill secret set {name})")
    if len(value.encode()) > MAX_VALUE_BYTES:
        raise InvalidSecret(f"secret '{name}' is {len(value.encode())} bytes: at most "
                            f"{MAX_VALUE_BYTES} bytes fit in a secret")
    with _store_errors():
        store_of(target).put(namespace, name, value)
    return namespace


def list_secrets(target: TargetSettings) -> list[StoredSecret]:
    """The secrets of the target's namespace, or of every namespace when none is chosen."""
    with _store_errors():
        return store_of(target).list(target.namespace)


def delete_secret(target: TargetSettings, name: str) -> str:
    """Delete a secret of the target's namespace; returns the namespace."""
    namespace = _namespace(target)
    _check_name(name)
    with _store_errors():
        deleted = store_of(target).delete(namespace, name)
    if not deleted:
        raise NotFound(f"no secret '{name}' in namespace '{namespace}' on the {target.name} target")
    return namespace


def _namespace(target: TargetSettings) -> str:
    namespace = target.namespace or DEFAULT_NAMESPACE
    if not re.match(NAMESPACE_PATTERN, namespace):
        raise InvalidSecret(f"namespace '{namespace}' is not valid: dotted lowercase words "
                            f"(team.data)")
    return namespace


def _check_name(name: str) -> None:
    if not re.match(SECRET_PATTERN, name):
        raise InvalidSecret(f"secret name '{name}' is not valid: letters, digits and '_', "
                            f"not starting with a digit, at most 128 characters")


@contextmanager
def _store_errors():
    """A store that cannot be read (wrong key, no permission) is a platform problem: exit 4."""
    try:
        yield
    except SecretError as error:
        raise PlatformUnavailable(error.message) from None

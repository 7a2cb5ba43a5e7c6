"""Secret references in task inputs: `{{ secrets.NAME }}` is replaced by the secret's value,
and every value resolved is masked (with its base64 and URL-encoded forms) in what the task
logs, raises and returns.
"""

import base64
import re
from typing import Any, Protocol
from urllib.parse import quote, quote_plus

from statemill.runtime.errors import SecretError

MASK = "***"
REFERENCE = re.compile(r"\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


class SecretResolver(Protocol):
    def get(self, namespace: str, name: str) -> str:
        """The secret's value; raise SecretError when it does not exist."""


class NoSecretStore:
    """The resolver until a secret store is configured: every lookup fails clearly."""

    def get(self, namespace: str, name: str) -> str:
        raise SecretError(
            f"secret '{name}' cannot be read: no secret store is configured for this platform"
        )


class Masker:
    """Replaces known secret values, in any encoding we can predict, with ***."""

    def __init__(self) -> None:
        self._forms: list[str] = []

    def add(self, secret: str) -> None:
        if not secret:
            return
        raw = secret.encode()
        forms = {
            secret,
            base64.b64encode(raw).decode(),
            base64.b64encode(raw).decode().rstrip("="),
            base64.urlsafe_b64encode(raw).decode().rstrip("="),
            quote(secret, safe=""),
            quote_plus(secret, safe=""),
        }
        # Longest first, so a form that contains another is masked whole.
        self._forms = sorted(set(self._forms) | forms, key=len, reverse=True)

    def mask(self, text: str) -> str:
        for form in self._forms:
            text = text.replace(form, MASK)
        return text

    def mask_value(self, value: Any) -> Any:
        """A copy of a JSON-like value with every string masked."""
        if not self._forms:
            return value
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, dict):
            return {self.mask_value(k): self.mask_value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.mask_value(item) for item in value]
        return value


def resolve_secrets(
    value: Any,
    *,
    namespace: str,
    allowed: tuple[str, ...],
    resolver: SecretResolver,
    masker: Masker,
) -> Any:
    """A copy of `value` with every `{{ secrets.NAME }}` in its strings replaced by the secret."""
    resolved: dict[str, str] = {}

    def lookup(match: re.Match) -> str:
        name = match.group(1)
        if name not in resolved:
            if name not in allowed:
                raise SecretError(
                    f"secret '{name}' is not declared by this workflow: "
                    f"add it to the workflow's `secrets:` list"
                )
            resolved[name] = resolver.get(namespace, name)
            masker.add(resolved[name])
        return resolved[name]

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return REFERENCE.sub(lookup, node)
        if isinstance(node, dict):
            return {key: walk(item) for key, item in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(value)

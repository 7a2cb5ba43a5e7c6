"""Secret references in task inputs: `{{ secrets.NAME }}` is replaced by the secret's value at
the input paths the compiler named for it, and every value resolved is masked (with its base64
and URL-encoded forms) in what the task logs, raises and returns.
"""

import base64
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol
from urllib.parse import quote, quote_plus

from statemill.runtime.errors import InputError, SecretError

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


Path = tuple[str | int, ...]


def resolve_secrets(
    inputs: dict[str, Any],
    *,
    namespace: str,
    paths: Mapping[str, Sequence[Path]],
    resolver: SecretResolver,
    masker: Masker,
) -> dict[str, Any]:
    """A copy of `inputs` where each `{{ secrets.NAME }}` is replaced by the secret, but only in
    the strings at the paths the compiler listed for NAME: the same text anywhere else (an
    earlier task's output, say) is data and stays as it is."""
    values = {}
    for name in paths:  # every lookup before any use: a missing secret leaves nothing half-done
        values[name] = resolver.get(namespace, name)
        masker.add(values[name])
    names_at: dict[Path, set[str]] = {}
    for name, name_paths in paths.items():
        for path in name_paths:
            names_at.setdefault(tuple(path), set()).add(name)
    resolved = inputs
    for path, names in names_at.items():
        # One pass per string: a secret's value that looks like a reference is never resolved.
        def substitute(text: str, names=names) -> str:
            return REFERENCE.sub(
                lambda match: values[match[1]] if match[1] in names else match[0], text
            )

        resolved = _replace_at(resolved, path, substitute)
    return resolved


def _replace_at(node: Any, path: Path, substitute: Callable[[str], str]) -> Any:
    """A copy of `node` with the string at `path` substituted; only the containers on the path
    are copied."""
    if not path:
        if not isinstance(node, str):
            raise InputError(
                "the task event lists a secret reference at an input that is not text: "
                "re-apply the workflow with this platform's compiler"
            )
        return substitute(node)
    key, rest = path[0], path[1:]
    if isinstance(node, dict) and key in node:
        return {**node, key: _replace_at(node[key], rest, substitute)}
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return [*node[:key], _replace_at(node[key], rest, substitute), *node[key + 1 :]]
    raise InputError(
        f"the task event lists a secret reference at input {'.'.join(map(str, path))}, which "
        f"does not exist: re-apply the workflow with this platform's compiler"
    )

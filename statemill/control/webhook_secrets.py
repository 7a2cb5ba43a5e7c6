"""The secret a webhook's deliveries are signed (hmac) or authenticated (api_key) with.

For now a generated secret is kept in the webhook's trigger row of the registry; the one
function `signing_secret` is all that reads it, so it can move to the encrypted secret store.
"""

from __future__ import annotations

import secrets

from statemill.control.triggers import WebhookTrigger

SECRET_BYTES = 32


class WebhookSecretUnavailable(RuntimeError):
    """The webhook names a secret (`secret: NAME`) that cannot be read here."""


def needs_generated_secret(auth: str, secret_name: str | None) -> bool:
    return auth != "none" and secret_name is None


def new_secret() -> str:
    return secrets.token_hex(SECRET_BYTES)


def signing_secret(trigger: WebhookTrigger) -> str:
    """The webhook's secret; raises WebhookSecretUnavailable for a named secret of the store."""
    if trigger.generated_secret is not None:
        return trigger.generated_secret
    raise WebhookSecretUnavailable(
        f"the webhook {trigger.path} is signed with secret '{trigger.secret_name}', and no secret "
        "store is configured for webhooks yet: remove 'secret:' to use a generated one")

"""Is a webhook delivery from who holds the secret? HMAC signatures and API keys (DSL.md, Triggers).

hmac: `X-Statemill-Timestamp` is the unix time, `X-Statemill-Signature` is "sha256=" + hex
HMAC-SHA256(secret, timestamp + "." + raw body); a timestamp more than 5 minutes off is refused.
api_key: `X-Statemill-Api-Key` is the secret. Headers are read lowercased.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "x-statemill-timestamp"
SIGNATURE_HEADER = "x-statemill-signature"
API_KEY_HEADER = "x-statemill-api-key"
DELIVERY_HEADER = "x-statemill-delivery"
CREDENTIAL_HEADERS = (SIGNATURE_HEADER, API_KEY_HEADER)
TOLERANCE_SECONDS = 300
SIGNATURE_PREFIX = "sha256="


class Unauthenticated(Exception):
    """No credentials (401)."""


class Forbidden(Exception):
    """Credentials that do not hold (403)."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Statemill-Signature value of a body sent at `timestamp` (unix seconds)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def verify(auth: str, secret: str | None, headers: dict[str, str], body: bytes, now: float) -> None:
    """Raise Unauthenticated or Forbidden unless the delivery passes the webhook's `auth`."""
    if auth == "none":
        return
    if auth == "api_key":
        key = headers.get(API_KEY_HEADER)
        if not key:
            raise Unauthenticated(f"missing {API_KEY_HEADER} header")
        if not hmac.compare_digest(key.encode(), secret.encode()):
            raise Forbidden("wrong API key")
        return
    timestamp, signature = headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER)
    if not timestamp or not signature:
        raise Unauthenticated(f"missing {TIMESTAMP_HEADER} or {SIGNATURE_HEADER} header "
                              "(sign 'timestamp.body' with HMAC-SHA256 and the webhook's secret)")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise Unauthenticated(f"{TIMESTAMP_HEADER} must be the unix time in seconds") from None
    if abs(now - sent_at) > TOLERANCE_SECONDS:
        raise Forbidden(f"{TIMESTAMP_HEADER} is more than {TOLERANCE_SECONDS // 60} minutes off the "
                        "server's clock: sign the delivery again when sending it")
    # Compare in constant time: an early mismatch must not tell how much of it was right.
    if not hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.strip().encode()):
        raise Forbidden("signature does not match the body (check the secret, and sign the raw body bytes)")

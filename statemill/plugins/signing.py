"""ed25519 signatures of plugin artifacts, checked against the keys the platform trusts."""

from __future__ import annotations

import base64

from statemill.plugins.artifact import Artifact


class SignatureError(ValueError):
    """A signature is malformed or made by no trusted key."""


def sign(artifact_digest: str, private_key_bytes: bytes) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.from_private_bytes(private_key_bytes)
    return base64.b64encode(key.sign(artifact_digest.encode())).decode()


def verify(artifact: Artifact, trusted_keys: dict[str, str]) -> str | None:
    """The name of the trusted key that signed `artifact`; None when it is unsigned.

    `trusted_keys`: key name -> base64 raw ed25519 public key. A signature that no trusted
    key verifies is refused, so a plugin is never quietly taken as unsigned.
    """
    if artifact.signature is None:
        return None
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        signature = base64.b64decode(artifact.signature, validate=True)
    except ValueError:
        raise SignatureError(f"{artifact.manifest.reference}: the signature is not base64") from None
    for name, encoded in trusted_keys.items():
        try:
            Ed25519PublicKey.from_public_bytes(base64.b64decode(encoded)).verify(
                signature, artifact.digest.encode())
            return name
        except (InvalidSignature, ValueError):
            continue
    trusted = ", ".join(trusted_keys) or "none configured"
    raise SignatureError(f"{artifact.manifest.reference}: the signature is not valid for any trusted "
                         f"key (trusted: {trusted}); the artifact may have been altered")

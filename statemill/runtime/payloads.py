"""Offloaded payloads: results too large for Step Functions' 256 KiB state live in the platform
bucket, and the state carries `{"$ref": "s3://bucket/key", "bytes": N, "sha256": "…"}`.
"""

import hashlib
import json
from typing import Any

from statemill.platform import PAYLOAD_PREFIX
from statemill.runtime.errors import InputError, PermissionDenied
from statemill.runtime.event import TaskEvent
from statemill.runtime.services import Services

REF = "$ref"


def is_reference(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get(REF), str)


def namespace_prefix(namespace: str) -> str:
    return f"{PAYLOAD_PREFIX}{namespace}/"


def offload_if_large(value: Any, event: TaskEvent, services: Services) -> Any:
    """`value` itself when its JSON fits the threshold, else a reference to a stored copy."""
    data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    if len(data) <= services.settings.offload_threshold:
        return value
    bucket = services.settings.require("bucket")
    digest = hashlib.sha256(data).hexdigest()
    # Content-addressed: iterations of a foreach that share a task id never overwrite each other.
    key = (
        f"{namespace_prefix(event.namespace)}{event.workflow}/{event.execution_name}/"
        f"{event.task}/{digest}.json"
    )
    services.s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType="application/json")
    return {REF: f"s3://{bucket}/{key}", "bytes": len(data), "sha256": digest}


def dereference(value: Any, event: TaskEvent, services: Services) -> Any:
    """A copy of `value` with every payload reference in it replaced by the stored JSON."""
    if is_reference(value):
        return _load(value, event, services)
    if isinstance(value, dict):
        return {key: dereference(item, event, services) for key, item in value.items()}
    if isinstance(value, list):
        return [dereference(item, event, services) for item in value]
    return value


def _load(reference: dict, event: TaskEvent, services: Services) -> Any:
    from botocore.exceptions import ClientError

    url = reference[REF]
    bucket, _, key = url.removeprefix("s3://").partition("/")
    # Only this namespace's payloads: a hand-written $ref must not read anything else.
    if (
        not url.startswith("s3://")
        or bucket != services.settings.require("bucket")
        or not key.startswith(namespace_prefix(event.namespace))
    ):
        raise PermissionDenied(
            f"payload reference {url} is outside this namespace's payloads "
            f"(s3://{services.settings.bucket}/{namespace_prefix(event.namespace)}…)"
        )
    try:
        data = services.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as error:
        if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
            raise InputError(f"offloaded payload {url} no longer exists") from None
        raise
    expected = reference.get("sha256")
    if expected and hashlib.sha256(data).hexdigest() != expected:
        raise InputError(f"offloaded payload {url} does not match its sha256: it was altered")
    return json.loads(data)

"""The webhook gateway: `POST /hooks/{namespace}/{workflow}/{path}` -> auth -> inputs -> StartExecution.

`handle` takes an API Gateway proxy event (REST API payload 1.0, or HTTP API 2.0) and returns
its response, so the same code serves the webhook Lambda and the local server. A delivery is named by X-Statemill-Delivery
(else by its body's hash): the execution is named from that key, so a redelivery starts nothing
new and is answered with the first execution's id. The workflow's declared inputs are read
from the JSON body's top-level fields of the same names; the whole body is `trigger.body`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable
from urllib.parse import parse_qsl

from statemill.control import inputs, webhook_auth
from statemill.control.trigger_starts import PlatformClients, delivery_name, start_once
from statemill.control.triggers import WebhookTrigger
from statemill.control.webhook_secrets import WebhookSecretUnavailable, signing_secret

ROUTE_PREFIX = "/hooks/"
# Step Functions takes at most 256 KiB of input, and the body is in it up to twice
# (trigger.body, and the inputs read from it).
MAX_BODY_BYTES = 100 * 1024

_clients: PlatformClients | None = None


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def handle(event: dict, context=None, *, clients: PlatformClients | None = None,
           now: Callable[[], float] = time.time) -> dict:
    """The webhook Lambda's handler: always a response, never an exception for a bad request."""
    try:
        return _accept(event, clients or _default_clients(), now())
    except Refusal as refusal:
        return _response(refusal.status, {"error": {"code": refusal.code, "message": refusal.message}},
                         refusal.headers)


def _accept(event: dict, clients: PlatformClients, now: float) -> dict:
    namespace, workflow, route = _route(event.get("rawPath") or event.get("path") or "")
    record = clients.registry.get(namespace, workflow)
    hooks = [] if record is None else [t for t in clients.triggers.list(namespace, workflow)
                                       if isinstance(t, WebhookTrigger) and t.route == route]
    if not hooks:
        raise Refusal(404, "not_found", f"no webhook /{route} on workflow {namespace}/{workflow}")
    trigger = hooks[0]
    method = event.get("requestContext", {}).get("http", {}).get("method") or event.get("httpMethod") or ""
    if method.upper() != trigger.method:
        raise Refusal(405, "method_not_allowed", f"this webhook takes {trigger.method}, not {method}",
                      {"Allow": trigger.method})
    body = _raw_body(event)
    headers = {key.lower(): value for key, value in (event.get("headers") or {}).items()}
    _authenticate(trigger, headers, body, now)
    if not record.enabled:
        raise Refusal(403, "disabled", f"workflow {record.name} is disabled: statemill workflow enable {record.name}")
    payload = _parse(body, headers.get("content-type", ""))
    declared = (record.input_schema or {}).get("properties", {})
    values = {name: payload[name] for name in declared if name in payload} if isinstance(payload, dict) else {}
    try:
        prepared = inputs.prepare(record.input_schema or {}, values)
    except inputs.InputError as exc:
        raise Refusal(422, "invalid_input", "; ".join(exc.problems)) from None
    delivery = headers.get(webhook_auth.DELIVERY_HEADER)
    key = f"delivery:{delivery}" if delivery else "body:" + hashlib.sha256(body).hexdigest()
    document = {"inputs": prepared, "trigger": {
        "type": "webhook", "path": trigger.path, "delivery": delivery, "body": payload,
        # Credentials stay out of the execution's input (and so out of its history).
        "headers": {k: v for k, v in headers.items() if k not in webhook_auth.CREDENTIAL_HEADERS},
        "query": event.get("queryStringParameters") or dict(parse_qsl(event.get("rawQueryString") or ""))}}
    started = start_once(clients.client("stepfunctions"), record, delivery_name(workflow, trigger.index, key),
                         document)
    return _response(202, {"execution": started.execution_id, "arn": started.execution_arn,
                           "duplicate": not started.new})


def _route(path: str) -> tuple[str, str, str]:
    # On AWS a named API stage may come first (/prod/hooks/...).
    _, found, rest = path.partition(ROUTE_PREFIX)
    parts = rest.split("/", 2) if found else []
    if len(parts) < 3 or not all(parts[:2]):
        raise Refusal(404, "not_found", "webhook URLs look like /hooks/{namespace}/{workflow}/{path}")
    return parts[0], parts[1], parts[2].strip("/")


def _raw_body(event: dict) -> bytes:
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    if len(raw) > MAX_BODY_BYTES:
        raise Refusal(413, "too_large", f"the body is {len(raw)} bytes; a webhook takes at most {MAX_BODY_BYTES}")
    return raw


def _authenticate(trigger: WebhookTrigger, headers: dict, body: bytes, now: float) -> None:
    try:
        secret = None if trigger.auth == "none" else signing_secret(trigger)
        webhook_auth.verify(trigger.auth, secret, headers, body, now)
    except WebhookSecretUnavailable as exc:
        raise Refusal(503, "secret_unavailable", str(exc)) from None
    except webhook_auth.Unauthenticated as exc:
        raise Refusal(401, "unauthenticated", str(exc)) from None
    except webhook_auth.Forbidden as exc:
        raise Refusal(403, "forbidden", str(exc)) from None


def _parse(body: bytes, content_type: str):
    if not body:
        return None
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise Refusal(415, "unsupported_media_type",
                      f"send the body as application/json (Content-Type was '{content_type or 'missing'}')")
    try:
        return json.loads(body)
    except ValueError as exc:
        raise Refusal(400, "invalid_json", f"the body is not valid JSON: {exc}") from None


def _response(status: int, body: dict, headers: dict | None = None) -> dict:
    return {"statusCode": status, "headers": {"Content-Type": "application/json", **(headers or {})},
            "body": json.dumps(body)}


def _default_clients() -> PlatformClients:
    global _clients
    if _clients is None:
        _clients = PlatformClients()
    return _clients

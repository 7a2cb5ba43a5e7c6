"""core/http.get|post|put|delete|request and core/notify.webhook."""

import json
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from statemill.runtime.errors import HttpError, InputError
from statemill.runtime.http_client import Response, fetch
from statemill.runtime.inputs import duration_seconds, field
from statemill.runtime.invocation import Invocation

DEFAULT_TIMEOUT_SECONDS = 30.0
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")


def request_task(method: str | None):
    """The task for one fixed method, or (None) for core/http.request, which reads `method`."""

    def run(call: Invocation) -> dict[str, Any]:
        inputs = call.inputs
        chosen = method or field(inputs, "method", str).upper()
        if chosen not in METHODS:
            raise InputError(f"input 'method' must be one of {', '.join(METHODS)}, got {chosen!r}")
        response = _send(call, chosen, inputs)
        _check_status(chosen, response, _expected_statuses(inputs))
        return {"status": response.status, "headers": response.headers, "body": _decode(response)}

    return run


def notify_webhook(call: Invocation) -> dict[str, Any]:
    """POST `body` as JSON to `url`; any 2xx answer is success."""
    inputs = {key: call.inputs.get(key) for key in ("url", "headers")}
    inputs["json"] = call.inputs.get("body")
    response = _send(call, "POST", inputs)
    _check_status("POST", response, None)
    return {"status": response.status}


def _send(call: Invocation, method: str, inputs: dict) -> Response:
    headers = {str(k): str(v) for k, v in field(inputs, "headers", dict, {}).items()}
    body = _body(inputs, headers)
    timeout = duration_seconds(inputs, "timeout", DEFAULT_TIMEOUT_SECONDS)
    return fetch(
        method,
        _with_query(field(inputs, "url", str), field(inputs, "query", dict, {})),
        guard=call.services.network,
        headers=headers,
        body=body,
        timeout=call.time_limit(timeout),
        max_bytes=call.services.settings.http_max_response_bytes,
    )


def _body(inputs: dict, headers: dict[str, str]) -> bytes | None:
    """`json`, or a `body` that is not text, is sent as JSON; a text `body` as it is."""
    as_json, body = inputs.get("json"), inputs.get("body")
    if as_json is not None and body is not None:
        raise InputError("give either input 'json' or input 'body', not both")
    if body is not None and isinstance(body, str):
        return body.encode()
    payload = as_json if as_json is not None else body
    if payload is None:
        return None
    if not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/json"
    return json.dumps(payload, separators=(",", ":")).encode()


def _with_query(url: str, query: dict) -> str:
    if not query:
        return url
    parts = urlsplit(url)
    extra = urlencode(
        [(k, v) for k, vs in query.items() for v in (vs if isinstance(vs, list) else [vs])]
    )
    return urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))


def _expected_statuses(inputs: dict) -> list[int] | None:
    expect = field(inputs, "expect", (list, int), None)
    if expect is None:
        return None
    statuses = expect if isinstance(expect, list) else [expect]
    if not all(isinstance(s, int) and not isinstance(s, bool) for s in statuses):
        raise InputError(f"input 'expect' must be a list of HTTP status codes, got {expect!r}")
    return statuses


def _check_status(method: str, response: Response, expected: list[int] | None) -> None:
    ok = response.status in expected if expected else 200 <= response.status < 400
    if not ok:
        wanted = ", ".join(map(str, expected)) if expected else "2xx or 3xx"
        excerpt = response.body[:200].decode(errors="replace")
        raise HttpError(
            f"{method} {response.url} answered {response.status} {response.reason} "
            f"(expected {wanted}): {excerpt}"
        )


def _decode(response: Response) -> Any:
    text = response.body.decode(errors="replace")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text

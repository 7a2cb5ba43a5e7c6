"""The local server's webhook gateway: a WSGI request as API Gateway's HTTP API event (payload
2.0), handed to the same handler as the webhook Lambda; its response written back."""

from __future__ import annotations

import base64
from collections.abc import Callable
from http import HTTPStatus

from statemill.control import webhook_gateway


def webhook_app(handle: Callable[[dict], dict] = webhook_gateway.handle):
    def app(environ: dict, start_response: Callable) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        # Read one byte past the cap only: an oversized body is refused without holding it all.
        body = environ["wsgi.input"].read(min(length, webhook_gateway.MAX_BODY_BYTES + 1)) if length else b""
        response = handle(_event(environ, body))
        data = response.get("body", "").encode()
        status = response["statusCode"]
        headers = [(key, str(value)) for key, value in response.get("headers", {}).items()]
        start_response(f"{status} {HTTPStatus(status).phrase}", [*headers, ("Content-Length", str(len(data)))])
        return [data]
    return app


def _event(environ: dict, body: bytes) -> dict:
    headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    return {"version": "2.0", "rawPath": environ.get("PATH_INFO", ""),
            "rawQueryString": environ.get("QUERY_STRING", ""), "headers": headers,
            "requestContext": {"http": {"method": environ.get("REQUEST_METHOD", "")}},
            "body": base64.b64encode(body).decode(), "isBase64Encoded": True}




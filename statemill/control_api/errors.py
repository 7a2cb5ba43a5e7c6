"""Every refusal of the control API is one JSON shape: {"error": {"code", "message", "details"?}}."""

from __future__ import annotations

import json

from aws_lambda_powertools.event_handler import Response, content_types


def error_response(status: int, code: str, message: str, details: list | None = None) -> Response:
    error = {"code": code, "message": message, **({"details": details} if details else {})}
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON,
                    body=json.dumps({"error": error}))


def validation_details(errors: list[dict]) -> list[dict]:
    """pydantic's errors, reduced to where (path, query or body field) and what."""
    return [{"where": ".".join(str(part) for part in error.get("loc", ())), "problem": error.get("msg", "")}
            for error in errors]

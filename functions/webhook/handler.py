"""Lambda entry point of the webhook function (API Gateway HTTP API, payload 2.0: /hooks/...)."""

from statemill.control.webhook_gateway import handle as handler

__all__ = ["handler"]

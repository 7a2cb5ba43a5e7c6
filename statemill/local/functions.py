"""Lambda functions of the local engine: a function name routed to a Python handler.

A handler is called like a Lambda handler, `handler(event, context)`, so the same code runs
locally and on AWS. Routes may name their handler as "package.module:callable"; it is
imported on first use, so registering the platform's functions costs no imports.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

LOG = logging.getLogger(__name__)

Handler = Callable[[Any, Any], Any]
# Where the platform declares its handlers: {platform function name: "module:callable"}.
PLATFORM_ENTRYPOINTS = "statemill.runtime.entrypoints"
LAMBDA_MAX_TIMEOUT_MS = 900_000


class UnknownFunction(LookupError):
    """No handler is routed under this function name (Lambda: ResourceNotFoundException)."""


@dataclass
class LocalLambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    function_name: str
    invoked_function_arn: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 128
    _started: float = field(default_factory=time.monotonic)

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed_ms = int((time.monotonic() - self._started) * 1000)
        return max(LAMBDA_MAX_TIMEOUT_MS - elapsed_ms, 0)


def resolve_handler(reference: str) -> Handler:
    """"package.module:callable" -> the callable."""
    module_name, _, attribute = reference.partition(":")
    if not attribute:
        raise ValueError(f"handler reference {reference!r} must look like 'package.module:callable'")
    return getattr(importlib.import_module(module_name), attribute)


def platform_entrypoints() -> dict[str, str]:
    """The platform's own routes, or none when statemill.runtime does not declare them yet."""
    try:
        module = importlib.import_module(PLATFORM_ENTRYPOINTS)
    except ImportError as exc:
        LOG.warning("no platform Lambda handlers routed: %s is not importable (%s)",
                    PLATFORM_ENTRYPOINTS, exc)
        return {}
    return dict(getattr(module, "FUNCTIONS", {}))


class FunctionRoutes:
    """Thread-safe table of function name -> handler (or its "module:callable" reference)."""

    def __init__(self, arn_of: Callable[[str], str],
                 routes: Mapping[str, Handler | str] | None = None) -> None:
        self._arn_of = arn_of
        self._routes: dict[str, Handler | str] = dict(routes or {})
        self._lock = threading.Lock()

    def register(self, name: str, handler: Handler | str) -> None:
        with self._lock:
            self._routes[name] = handler

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._routes)

    def handler(self, name: str) -> Handler:
        with self._lock:
            route = self._routes.get(name)
            if route is None:
                raise UnknownFunction(f"Function not found: {self._arn_of(name)} "
                                      f"(local engine routes: {', '.join(sorted(self._routes))})")
            if isinstance(route, str):
                route = self._routes[name] = resolve_handler(route)
            return route

    def invoke(self, name: str, event: Any) -> Any:
        """Call the handler as Lambda would; its exceptions propagate unchanged."""
        context = LocalLambdaContext(function_name=name, invoked_function_arn=self._arn_of(name))
        return self.handler(name)(event, context)

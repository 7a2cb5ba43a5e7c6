"""Local task logs: filed per execution, and safe when the runtime's stream was closed."""

import io
import logging

from statemill.local.logs import RUNTIME_LOGGER, ExecutionLogs
from statemill.runtime import observability


def runtime_stream_handler() -> logging.StreamHandler:
    observability.logger()
    return next(h for h in logging.getLogger(RUNTIME_LOGGER).handlers if isinstance(h, logging.StreamHandler))


def test_lines_are_filed_by_execution():
    logs = ExecutionLogs()
    logs.attach()
    try:
        observability.logger().info("one", extra={"execution": "e1"})
        observability.logger().info("two", extra={"execution": "e2"})
    finally:
        logs.detach()
    assert [line["message"] for line in logs.lines("e1")] == ["one"]
    assert [line["message"] for line in logs.lines("e2")] == ["two"]


def test_a_runtime_stream_closed_by_someone_else_breaks_nothing():
    # e.g. the logger was first built under pytest's capsys, which closed its stream since.
    handler = runtime_stream_handler()
    original = handler.stream
    closed = io.StringIO()
    handler.setStream(closed)
    closed.close()
    logs = ExecutionLogs()
    try:
        logs.attach()
        observability.logger().info("hello", extra={"execution": "e1"})
        logs.detach()
        assert [line["message"] for line in logs.lines("e1")] == ["hello"]
        assert not getattr(handler.stream, "closed", False)
    finally:
        handler.setStream(original)

"""Structured logs, metrics and traces (Powertools for AWS Lambda), built on first use.

Every log line of a task carries its execution and task ids, and is masked with that task's
secrets. Both live in context variables, so tasks running on different threads of the local
engine never see each other's.
"""

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from statemill.runtime.secrets import Masker

SERVICE = "statemill"
METRICS_NAMESPACE = "Statemill"
_current_masker: ContextVar[Masker | None] = ContextVar("statemill_masker", default=None)


@cache
def logger():
    """The runtime's Logger (stdlib logger name "statemill": attach handlers there to capture)."""
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

    class MaskingFormatter(LambdaPowertoolsFormatter):
        def serialize(self, log: dict) -> str:
            masker = _current_masker.get()
            return super().serialize(masker.mask_value(log) if masker else log)

    log = Logger(service=SERVICE, logger_formatter=MaskingFormatter())
    logging.getLogger(SERVICE).addFilter(_mask_record)
    return log


def _mask_record(record: logging.LogRecord) -> bool:
    """Mask the record itself: it also reaches handlers other than ours (the root logger's, on
    Lambda and under pytest), whose formatters know nothing of secrets."""
    masker = _current_masker.get()
    if masker:
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = record.getMessage(), None
        for key, value in vars(record).items():
            if isinstance(value, (str, dict, list)):
                setattr(record, key, masker.mask_value(value))
    return True


@cache
def tracer():
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


@contextmanager
def task_scope(ids: dict[str, object], masker: Masker) -> Iterator[None]:
    """Log lines inside carry `ids` and are masked by `masker`."""
    log = logger()
    log.thread_safe_append_keys(**ids)
    token = _current_masker.set(masker)
    try:
        yield
    finally:
        _current_masker.reset(token)
        log.thread_safe_remove_keys(ids)


@contextmanager
def traced(task_type: str, annotations: dict[str, str]) -> Iterator[None]:
    """An X-Ray subsegment per task (a no-op outside Lambda, where tracing is disabled)."""
    if "AWS_LAMBDA_FUNCTION_NAME" not in os.environ:
        yield  # not in Lambda: skip building the Tracer, whose X-Ray SDK import costs ~0.25 s
        return
    trace = tracer()
    if trace.disabled:
        yield
        return
    with trace.provider.in_subsegment(f"## {task_type}") as subsegment:
        for key, value in annotations.items():
            subsegment.put_annotation(key, value)
        yield


def record_task(function: str, task_type: str, started: float, failed: bool) -> None:
    """Emit TaskDuration (ms) and TaskFailures for one task, as CloudWatch EMF."""
    from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

    # Ephemeral: nothing shared between concurrent tasks of the in-process local engine.
    metrics = EphemeralMetrics(namespace=METRICS_NAMESPACE, service=SERVICE)
    metrics.add_dimension(name="function", value=function)
    metrics.add_dimension(name="type", value=task_type)
    elapsed_ms = (time.monotonic() - started) * 1000
    metrics.add_metric(name="TaskDuration", unit=MetricUnit.Milliseconds, value=elapsed_ms)
    metrics.add_metric(name="TaskFailures", unit=MetricUnit.Count, value=1 if failed else 0)
    metrics.flush_metrics()

"""Task log lines of local executions, kept per execution (locally there is no CloudWatch).

The runtime logs JSON lines through Powertools; on the local engine they are written here
instead of to stdout, so `statemill run` keeps a clean terminal and `execution logs` can
return each execution's lines.
"""

import json
import logging
import sys
import threading
from collections import defaultdict

RUNTIME_LOGGER = "statemill"  # statemill.runtime.observability's Logger


class ExecutionLogs:
    """A stream for the runtime's log handler: parses each line and files it by execution."""

    def __init__(self) -> None:
        self._lines: dict[str, list[dict]] = defaultdict(list)
        self._lock = threading.Lock()
        self._restore: list[tuple[logging.StreamHandler, object]] = []

    def write(self, text: str) -> int:
        for line in text.splitlines():
            if line.strip():
                self._file(line)
        return len(text)

    def flush(self) -> None:
        """Nothing is buffered."""

    def lines(self, execution: str) -> list[dict]:
        with self._lock:
            return list(self._lines.get(execution, ()))

    def attach(self) -> None:
        """Send the runtime logger's lines here (it is built now if it was not yet)."""
        from statemill.runtime import observability

        observability.logger()
        for handler in logging.getLogger(RUNTIME_LOGGER).handlers:
            if isinstance(handler, logging.StreamHandler):
                self._restore.append((handler, _swap_stream(handler, self)))

    def detach(self) -> None:
        for handler, stream in self._restore:
            # A stream closed meanwhile (a test's captured stdout, say) is no place to log to.
            _swap_stream(handler, sys.stdout if getattr(stream, "closed", False) else stream)
        self._restore.clear()

    def _file(self, line: str) -> None:
        try:
            record = json.loads(line)
        except ValueError:
            record = {"message": line}
        execution = record.get("execution", "") if isinstance(record, dict) else ""
        with self._lock:
            self._lines[execution].append(record)


def _swap_stream(handler: logging.StreamHandler, stream) -> object:
    """The handler's old stream, replaced by `stream` (setStream would flush a closed one)."""
    previous = handler.stream
    if getattr(previous, "closed", False):
        handler.stream = stream
    else:
        handler.setStream(stream)
    return previous

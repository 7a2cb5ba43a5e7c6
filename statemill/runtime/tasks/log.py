"""core/log: one structured log line for the execution."""

import json
import logging

from statemill.runtime import observability
from statemill.runtime.errors import InputError
from statemill.runtime.inputs import field
from statemill.runtime.invocation import Invocation

LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "warn": logging.WARNING,
    "error": logging.ERROR,
}


def log(call: Invocation) -> dict:
    level = field(call.inputs, "level", str, "info").lower()
    if level not in LEVELS:
        raise InputError(f"input 'level' must be one of debug, info, warning, error; got {level!r}")
    message = call.inputs.get("message")
    text = message if isinstance(message, str) else json.dumps(message)
    observability.logger().log(LEVELS[level], text, extra={"source": "core/log"})
    return {}

"""Lambda entry point of the code_runner_python function (core/code tasks in python)."""

from statemill.runtime.code.runner import handle_python as handler

__all__ = ["handler"]

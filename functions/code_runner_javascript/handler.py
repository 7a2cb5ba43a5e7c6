"""Lambda entry point of the code_runner_javascript function (core/code tasks in javascript and typescript)."""

from statemill.runtime.code.runner import handle_javascript as handler

__all__ = ["handler"]

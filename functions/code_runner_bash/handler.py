"""Lambda entry point of the code_runner_bash function (core/code tasks in bash)."""

from statemill.runtime.code.runner import handle_bash as handler

__all__ = ["handler"]

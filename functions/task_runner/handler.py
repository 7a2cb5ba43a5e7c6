"""Lambda entry point of the task_runner function (built-in task types)."""

from statemill.runtime.task_runner import handle as handler

__all__ = ["handler"]

"""The task_runner function: built-in task types that need a Lambda."""

from functools import cache
from typing import Any

from statemill.platform import TASK_RUNNER
from statemill.runtime.errors import InputError
from statemill.runtime.invocation import Invocation, run_task
from statemill.runtime.services import Services


@cache
def _tasks():
    # Imported on the first call: a cold start only pays for the modules its handler needs.
    from statemill.runtime.tasks import approval, db, http, log

    return {
        "core/http.get": http.request_task("GET"),
        "core/http.post": http.request_task("POST"),
        "core/http.put": http.request_task("PUT"),
        "core/http.delete": http.request_task("DELETE"),
        "core/http.request": http.request_task(None),
        "core/db.insert": db.insert,
        "core/db.get": db.get,
        "core/db.query": db.query,
        "core/db.delete": db.delete,
        "core/log": log.log,
        "core/notify.webhook": http.notify_webhook,
        "core/approval": approval.request_approval,
    }


def run(call: Invocation) -> Any:
    tasks = _tasks()
    task = tasks.get(call.event.type)
    if task is None:
        raise InputError(
            f"task type '{call.event.type}' is not run by {TASK_RUNNER} "
            f"(it runs: {', '.join(sorted(tasks))})"
        )
    return task(call)


def handle(event: dict, context: Any = None, *, services: Services | None = None) -> Any:
    return run_task(event, context, run, function=TASK_RUNNER, services=services)

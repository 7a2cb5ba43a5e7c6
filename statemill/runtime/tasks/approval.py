"""core/approval: park the task token where `statemill execution approve|reject` finds it.

Step Functions waits for the token (`.waitForTaskToken`); this task returns nothing.
"""

import json
import time

from statemill.runtime import observability
from statemill.runtime.errors import InputError
from statemill.runtime.invocation import Invocation


def approval_key(execution: str, task: str) -> dict[str, dict[str, str]]:
    """The registry row of the approval a task of an execution waits for."""
    return {"pk": {"S": f"APPROVAL#{execution}"}, "sk": {"S": f"TASK#{task}"}}


def request_approval(call: Invocation) -> None:
    event = call.event
    if not event.task_token:
        raise InputError("core/approval needs the task token: its state must use .waitForTaskToken")
    message = call.inputs.get("message") or f"approval requested by task {event.task}"
    approvers = call.inputs.get("approvers") or []
    call.services.dynamodb.put_item(
        TableName=call.services.settings.require("registry_table"),
        Item={
            **approval_key(event.execution, event.task),
            "task_token": {"S": event.task_token},
            "message": {"S": str(message)},
            "approvers": {"S": json.dumps(approvers)},
            "namespace": {"S": event.namespace},
            "workflow": {"S": event.workflow},
            "requested_at": {"S": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
        },
    )
    observability.logger().info(
        f"waiting for approval: {message}",
        extra={"approvers": approvers, "source": "core/approval"},
    )

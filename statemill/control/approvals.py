"""Approvals: find the task tokens that core/approval tasks parked, and answer them.

The same code answers on every target: only the clients (and so the endpoints) differ.
"""

import json

from statemill.runtime.tasks.approval import approval_key

REJECTED = "Statemill.Rejected"


class ApprovalNotFound(LookupError):
    """No task of this execution is waiting for an approval under that name."""


def pending(dynamodb, table: str, execution: str) -> list[dict]:
    """The approvals an execution waits for: [{task, message, approvers, requested_at}]."""
    key = approval_key(execution, "")["pk"]
    response = dynamodb.query(TableName=table, KeyConditionExpression="pk = :pk",
                              ExpressionAttributeValues={":pk": key})
    return [{"task": item["sk"]["S"].removeprefix("TASK#"), "message": item["message"]["S"],
             "approvers": json.loads(item["approvers"]["S"]), "requested_at": item["requested_at"]["S"]}
            for item in response["Items"]]


def answer(stepfunctions, dynamodb, table: str, execution: str, task: str, *, approved: bool,
           by: str, comment: str = "") -> None:
    """Approve (the task outputs {approved, by, comment}) or reject (it fails: Statemill.Rejected)."""
    key = approval_key(execution, task)
    item = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
    if item is None:
        raise ApprovalNotFound(f"task '{task}' of {execution} is not waiting for an approval")
    token = item["task_token"]["S"]
    if approved:
        stepfunctions.send_task_success(taskToken=token, output=json.dumps(
            {"approved": True, "by": by, "comment": comment}))
    else:
        reason = f"rejected by {by}" + (f": {comment}" if comment else "")
        stepfunctions.send_task_failure(taskToken=token, error=REJECTED,
                                        cause=json.dumps({"errorMessage": reason}))
    dynamodb.delete_item(TableName=table, Key=key)

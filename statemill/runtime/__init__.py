"""The Lambda side of Statemill: task events in, task results out (see docs/runtime.md).

Ships inside the platform's Lambda functions: imports nothing from statemill.cli, .local or
.control, and nothing heavy (boto3, urllib3, Powertools) until a task needs it.
"""

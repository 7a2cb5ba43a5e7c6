"""Placeholders the compiler leaves in the ASL; `apply` substitutes them per target.

They look like CloudFormation's `${Name}` so the CDK's DefinitionSubstitutions and our own
substitution read the same text.
"""

import re

WORKFLOW_VERSION = "${StatemillWorkflowVersion}"
_FUNCTION = "${{StatemillFunctionArn:{name}}}"
_WORKFLOW = "${{StatemillWorkflowArn:{namespace}/{workflow}}}"
PATTERN = re.compile(r"\$\{Statemill[A-Za-z]+(?::[^}]+)?\}")


def function_arn(function: str) -> str:
    """The ARN of a platform Lambda function (a name from statemill.platform)."""
    return _FUNCTION.format(name=function)


def workflow_arn(namespace: str, workflow: str) -> str:
    """The ARN of another workflow's state machine (for core/subflow)."""
    return _WORKFLOW.format(namespace=namespace, workflow=workflow)

"""Placeholders the compiler leaves in the ASL; each target substitutes them when it deploys.

They look like CloudFormation's `${Name}` (with an argument after a colon) so the ASL reads
the same in the console, in the local engine and in CloudFormation templates.
"""

import re
from collections.abc import Callable

FUNCTION_ARN = "StatemillFunctionArn"  # argument: a platform function name (task_runner)
WORKFLOW_ARN = "StatemillWorkflowArn"  # argument: namespace/workflow of a subflow's child
WORKFLOW_VERSION = "${StatemillWorkflowVersion}"
_PATTERN = re.compile(r"\$\{(Statemill[A-Za-z]+)(?::([^}]+))?\}")


class UnresolvedPlaceholder(KeyError):
    """A placeholder the target has no value for."""


def function_arn(function: str) -> str:
    """The ARN of a platform Lambda function (a name from statemill.platform)."""
    return f"${{{FUNCTION_ARN}:{function}}}"


def workflow_arn(namespace: str, workflow: str) -> str:
    """The ARN of another workflow's state machine (for core/subflow)."""
    return f"${{{WORKFLOW_ARN}:{namespace}/{workflow}}}"


def substitute(text: str, resolve: Callable[[str, str | None], str | None]) -> str:
    """Replace every placeholder by `resolve(name, argument)`; None means it has no value."""
    def value(match: re.Match) -> str:
        result = resolve(match[1], match[2])
        if result is None:
            raise UnresolvedPlaceholder(f"no value for the placeholder {match[0]}")
        return result
    return _PATTERN.sub(value, text)


def find(text: str) -> set[str]:
    """Every placeholder in `text`, as written."""
    return {match[0] for match in _PATTERN.finditer(text)}

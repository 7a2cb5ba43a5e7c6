"""A workflow's state machine on a target: create or update it, publish a version, move `live`.

Every apply of a changed workflow publishes an immutable Step Functions version and points the
`live` alias (statemill.platform.LIVE_ALIAS) at it; triggers can target the alias. Logging
(to the stage's log group) and X-Ray tracing are set on every update, so they never drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from statemachine_compiler import limits
from statemill import platform

LOG_LEVEL = "ERROR"  # failures with their causes; the execution history holds the rest


@dataclass(frozen=True)
class Deployed:
    arn: str
    version_arn: str
    alias_arn: str


def deploy(stepfunctions: Any, *, arn: str, name: str, definition: str, kind: str, role_arn: str,
           log_group_arn: str) -> Deployed:
    """Create the state machine, or update it when it exists; publish; point `live` at the version."""
    limits.check_definition_size(definition, name)
    settings = {
        "definition": definition, "roleArn": role_arn, "publish": True,
        "loggingConfiguration": {"level": LOG_LEVEL, "includeExecutionData": True,
                                 "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": log_group_arn}}]},
        "tracingConfiguration": {"enabled": True},
    }
    try:
        version_arn = stepfunctions.update_state_machine(stateMachineArn=arn, **settings)["stateMachineVersionArn"]
    except stepfunctions.exceptions.StateMachineDoesNotExist:
        version_arn = stepfunctions.create_state_machine(name=name, type=kind, **settings)["stateMachineVersionArn"]
    return Deployed(arn, version_arn, _point_live_alias(stepfunctions, arn, version_arn))


def _point_live_alias(stepfunctions: Any, arn: str, version_arn: str) -> str:
    alias_arn = f"{arn}:{platform.LIVE_ALIAS}"
    routing = [{"stateMachineVersionArn": version_arn, "weight": 100}]
    try:
        stepfunctions.update_state_machine_alias(stateMachineAliasArn=alias_arn, routingConfiguration=routing)
    except stepfunctions.exceptions.ResourceNotFound:
        alias_arn = stepfunctions.create_state_machine_alias(
            name=platform.LIVE_ALIAS, routingConfiguration=routing)["stateMachineAliasArn"]
    return alias_arn

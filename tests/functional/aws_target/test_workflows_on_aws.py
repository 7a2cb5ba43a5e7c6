"""workflow apply/list/describe/disable/delete and execution start/list on the AWS target (moto)."""

import pytest

from statemill import platform
from statemill.control import runs, workflows
from statemill.control.errors import NotFound, Refused


def _alias(aws, record) -> dict:
    return aws.client("stepfunctions").describe_state_machine_alias(
        stateMachineAliasArn=f"{record.state_machine_arn}:{platform.LIVE_ALIAS}")


def test_apply_publishes_a_version_the_live_alias_points_to_and_runs(aws, workflow_file):
    # GIVEN a workflow applied to the AWS target
    (applied,) = workflows.apply(aws, [workflow_file()])
    assert applied.change == "created"
    record = applied.record
    # THEN its state machine has a published version, and `live` routes every run to it
    routing = _alias(aws, record)["routingConfiguration"]
    assert routing == [{"stateMachineVersionArn": f"{record.state_machine_arn}:1", "weight": 100}]
    machine = aws.client("stepfunctions").describe_state_machine(stateMachineArn=record.state_machine_arn)
    assert machine["name"] == platform.state_machine_name("dev", "default", "greet")
    assert machine["roleArn"].endswith(f":role/{platform.resource_name('dev', platform.STATES_ROLE)}")
    assert machine["tracingConfiguration"] == {"enabled": True}
    assert platform.states_log_group_name("dev") in str(machine["loggingConfiguration"])
    # WHEN it is started THEN the execution is listed, newest first
    arn = runs.start(aws, "greet", {"name": "moto"})
    listed = runs.list_executions(aws)
    assert [(e["arn"], e["workflow"]) for e in listed] == [(arn, "default/greet")]
    assert runs.find(aws, listed[0]["id"]).arn == arn


def test_reapplying_an_unchanged_file_changes_nothing(aws, workflow_file):
    (first,) = workflows.apply(aws, [workflow_file()])
    (again,) = workflows.apply(aws, [workflow_file()])
    assert again.change == "unchanged" and again.record == first.record
    assert _alias(aws, first.record)["routingConfiguration"][0]["stateMachineVersionArn"].endswith(":1")


def test_a_changed_file_publishes_a_new_version_and_moves_live(aws, workflow_file):
    (first,) = workflows.apply(aws, [workflow_file("Say hello")])
    (second,) = workflows.apply(aws, [workflow_file("Say hello, politely")])
    assert second.change == "updated"
    assert _alias(aws, second.record)["routingConfiguration"][0]["stateMachineVersionArn"] == \
        f"{first.record.state_machine_arn}:2"
    assert workflows.describe(aws, "greet")["description"] == "Say hello, politely"


def test_list_describe_disable_enable_and_delete(aws, workflow_file):
    workflows.apply(aws, [workflow_file()])
    assert [r.name for r in workflows.list_workflows(aws)] == ["default/greet"]
    assert workflows.describe(aws, "default/greet")["tasks"] == ["greet"]
    assert workflows.set_enabled(aws, "greet", False).enabled is False
    with pytest.raises(Refused, match="disabled"):
        runs.start(aws, "greet", {})
    assert workflows.set_enabled(aws, "greet", True).enabled is True
    record = workflows.delete(aws, "greet")
    assert workflows.list_workflows(aws) == []
    with pytest.raises(NotFound):
        workflows.get(aws, "greet")
    machines = aws.client("stepfunctions").list_state_machines()["stateMachines"]
    assert record.state_machine_arn not in [m["stateMachineArn"] for m in machines]


def test_cancel_stops_a_running_execution(aws, workflow_file):
    workflows.apply(aws, [workflow_file()])
    arn = runs.start(aws, "greet", {})
    runs.cancel(aws, arn)
    assert runs.list_executions(aws, status="CANCELLED")[0]["arn"] == arn

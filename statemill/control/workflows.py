"""Workflows on a target: apply (compile, deploy, register), delete, enable, disable, list, describe.

`apply` is create-or-update: the state machine is named by statemill.platform, each change
publishes a version and moves its `live` alias (statemill.control.state_machines), the registry
row records what was applied. Re-applying an unchanged file changes nothing; a changed file
becomes a new version, and its `enabled:` is taken again (enable/disable hold until then).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from statemachine_compiler import CompiledWorkflow, compile_file, placeholders
from statemill import platform
from statemill.control import plugins, state_machines, trigger_deployment
from statemill.control.compiled import all_task_ids, version_of
from statemill.control.errors import NotFound
from statemill.control.plugin_pins import pin_plugins
from statemill.control.registry import Registry, WorkflowRecord
from statemill.control.target import DEFAULT_NAMESPACE, TargetSettings


@dataclass(frozen=True)
class Applied:
    record: WorkflowRecord
    change: str  # created | updated | unchanged

    def to_dict(self) -> dict:
        return {"namespace": self.record.namespace, "id": self.record.id,
                "version": self.record.version, "change": self.change,
                "state_machine_arn": self.record.state_machine_arn}


def split_reference(reference: str, target: TargetSettings) -> tuple[str, str]:
    """"namespace/id" or "id" (in the target's namespace) -> (namespace, id)."""
    namespace, slash, workflow = reference.rpartition("/")
    return (namespace if slash else target.namespace or DEFAULT_NAMESPACE), workflow


def get(target: TargetSettings, reference: str) -> WorkflowRecord:
    namespace, workflow = split_reference(reference, target)
    record = Registry.of(target).get(namespace, workflow)
    if record is None:
        raise NotFound(f"no workflow '{workflow}' in namespace '{namespace}' on the {target.name} "
                       "target: see statemill workflow list, or apply its file")
    return record


def apply(target: TargetSettings, files: list[str | Path]) -> list[Applied]:
    """Compile and pin every file first (one invalid file changes nothing), then deploy each."""
    compiled = [(Path(file), pin_plugins(compile_file(file), lambda: plugins.store_of(target))) for file in files]
    deployer = _Deployer(target)
    return [deployer.apply(path.read_text(encoding="utf-8"), workflow) for path, workflow in compiled]


def delete(target: TargetSettings, reference: str) -> WorkflowRecord:
    record = get(target, reference)
    trigger_deployment.remove(target, record)
    stepfunctions = target.client("stepfunctions")
    try:
        stepfunctions.delete_state_machine(stateMachineArn=record.state_machine_arn)
    except stepfunctions.exceptions.StateMachineDoesNotExist:
        pass  # already gone: the registry row is what is left to remove
    Registry.of(target).delete(record)
    return record


def set_enabled(target: TargetSettings, reference: str, enabled: bool) -> WorkflowRecord:
    record = get(target, reference)
    Registry.of(target).set_enabled(record, enabled)
    trigger_deployment.set_enabled(target, record, enabled)
    return get(target, reference)


def list_workflows(target: TargetSettings) -> list[WorkflowRecord]:
    return Registry.of(target).list(target.namespace)


def describe(target: TargetSettings, reference: str) -> dict[str, Any]:
    record = get(target, reference)
    return {**record.to_dict(full=True), "triggers": trigger_deployment.describe(target, record)}


class _Deployer:
    """Resolves the compiler's placeholders for one target, then creates or updates."""

    def __init__(self, target: TargetSettings):
        self.target = target
        self.registry = Registry.of(target)
        self.stepfunctions = target.client("stepfunctions")
        self._account: str | None = None

    def apply(self, yaml_text: str, compiled: CompiledWorkflow) -> Applied:
        workflow = compiled.workflow
        version = version_of(compiled.asl)
        existing = self.registry.get(workflow.namespace, workflow.id)
        if existing is not None and existing.version == version and existing.yaml == yaml_text:
            return Applied(existing, "unchanged")
        name = platform.state_machine_name(self.target.stage, workflow.namespace, workflow.id)
        definition = placeholders.substitute(
            json.dumps(compiled.asl), lambda placeholder, argument: self._resolve(placeholder, argument, version))
        arn = self._deploy(name, definition, workflow.mode.upper())
        record = WorkflowRecord(
            namespace=workflow.namespace, id=workflow.id, version=version, enabled=workflow.enabled,
            state_machine_arn=arn, applied_at=datetime.now(UTC).isoformat(timespec="seconds"),
            task_ids=all_task_ids(compiled), yaml=yaml_text, asl=compiled.asl,
            input_schema=compiled.input_schema, description=workflow.description)
        self.registry.put(record, definition)
        trigger_deployment.deploy(self.target, record, workflow)
        return Applied(record, "created" if existing is None else "updated")

    def _deploy(self, name: str, definition: str, kind: str) -> str:
        role = self._arn("iam", f"role/{platform.resource_name(self.target.stage, platform.STATES_ROLE)}",
                         regional=False)
        log_group = self._arn("logs", f"log-group:{platform.states_log_group_name(self.target.stage)}:*")
        return state_machines.deploy(
            self.stepfunctions, arn=self._arn("states", f"stateMachine:{name}"), name=name,
            definition=definition, kind=kind, role_arn=role, log_group_arn=log_group).arn

    def _resolve(self, placeholder: str, argument: str | None, version: str) -> str | None:
        if placeholder == placeholders.FUNCTION_ARN:
            return self._arn("lambda", f"function:{platform.resource_name(self.target.stage, argument)}")
        if placeholder == placeholders.WORKFLOW_ARN:
            namespace, _, workflow = argument.partition("/")
            name = platform.state_machine_name(self.target.stage, namespace, workflow)
            return self._arn("states", f"stateMachine:{name}")
        if f"${{{placeholder}}}" == placeholders.WORKFLOW_VERSION:
            return version
        return None

    def _arn(self, service: str, resource: str, regional: bool = True) -> str:
        if self._account is None:
            self._account = self.target.client("sts").get_caller_identity()["Account"]
        return f"arn:aws:{service}:{self.target.region if regional else ''}:{self._account}:{resource}"


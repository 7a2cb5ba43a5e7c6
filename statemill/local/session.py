"""Workflows on the local engine: deploy (with the subflows they call), start, inspect, answer.

`statemill run` uses one session for one workflow file; the child workflows of its subflow
tasks are found beside that file.
"""

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import yaml

from statemachine_compiler import CompiledWorkflow, compile_file, placeholders
from statemill import platform
from statemill.control import approvals
from statemill.control.compiled import all_task_ids, version_of
from statemill.control.executions import Execution, summarize
from statemill.control.history import state_events
from statemill.control.plugin_pins import pin_plugins
from statemill.local.engine import LocalEngine
from statemill.local.provision import plugin_store


class SubflowNotFound(LookupError):
    """A subflow names a workflow that is not beside the file that calls it."""


@dataclass(frozen=True)
class Deployed:
    compiled: CompiledWorkflow
    arn: str
    version: str

    @property
    def task_ids(self) -> list[str]:
        return all_task_ids(self.compiled)


class LocalSession:
    def __init__(self, engine: LocalEngine):
        self.engine = engine
        self.deployed: dict[str, Deployed] = {}  # by execution-independent state machine ARN

    def deploy(self, compiled: CompiledWorkflow, search_dir: Path) -> Deployed:
        """Deploy a workflow and, first, every workflow its subflows start (found in search_dir).

        Plugin tasks are pinned to the plugins installed on the local target (CompileError when
        one is missing or its inputs do not match).
        """
        for child in self._children(compiled, search_dir):
            self.deploy(child, search_dir)
        compiled = pin_plugins(compiled, lambda: plugin_store(self.engine.session, self.engine.stage))
        workflow = compiled.workflow
        version = version_of(compiled.asl)
        name = platform.state_machine_name(self.engine.stage, workflow.namespace, workflow.id)
        arn = self.engine.deploy(name, compiled.asl, substitutions={placeholders.WORKFLOW_VERSION: version},
                                 type=workflow.mode.upper())
        deployed = Deployed(compiled, arn, version)
        self.deployed[arn] = deployed
        return deployed

    def start(self, deployed: Deployed, inputs: dict) -> str:
        name = f"{deployed.compiled.workflow.id}-{uuid.uuid4().hex[:12]}"
        return self.engine.start_execution(deployed.arn, {"inputs": inputs, "trigger": {"type": "manual"}},
                                           name=name)

    def execution(self, execution_arn: str, deployed: Deployed) -> Execution:
        description = self.engine.stepfunctions.describe_execution(executionArn=execution_arn)
        events = state_events(self.engine.history(execution_arn))
        return summarize(description, events, deployed.task_ids, deployed.compiled.workflow.id, deployed.version)

    def pending_approvals(self, execution_arn: str) -> list[dict]:
        return approvals.pending(self._dynamodb(), self._registry(), execution_arn)

    def answer(self, execution_arn: str, task: str, *, approved: bool, by: str, comment: str = "") -> None:
        approvals.answer(self.engine.stepfunctions, self._dynamodb(), self._registry(), execution_arn, task,
                         approved=approved, by=by, comment=comment)

    def _dynamodb(self):
        return self.engine.session.client("dynamodb")

    def _registry(self) -> str:
        return platform.resource_name(self.engine.stage, platform.REGISTRY_TABLE.logical_name)

    def _children(self, compiled: CompiledWorkflow, search_dir: Path) -> list[CompiledWorkflow]:
        prefix = f"${{{placeholders.WORKFLOW_ARN}:"
        wanted = {p[len(prefix):-1] for p in placeholders.find(json.dumps(compiled.asl)) if p.startswith(prefix)}
        children = []
        for reference in sorted(wanted):
            child = _find_workflow(reference, search_dir)
            if child is None:
                namespace, _, workflow = reference.partition("/")
                raise SubflowNotFound(f"subflow workflow '{workflow}' (namespace {namespace}) is not in "
                                      f"{search_dir}: put its YAML file there")
            children.append(child)
        return children


def _find_workflow(reference: str, search_dir: Path) -> CompiledWorkflow | None:
    """The workflow `namespace/id` among the YAML files of a folder (its errors are raised)."""
    namespace, _, workflow = reference.partition("/")
    for path in sorted([*search_dir.glob("*.yaml"), *search_dir.glob("*.yml")]):
        try:
            head = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue  # not a workflow we can read: not the one looked for
        if isinstance(head, dict) and head.get("id") == workflow and head.get("namespace", "default") == namespace:
            return compile_file(path)
    return None

"""Pin each plugin task of a compiled workflow to the installed plugin, for `workflow apply` and
`statemill run` alike.

Each task's payload `plugin` ({name, action}, from the compiler) gains the `version` and
`sha256` of the newest installed version, so the state machine runs exactly that code. Inputs
are checked against the action's JSON Schema where they are literal: a `{% %}` expression is
only known when the task runs (the plugin host checks the whole input then), so a schema
problem at or inside one is not reported here.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

from statemachine_compiler import CompiledWorkflow, CompileError, Diagnostic
from statemill.plugins.manifest import ConfigFromSecret
from statemill.plugins.store import PluginRecord, PluginStore


def plugin_payloads(asl: Any) -> Iterator[dict]:
    """The payload of every Task state that runs a plugin action, branches and Map bodies included."""
    if isinstance(asl, dict):
        payload = asl.get("Arguments", {}).get("Payload") if asl.get("Type") == "Task" else None
        if isinstance(payload, dict) and "plugin" in payload:
            yield payload
        for value in asl.values():
            yield from plugin_payloads(value)
    elif isinstance(asl, list):
        for value in asl:
            yield from plugin_payloads(value)


def pin_plugins(compiled: CompiledWorkflow, open_store: Callable[[], PluginStore]) -> CompiledWorkflow:
    """A copy whose plugin tasks are pinned and checked; CompileError lists every problem.

    `open_store` is called only when the workflow has plugin tasks (it may build AWS clients).
    """
    asl = copy.deepcopy(compiled.asl)
    payloads = list(plugin_payloads(asl))
    if not payloads:
        return compiled
    store, installed, problems, settled = open_store(), {}, [], []
    for payload in payloads:
        name, action, task = payload["plugin"]["name"], payload["plugin"]["action"], payload["task"]
        where = _type_warning(compiled, task)
        if name not in installed:
            installed[name] = _newest(store, name)
        record = installed[name]
        if record is None:
            problems.append(_problem(where, f"plugin '{name}' is not installed: statemill plugin install "
                                            f"plugins/{name.split('/')[1]} (the folder of the built plugin)"))
            continue
        payload["plugin"].update(version=record.version, sha256=record.sha256)
        problems += [_problem(where, message) for message in _check_task(compiled, record, action, payload)]
        settled.append(where)
    if problems:
        raise CompileError(problems)
    warnings = [w for w in compiled.warnings if not any(w is s for s in settled)]
    return dataclasses.replace(compiled, asl=asl, warnings=warnings)


def _newest(store: PluginStore, name: str) -> PluginRecord | None:
    versions = store.versions(name)
    return versions[0] if versions else None


def _check_task(compiled: CompiledWorkflow, record: PluginRecord, action: str, payload: dict) -> list[str]:
    manifest = record.manifest
    if action not in manifest.actions:
        return [f"plugin {record.reference} has no action '{action}' (it has: {', '.join(sorted(manifest.actions))})"]
    problems = [f"inputs of {manifest.name}.{action} (task '{payload['task']}') do not match its schema: {problem}"
                for problem in literal_schema_problems(manifest.actions[action].inputs, payload.get("inputs", {}))]
    declared = set(compiled.workflow.secrets)
    for source in manifest.permissions.config.values():
        if isinstance(source, ConfigFromSecret) and source.secret not in declared:
            problems.append(f"plugin {manifest.name} reads the secret {source.secret}: declare it in the "
                            f"workflow's secrets: [{', '.join([*compiled.workflow.secrets, source.secret])}]")
    return problems


def literal_schema_problems(schema: dict, inputs: Any) -> list[str]:
    """Schema problems of the literal parts of compiled inputs; values under an expression are skipped."""
    import jsonschema

    if _is_expression(inputs):
        return []
    problems = []
    for error in jsonschema.Draft202012Validator(schema).iter_errors(inputs):
        if not _under_expression(inputs, list(error.absolute_path)):
            path = ".".join(map(str, error.absolute_path)) or "(the whole inputs)"
            problems.append(f"{path}: {error.message}")
    return sorted(problems)


def _under_expression(value: Any, path: list) -> bool:
    for step in path:
        if _is_expression(value):
            return True
        value = value[step]
    return _is_expression(value)


def _is_expression(value: Any) -> bool:
    return isinstance(value, str) and "{%" in value


def _type_warning(compiled: CompiledWorkflow, task: str) -> Diagnostic | None:
    """The compiler's "not installed here" warning on the task's type: it carries file and position."""
    return next((w for w in compiled.warnings
                 if w.field.split(".")[-2:] == [task, "type"] and "is not installed here" in w.message), None)


def _problem(where: Diagnostic | None, message: str) -> Diagnostic:
    if where is None:
        return Diagnostic(message)
    return Diagnostic(message, where.position, where.field, "error", where.file)

"""The task event (version 1): what every Lambda-backed task state sends. See docs/task-event.md."""

from dataclasses import dataclass, field
from typing import Any

from statemill.runtime.errors import InputError
from statemill.runtime.inputs import expected, is_a, json_type

SUPPORTED_VERSIONS = (1,)


@dataclass(frozen=True)
class TaskEvent:
    workflow: str
    execution: str
    task: str
    type: str
    inputs: dict[str, Any] = field(default_factory=dict)
    v: int = 1
    namespace: str = "default"
    version: str = ""
    attempt: int = 1
    # Each secret name -> the paths into `inputs` of the strings that hold its reference.
    secrets: dict[str, tuple[tuple[str | int, ...], ...]] = field(default_factory=dict)
    # Seconds this task may run (the task's `timeout`); None: the runner's default.
    timeout_seconds: float | None = None
    code: dict[str, Any] | None = None
    plugin: dict[str, Any] | None = None
    task_token: str | None = None

    @classmethod
    def parse(cls, event: Any) -> "TaskEvent":
        """Check the event's shape; anything wrong is an InputError naming the field."""
        if not isinstance(event, dict):
            raise InputError(f"the task event must be a JSON object, got {json_type(event)}")
        version = event.get("v", 1)
        if version not in SUPPORTED_VERSIONS:
            raise InputError(
                f"task event version {version!r} is not supported by this function "
                f"(supported: {', '.join(map(str, SUPPORTED_VERSIONS))}); redeploy the platform"
            )
        for name in ("workflow", "execution", "task", "type"):
            _expect(event, name, str, required=True)
        _expect(event, "namespace", str)
        _expect(event, "version", str)
        _expect(event, "inputs", dict)
        _expect(event, "attempt", int)
        _expect(event, "secrets", dict)
        _expect(event, "timeout_seconds", (int, float))
        _expect(event, "code", dict)
        _expect(event, "plugin", dict)
        _expect(event, "task_token", str)
        # Unknown fields are ignored, so a newer compiler can add optional ones.
        values = {k: v for k, v in event.items() if k in _FIELDS and v is not None}
        values["secrets"] = _secret_paths(values.get("secrets", {}))
        values.setdefault("inputs", {})
        return cls(**values)

    @property
    def execution_name(self) -> str:
        """The last part of the execution ARN (the whole id when it is not an ARN)."""
        return self.execution.rsplit(":", 1)[-1]


_FIELDS = {f for f in TaskEvent.__dataclass_fields__}


def _secret_paths(secrets: dict) -> dict[str, tuple[tuple[str | int, ...], ...]]:
    def is_path(path: Any) -> bool:
        keys = path if isinstance(path, list) else [None]
        return all(isinstance(key, (str, int)) and not isinstance(key, bool) for key in keys)

    if not all(isinstance(paths, list) and all(map(is_path, paths)) for paths in secrets.values()):
        raise InputError(
            "task event field 'secrets' must map each secret name to a list of input paths "
            "(lists of keys and indexes); re-apply the workflow with this platform's compiler"
        )
    return {name: tuple(tuple(path) for path in paths) for name, paths in secrets.items()}


def _expect(event: dict, name: str, kind, required: bool = False) -> None:
    value = event.get(name)
    if value is None:
        if required:
            raise InputError(f"the task event has no '{name}' field")
        return
    if not is_a(value, kind):
        raise InputError(
            f"task event field '{name}' must be {expected(kind)}, got {json_type(value)}"
        )

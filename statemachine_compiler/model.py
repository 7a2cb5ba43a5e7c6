"""The workflow language of DSL.md as pydantic models: the shape of a valid file.

Shape only: rules that span fields (a task's `needs`, what an expression may read, which
fields a task type accepts) are checked by `checks.py`, which has the whole workflow at hand.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from . import durations

ID_PATTERN = r"^[a-z][a-z0-9_-]{0,62}$"
NAMESPACE_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"
SECRET_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,127}$"


def _duration_ms(value: object) -> int:
    ms = durations.parse_ms(value)
    if ms is None and isinstance(value, str) and value.strip().startswith("-"):
        raise ValueError(f"'{value}' is negative: a duration must be longer than zero")
    if ms is None:
        raise ValueError(f"'{value}' is not a duration: {durations.HINT}")
    if ms <= 0:
        raise ValueError(f"'{value}' must be longer than zero")
    return ms


def _one_or_many(value: object) -> object:
    return [value] if isinstance(value, str) else value


# A duration as written in the file, held as milliseconds.
Duration = Annotated[int, BeforeValidator(_duration_ms)]
TaskId = Annotated[str, Field(pattern=ID_PATTERN)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Retry(Strict):
    max: int = Field(default=2, ge=0, le=100)
    backoff: Literal["constant", "exponential"] = "exponential"
    interval: Duration = 1000
    max_interval: Duration | None = None
    jitter: Literal["full", "none"] = "none"


class Task(Strict):
    type: str
    needs: Annotated[list[str], BeforeValidator(_one_or_many)] = []
    inputs: dict[str, Any] = {}
    when: str | bool | None = None
    timeout: Duration | None = None
    retry: Retry | None = None
    on_error: Literal["fail", "continue"] | None = None
    estimate: Duration | None = None
    description: str | None = None
    # core/code only
    language: str | None = None
    source: str | None = None
    file: str | None = None
    # core/foreach only: the nested DAG run for each item
    tasks: dict[TaskId, "Task"] | None = None


class Webhook(Strict):
    path: Annotated[str, Field(pattern=r"^/[A-Za-z0-9_\-./]*$")]
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "POST"
    auth: Literal["hmac", "api_key", "none"] = "hmac"
    secret: Annotated[str, Field(pattern=SECRET_PATTERN)] | None = None


class Trigger(Strict):
    cron: str | None = None
    timezone: str | None = None
    inputs: dict[str, Any] | None = None
    webhook: Webhook | None = None


class InputSpec(Strict):
    type: Literal["string", "integer", "number", "boolean", "object", "array"] = "string"
    description: str | None = None
    enum: list[Any] | None = None
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=0)
    pattern: str | None = None
    format: Literal["date", "date-time", "email", "uri", "uuid"] | None = None
    required: bool | None = None


class Defaults(Strict):
    timeout: Duration | None = None
    retry: Retry | None = None
    on_error: Literal["fail", "continue"] | None = None
    estimate: Duration | None = None


class Workflow(Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    namespace: Annotated[str, Field(pattern=NAMESPACE_PATTERN, max_length=64)] = "default"
    description: str | None = None
    enabled: bool = True
    mode: Literal["standard", "express"] = "standard"
    timeout: Duration | None = None
    inputs: dict[Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")], InputSpec] = {}
    secrets: list[Annotated[str, Field(pattern=SECRET_PATTERN)]] = []
    trigger: Trigger | None = None
    triggers: list[Trigger] | None = None
    defaults: Defaults | None = None
    tasks: Annotated[dict[TaskId, Task], Field(min_length=1)]
    outputs: dict[str, Any] | None = None
    errors: dict[TaskId, Task] | None = None


def iter_tasks(workflow: Workflow):
    """(path, task) of every task: top level, foreach bodies, then errors handlers."""
    def walk(path: tuple, tasks: dict[str, Task]):
        for task_id, task in tasks.items():
            yield (*path, task_id), task
            if task.tasks:
                yield from walk((*path, task_id, "tasks"), task.tasks)
    yield from walk(("tasks",), workflow.tasks)
    yield from walk(("errors",), workflow.errors or {})


__all__ = ["Defaults", "Duration", "InputSpec", "Retry", "Task", "Trigger", "Webhook", "Workflow"]

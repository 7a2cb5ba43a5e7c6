"""The task types of DSL.md: what runs each one and which inputs it takes."""

import re
from dataclasses import dataclass

PLUGIN_TYPE = re.compile(r"^(?P<namespace>[a-z][a-z0-9_-]*)/(?P<plugin>[a-z][a-z0-9_-]*)\.(?P<action>[a-z][a-z0-9_]*)$")

# Platform Lambda functions (names match statemill.platform, which the compiler may not import).
TASK_RUNNER = "task_runner"
PLUGIN_HOST = "plugin_host"
CODE_LANGUAGES = {
    "python": "python", "py": "python",
    "javascript": "javascript", "js": "javascript",
    "typescript": "typescript", "ts": "typescript",
    "bash": "bash", "sh": "bash",
}
CODE_RUNNER = {"python": "code_runner_python", "javascript": "code_runner_javascript",
               "typescript": "code_runner_javascript", "bash": "code_runner_bash"}


@dataclass(frozen=True)
class TaskType:
    name: str
    kind: str  # the emitter: lambda | approval | subflow | transform | sleep | foreach
    inputs: frozenset[str] | None = None  # accepted input keys; None: any (code, plugins)
    required: frozenset[str] = frozenset()
    function: str | None = None  # the platform function of Lambda-backed kinds

    @property
    def invokes_lambda(self) -> bool:
        return self.function is not None

    @property
    def is_task_state(self) -> bool:
        """A Task state: it can have a timeout and retries (Pass and Wait cannot)."""
        return self.kind in ("lambda", "approval", "subflow")


def _http(name: str, extra: set[str] = frozenset(), required: set[str] = frozenset()) -> TaskType:
    base = {"url", "headers", "query", "timeout", "expect"}
    return TaskType(name, "lambda", frozenset(base | extra), frozenset({"url"} | required), TASK_RUNNER)


def _runner(name: str, inputs: set[str], required: set[str]) -> TaskType:
    return TaskType(name, "lambda", frozenset(inputs), frozenset(required), TASK_RUNNER)


CORE_TYPES = {t.name: t for t in (
    _http("core/http.get"),
    _http("core/http.post", {"body", "json"}),
    _http("core/http.put", {"body", "json"}),
    _http("core/http.delete", {"body", "json"}),
    _http("core/http.request", {"method", "body", "json"}, {"method"}),
    _runner("core/db.insert", {"table", "key", "data"}, {"table", "data"}),
    _runner("core/db.get", {"table", "key"}, {"table", "key"}),
    _runner("core/db.query", {"table", "prefix", "where", "limit"}, {"table"}),
    _runner("core/db.delete", {"table", "key"}, {"table", "key"}),
    _runner("core/log", {"message", "level"}, {"message"}),
    _runner("core/notify.webhook", {"url", "body", "headers"}, {"url"}),
    TaskType("core/code", "lambda"),  # inputs: the object the code receives; function by language
    TaskType("core/transform", "transform", frozenset({"value"}), frozenset({"value"})),
    TaskType("core/sleep", "sleep", frozenset({"duration", "until"})),
    TaskType("core/approval", "approval", frozenset({"message", "timeout", "approvers"}), function=TASK_RUNNER),
    TaskType("core/foreach", "foreach", frozenset({"items", "concurrency"}), frozenset({"items"})),
    TaskType("core/subflow", "subflow", frozenset({"workflow", "inputs", "wait"}), frozenset({"workflow"})),
)}


def lookup(name: str) -> TaskType | None:
    """The type named `name`: a core type, a plugin action, or None when it is neither."""
    if name in CORE_TYPES:
        return CORE_TYPES[name]
    if PLUGIN_TYPE.match(name) and not name.startswith("core/"):
        return TaskType(name, "lambda", function=PLUGIN_HOST)
    return None


def function_for(task_type: TaskType, language: str | None) -> str | None:
    if task_type.name == "core/code":
        return CODE_RUNNER[CODE_LANGUAGES[language]]
    return task_type.function

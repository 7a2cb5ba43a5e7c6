"""FUNCTIONS: the callable serving each platform function, `(event: dict, context) -> result`.

The Lambda handlers in functions/ delegate to these, and the local engine routes its Lambda
invocations through this mapping in process. Values are "module:attribute" paths, so reading
the mapping imports nothing.
"""

from statemill import platform

FUNCTIONS: dict[str, str] = {
    platform.TASK_RUNNER: "statemill.runtime.task_runner:handle",
    platform.PLUGIN_HOST: "statemill.runtime.plugin_host:handle",
    platform.CODE_RUNNERS["python"]: "statemill.runtime.code.runner:handle_python",
    platform.CODE_RUNNERS["javascript"]: "statemill.runtime.code.runner:handle_javascript",
    platform.CODE_RUNNERS["bash"]: "statemill.runtime.code.runner:handle_bash",
}

"""Lambda entry point of the plugin_host function (WASM plugin actions, run by Extism)."""

from statemill.runtime.plugin_host import handle as handler

__all__ = ["handler"]

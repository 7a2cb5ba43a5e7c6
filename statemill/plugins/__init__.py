"""WASM plugins: the plugin.yaml manifest, artifact digests and signatures, and the plugin store.

Shared by the CLI, `workflow apply` / `statemill run` (which pin and check plugin tasks) and the
plugin_host function (which runs them). Nothing here imports extism.
"""

"""Statemill's workflow compiler: YAML workflows → AWS Step Functions state machines.

Pure: no AWS SDK, no CDK. Stages can be called alone (loader.load, validate.validate,
graph.build, series_parallel.decompose, emit.Emitter); `compile_file` chains them.
"""

from .compiler import CompiledWorkflow, compile_file, compile_source
from .diagnostics import CompileError, Diagnostic

__all__ = ["CompileError", "CompiledWorkflow", "Diagnostic", "compile_file", "compile_source"]

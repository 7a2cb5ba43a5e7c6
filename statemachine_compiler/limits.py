"""Step Functions limits on the definition as deployed (after placeholders are substituted)."""

from .diagnostics import CompileError, Diagnostic

DEFINITION_BYTES = 1024 * 1024  # Step Functions: "Maximum state machine definition size: 1 MB"


def check_definition_size(definition: str, where: str) -> None:
    """Raise a CompileError when `definition` is too large for Step Functions to accept."""
    size = len(definition.encode())
    if size > DEFINITION_BYTES:
        raise CompileError([Diagnostic(
            f"the state machine definition is {size:,} bytes and Step Functions accepts at most "
            f"{DEFINITION_BYTES:,}: move part of the workflow into a core/subflow", file=where)])

"""Exit codes and the one way the CLI reports a failure (CLI.md)."""

OK = 0
WORKFLOW_FAILED = 1
INVALID = 2
NOT_FOUND = 3
PLATFORM = 4


class CliError(Exception):
    """A failure to report: one clear line, an exit code, and where it happened."""

    def __init__(self, message: str, exit_code: int = INVALID, code: str = "invalid_input",
                 where: str | None = None, details: list[str] | None = None, data: dict | None = None,
                 quiet: bool = False):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.code = code
        self.where = where
        self.details = details or []
        self.data = data or {}
        self.quiet = quiet  # already reported in full (e.g. by `validate`): only the exit code is left

    def to_json(self) -> dict:
        error = {"code": self.code, "message": self.message, "where": self.where, **self.data}
        return {"error": error}

"""The errors a task reports to Step Functions.

The exception's class name becomes the ASL error name, so every class here is named
`Statemill.<Name>`: the AWS Lambda runtime reports `type(exc).__name__` as the errorType, and so
does the local engine. Messages are for people: what went wrong and how to fix it, no internals.
"""


class StatemillError(Exception):
    """Base of every error a task reports; subclasses get the `Statemill.` prefix."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__name__ = f"Statemill.{cls.__name__}"

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class InputError(StatemillError):
    """The task's inputs are wrong: retrying cannot help, so it is never retried."""


class HttpError(StatemillError):
    """A remote server answered with an unexpected status, or could not be reached."""


class Timeout(StatemillError):
    """The task ran out of time."""


class CodeError(StatemillError):
    """A code task's own code failed."""


class SecretError(StatemillError):
    """A secret reference could not be resolved."""


class PluginError(StatemillError):
    """A plugin failed or broke its declared permissions."""


class PermissionDenied(StatemillError):
    """The task tried something the platform forbids (e.g. a private network address)."""


class InternalError(StatemillError):
    """A bug in Statemill itself; the details are in the execution's logs."""

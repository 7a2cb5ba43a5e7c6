"""What can go wrong in the control layer, by kind: the CLI turns each kind into an exit code."""


class NotFound(LookupError):
    """No such workflow or execution on the target."""


class PlatformUnavailable(RuntimeError):
    """The target cannot be reached (the local server is not running, an endpoint is down)."""


class NotSupported(RuntimeError):
    """The target cannot do this (moto's engine has no redrive, say)."""


class Refused(ValueError):
    """The request is understood but not allowed now (starting a disabled workflow)."""

"""What commands that act on a target share: its settings, and control errors as CLI errors."""

from __future__ import annotations

import functools
from collections.abc import Callable

from statemachine_compiler import CompileError
from statemill.control import approvals, config
from statemill.control.errors import NotFound, NotSupported, PlatformUnavailable, Refused
from statemill.control.inputs import InputError
from statemill.control.target import TargetSettings, resolve

from .compile_commands import invalid_workflow
from .errors import INVALID, NOT_FOUND, PLATFORM, CliError


def target_of(obj: dict) -> TargetSettings:
    return resolve(obj["target"], obj["namespace"])


def reports_control_errors(command: Callable) -> Callable:
    """Turn the control layer's exceptions into one clear line and the exit code CLI.md gives."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return command(*args, **kwargs)
        except (NotFound, approvals.ApprovalNotFound) as exc:
            raise CliError(str(exc), NOT_FOUND, "not_found") from None
        except NotSupported as exc:
            raise CliError(str(exc), PLATFORM, "not_supported") from None
        except PlatformUnavailable as exc:
            raise CliError(str(exc), PLATFORM, "platform") from None
        except Refused as exc:
            raise CliError(str(exc), INVALID, "refused") from None
        except InputError as exc:
            raise CliError(exc.problems[0], INVALID, "invalid_input", details=exc.problems[1:]) from None
        except config.ConfigError as exc:
            raise CliError(str(exc), INVALID, "invalid_config") from None
        except CompileError as exc:
            raise invalid_workflow(exc) from None
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise CliError(f"{exc.operation_name} failed: {error.get('Code')}: {error.get('Message')}",
                           PLATFORM, "platform") from None
        except BotoCoreError as exc:
            raise CliError(f"cannot reach the target: {exc}", PLATFORM, "platform") from None
    return wrapper

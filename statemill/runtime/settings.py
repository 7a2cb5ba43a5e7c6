"""Where a task function finds its resources and limits: one small object read from the environment.

An explicit argument beats an environment variable; the environment beats a default.
"""

import os
from dataclasses import dataclass

from statemill import platform
from statemill.runtime.errors import InternalError

DEFAULT_OFFLOAD_THRESHOLD = 64 * 1024
DEFAULT_CODE_TIMEOUT_SECONDS = 300.0
DEFAULT_CODE_MEMORY_MB = 512
DEFAULT_HTTP_MAX_RESPONSE_BYTES = 10 * 1024 * 1024

ENV_CODE_MEMORY_MB = "STATEMILL_CODE_MEMORY_MB"
ENV_HTTP_MAX_RESPONSE_BYTES = "STATEMILL_HTTP_MAX_RESPONSE_BYTES"
ENV_ESBUILD = "STATEMILL_ESBUILD"


@dataclass(frozen=True)
class Settings:
    bucket: str | None = None
    data_table: str | None = None
    registry_table: str | None = None
    offload_threshold: int = DEFAULT_OFFLOAD_THRESHOLD
    # "" refuses private networks; "true" allows them; else a comma-separated list of CIDRs.
    allow_private_networks: str = ""
    http_max_response_bytes: int = DEFAULT_HTTP_MAX_RESPONSE_BYTES
    code_memory_mb: int = DEFAULT_CODE_MEMORY_MB
    esbuild: str | None = None
    # "" none; "ssm:/statemill/<stage>"; "file:<directory>" (statemill.runtime.secret_store).
    secret_store: str = ""

    @classmethod
    def from_env(cls, environ=None, **overrides) -> "Settings":
        env = os.environ if environ is None else environ
        from_env = {
            "bucket": env.get(platform.ENV_BUCKET),
            "data_table": env.get(platform.ENV_DATA_TABLE),
            "registry_table": env.get(platform.ENV_REGISTRY_TABLE),
            "offload_threshold": _int(
                env, platform.ENV_OFFLOAD_THRESHOLD, DEFAULT_OFFLOAD_THRESHOLD
            ),
            "allow_private_networks": env.get(platform.ENV_ALLOW_PRIVATE_NETWORKS, ""),
            "http_max_response_bytes": _int(
                env, ENV_HTTP_MAX_RESPONSE_BYTES, DEFAULT_HTTP_MAX_RESPONSE_BYTES
            ),
            "code_memory_mb": _int(env, ENV_CODE_MEMORY_MB, DEFAULT_CODE_MEMORY_MB),
            "esbuild": env.get(ENV_ESBUILD),
            "secret_store": env.get(platform.ENV_SECRET_STORE, ""),
        }
        return cls(**{**from_env, **overrides})

    def require(self, name: str) -> str:
        """The value of a resource setting, or a clear error naming the variable to set."""
        value = getattr(self, name)
        if not value:
            raise InternalError(
                f"the platform is misconfigured: {name} is not set "
                f"(set the STATEMILL_{name.upper()} environment variable of this function)"
            )
        return value


def _int(env, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None

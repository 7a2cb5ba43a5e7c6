"""Which platform commands act on, and the boto3 clients that reach it.

The same control code drives every target; only endpoint and credentials differ. The target
is chosen by, in order: an explicit argument, STATEMILL_TARGET, `statemill config set
target …`, else local. The local target's endpoint is the running local server's port,
read from STATEMILL_HOME.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statemill import platform
from statemill.control import config
from statemill.control.errors import PlatformUnavailable
from statemill.home import home_dir, read_server_record

ENV_TARGET = "STATEMILL_TARGET"
LOCAL_STAGE = "local"  # the stage the local server provisions
LOCAL_REGION = "us-east-1"
DEFAULT_STAGE = "dev"
DEFAULT_REGION = "us-east-1"
DEFAULT_NAMESPACE = "default"
LOCALSTACK_ENDPOINT = "http://localhost:4566"
# Any non-empty keys satisfy moto and LocalStack; real ones never go there.
_EMULATOR_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
SERVER_NOT_RUNNING = "the local server is not running: statemill server start"


@dataclass(frozen=True)
class TargetSettings:
    name: str  # local | localstack | aws
    region: str
    stage: str
    namespace: str | None  # None: lists span every namespace, one workflow is in 'default'
    home: Path

    @property
    def endpoint_url(self) -> str | None:
        """None on AWS (boto3's own endpoints); raises PlatformUnavailable for a stopped server."""
        if self.name == "localstack":
            return LOCALSTACK_ENDPOINT
        if self.name == "local":
            record = read_server_record(self.home)
            if record is None:
                raise PlatformUnavailable(SERVER_NOT_RUNNING)
            return record.endpoint_url
        return None

    def client(self, service: str) -> Any:
        """A boto3 client of this target (built once per process: that costs ~0.3 s)."""
        return _client(self.name, self.region, self.endpoint_url, service)

    def resource(self, logical_name: str) -> str:
        """The physical name of a platform table or bucket on this target."""
        return platform.resource_name(self.stage, logical_name)


_client_lock = threading.Lock()


@functools.cache
def _client(target: str, region: str, endpoint_url: str | None, service: str) -> Any:
    import boto3

    with _client_lock:  # boto3 session and client creation is not thread-safe; use is
        credentials = {} if target == "aws" else _EMULATOR_CREDENTIALS
        session = boto3.session.Session(region_name=region, **credentials)
        return session.client(service, endpoint_url=endpoint_url)


def resolve(target: str | None = None, namespace: str | None = None,
            environ: Mapping[str, str] | None = None) -> TargetSettings:
    """The settings from explicit arguments, else the environment, else the config file."""
    env = os.environ if environ is None else environ
    home = home_dir(env)
    stored = config.load(home)
    name = target or env.get(ENV_TARGET) or stored.get("target") or "local"
    if name not in config.TARGETS:
        raise config.ConfigError(f"unknown target '{name}' (from {ENV_TARGET} or the config file): "
                                 f"use one of {', '.join(config.TARGETS)}")
    chosen_namespace = namespace or stored.get("namespace")
    if name == "local":
        return TargetSettings(name, LOCAL_REGION, LOCAL_STAGE, chosen_namespace, home)
    region = (env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or stored.get("region")
              or DEFAULT_REGION)
    stage = env.get(platform.ENV_STAGE) or stored.get("stage") or DEFAULT_STAGE
    return TargetSettings(name, region, stage, chosen_namespace, home)

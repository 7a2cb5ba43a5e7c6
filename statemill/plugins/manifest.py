"""plugin.yaml: what a plugin is, the actions it offers and everything it is allowed to do.

Nothing is allowed by default: no network, no files, no config, no calls to other plugins, and
small memory and time limits.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

# The plugin ABI this host offers (Extism plus the statemill:host functions); manifests ask for a minimum.
HOST_VERSION = 1
MANIFEST_FILE = "plugin.yaml"
MODULE_FILE = "plugin.wasm"
SIGNATURE_FILE = "plugin.sig"

NAME = re.compile(r"^[a-z][a-z0-9_-]*/[a-z][a-z0-9_-]*$")
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$")
ACTION = re.compile(r"^[a-z][a-z0-9_]*$")
DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m)$")
VIRTUAL_PATH = re.compile(r"^/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")
MAX_MEMORY_MB = 1024
MAX_TIMEOUT_SECONDS = 900


class ManifestError(ValueError):
    """plugin.yaml is missing, unreadable or breaks a rule; the message says where and how to fix it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Runtime(_Strict):
    engine: Literal["extism"] = "extism"
    min_host_version: int = 1


class Action(_Strict):
    description: str = ""
    inputs: dict = Field(default_factory=lambda: {"type": "object"})  # JSON Schema
    outputs: dict = Field(default_factory=dict)  # JSON Schema; {} accepts anything


class Network(_Strict):
    # Host names, '*' globs allowed ("*.slack.com"), as Extism's allowed_hosts matches them.
    allowed_hosts: list[str] = Field(default_factory=list)


class ConfigFromInput(_Strict):
    input: str  # the task input whose value becomes this config key (removed from the input)


class ConfigFromSecret(_Strict):
    secret: str  # a secret of the workflow's namespace (statemill secret set NAME)


class ConfigValue(_Strict):
    value: str


ConfigSource = ConfigFromInput | ConfigFromSecret | ConfigValue


class Permissions(_Strict):
    network: Network = Field(default_factory=Network)
    # Virtual path -> access; each is a fresh, empty temporary directory for every invocation.
    filesystem: dict[str, Literal["read-only", "read-write"]] = Field(default_factory=dict)
    config: dict[str, ConfigSource] = Field(default_factory=dict)
    plugins: list[str] = Field(default_factory=list)  # "namespace/plugin" it may call
    memory_mb: Annotated[int, Field(ge=1, le=MAX_MEMORY_MB)] = 16
    timeout: str = "5s"

    @field_validator("filesystem")
    @classmethod
    def _virtual_paths(cls, paths: dict) -> dict:
        for path in paths:
            if not VIRTUAL_PATH.match(path) or ".." in path.split("/"):
                raise ValueError(f"'{path}' is not an absolute virtual path such as /data")
        return paths

    @field_validator("plugins")
    @classmethod
    def _plugin_names(cls, names: list[str]) -> list[str]:
        for name in names:
            if not NAME.match(name):
                raise ValueError(f"'{name}' is not a plugin name such as community/text")
        return names

    @field_validator("timeout")
    @classmethod
    def _duration(cls, text: str) -> str:
        if duration_seconds(text) is None:
            raise ValueError(f"'{text}' is not a duration such as 500ms, 10s or 2m")
        if duration_seconds(text) > MAX_TIMEOUT_SECONDS:
            raise ValueError(f"at most {MAX_TIMEOUT_SECONDS}s")
        return text

    @property
    def timeout_seconds(self) -> float:
        return duration_seconds(self.timeout)


class Manifest(_Strict):
    name: str
    version: str
    author: str
    description: str = ""
    runtime: Runtime = Field(default_factory=Runtime)
    actions: dict[str, Action]
    permissions: Permissions = Field(default_factory=Permissions)

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not NAME.match(name):
            raise ValueError("use namespace/plugin in lower case, such as community/slack")
        return name

    @field_validator("version")
    @classmethod
    def _semver(cls, version: str) -> str:
        if not SEMVER.match(version):
            raise ValueError("use a semantic version such as 1.2.0")
        return version

    @field_validator("actions")
    @classmethod
    def _actions(cls, actions: dict) -> dict:
        if not actions:
            raise ValueError("declare at least one action")
        for name in actions:
            if not ACTION.match(name):
                raise ValueError(f"action '{name}' must be lower case letters, digits and _ "
                                 "(it is the name of the function the module exports)")
        return actions

    @model_validator(mode="after")
    def _supported_runtime(self) -> Manifest:
        if self.runtime.min_host_version > HOST_VERSION:
            raise ValueError(f"needs plugin host version {self.runtime.min_host_version}; "
                             f"this Statemill offers {HOST_VERSION}: upgrade Statemill")
        return self

    @property
    def reference(self) -> str:
        return f"{self.name}@{self.version}"


def duration_seconds(text: str) -> float | None:
    match = DURATION.match(text)
    if not match:
        return None
    return float(match[1]) * {"ms": 0.001, "s": 1, "m": 60}[match[2]]


def parse_manifest(text: str | bytes, source: str = MANIFEST_FILE) -> Manifest:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ManifestError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ManifestError(f"{source}: must be a mapping with name, version, author and actions")
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'manifest'}: {e['msg']}"
                             for e in exc.errors())
        raise ManifestError(f"{source}: {problems}") from None


def load_manifest(directory: Path) -> Manifest:
    path = directory / MANIFEST_FILE
    try:
        return parse_manifest(path.read_bytes(), str(path))
    except FileNotFoundError:
        raise ManifestError(f"no {MANIFEST_FILE} in {directory}: run statemill plugin init NAME") from None

"""`statemill config`: a few settings kept in STATEMILL_HOME/config.json.

Each key is checked when set, so a typo fails at `config set`, not at the next command.
"""

from __future__ import annotations

import json
from pathlib import Path

from statemill.home import CONFIG_FILE, write_private

TARGETS = ("local", "localstack", "aws")
KEYS = {
    "target": f"where commands act: {', '.join(TARGETS)}",
    "namespace": "namespace of the workflows commands act on (default: default)",
    "region": "AWS region of the localstack and aws targets",
    "stage": "stage of the deployed platform on the localstack and aws targets (default: dev)",
    "webhook_url": "base URL of the deployed webhook API (localstack and aws targets), for webhook show",
    "plugin_trusted_keys": "ed25519 keys plugin signatures are checked against: NAME=BASE64,NAME=BASE64",
}


class ConfigError(ValueError):
    """An unknown key, a bad value or an unreadable config file."""


def load(home: Path) -> dict[str, str]:
    path = home / CONFIG_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}: fix or delete the file") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a JSON object: fix or delete the file")
    return {str(key): str(value) for key, value in data.items()}


def get(home: Path, key: str) -> str | None:
    check_key(key)
    return load(home).get(key)


def set_value(home: Path, key: str, value: str) -> None:
    check_key(key)
    if key == "target" and value not in TARGETS:
        raise ConfigError(f"target must be one of {', '.join(TARGETS)}, not '{value}'")
    if not value:
        raise ConfigError(f"{key} cannot be empty")
    values = load(home)
    values[key] = value
    write_private(home / CONFIG_FILE, json.dumps(values, indent=2, sort_keys=True) + "\n")


def check_key(key: str) -> None:
    if key not in KEYS:
        raise ConfigError(f"unknown config key '{key}' (known: {', '.join(KEYS)})")

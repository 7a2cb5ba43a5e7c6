"""A plugin action's data: inputs checked against its JSON Schema and split from config,
config values from secrets and constants, and the output checked against its schema."""

from __future__ import annotations

from typing import Any

from statemill.plugins.manifest import ConfigFromInput, ConfigFromSecret, ConfigValue, Manifest
from statemill.runtime.errors import InputError, PluginError


def schema_problems(schema: dict, value: Any) -> list[str]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'.'.join(map(str, error.absolute_path)) or '(the whole value)'}: {error.message}"
            for error in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))]


def split_inputs(manifest: Manifest, action: str, inputs: Any) -> tuple[Any, dict[str, str]]:
    """(what the action receives, the config keys taken from inputs); InputError when the inputs
    break the action's schema."""
    problems = schema_problems(manifest.actions[action].inputs, inputs)
    if problems:
        raise InputError(f"inputs of {manifest.name}.{action} do not match its schema: {'; '.join(problems)}")
    config, payload = {}, dict(inputs) if isinstance(inputs, dict) else inputs
    for key, source in manifest.permissions.config.items():
        if isinstance(source, ConfigFromInput) and isinstance(payload, dict) and source.input in payload:
            # Moved, not copied: a secret passed this way stays out of the action's input.
            value = payload.pop(source.input)
            config[key] = value if isinstance(value, str) else str(value)
    return payload, config


def plugin_config(manifest: Manifest, call) -> dict[str, str]:
    """Config keys from the namespace's secrets (masked in everything logged) and constants."""
    config = {}
    for key, source in manifest.permissions.config.items():
        if isinstance(source, ConfigFromSecret):
            value = call.services.secrets.get(call.event.namespace, source.secret)
            call.masker.add(value)
            config[key] = value
        elif isinstance(source, ConfigValue):
            config[key] = source.value
    return config


def check_output(manifest: Manifest, action: str, output: Any) -> None:
    schema = manifest.actions[action].outputs
    problems = schema_problems(schema, output) if schema else []
    if problems:
        raise PluginError(f"{manifest.name}.{action} returned output that breaks its declared "
                          f"outputs schema: {'; '.join(problems)}")

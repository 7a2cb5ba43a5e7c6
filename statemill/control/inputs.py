"""Execution inputs: from `-i KEY=VALUE` and input files, checked against `inputs:`."""

import json
from pathlib import Path

import yaml


class InputError(ValueError):
    """Inputs that do not match the workflow's `inputs:`; `problems` lists each, by name."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def parse_assignments(assignments: tuple[str, ...] | list[str]) -> dict:
    """`KEY=VALUE` pairs: VALUE is JSON when it parses (n=5 gives 5), else a string."""
    values = {}
    for assignment in assignments:
        key, equals, text = assignment.partition("=")
        if not equals or not key:
            raise InputError([f"'{assignment}' is not KEY=VALUE (e.g. -i size=10)"])
        try:
            values[key] = json.loads(text)
        except ValueError:
            values[key] = text
    return values


def load_file(path: str) -> dict:
    """An input file: a JSON or YAML mapping."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError([f"cannot read input file '{path}': {exc.strerror}"]) from None
    except yaml.YAMLError as exc:
        raise InputError([f"input file '{path}' is not valid JSON or YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise InputError([f"input file '{path}' must hold a mapping of input names to values"])
    return data


def prepare(schema: dict, values: dict) -> dict:
    """The inputs with defaults filled in; raises InputError naming every problem."""
    if not values and not schema.get("properties"):
        return {}  # nothing declared, nothing given: valid without loading jsonschema
    from jsonschema import Draft202012Validator  # only when an execution starts

    complete = {name: prop["default"] for name, prop in schema.get("properties", {}).items() if "default" in prop}
    complete.update(values)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    problems = [_describe(error, schema) for error in validator.iter_errors(complete)]
    if problems:
        raise InputError(sorted(problems))
    return complete


def _describe(error, schema: dict) -> str:
    if error.validator == "additionalProperties":
        declared = ", ".join(schema.get("properties", {})) or "none"
        extra = sorted(set(error.instance) - set(schema.get("properties", {})))
        return f"unknown input {', '.join(repr(e) for e in extra)} (declared: {declared})"
    if error.validator == "required":
        return f"missing input: {error.message.split(' is a required')[0]}"
    name = ".".join(str(p) for p in error.absolute_path) or "inputs"
    return f"input '{name}': {error.message}"

"""The JSON Schema of a workflow's `inputs:`, checked before an execution starts."""

from .model import InputSpec, Workflow

_KEYWORDS = {"description": "description", "enum": "enum", "default": "default", "minimum": "minimum",
             "maximum": "maximum", "min_length": "minLength", "max_length": "maxLength",
             "pattern": "pattern", "format": "format"}


def input_schema(workflow: Workflow) -> dict:
    properties = {name: _property(spec) for name, spec in workflow.inputs.items()}
    required = [name for name, spec in workflow.inputs.items() if _required(spec)]
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
              "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def _property(spec: InputSpec) -> dict:
    prop = {"type": spec.type}
    for field, keyword in _KEYWORDS.items():
        if getattr(spec, field) is not None:
            prop[keyword] = getattr(spec, field)
    return prop


def _required(spec: InputSpec) -> bool:
    """Required unless it has a default or says `required: false`."""
    if spec.required is not None:
        return spec.required
    return spec.default is None

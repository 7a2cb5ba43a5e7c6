"""The DSL's JSON Schema, for editors (`statemill schema`)."""

from .model import Workflow


def dsl_schema() -> dict:
    schema = Workflow.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Statemill workflow"
    return schema

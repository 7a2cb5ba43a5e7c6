"""The control API's routes (powertools APIGatewayRestResolver; its OpenAPI document is
docs/openapi.json, made by `python -m statemill.control_api.openapi`).

API Gateway already requires a SigV4 signature and an API key; the function checks both again,
so a misconfigured stage cannot expose it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BaseModel, ConfigDict, Field

from statemachine_compiler import CompileError
from statemill.control import runs, workflows
from statemill.control.errors import NotFound, NotSupported, Refused
from statemill.control.inputs import InputError
from statemill.control.logs import reader
from statemill.control.target import TargetSettings, resolve
from statemill.control_api.errors import error_response, validation_details

NAME = r"^[a-z][a-z0-9_]{0,63}$"  # namespaces and workflow ids, as the DSL allows them
EXECUTION = r"^[A-Za-z0-9_:.\-]{1,200}$"  # an execution's name, or its ARN
STATUSES = r"^(RUNNING|WAITING|SUCCEEDED|FAILED|CANCELLED|TIMED_OUT)$"

app = APIGatewayRestResolver(enable_validation=True, strip_prefixes=["/api"])


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    inputs: dict[str, Any] = Field(default_factory=dict, description="the workflow's inputs, by name")


class ApplyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    yaml: str = Field(min_length=1, max_length=512 * 1024, description="the workflow file's text")


class Started(BaseModel):
    id: str
    arn: str
    status_url: str


def target() -> TargetSettings:
    return resolve("aws")


def require_signed_caller(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
    identity = app.current_event.request_context.identity
    if not (identity.user_arn or identity.caller):
        return error_response(401, "unauthenticated", "sign the request with AWS SigV4 (IAM auth)")
    if not identity.api_key_id:
        return error_response(403, "forbidden", "send the stage's API key in the x-api-key header")
    return next_middleware(app)


app.use([require_signed_caller])


@app.get("/workflows", summary="Every workflow (of a namespace)")
def list_workflows(namespace: Annotated[str | None, Query(pattern=NAME)] = None) -> list[dict]:
    return [r.to_dict() for r in workflows.list_workflows(resolve("aws", namespace))]


@app.post("/workflows", summary="Apply a workflow file: create, or update when changed")
def apply_workflow(request: ApplyRequest) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = FilePath(folder) / "workflow.yaml"
        path.write_text(request.yaml, encoding="utf-8")
        (applied,) = workflows.apply(target(), [path])
    return applied.to_dict()


@app.get("/workflows/<namespace>/<workflow>", summary="A workflow: YAML, ASL, tasks, input schema")
def describe_workflow(namespace: Annotated[str, Path(pattern=NAME)],
                      workflow: Annotated[str, Path(pattern=NAME)]) -> dict:
    return workflows.describe(target(), f"{namespace}/{workflow}")


@app.delete("/workflows/<namespace>/<workflow>", summary="Delete a workflow (its history stays)")
def delete_workflow(namespace: Annotated[str, Path(pattern=NAME)],
                    workflow: Annotated[str, Path(pattern=NAME)]) -> dict:
    record = workflows.delete(target(), f"{namespace}/{workflow}")
    return {"namespace": record.namespace, "id": record.id, "deleted": True}


@app.post("/workflows/<namespace>/<workflow>/enable", summary="Let the workflow start again")
def enable_workflow(namespace: Annotated[str, Path(pattern=NAME)],
                    workflow: Annotated[str, Path(pattern=NAME)]) -> dict:
    return workflows.set_enabled(target(), f"{namespace}/{workflow}", True).to_dict()


@app.post("/workflows/<namespace>/<workflow>/disable", summary="Refuse new executions")
def disable_workflow(namespace: Annotated[str, Path(pattern=NAME)],
                     workflow: Annotated[str, Path(pattern=NAME)]) -> dict:
    return workflows.set_enabled(target(), f"{namespace}/{workflow}", False).to_dict()


@app.post("/workflows/<namespace>/<workflow>/run",
          summary="Start the workflow with JSON inputs; poll GET /api/executions/{id}")
def run_workflow(namespace: Annotated[str, Path(pattern=NAME)], workflow: Annotated[str, Path(pattern=NAME)],
                 request: RunRequest) -> Started:
    arn = runs.start(target(), f"{namespace}/{workflow}", request.inputs)
    execution_id = arn.rsplit(":", 1)[-1]
    return Started(id=execution_id, arn=arn, status_url=f"/api/executions/{execution_id}")


@app.get("/executions", summary="Executions, newest first")
def list_executions(workflow: Annotated[str | None, Query(pattern=r"^([a-z][a-z0-9_]*/)?[a-z][a-z0-9_]*$")] = None,
                    status: Annotated[str | None, Query(pattern=STATUSES)] = None,
                    limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[dict]:
    return runs.list_executions(target(), workflow, status, limit)


@app.get("/executions/<execution>", summary="Status, inputs, outputs and per-task progress")
def inspect_execution(execution: Annotated[str, Path(pattern=EXECUTION)]) -> dict:
    return runs.inspect(target(), execution).to_dict()


@app.get("/executions/<execution>/logs", summary="The runtime's log lines of the execution")
def execution_logs(execution: Annotated[str, Path(pattern=EXECUTION)]) -> list[dict]:
    settings = target()
    return reader(settings, runs.find(settings, execution).arn).new_lines()


@app.post("/executions/<execution>/cancel", summary="Stop a running execution")
def cancel_execution(execution: Annotated[str, Path(pattern=EXECUTION)]) -> dict:
    return {"arn": runs.cancel(target(), execution).arn, "cancelled": True}


@app.post("/executions/<execution>/redrive", summary="Resume a failed execution from where it failed")
def redrive_execution(execution: Annotated[str, Path(pattern=EXECUTION)]) -> dict:
    return {"arn": runs.redrive(target(), execution).arn, "redriven": True}


@app.exception_handler(RequestValidationError)
def _invalid_request(error: RequestValidationError) -> Response:
    return error_response(422, "invalid_request", "the request does not match the API (see details)",
                          validation_details(error.errors()))


@app.exception_handler(NotFound)
def _not_found(error: NotFound) -> Response:
    return error_response(404, "not_found", str(error))


@app.not_found
def _no_route(error: NotFoundError) -> Response:
    return error_response(404, "no_route", f"no operation {app.current_event.http_method} "
                          f"{app.current_event.path}: see the OpenAPI document")


@app.exception_handler(Refused)
def _refused(error: Refused) -> Response:
    return error_response(409, "refused", str(error))


@app.exception_handler(NotSupported)
def _not_supported(error: NotSupported) -> Response:
    return error_response(501, "not_supported", str(error))


@app.exception_handler(InputError)
def _invalid_inputs(error: InputError) -> Response:
    return error_response(422, "invalid_input", error.problems[0], error.problems[1:])


@app.exception_handler(CompileError)
def _invalid_workflow(error: CompileError) -> Response:
    return error_response(422, "invalid_workflow", str(error).splitlines()[0], str(error).splitlines()[1:])


def handle(event: dict, context: Any) -> dict:
    return app.resolve(event, context)

"""The control API over the AWS target (moto): the REST operations, and a table of bad requests
each refused with a 4xx and a clear JSON error."""

import json

import pytest

from statemill.control_api.app import handle
from statemill.control_api.openapi import document
from tests.functional.aws_target.conftest import GREETING

SIGNED = {"userArn": "arn:aws:iam::123456789012:user/ops", "caller": "AIDAEXAMPLE", "apiKeyId": "key123"}


def request(method: str, path: str, body=None, query: dict | None = None, identity: dict = SIGNED) -> tuple:
    """Call the handler with an API Gateway REST (v1) proxy event; returns (status, JSON body)."""
    event = {
        "resource": "/api/{proxy+}", "path": path, "httpMethod": method,
        "headers": {"content-type": "application/json"}, "multiValueHeaders": {},
        "queryStringParameters": query, "multiValueQueryStringParameters":
            {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": {"proxy": path.removeprefix("/api/")}, "stageVariables": None,
        "requestContext": {"resourcePath": "/api/{proxy+}", "httpMethod": method, "path": f"/dev{path}",
                           "stage": "dev", "requestId": "r-1", "identity": identity},
        "body": body if body is None or isinstance(body, str) else json.dumps(body),
        "isBase64Encoded": False,
    }
    response = handle(event, None)
    return response["statusCode"], json.loads(response["body"])


@pytest.fixture
def api(aws, monkeypatch, tmp_path):
    monkeypatch.setenv("STATEMILL_HOME", str(tmp_path / "home"))
    status, applied = request("POST", "/api/workflows", {"yaml": GREETING.format(description="hello")})
    assert status == 200 and applied["change"] == "created"
    return aws


def test_run_returns_an_execution_id_to_poll(api):
    status, started = request("POST", "/api/workflows/default/greet/run", {"inputs": {"name": "api"}})
    assert status == 200 and started["status_url"] == f"/api/executions/{started['id']}"
    status, execution = request("GET", started["status_url"])
    assert status == 200 and execution["status"] == "RUNNING" and execution["inputs"] == {"name": "api"}
    status, listed = request("GET", "/api/executions", query={"workflow": "default/greet"})
    assert [e["id"] for e in listed] == [started["id"]]
    assert request("POST", f"/api/executions/{started['id']}/cancel")[0] == 200


def test_workflow_operations(api):
    assert [w["id"] for w in request("GET", "/api/workflows")[1]] == ["greet"]
    assert request("GET", "/api/workflows/default/greet")[1]["tasks"] == ["greet"]
    assert request("POST", "/api/workflows/default/greet/disable")[1]["enabled"] is False
    assert request("POST", "/api/workflows/default/greet/run", {})[0] == 409
    assert request("POST", "/api/workflows/default/greet/enable")[1]["enabled"] is True
    assert request("DELETE", "/api/workflows/default/greet")[1]["deleted"] is True
    assert request("GET", "/api/workflows")[1] == []


BAD_REQUESTS = [
    # (why, method, path, body, query, identity, status, error code)
    ("unsigned", "GET", "/api/workflows", None, None, {}, 401, "unauthenticated"),
    ("signed without an API key", "GET", "/api/workflows", None, None,
     {"userArn": SIGNED["userArn"], "caller": "x"}, 403, "forbidden"),
    ("unknown route", "GET", "/api/nothing", None, None, SIGNED, 404, "no_route"),
    ("wrong method", "PUT", "/api/workflows/default/greet", None, None, SIGNED, 404, "no_route"),
    ("body not JSON", "POST", "/api/workflows/default/greet/run", "{inputs:", None, SIGNED, 422, "invalid_request"),
    ("body a list", "POST", "/api/workflows/default/greet/run", [1], None, SIGNED, 422, "invalid_request"),
    ("unknown body field", "POST", "/api/workflows/default/greet/run", {"inputs": {}, "wait": True}, None,
     SIGNED, 422, "invalid_request"),
    ("inputs not an object", "POST", "/api/workflows/default/greet/run", {"inputs": 5}, None, SIGNED, 422,
     "invalid_request"),
    ("bad namespace", "POST", "/api/workflows/Bad-NS/greet/run", {}, None, SIGNED, 422, "invalid_request"),
    ("unknown workflow", "POST", "/api/workflows/default/nope/run", {}, None, SIGNED, 404, "not_found"),
    ("input of the wrong type", "POST", "/api/workflows/default/greet/run", {"inputs": {"name": 5}}, None,
     SIGNED, 422, "invalid_input"),
    ("undeclared input", "POST", "/api/workflows/default/greet/run", {"inputs": {"nme": "x"}}, None,
     SIGNED, 422, "invalid_input"),
    ("limit out of range", "GET", "/api/executions", None, {"limit": "0"}, SIGNED, 422, "invalid_request"),
    ("limit not a number", "GET", "/api/executions", None, {"limit": "ten"}, SIGNED, 422, "invalid_request"),
    ("unknown status", "GET", "/api/executions", None, {"status": "DONE"}, SIGNED, 422, "invalid_request"),
    ("unknown execution", "GET", "/api/executions/greet-000", None, None, SIGNED, 404, "not_found"),
    ("execution id with a space", "GET", "/api/executions/bad%20id", None, None, SIGNED,
     422, "invalid_request"),
    ("apply without yaml", "POST", "/api/workflows", {}, None, SIGNED, 422, "invalid_request"),
    ("apply an invalid workflow", "POST", "/api/workflows", {"yaml": "id: x\ntasks: {}\nbogus: 1\n"}, None,
     SIGNED, 422, "invalid_workflow"),
    ("enable an unknown workflow", "POST", "/api/workflows/default/nope/enable", None, None, SIGNED, 404,
     "not_found"),
    ("namespace filter in capitals", "GET", "/api/workflows", None, {"namespace": "Team"}, SIGNED, 422,
     "invalid_request"),
]


@pytest.mark.parametrize(("why", "method", "path", "body", "query", "identity", "status", "code"),
                         BAD_REQUESTS, ids=[row[0] for row in BAD_REQUESTS])
def test_bad_requests_are_refused_clearly(api, why, method, path, body, query, identity, status, code):
    got_status, got = request(method, path, body, query, identity)
    assert (got_status, got["error"]["code"]) == (status, code)
    assert got["error"]["message"]


def test_openapi_document_is_current():
    from tests.infra.conftest import repository

    committed = (repository() / "docs" / "openapi.json").read_text()
    assert committed == document(), "regenerate: python -m statemill.control_api.openapi > docs/openapi.json"

"""Offloaded payloads: a large result becomes a $ref; the next Lambda task sees the full value."""

import json

import boto3
import pytest

from statemill.runtime.code.runner import handle_python
from statemill.runtime.errors import InputError, PermissionDenied
from statemill.runtime.task_runner import handle

from .conftest import BUCKET, json_response, make_event

STEP_FUNCTIONS_STATE_LIMIT = 256 * 1024


def test_a_large_result_round_trips_through_the_bucket(services, http_server):
    # GIVEN a server answering 1 MiB of JSON
    big = {"rows": ["x" * 1000] * 1048}
    assert len(json.dumps(big)) > 1024 * 1024
    http_server.respond = lambda request: (
        json_response(big) if request.method == "GET" else (204, {}, b"")
    )

    # WHEN one task fetches it
    reference = handle(
        make_event("core/http.get", {"url": http_server.url}, task="fetch"), services=services
    )

    # THEN the state carries a small reference to the stored result
    assert set(reference) == {"$ref", "bytes", "sha256"}
    assert len(json.dumps(reference)) < STEP_FUNCTIONS_STATE_LIMIT
    assert reference["$ref"].startswith(f"s3://{BUCKET}/payloads/default/wf/run-1/fetch/")
    key = reference["$ref"].split("/", 3)[3]
    stored = json.loads(boto3.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read())
    assert stored["body"] == big and stored["status"] == 200

    # AND the next task, given the reference (here nested in its inputs), sees the full value
    handle(
        make_event(
            "core/http.post", {"url": http_server.url, "json": {"fetched": reference}}, task="save"
        ),
        services=services,
    )
    assert json.loads(http_server.requests[-1].body)["fetched"]["body"] == big


def test_code_tasks_dereference_too(services, http_server):
    http_server.respond = lambda request: json_response(list(range(100_000)))
    reference = handle(make_event("core/http.get", {"url": http_server.url}), services=services)

    total = handle_python(
        make_event(
            "core/code",
            {"data": reference},
            code={
                "language": "python",
                "source": "def main(input):\n    return sum(input['data']['body'])\n",
            },
        ),
        services=services,
    )

    assert total == sum(range(100_000))


def test_small_results_stay_inline(services, http_server):
    result = handle(make_event("core/http.get", {"url": http_server.url}), services=services)

    assert "$ref" not in result
    assert boto3.client("s3").list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0


def test_another_namespaces_payload_cannot_be_read(services, http_server):
    http_server.respond = lambda request: json_response("s" * 100_000)
    reference = handle(
        make_event("core/http.get", {"url": http_server.url}, namespace="team.a"), services=services
    )

    with pytest.raises(PermissionDenied, match="outside this namespace's payloads"):
        handle(
            make_event("core/log", {"message": reference}, namespace="team.b"),
            services=services,
        )


def test_an_altered_payload_is_refused(services, http_server):
    http_server.respond = lambda request: json_response("s" * 100_000)
    reference = handle(make_event("core/http.get", {"url": http_server.url}), services=services)
    key = reference["$ref"].split("/", 3)[3]
    boto3.client("s3").put_object(Bucket=BUCKET, Key=key, Body=b'"tampered"')

    with pytest.raises(InputError, match="does not match its sha256"):
        handle(make_event("core/log", {"message": reference}), services=services)

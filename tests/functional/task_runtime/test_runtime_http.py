"""core/http.* and core/notify.webhook against a real local HTTP server."""

import json

import pytest

from statemill.runtime.errors import HttpError, InputError, Timeout
from statemill.runtime.network_guard import NetworkGuard
from statemill.runtime.task_runner import handle

from .conftest import allow_loopback, json_response, make_event, make_services


def test_get_sends_query_and_headers_and_parses_json(services, http_server):
    http_server.respond = lambda request: json_response({"path": request.path})

    result = handle(
        make_event(
            "core/http.get",
            {
                "url": f"{http_server.url}/items?a=1",
                "query": {"b": 2, "tag": ["x", "y"]},
                "headers": {"X-Trace": "abc"},
            },
        ),
        services=services,
    )

    assert result["status"] == 200
    assert result["body"] == {"path": "/items?a=1&b=2&tag=x&tag=y"}
    assert result["headers"]["content-type"] == "application/json"
    assert http_server.requests[0].headers["X-Trace"] == "abc"


def test_post_json_body(services, http_server):
    http_server.respond = lambda request: (201, {"Content-Type": "text/plain"}, b"created")

    result = handle(
        make_event("core/http.post", {"url": http_server.url, "json": {"n": 1}}),
        services=services,
    )

    assert result == {"status": 201, "headers": result["headers"], "body": "created"}
    sent = http_server.requests[0]
    assert (sent.method, json.loads(sent.body)) == ("POST", {"n": 1})
    assert sent.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "task_type, method", [("core/http.put", "PUT"), ("core/http.delete", "DELETE")]
)
def test_fixed_methods(services, http_server, task_type, method):
    handle(make_event(task_type, {"url": http_server.url, "body": "raw"}), services=services)

    assert http_server.requests[0].method == method
    assert http_server.requests[0].body == b"raw"


def test_request_takes_the_method_from_inputs(services, http_server):
    handle(
        make_event("core/http.request", {"url": http_server.url, "method": "patch"}),
        services=services,
    )

    assert http_server.requests[0].method == "PATCH"


def test_unexpected_status_is_an_http_error(services, http_server):
    http_server.respond = lambda request: (404, {}, b"no such thing")

    with pytest.raises(
        HttpError, match=r"answered 404 Not Found \(expected 2xx or 3xx\): no such thing"
    ):
        handle(make_event("core/http.get", {"url": http_server.url}), services=services)


def test_expect_accepts_listed_statuses_only(services, http_server):
    http_server.respond = lambda request: (404, {}, b"")
    result = handle(
        make_event("core/http.get", {"url": http_server.url, "expect": [200, 404]}),
        services=services,
    )
    assert result["status"] == 404

    http_server.respond = lambda request: (200, {}, b"")
    with pytest.raises(HttpError, match="expected 201"):
        handle(
            make_event("core/http.get", {"url": http_server.url, "expect": [201]}),
            services=services,
        )


def test_redirects_are_followed(services, http_server):
    http_server.respond = lambda request: (
        (302, {"Location": "/final"}, b"") if request.path == "/start" else json_response("done")
    )

    result = handle(
        make_event("core/http.get", {"url": f"{http_server.url}/start"}), services=services
    )

    assert result["body"] == "done"
    assert [r.path for r in http_server.requests] == ["/start", "/final"]


def test_response_size_is_capped(aws, http_server):
    http_server.respond = lambda request: (200, {}, b"x" * 2048)
    services = make_services(network=allow_loopback(), http_max_response_bytes=1024)

    with pytest.raises(HttpError, match="larger than the 1024-byte limit"):
        handle(make_event("core/http.get", {"url": http_server.url}), services=services)


def test_slow_server_times_out(services, http_server):
    import time

    http_server.respond = lambda request: (time.sleep(2), (200, {}, b"late"))[1]

    with pytest.raises(Timeout, match="no answer within the time limit"):
        handle(
            make_event("core/http.get", {"url": http_server.url, "timeout": "300ms"}),
            services=services,
        )


def test_bad_inputs_are_input_errors(services):
    with pytest.raises(InputError, match="input 'url' is required"):
        handle(make_event("core/http.get", {}), services=services)
    with pytest.raises(InputError, match="is not an http"):
        handle(make_event("core/http.get", {"url": "file:///etc/passwd"}), services=services)


def test_notify_webhook_posts_the_body(services, http_server):
    result = handle(
        make_event(
            "core/notify.webhook",
            {"url": http_server.url, "body": {"text": "hi"}, "headers": {"X-Signature": "sig"}},
        ),
        services=services,
    )

    assert result == {"status": 200}
    assert json.loads(http_server.requests[0].body) == {"text": "hi"}
    assert http_server.requests[0].headers["X-Signature"] == "sig"


def test_an_address_that_refuses_is_skipped_for_the_next(aws, http_server):
    # "::1" refuses (the server listens on 127.0.0.1 only), as IPv6 does on IPv4-only networks.
    guard = NetworkGuard(
        lambda ip, port: ip.is_loopback, resolve=lambda host, port: ["::1", "127.0.0.1"]
    )
    services = make_services(network=guard)

    result = handle(
        make_event("core/http.get", {"url": f"http://dual.test:{http_server.port}/"}),
        services=services,
    )

    assert result["status"] == 200 and len(http_server.requests) == 1


def test_a_refused_connection_is_an_http_error_not_a_timeout(services):
    with pytest.raises(HttpError, match=r"GET http://127\.0\.0\.1:9/: cannot connect: .*refused"):
        handle(make_event("core/http.get", {"url": "http://127.0.0.1:9/"}), services=services)


@pytest.mark.parametrize(
    "inputs, sent, content_type",
    [
        ({"body": "plain text"}, b"plain text", None),
        ({"body": {"a": 1}}, b'{"a":1}', "application/json"),
        ({"body": True}, b"true", "application/json"),
        ({"json": [1, 2]}, b"[1,2]", "application/json"),
    ],
)
def test_text_bodies_go_as_they_are_and_anything_else_as_json(
    services, http_server, inputs, sent, content_type
):
    handle(make_event("core/http.post", {"url": http_server.url, **inputs}), services=services)

    assert http_server.requests[0].body == sent
    assert http_server.requests[0].headers.get("Content-Type") == content_type

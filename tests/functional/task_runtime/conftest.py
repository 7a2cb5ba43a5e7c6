"""Fixtures for the task runtime's functional tests: moto-backed platform resources, a local
HTTP server that records what it receives, and task events."""

import io
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from moto import mock_aws

from statemill import platform
from statemill.runtime import observability
from statemill.runtime.network_guard import NetworkGuard, public_only
from statemill.runtime.services import Services
from statemill.runtime.settings import Settings

BUCKET = "statemill-test-platform"
DATA_TABLE = "statemill-test-data"
REGISTRY_TABLE = "statemill-test-registry"


@pytest.fixture
def aws(monkeypatch):
    """Moto with the platform's bucket and tables created."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        dynamodb = boto3.client("dynamodb")
        for spec, name in (
            (platform.DATA_TABLE, DATA_TABLE),
            (platform.REGISTRY_TABLE, REGISTRY_TABLE),
        ):
            dynamodb.create_table(
                TableName=name,
                KeySchema=[
                    {"AttributeName": spec.partition_key, "KeyType": "HASH"},
                    {"AttributeName": spec.sort_key, "KeyType": "RANGE"},
                ],
                AttributeDefinitions=[
                    {"AttributeName": spec.partition_key, "AttributeType": "S"},
                    {"AttributeName": spec.sort_key, "AttributeType": "S"},
                ],
                BillingMode="PAY_PER_REQUEST",
            )
        yield


def make_services(network: NetworkGuard | None = None, secrets=None, **settings) -> Services:
    defaults = {"bucket": BUCKET, "data_table": DATA_TABLE, "registry_table": REGISTRY_TABLE}
    return Services(Settings(**{**defaults, **settings}), network=network, secrets=secrets)


def allow_loopback() -> NetworkGuard:
    """What the local engine sets (STATEMILL_ALLOW_PRIVATE_NETWORKS): tests reach 127.0.0.1."""
    return NetworkGuard(lambda ip, port: ip.is_loopback or public_only(ip, port))


@pytest.fixture
def services(aws) -> Services:
    return make_services(network=allow_loopback())


def make_event(task_type: str, inputs: dict | None = None, **fields) -> dict:
    return {
        "v": 1,
        "workflow": "wf",
        "namespace": "default",
        "version": "abc123",
        "execution": "arn:aws:states:us-east-1:123456789012:execution:wf:run-1",
        "task": "t1",
        "type": task_type,
        "attempt": 1,
        "inputs": inputs or {},
        **fields,
    }


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class RecordingServer:
    """An HTTP server on 127.0.0.1; `respond` decides each answer; `requests` lists what came."""

    port: int = 0
    requests: list[Recorded] = field(default_factory=list)
    respond: Callable[[Recorded], tuple[int, dict[str, str], bytes]] = lambda request: (
        200,
        {"Content-Type": "application/json"},
        b'{"ok": true}',
    )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that gave up (the timeout tests) is expected, not a failure


@pytest.fixture
def start_server():
    """A function starting one more RecordingServer; all are stopped after the test."""
    running = []

    def start() -> RecordingServer:
        state = RecordingServer()

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                recorded = Recorded(self.command, self.path, dict(self.headers), body)
                state.requests.append(recorded)
                status, headers, payload = state.respond(recorded)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

            def log_message(self, *args):
                pass

        server = _QuietServer(("127.0.0.1", 0), Handler)
        state.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running.append(server)
        return state

    yield start
    for server in running:
        server.shutdown()
        server.server_close()


@pytest.fixture
def http_server(start_server) -> RecordingServer:
    return start_server()


def json_response(value, status: int = 200) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(value).encode()


@pytest.fixture
def log_lines():
    """A function returning the runtime's log lines so far, as dicts (as shipped to CloudWatch)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(observability.logger().registered_formatter)
    stdlib_logger = logging.getLogger(observability.SERVICE)
    stdlib_logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    stdlib_logger.removeHandler(handler)

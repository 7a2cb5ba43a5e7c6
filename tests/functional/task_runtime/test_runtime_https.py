"""HTTPS: the connection goes to the checked address, and the certificate is still verified
against the name in the URL."""

import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from statemill.runtime.errors import HttpError
from statemill.runtime.network_guard import NetworkGuard
from statemill.runtime.task_runner import handle

from .conftest import allow_loopback, make_event, make_services


@pytest.fixture
def self_signed_server(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    class QuietServer(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # the refused handshakes are the point of these tests

    server = QuietServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], requests, tmp_path / "cert.pem"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_an_untrusted_certificate_is_refused(aws, self_signed_server, host):
    port, requests, _ = self_signed_server
    services = make_services(network=allow_loopback())

    with pytest.raises(HttpError, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        handle(make_event("core/http.get", {"url": f"https://{host}:{port}/"}), services=services)

    assert requests == []


def test_a_pinned_connection_still_verifies_the_name_in_the_url(
    aws, self_signed_server, monkeypatch
):
    # GIVEN the test certificate trusted (OpenSSL reads SSL_CERT_FILE), issued to "localhost" only
    port, requests, certificate = self_signed_server
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    loopback_v4 = NetworkGuard(
        lambda ip, port: ip.is_loopback, resolve=lambda host, port: ["127.0.0.1"]
    )
    services = make_services(network=loopback_v4)

    # WHEN we connect by name, the connection goes to the checked 127.0.0.1 and the name verifies
    result = handle(
        make_event("core/http.get", {"url": f"https://localhost:{port}/ok"}), services=services
    )

    # THEN it succeeds; by bare address, the same certificate does not match and is refused
    assert result["status"] == 200 and requests == ["/ok"]
    with pytest.raises(HttpError, match="certificate verify failed|match"):
        handle(
            make_event("core/http.get", {"url": f"https://127.0.0.1:{port}/"}), services=services
        )
    assert requests == ["/ok"]

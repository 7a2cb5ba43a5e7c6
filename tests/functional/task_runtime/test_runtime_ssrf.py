"""Server-side request forgery: tasks must not reach private, loopback, link-local, metadata or
unique-local addresses, however the URL spells them, directly or through a redirect."""

import ipaddress

import pytest

from statemill.runtime.errors import PermissionDenied
from statemill.runtime.network_guard import NetworkGuard, public_only
from statemill.runtime.task_runner import handle

from .conftest import make_event, make_services

# {port} is the listener's port: a refused request must never reach it.
DIRECT_ATTEMPTS = [
    ("http://127.0.0.1:{port}/", "loopback"),
    ("http://127.1:{port}/", "loopback"),
    ("http://0177.0.0.1:{port}/", "loopback"),
    ("http://2130706433:{port}/", "loopback"),
    ("http://0x7f000001:{port}/", "loopback"),
    ("http://localhost:{port}/", "loopback"),
    ("http://[::1]:{port}/", "loopback"),
    ("http://[::ffff:127.0.0.1]:{port}/", "loopback"),
    ("http://0.0.0.0:{port}/", "unspecified"),
    ("http://169.254.169.254/latest/meta-data/iam/", "cloud metadata"),
    ("http://[fd00:ec2::254]/latest/meta-data/", "cloud metadata"),
    ("http://169.254.170.2/v2/credentials", "cloud metadata"),
    ("http://169.254.1.1/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://10.0.0.1/", "private"),
    ("http://10.255.255.254/", "private"),
    ("http://172.16.0.1/", "private"),
    ("http://172.31.255.255/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://[fd00::1]/", "IPv6 unique local"),
    ("http://[fdff:ffff::1]/", "IPv6 unique local"),
    ("http://100.64.0.1/", "non-public"),
]


@pytest.fixture
def strict_services(aws):
    """The default platform setting: public addresses only."""
    return make_services(allow_private_networks="")


@pytest.mark.parametrize("url, kind", DIRECT_ATTEMPTS)
def test_direct_attempts_are_refused_before_any_connection(strict_services, http_server, url, kind):
    with pytest.raises(PermissionDenied) as refused:
        handle(
            make_event("core/http.get", {"url": url.format(port=http_server.port)}),
            services=strict_services,
        )

    assert type(refused.value).__name__ == "Statemill.PermissionDenied"
    assert f"it is a {kind} address" in str(refused.value)
    assert "STATEMILL_ALLOW_PRIVATE_NETWORKS" in str(refused.value)
    assert http_server.requests == []


@pytest.mark.parametrize(
    "target, kind",
    [
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://127.0.0.1:{port}/", "loopback"),
        ("http://localhost:{port}/", "loopback"),
        ("http://[::1]:{port}/", "loopback"),
        ("http://10.1.2.3/", "private"),
    ],
)
def test_redirects_to_forbidden_addresses_are_refused(aws, start_server, target, kind):
    # GIVEN a listener that must stay untouched, and an allowed server redirecting to it
    listener, redirector = start_server(), start_server()
    redirector.respond = lambda request: (302, {"Location": target.format(port=listener.port)}, b"")
    only_the_redirector = NetworkGuard(
        lambda ip, port: (
            (ip, port) == (ipaddress.ip_address("127.0.0.1"), redirector.port)
            or public_only(ip, port)
        )
    )
    services = make_services(network=only_the_redirector)

    # WHEN a task follows the redirect
    with pytest.raises(PermissionDenied, match=f"it is a {kind} address"):
        handle(make_event("core/http.get", {"url": f"{redirector.url}/go"}), services=services)

    # THEN the allowed server was asked, the forbidden one never was
    assert [r.path for r in redirector.requests] == ["/go"]
    assert listener.requests == []


def test_notify_webhook_is_guarded_too(strict_services, http_server):
    with pytest.raises(PermissionDenied, match="loopback"):
        handle(
            make_event("core/notify.webhook", {"url": http_server.url, "body": {}}),
            services=strict_services,
        )

    assert http_server.requests == []


def test_a_name_is_checked_on_what_it_resolves_to(strict_services, http_server):
    guard = NetworkGuard(public_only, resolve=lambda host, port: ["93.184.216.34", "127.0.0.1"])
    services = make_services(network=guard)

    with pytest.raises(
        PermissionDenied, match=r"rebind\.example \(127\.0\.0\.1\): it is a loopback"
    ):
        handle(make_event("core/http.get", {"url": "http://rebind.example/"}), services=services)


def test_the_platform_setting_opens_private_networks(aws, http_server):
    services = make_services(allow_private_networks="true")

    result = handle(make_event("core/http.get", {"url": http_server.url}), services=services)

    assert result["status"] == 200
    assert len(http_server.requests) == 1


def test_the_connection_goes_to_the_checked_address(aws, http_server):
    # A name that no real DNS knows: the request can only arrive if we connect to the checked IP.
    calls = []

    def resolve_once(host, port):
        calls.append(host)
        return ["127.0.0.1"]

    guard = NetworkGuard(lambda ip, port: ip.is_loopback, resolve=resolve_once)
    url = f"http://pinned.invalid:{http_server.port}/"

    handle(make_event("core/http.get", {"url": url}), services=make_services(network=guard))

    assert calls == ["pinned.invalid"]
    assert http_server.requests[0].headers["Host"] == f"pinned.invalid:{http_server.port}"

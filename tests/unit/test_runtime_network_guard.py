"""Address classification and the STATEMILL_ALLOW_PRIVATE_NETWORKS setting."""

import ipaddress

import pytest

from statemill.runtime.errors import InputError, PermissionDenied
from statemill.runtime.network_guard import (
    NetworkGuard,
    address_check_from_setting,
    non_public_kind,
)

ip = ipaddress.ip_address


@pytest.mark.parametrize(
    "address, kind",
    [
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("2002:7f00:0001::", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "cloud metadata"),  # NAT64 wrapping 169.254.169.254
        ("0.0.0.0", "unspecified"),
        ("169.254.169.254", "cloud metadata"),
        ("fe80::1", "link-local"),
        ("fd12:3456::1", "IPv6 unique local"),
        ("192.168.0.10", "private"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "non-public"),
    ],
)
def test_non_public_kind(address, kind):
    assert non_public_kind(ip(address)) == kind


def test_the_default_setting_allows_public_addresses_only():
    allowed = address_check_from_setting("")

    assert allowed(ip("8.8.8.8"), 443)
    assert not allowed(ip("127.0.0.1"), 80)


def test_true_allows_private_networks_but_never_cloud_metadata():
    allowed = address_check_from_setting("true")

    assert allowed(ip("127.0.0.1"), 80) and allowed(ip("10.1.1.1"), 80)
    assert not allowed(ip("169.254.169.254"), 80)
    assert not allowed(ip("::ffff:169.254.169.254"), 80)


def test_a_network_list_allows_exactly_those_networks():
    allowed = address_check_from_setting("127.0.0.1/32, 10.0.0.0/8")

    assert (
        allowed(ip("127.0.0.1"), 80) and allowed(ip("10.9.9.9"), 80) and allowed(ip("1.1.1.1"), 80)
    )
    assert not allowed(ip("127.0.0.2"), 80) and not allowed(ip("192.168.1.1"), 80)


def test_a_bad_setting_names_the_variable():
    with pytest.raises(ValueError, match="STATEMILL_ALLOW_PRIVATE_NETWORKS"):
        address_check_from_setting("not-a-network")


def test_every_resolved_address_must_be_allowed():
    guard = NetworkGuard(resolve=lambda host, port: ["1.1.1.1", "10.0.0.1"])

    with pytest.raises(
        PermissionDenied, match=r"mixed\.example \(10\.0\.0\.1\): it is a private address"
    ):
        guard.checked_addresses("mixed.example", 80)


def test_an_unresolvable_name_is_an_input_error():
    with pytest.raises(InputError, match="cannot resolve host 'no-such-host.invalid'"):
        NetworkGuard().checked_addresses("no-such-host.invalid", 80)

"""Which addresses a task may connect to: public ones only, unless the platform allows more.

Checked after DNS resolution, on the address the connection will actually use, so names that
resolve to private addresses and numeric host forms (http://2130706433/) are caught too.
"""

import ipaddress
import socket
from collections.abc import Callable

from statemill.platform import ENV_ALLOW_PRIVATE_NETWORKS
from statemill.runtime.errors import InputError, PermissionDenied

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (address, port) -> may a task connect there?
AddressCheck = Callable[[IPAddress, int], bool]
Resolver = Callable[[str, int], list[str]]

# Instance metadata services: they hand out the function's credentials.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), if any."""
    if ip.version == 4:
        return None
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def non_public_kind(ip: IPAddress) -> str | None:
    """Why `ip` is not a public internet address ("loopback", …), or None when it is one."""
    ip = embedded_ipv4(ip) or ip
    if ip in METADATA_ADDRESSES:
        return "cloud metadata"
    for kind, test in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("IPv6 unique local", ip.version == 6 and ip in ipaddress.ip_network("fc00::/7")),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
    ):
        if test:
            return kind
    return None if ip.is_global else "non-public"


def public_only(ip: IPAddress, port: int) -> bool:
    return non_public_kind(ip) is None


def address_check_from_setting(setting: str) -> AddressCheck:
    """The check for STATEMILL_ALLOW_PRIVATE_NETWORKS: empty (public only), "true" (any address
    but cloud metadata) or comma-separated networks allowed besides public ones."""
    value = setting.strip().lower()
    if value in ("", "0", "false", "no"):
        return public_only
    if value in ("1", "true", "yes"):
        return lambda ip, port: (embedded_ipv4(ip) or ip) not in METADATA_ADDRESSES
    try:
        networks = [ipaddress.ip_network(part.strip()) for part in value.split(",")]
    except ValueError as error:
        raise ValueError(f"{ENV_ALLOW_PRIVATE_NETWORKS}: {error}") from None
    return lambda ip, port: public_only(ip, port) or any(ip in net for net in networks)


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise InputError(f"cannot resolve host '{host}': {error.strerror}") from None
    return [info[4][0] for info in infos]


class NetworkGuard:
    def __init__(self, allowed: AddressCheck = public_only, resolve: Resolver = system_resolver):
        self.allowed = allowed
        self.resolve = resolve

    def checked_addresses(self, host: str, port: int) -> list[IPAddress]:
        """The addresses to connect to for host:port, in order; every one must be allowed."""
        addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in self.resolve(host, port)]
        if not addresses:
            raise InputError(f"host '{host}' resolves to no address")
        for ip in addresses:
            if not self.allowed(ip, port):
                kind = non_public_kind(ip) or "disallowed"
                shown = host if host == str(ip) else f"{host} ({ip})"
                raise PermissionDenied(
                    f"refused to connect to {shown}: it is a {kind} address, and tasks may only "
                    f"reach the public internet unless the platform's "
                    f"{ENV_ALLOW_PRIVATE_NETWORKS} setting allows it"
                )
        return list(dict.fromkeys(addresses))

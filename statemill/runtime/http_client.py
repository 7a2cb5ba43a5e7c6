"""HTTP for tasks, guarded against server-side request forgery.

Every hop (the first request and each redirect) is resolved and checked by a NetworkGuard, and
the connection goes to the checked address itself, so a DNS answer that changes between the
check and the connection (DNS rebinding) cannot redirect it.
"""

import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from statemill.runtime.errors import HttpError, InputError, Timeout
from statemill.runtime.network_guard import NetworkGuard

MAX_REDIRECTS = 5
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    reason: str
    headers: dict[str, str]
    body: bytes


def fetch(
    method: str,
    url: str,
    *,
    guard: NetworkGuard,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 30.0,
    max_bytes: int,
) -> Response:
    """Send one request, following redirects ourselves so that each hop is checked."""
    deadline = time.monotonic() + timeout
    headers = dict(headers or {})
    for _ in range(MAX_REDIRECTS + 1):
        response = _send_once(method, url, guard, headers, body, deadline, max_bytes)
        location = response.headers.get("location")
        if response.status not in REDIRECT_STATUSES or not location:
            return response
        next_url = urljoin(url, location)
        if _origin(next_url) != _origin(url):
            # Credentials meant for one server must not follow a redirect to another.
            headers = {k: v for k, v in headers.items() if k.lower() not in _CREDENTIAL_HEADERS}
        if (response.status == 303 and method != "HEAD") or (
            response.status in (301, 302) and method == "POST"
        ):
            method, body = "GET", None
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        url = next_url
    raise HttpError(f"{url}: more than {MAX_REDIRECTS} redirects")


_CREDENTIAL_HEADERS = ("authorization", "cookie", "proxy-authorization")


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


def _send_once(method, url, guard, headers, body, deadline, max_bytes) -> Response:
    import urllib3

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(f"'{url}' is not an http(s) URL")
    if not parts.hostname:
        raise InputError(f"'{url}' has no host")
    if parts.username or parts.password:
        raise InputError(f"'{url}' carries credentials: send them in `headers` instead")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    *others, last = guard.checked_addresses(parts.hostname, port)
    exchange = (parts, port, method, headers, body, deadline, max_bytes)
    try:
        for address in others:
            try:
                return _exchange(str(address), *exchange)
            except urllib3.exceptions.NewConnectionError:
                continue  # e.g. an IPv6 address on an IPv4-only network: try the next one
        return _exchange(str(last), *exchange)
    # NewConnectionError is a kind of TimeoutError in urllib3: tell them apart first.
    except urllib3.exceptions.NewConnectionError as error:
        raise HttpError(f"{method} {url}: cannot connect: {_describe(error)}") from None
    except urllib3.exceptions.TimeoutError:
        raise Timeout(f"{method} {url}: no answer within the time limit") from None
    except urllib3.exceptions.HTTPError as error:
        raise HttpError(f"{method} {url} failed: {_describe(error)}") from None


def _exchange(address, parts, port, method, headers, body, deadline, max_bytes) -> Response:
    """One request and its response over a connection to `address` (already checked)."""
    import urllib3

    url = parts.geturl()
    remaining = _remaining(deadline, url)
    pool_options = {"port": port, "retries": False, "maxsize": 1, "block": False}
    if parts.scheme == "https":
        # Connect to the checked address; verify the certificate against the name in the URL.
        pool = urllib3.HTTPSConnectionPool(
            address,
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
            cert_reqs="CERT_REQUIRED",
            **pool_options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, **pool_options)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    given = {name.lower() for name in headers}
    defaults = {"Host": parts.netloc, "User-Agent": "statemill"}
    request_headers = {k: v for k, v in defaults.items() if k.lower() not in given} | headers
    try:
        raw = pool.urlopen(
            method,
            target,
            body=body,
            headers=request_headers,
            redirect=False,
            retries=False,
            preload_content=False,
            timeout=urllib3.Timeout(connect=remaining, read=remaining),
        )
        try:
            content = _read_capped(raw, url, deadline, max_bytes)
        finally:
            raw.release_conn()
    finally:
        pool.close()
    headers_out = {k.lower(): ", ".join(raw.headers.getlist(k)) for k in raw.headers}
    return Response(url, raw.status, raw.reason or "", headers_out, content)


def _read_capped(raw, url: str, deadline: float, max_bytes: int) -> bytes:
    chunks, size = [], 0
    for chunk in raw.stream(_CHUNK, decode_content=True):
        size += len(chunk)
        if size > max_bytes:
            raise HttpError(f"{url}: the response is larger than the {max_bytes}-byte limit")
        _remaining(deadline, url)
        chunks.append(chunk)
    return b"".join(chunks)


def _remaining(deadline: float, url: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise Timeout(f"{url}: no complete answer within the time limit")
    return left


def _describe(error: Exception) -> str:
    """The cause of a urllib3 error, without its internal object reprs."""
    reason = getattr(error, "reason", None) or error
    text = str(reason)
    # urllib3 prefixes "<urllib3.connection.HTTPConnection object at 0x…>: " to connection errors.
    return text.split(">: ", 1)[-1]

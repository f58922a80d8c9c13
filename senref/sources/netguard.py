"""Where senref may connect: http(s) to public addresses, or exactly the service roots the user configured.

Links in records (`url_for_pdf`, `fileMain_s`, ...) and redirects are chosen by other people's
servers; without a check, one of them sends senref to the cloud metadata address, to a router's
admin page or to another program listening on loopback. `UrlGuard.check` runs before every hop:
the scheme, credentials in the link and every address the host resolves to. A configured root
(`[urls]`, `SENREF_*_URL`) is trusted as exactly (scheme, host, port), which is what makes a
mirror on the LAN or a test server on 127.0.0.1 work while another port on the same host does not.

The guarded connections below check the address actually connected to as well (a name that
resolved to a public address for the check and to loopback for the connection is refused), and
let a per-request deadline cut a server that drips its headers.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import requests.adapters
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

#: (scheme, host, port) with the host in lower case, brackets and trailing dot removed
Origin = tuple[str, str, int]
DEFAULT_PORTS = {"http": 80, "https": 443}
#: IPv6 prefix of NAT64 gateways: the last 32 bits are the IPv4 address the gateway connects to
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class BlockedUrl(Exception):
    """A link senref refuses to fetch; `str()` is one line for the user."""


def normalize_host(host: str) -> str:
    """
    >>> normalize_host("[::1]"), normalize_host("Example.ORG.")
    ('::1', 'example.org')
    """
    return host.strip("[]").rstrip(".").lower()


def origin_of(url: str) -> Origin | None:
    """(scheme, host, port) of an http(s) URL; None for any other scheme, no host or a bad port.

    >>> origin_of("HTTP://LocalHost:8080/x")
    ('http', 'localhost', 8080)
    >>> origin_of("https://api.crossref.org/works")
    ('https', 'api.crossref.org', 443)
    >>> origin_of("file:///etc/passwd") is None
    True
    """
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, normalize_host(parts.hostname), port or DEFAULT_PORTS[scheme]


def is_web_link(value: object) -> bool:
    """Whether a value from a record can be a link senref would fetch (a first sieve; `UrlGuard` decides).

    >>> is_web_link("https://hal.science/hal-01/document"), is_web_link("file:///etc/passwd"), is_web_link(None)
    (True, False, False)
    """
    return isinstance(value, str) and origin_of(value.strip()) is not None


def trusted_origins(urls: Iterable[str]) -> frozenset[Origin]:
    """The origins of the configured service roots (defaults included: inside some institutions
    their names resolve to private addresses, and they are ours to ask)."""
    return frozenset(o for o in (origin_of(u) for u in urls) if o is not None)


def address_problem(address: str) -> str | None:
    """What kind of non-public address *address* is, or None when senref may connect to it.

    >>> address_problem("93.184.216.34") is None
    True
    >>> address_problem("169.254.169.254"), address_problem("10.1.2.3"), address_problem("::ffff:127.0.0.1")
    ('link-local', 'private', 'loopback')
    >>> address_problem("fe80::1%eth0"), address_problem("0.0.0.0"), address_problem("239.1.1.1")
    ('link-local', 'unspecified', 'multicast')
    """
    try:
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "unreadable"
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address wrapped in IPv6 reaches that IPv4 address: judge the inner one.
        inner = ip.ipv4_mapped or ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None)
        if inner is not None:
            ip = inner
    for problem, flag in (("unspecified", ip.is_unspecified), ("loopback", ip.is_loopback),
                          ("link-local", ip.is_link_local), ("multicast", ip.is_multicast),
                          ("private", ip.is_private), ("reserved", ip.is_reserved)):
        if flag:
            return problem
    return None if ip.is_global else "non-public"


def _literal_address(host: str) -> str | None:
    """The address a numeric host means, in every spelling the resolver accepts ("2130706433", "0x7f.1").

    >>> _literal_address("2130706433"), _literal_address("::1"), _literal_address("example.org")
    ('127.0.0.1', '::1', None)
    """
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefx." for c in host) and host[0].isdigit():
        try:
            return socket.inet_ntoa(socket.inet_aton(host))
        except OSError:
            return None
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address *host* resolves to (raises socket.gaierror when it does not resolve)."""
    literal = _literal_address(host)
    if literal is not None:
        return [literal]
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True)
class UrlGuard:
    """The policy for one client: which origins are trusted as configured, everything else public only."""

    trusted: frozenset[Origin] = frozenset()

    def check(self, url: str, *, proxied: bool = False) -> None:
        """Raise BlockedUrl unless *url* may be fetched; socket.gaierror when its host does not resolve.

        Behind a proxy a name that does not resolve here is left to the proxy (networks whose only
        way out is the proxy often have no outside DNS); one that does resolve is still checked.
        """
        origin = origin_of(url)
        if origin is None:
            scheme = urllib.parse.urlsplit(url).scheme or "no scheme"
            raise BlockedUrl(f"only http and https links are fetched (this one is {scheme}:)")
        if origin in self.trusted:
            return
        parts = urllib.parse.urlsplit(url)
        if parts.username is not None or parts.password is not None:
            raise BlockedUrl(f"link to {origin[1]} carries credentials; refused")
        try:
            addresses = resolve(origin[1], origin[2])
        except UnicodeError as exc:
            raise BlockedUrl(f"{origin[1]!r} is not a valid host name") from exc
        except socket.gaierror:
            if proxied and _literal_address(origin[1]) is None:
                return
            raise
        for address in addresses:
            problem = address_problem(address)
            if problem is not None:
                raise BlockedUrl(f"{origin[1]} is a {problem} address ({address}); senref only fetches "
                                 "from public hosts and the configured services")

    @staticmethod
    def check_redirect(source: str, target: str) -> None:
        """Refuse a redirect that would drop TLS (the next hop could be read or changed on the way)."""
        if urllib.parse.urlsplit(source).scheme.lower() == "https" and \
                urllib.parse.urlsplit(target).scheme.lower() == "http":
            raise BlockedUrl(f"redirect from https to http refused ({origin_of(target) or target})")

    def peer_problem(self, scheme: str, host: str, port: int | None, peer: str) -> str | None:
        """Why the address a connection reached is not allowed for (scheme, host, port), or None."""
        if (scheme, normalize_host(host), port or DEFAULT_PORTS[scheme]) in self.trusted:
            return None
        problem = address_problem(peer)
        return None if problem is None else f"{host} is a {problem} address ({peer})"


# -- one exchange: the guard and the deadline, seen by the connections of this thread ----------------

_current = threading.local()


@dataclass
class Exchange:
    """One request and its response. At the deadline the socket is shut down, whatever it is waiting for.

    Connections made while it is active (same thread) report to it: `blocked` says why a connection
    was refused after it was made, `expired` that the deadline cut the exchange.
    """

    guard: UrlGuard
    seconds: float
    blocked: str = ""
    expired: bool = False
    _sock: socket.socket | None = None
    _done: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _timer: threading.Timer | None = None
    _outer: Exchange | None = None

    def __enter__(self) -> Exchange:
        self._outer = getattr(_current, "exchange", None)
        _current.exchange = self
        self._timer = threading.Timer(max(self.seconds, 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        with self._lock:
            self._done = True
        if self._timer is not None:
            self._timer.cancel()
        _current.exchange = self._outer

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.expired:
                self._shutdown()

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._sock is None:
            return
        # The plain socket's shutdown: a blocked TLS read then ends with EOF in its own thread.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(self._sock, socket.SHUT_RDWR)


def current_exchange() -> Exchange | None:
    exchange: Exchange | None = getattr(_current, "exchange", None)
    return exchange


def _after_connect(conn: HTTPConnection, sock: socket.socket, scheme: str) -> socket.socket:
    exchange = current_exchange()
    # Behind a proxy the peer is the proxy the user chose; the target was checked before the request.
    if exchange is None or conn.proxy is not None:
        return sock
    try:
        peer = str(sock.getpeername()[0])
    except OSError:
        return sock
    problem = exchange.guard.peer_problem(scheme, conn.host, conn.port, peer)
    if problem is not None:
        exchange.blocked = problem
        sock.close()
        raise NewConnectionError(conn, f"refused: {problem}")
    return sock


def _before_response(conn: HTTPConnection) -> None:
    exchange = current_exchange()
    if exchange is not None:
        exchange.watch(conn.sock)


class GuardedHTTPConnection(HTTPConnection):
    """An HTTP connection that checks the address it reached and lets the exchange deadline end it."""

    def _new_conn(self) -> socket.socket:
        return _after_connect(self, super()._new_conn(), "http")

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _before_response(self)
        return super().getresponse(*args, **kwargs)


class GuardedHTTPSConnection(HTTPSConnection):
    """The same for HTTPS (the check runs on the TCP connection, before the TLS handshake)."""

    def _new_conn(self) -> socket.socket:
        return _after_connect(self, super()._new_conn(), "https")

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _before_response(self)
        return super().getresponse(*args, **kwargs)


class GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}


class GuardedAdapter(requests.adapters.HTTPAdapter):
    """The transport of senref's sessions: requests' adapter with the guarded connections (SOCKS proxies,
    which bring their own connection classes, are left as they are)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = dict(_POOLS)
        return manager

"""Catalogue N2, N3, N5, N7-N11, N17, N18, X7, X8: limits on every HTTP response, not only PDF downloads.

Metadata answers get a byte cap (counted on the wire and after decompression), a wall-clock
deadline and the same address policy as downloads: http(s) only, redirects followed by senref
one hop at a time, never to loopback/private/link-local addresses unless that exact origin is a
configured service root, never from https to http. No `.netrc`, proxies from the environment
kept, a per-host circuit breaker, and a refused connection that fails at once.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import time
import tracemalloc
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from senref.core.library import Library
from senref.core.settings import SERVICE_URLS, Settings
from senref.sources.base import PdfCandidate
from senref.sources.http import HttpClient, HttpError
from senref.sources.pdf import fetch_first_pdf
from tests.reliability.helpers import senref
from tests.reliability.hostile_server import HAL_ID, HostileServer, gzip_bomb, hostile_server

MB = 1024 * 1024


def settings_for(*servers: HostileServer, **limits: Any) -> Settings:
    """Settings whose configured service roots are exactly *servers* (what [urls] would say)."""
    settings = Settings(email="lab@example.org",
                        urls={f"svc{i}": server.url for i, server in enumerate(servers)})
    for name, value in limits.items():
        setattr(settings, name, value)
    return settings


def client_for(*servers: HostileServer, cache_dir: Path | None = None, **limits: Any) -> HttpClient:
    return HttpClient(settings_for(*servers, **limits), cache_dir=cache_dir, connect_timeout=0.5, read_timeout=0.5,
                      retries=0, backoff=0.01, etiquette={})


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with hostile_server() as running:
        yield running


@pytest.fixture
def other() -> Iterator[HostileServer]:
    """A second hostile server on 127.0.0.1 that no setting names: what a redirect must not reach."""
    with hostile_server() as running:
        yield running


def warm_up(fault: str) -> None:
    """Build the server's bomb before the clock and the memory count start (it is cached)."""
    name, _, query = fault.partition("?")
    if name.startswith("gzip-"):
        args = dict(urllib.parse.parse_qsl(query))
        gzip_bomb(int(args.get("mb", "200")), int(args.get("n", "2")) if name == "gzip-chain" else 1)


def peak_memory(call: Callable[[], object]) -> tuple[int, BaseException | None]:
    """Peak Python allocation while *call* runs, and what it raised."""
    tracemalloc.start()
    error: BaseException | None = None
    try:
        call()
    except Exception as exc:
        error = exc
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak, error


# -- byte caps (N7, N8) ------------------------------------------------------------------------------

@pytest.mark.parametrize("fault", ["gzip-bomb?mb=200", "gzip-chain?n=2&mb=200", "gzip-chain?n=5&mb=64",
                                   "infinite", "huge-length"])
def test_oversized_metadata_is_refused_with_bounded_memory(server: HostileServer, fault: str,
                                                           tmp_path: Path) -> None:
    client = client_for(server, cache_dir=tmp_path / "cache", max_metadata_mb=1)
    warm_up(fault)
    started = time.monotonic()
    peak, error = peak_memory(lambda: client.get(f"{server.url}/fault/{fault}"))
    elapsed = time.monotonic() - started
    assert isinstance(error, HttpError), error
    assert "larger than 1 MB" in error.reason, error.reason
    # A 1 MB cap means about 1 MB read, decompressed or not (not 200 MiB, not 10 GiB).
    assert peak < 4 * MB, f"{fault}: peak {peak / MB:.1f} MiB"
    assert elapsed < 5, f"{fault}: {elapsed:.1f} s"
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]  # nothing cached


def test_gzip_bomb_is_counted_after_decompression(server: HostileServer) -> None:
    # ~200 kB on the wire, well under the cap: only the decoded count can catch it.
    client = client_for(server, max_metadata_mb=1)
    warm_up("gzip-bomb?mb=200")
    with pytest.raises(HttpError, match="once decompressed"):
        client.get(f"{server.url}/fault/gzip-bomb?mb=200")


def test_metadata_within_the_cap_is_read_and_cached(server: HostileServer, tmp_path: Path) -> None:
    client = client_for(server, cache_dir=tmp_path / "cache", max_metadata_mb=1)
    assert client.get(f"{server.url}/fault/ok").json() == {"ok": True}
    assert client.get(f"{server.url}/fault/ok").from_cache


# -- deadline (N2) -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fault", ["drip", "drip-headers"])
def test_drip_feed_hits_the_request_deadline(server: HostileServer, fault: str) -> None:
    client = client_for(server, request_deadline=1.0)
    started = time.monotonic()
    with pytest.raises(HttpError, match=r"took longer than 1 s"):
        client.get(f"{server.url}/fault/{fault}")
    assert time.monotonic() - started < 5


# -- connection failures (N3) ------------------------------------------------------------------------

def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_refused_connection_fails_at_once_with_default_retries() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    client = HttpClient(Settings(urls={"hal_api": url}), etiquette={})  # default retries and backoff
    started = time.monotonic()
    with pytest.raises(HttpError, match=r"cannot connect to 127\.0\.0\.1.*refused"):
        client.get(f"{url}/x")
    assert time.monotonic() - started < 3


def test_add_with_every_service_refusing_fails_quickly(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    env = {var: dead for var, _default in SERVICE_URLS.values()}
    started = time.monotonic()
    result = senref(tmp_path / "lib", "add", "10.1234/abcd", home=tmp_path / "home", timeout=60,
                    SENREF_EMAIL="lab@example.org", **env)
    elapsed = time.monotonic() - started
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "refused" in result.stderr
    assert elapsed < 10, f"{elapsed:.1f} s (was 49 s: three retries with backoff for each of 7 lookups)"


def test_unresolvable_host_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(host: Any, *args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    client = HttpClient(Settings(urls={}), etiquette={}, retries=0)
    with pytest.raises(HttpError, match=r"cannot find api\.example\.org"):
        client.get("https://api.example.org/x")


# -- circuit breaker (N5) ----------------------------------------------------------------------------

def test_breaker_stops_asking_a_failing_host(server: HostileServer) -> None:
    client = client_for(server, breaker_failures=3, breaker_window=60.0, breaker_cooldown=60.0)
    errors = []
    started = time.monotonic()
    for _ in range(20):
        with pytest.raises(HttpError) as info:
            client.get(f"{server.url}/fault/status?code=503")
        errors.append(info.value.reason)
    assert time.monotonic() - started < 5
    assert len([p for p in server.requests if p.startswith("/fault/status")]) == 3
    assert errors[:3] == [f"127.0.0.1:{server.port} answered 503"] * 3
    # The rest fail fast with one identical line (a report can show it once for the whole batch).
    assert len(set(errors[3:])) == 1 and "skipped" in errors[3] and "3 failed attempts" in errors[3]
    assert client.problems() == [errors[3]]


def test_breaker_batch_of_identifiers_against_a_dead_host(tmp_path: Path, server: HostileServer) -> None:
    # 30 HAL ids against a HAL that answers 503 to everything: each one reported, the host asked a few times.
    (tmp_path / "home" / "config").mkdir(parents=True)
    (tmp_path / "home" / "config" / "settings.toml").write_text(
        "[network]\nretries = 0\nbreaker_failures = 4\n", encoding="utf-8")
    server.search_mode = "status"
    ids = [f"hal-0400{n:04d}" for n in range(30)]
    started = time.monotonic()
    result = senref(tmp_path / "lib", "add", *ids, home=tmp_path / "home", timeout=60,
                    SENREF_HAL_API_URL=f"{server.url}/halapi")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    # Every identifier is named, and each reason is said once for the batch (not once per identifier).
    assert all(f"hal:{i}" in result.stderr for i in ids)
    final = [line for line in result.stderr.splitlines() if line.startswith("senref: failed")]
    counts = [int(line.split("(")[1].split(")")[0]) if line.startswith("senref: failed (") else 1 for line in final]
    assert sum(counts) == 30 and len(final) <= 3, final
    assert any("skipped" in line for line in final)
    assert len([p for p in server.requests if p.startswith("/halapi")]) <= 4 + 2  # in flight when it opened
    assert time.monotonic() - started < 20


# -- redirects (N9-N11, X7) --------------------------------------------------------------------------

def test_redirect_to_another_local_port_is_refused(server: HostileServer, other: HostileServer) -> None:
    client = client_for(server)
    with pytest.raises(HttpError, match=r"127\.0\.0\.1.*loopback"):
        client.get(f"{server.url}/fault/redirect?to={other.url}/fault/secret")
    assert other.requests == []


@pytest.mark.parametrize(("target", "why"), [
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[::1]:9/secret", "loopback"),
    ("http://[::ffff:127.0.0.1]:9/secret", "loopback"),
    ("http://10.0.0.7/secret", "private"),
    ("http://0.0.0.0:9/secret", "unspecified"),
    ("http://224.0.0.1/secret", "multicast"),
    ("http://2130706433:9/secret", "loopback"),  # 127.0.0.1 spelt as one number
    ("file:///etc/passwd", "only http and https"),
    ("gopher://127.0.0.1:9/x", "only http and https"),
])
def test_redirect_to_a_forbidden_target_is_refused(server: HostileServer, target: str, why: str) -> None:
    # The suite's own guard fails any attempt to reach beyond loopback, so "refused" means "never tried".
    client = client_for(server)
    with pytest.raises(HttpError, match=why):
        client.get(f"{server.url}/fault/redirect?to={target}")


def test_hostname_resolving_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                            server: HostileServer) -> None:
    answers = {"metadata.example": ["169.254.169.254"], "mixed.example": ["93.184.216.34", "10.1.2.3"]}

    def fake_dns(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port or 80)) for a in answers[host]]
        raise socket.gaierror(socket.EAI_NONAME, "unknown")

    monkeypatch.setattr(socket, "getaddrinfo", fake_dns)
    client = client_for(server)
    with pytest.raises(HttpError, match=r"metadata\.example.*link-local"):
        client.get("http://metadata.example/latest/meta-data/")
    with pytest.raises(HttpError, match=r"mixed\.example.*private"):  # every address is checked
        client.get("http://mixed.example/x")


def test_redirect_loop_and_long_chain_stop_at_ten_hops(server: HostileServer) -> None:
    client = client_for(server)
    with pytest.raises(HttpError, match="too many redirects"):
        client.get(f"{server.url}/fault/redirect-loop")
    assert client.get(f"{server.url}/fault/redirect-chain?n=10").json() == {"ok": True}
    with pytest.raises(HttpError, match="too many redirects"):
        client.get(f"{server.url}/fault/redirect-chain?n=50")
    assert len([p for p in server.requests if "redirect-chain?n=" in p and "n=10" not in p]) < 25


def test_max_redirects_setting_is_capped_at_ten(server: HostileServer) -> None:
    client = client_for(server, max_redirects=3)
    with pytest.raises(HttpError, match="too many redirects"):
        client.get(f"{server.url}/fault/redirect-chain?n=4")
    assert client.get(f"{server.url}/fault/redirect-chain?n=3").json() == {"ok": True}


def self_signed(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for 127.0.0.1 and the PEM file a client can trust it with."""
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file


def test_https_to_http_downgrade_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            other: HostileServer) -> None:
    context, cert = self_signed(tmp_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # trusting a local CA is configuration, kept
    with hostile_server(tls=context) as secure:
        # Both origins are configured, so only the downgrade itself is what gets refused.
        client = client_for(secure, other)
        assert client.get(f"{secure.url}/fault/ok").json() == {"ok": True}
        with pytest.raises(HttpError, match="https to http"):
            client.get(f"{secure.url}/fault/redirect?to={other.url}/fault/secret")
    assert other.requests == []


# -- credentials and proxies (X8, N18) ---------------------------------------------------------------

def test_netrc_credentials_are_never_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          server: HostileServer) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login alice password s3cret\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(netrc))
    client = client_for(server)
    with pytest.raises(HttpError) as info:
        client.get(f"{server.url}/fault/auth")
    assert info.value.status == 401
    assert "authorization" not in server.headers["/fault/auth"]


def test_credentials_in_a_link_are_refused(server: HostileServer) -> None:
    client = client_for(server)
    with pytest.raises(HttpError, match="credentials"):
        client.get(f"{server.url}/fault/redirect?to=http://alice:s3cret@example.org/x")


def test_proxy_from_the_environment_is_still_used(monkeypatch: pytest.MonkeyPatch, server: HostileServer,
                                                  other: HostileServer) -> None:
    monkeypatch.setenv("HTTP_PROXY", other.url)  # *other* plays the proxy: it sees absolute-form requests
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = client_for(server)
    with pytest.raises(HttpError):  # our hostile "proxy" answers 404 to what it does not know
        client.get(f"{server.url}/fault/ok")
    assert other.requests == [f"{server.url}/fault/ok"]
    assert server.requests == []
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert client_for(server).get(f"{server.url}/fault/ok").json() == {"ok": True}
    assert server.requests == ["/fault/ok"]


def test_dead_proxy_is_named(monkeypatch: pytest.MonkeyPatch, server: HostileServer) -> None:
    port = closed_port()
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    started = time.monotonic()
    with pytest.raises(HttpError, match=rf"through the proxy 127\.0\.0\.1:{port}"):
        HttpClient(settings_for(server), etiquette={}).get(f"{server.url}/fault/ok")  # default retries
    assert time.monotonic() - started < 3


# -- links taken from records (N17, X7) --------------------------------------------------------------

def test_pdf_link_from_a_record_to_another_local_port_is_refused(server: HostileServer, other: HostileServer,
                                                                  tmp_path: Path) -> None:
    client = client_for(server)
    candidates = [PdfCandidate(f"{other.url}/fault/secret", "unpaywall", "repository"),
                  PdfCandidate("http://169.254.169.254/latest/meta-data/", "unpaywall", "publisher"),
                  PdfCandidate(f"{server.url}/fault/redirect?to={other.url}/fault/secret", "hal", "hal")]
    outcome = fetch_first_pdf(client, candidates, tmp_path / "dl")
    assert outcome.path is None
    assert all("loopback" in r or "link-local" in r for r in outcome.reasons), outcome.reasons
    assert other.requests == []


@pytest.mark.parametrize("how", ["link", "redirect"])
def test_add_refuses_a_record_pointing_at_a_local_service(tmp_path: Path, other: HostileServer, how: str) -> None:
    # The record's PDF link names another local service, or the configured server bounces its PDF there.
    secret = f"{other.url}/fault/secret"
    options = {"pdf_link": secret} if how == "link" else {"mode": f"redirect:{secret}"}
    with hostile_server(**options) as server:
        result = senref(tmp_path / "lib", "add", HAL_ID, home=tmp_path / "home", timeout=60,
                        SENREF_HAL_API_URL=f"{server.url}/halapi")
    assert result.returncode == 0 and "1 added" in result.stderr, result.stderr
    assert "loopback" in result.stderr
    assert other.requests == []
    with Library.open(tmp_path / "lib", create=False, autotag=False) as lib:
        [item] = list(lib.iter_items())
        assert item.attachments == []


def test_unpaywall_link_to_the_metadata_address_is_refused(server: HostileServer, tmp_path: Path) -> None:
    from senref.sources.unpaywall import pdfs_from_record

    record = {"best_oa_location": {"url_for_pdf": "http://169.254.169.254/latest/meta-data/iam",
                                   "host_type": "repository"},
              "oa_locations": [{"url_for_pdf": "file:///etc/passwd"}, {"url_for_pdf": "ftp://example.org/x.pdf"}]}
    candidates = pdfs_from_record(record)
    outcome = fetch_first_pdf(client_for(server), candidates, tmp_path / "dl")
    assert outcome.path is None and len(outcome.reasons) == len(candidates) >= 1
    assert "link-local" in outcome.reasons[0]


def test_configured_root_on_loopback_keeps_working(server: HostileServer) -> None:
    # What a user with a LAN mirror in [urls] expects: that exact origin works, redirects within it too.
    client = client_for(server)
    assert client.get(f"{server.url}/fault/redirect?to=/fault/ok").json() == {"ok": True}
    assert client.get(f"{server.url}/fault/redirect?to={server.url}/fault/ok").json() == {"ok": True}

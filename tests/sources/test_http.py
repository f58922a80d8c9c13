"""The HTTP client: retries honouring Retry-After, 503, timeouts, rate-limit headers, cache, User-Agent, limits."""

from __future__ import annotations

import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from senref.sources.http import HostLimiter, HttpClient, HttpError


def test_429_with_retry_after_is_waited_out_and_retried(httpserver: HTTPServer, client: HttpClient) -> None:
    answers = iter([Response("slow down", status=429, headers={"Retry-After": "1"}),
                    Response('{"ok": true}', content_type="application/json")])
    httpserver.expect_request("/api").respond_with_handler(lambda request: next(answers))
    started = time.monotonic()
    assert client.get(httpserver.url_for("/api")).json() == {"ok": True}
    assert time.monotonic() - started >= 1.0
    assert len(client.requested) == 2


def test_503_is_retried_then_reported(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/down").respond_with_data("<html>maintenance</html>", status=503)
    with pytest.raises(HttpError) as info:
        client.get(httpserver.url_for("/down"))
    assert info.value.status == 503
    assert len(client.requested) == client.retries + 1


def test_slow_server_beyond_read_timeout(httpserver: HTTPServer, client: HttpClient) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("{}")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    client.retries = 0
    started = time.monotonic()
    with pytest.raises(HttpError, match="did not answer in time"):
        client.get(httpserver.url_for("/slow"))
    assert time.monotonic() - started < 1.0


def test_connection_refused_is_one_line(settings) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.urls["hal_api"] = f"http://127.0.0.1:{port}"  # a configured root: the guard lets it through
    client = HttpClient(settings, retries=0, connect_timeout=0.5, read_timeout=0.5)
    with pytest.raises(HttpError, match=r"cannot connect to 127\.0\.0\.1"):
        client.get(f"http://127.0.0.1:{port}/x")


def test_user_agent_carries_contact_and_cache_avoids_second_request(httpserver: HTTPServer,
                                                                     client: HttpClient) -> None:
    seen: list[str] = []

    def handler(request: Request) -> Response:
        seen.append(request.headers.get("User-Agent", ""))
        return Response('{"n": 1}', content_type="application/json")

    httpserver.expect_request("/meta").respond_with_handler(handler)
    first = client.get(httpserver.url_for("/meta"), params={"q": "x"})
    second = client.get(httpserver.url_for("/meta"), params={"q": "x"})
    assert first.json() == second.json() == {"n": 1}
    assert second.from_cache and len(seen) == 1
    assert "senref/" in seen[0] and "mailto:lab@example.org" in seen[0]


def test_crossref_rate_limit_headers_slow_the_host_down() -> None:
    limiter = HostLimiter(interval=0.0, concurrency=2)
    limiter.learn({"x-rate-limit-limit": "5", "x-rate-limit-interval": "1s"})
    assert limiter.interval == pytest.approx(0.2)
    limiter.learn({"x-rate-limit-limit": "junk", "x-rate-limit-interval": "1s"})
    assert limiter.interval == pytest.approx(0.2)


def test_limiter_spaces_request_starts() -> None:
    limiter = HostLimiter(interval=0.5, concurrency=1)
    clock = [100.0]
    sleeps: list[float] = []
    for _ in range(3):
        limiter.acquire(clock=lambda: clock[0], sleep=sleeps.append)
        limiter.release()
    assert sleeps == [0.5, 1.0]


def test_download_size_cap_leaves_no_file(httpserver: HTTPServer, client: HttpClient, tmp_path) -> None:
    httpserver.expect_request("/big.pdf").respond_with_data(b"%PDF-1.4\n" + b"0" * 200_000)
    target = tmp_path / "big.pdf"
    with pytest.raises(HttpError, match="larger than"):
        client.download(httpserver.url_for("/big.pdf"), target, max_bytes=100_000)
    assert not target.exists()


def test_cancel_stops_waiting_for_retry_after(httpserver: HTTPServer, settings) -> None:
    httpserver.expect_request("/busy").respond_with_data("busy", status=429, headers={"Retry-After": "30"})
    stop = [False]
    client = HttpClient(settings, retries=3, should_stop=lambda: stop[0], etiquette={})
    import threading

    threading.Timer(0.3, lambda: stop.__setitem__(0, True)).start()
    started = time.monotonic()
    with pytest.raises(HttpError, match="cancelled"):
        client.get(httpserver.url_for("/busy"))
    assert time.monotonic() - started < 5


# -- limits, guard and breaker (issue 11, part 6; end-to-end cases in tests/reliability/test_http_limits.py) --

def test_default_limits_come_from_settings() -> None:
    from senref.core.settings import Settings

    client = HttpClient(Settings())
    assert client.timeout == (5.0, 30.0) and client.retries == 3
    assert client.max_body_bytes == 20 * 1024 * 1024 and client.deadline == 60.0 and client.max_redirects == 10


def test_network_table_is_read_checked_and_clamped(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from senref.core.settings import load_settings
    from senref.paths import get_paths

    paths = get_paths()
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text(
        "[network]\nconnect_timeout = 2\nmax_metadata_mb = 0.5\nrequest_deadline = 15\nmax_redirects = 50\n"
        "breaker_failures = 0\nbreaker_window = -3\nbreaker_cooldown = \"soon\"\nread_timeout = 0\n",
        encoding="utf-8")
    settings = load_settings(paths)
    assert settings.connect_timeout == 2.0 and settings.max_metadata_mb == 0.5 and settings.request_deadline == 15.0
    assert settings.max_redirects == 10  # never more than ten hops
    assert settings.breaker_failures == 0  # zero turns the breaker off
    # Unusable values keep the defaults.
    assert settings.breaker_window == 60.0 and settings.breaker_cooldown == 60.0 and settings.read_timeout == 30.0


def test_breaker_lets_one_probe_through_after_the_cool_down() -> None:
    from senref.sources.breaker import CircuitBreaker

    now = [0.0]
    breaker = CircuitBreaker(failures=2, window=10.0, cooldown=30.0, clock=lambda: now[0])
    breaker.failure("h", "cannot connect to h")
    assert breaker.refusal("h") is None
    breaker.failure("h", "cannot connect to h")
    message = breaker.refusal("h")
    assert message and "h skipped: 2 failed attempts in a row" in message
    now[0] = 31.0
    assert breaker.refusal("h") is None  # the probe
    assert breaker.refusal("h") == message  # others wait for the probe's verdict
    breaker.failure("h", "cannot connect to h")  # probe failed: another cool-down
    now[0] = 50.0
    assert breaker.refusal("h") == message
    now[0] = 62.0
    assert breaker.refusal("h") is None
    breaker.success("h")
    assert breaker.refusal("h") is None and breaker.refusal("h") is None
    assert breaker.opened() == [message]


def test_breaker_forgets_failures_spread_beyond_the_window() -> None:
    from senref.sources.breaker import CircuitBreaker

    now = [0.0]
    breaker = CircuitBreaker(failures=3, window=10.0, cooldown=30.0, clock=lambda: now[0])
    for step in range(6):
        now[0] = step * 6.0  # never three within ten seconds of the first of a run
        breaker.failure("h", "503")
    assert breaker.refusal("h") is None


def test_waiting_for_a_retry_does_not_count_against_the_deadline(httpserver: HTTPServer, settings) -> None:
    answers = iter([Response("busy", status=503, headers={"Retry-After": "1"}),
                    Response('{"ok": true}', content_type="application/json")])
    httpserver.expect_request("/api").respond_with_handler(lambda request: next(answers))
    settings.request_deadline = 0.8
    client = HttpClient(settings, retries=1, etiquette={})
    assert client.get(httpserver.url_for("/api")).json() == {"ok": True}


def test_session_sends_no_netrc_and_keeps_environment_proxies(monkeypatch: pytest.MonkeyPatch, settings) -> None:
    from senref.sources.http import environment_proxy, make_session

    session = make_session(settings)
    assert session.trust_env is False
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("NO_PROXY", "hal.science")
    assert environment_proxy("https://api.crossref.org/works") == "http://proxy.invalid:3128"
    assert environment_proxy("https://hal.science/x") is None


def test_download_caps_a_gzip_encoded_body_once_decompressed(httpserver: HTTPServer, client: HttpClient,
                                                              tmp_path) -> None:
    import gzip

    body = gzip.compress(b"%PDF-1.4\n" + b"\0" * 5_000_000)  # ~5 kB on the wire, 5 MB decoded
    httpserver.expect_request("/bomb.pdf").respond_with_data(body, headers={"Content-Encoding": "gzip"},
                                                             content_type="application/pdf")
    target = tmp_path / "bomb.pdf"
    with pytest.raises(HttpError, match="larger than 1 MB once decompressed"):
        client.download(httpserver.url_for("/bomb.pdf"), target, max_bytes=1024 * 1024)
    assert not target.exists()


def test_download_follows_redirects_within_the_configured_origin(httpserver: HTTPServer, client: HttpClient,
                                                                 pdf: bytes, tmp_path) -> None:
    httpserver.expect_request("/a.pdf").respond_with_data("", status=301, headers={"Location": "/b.pdf"})
    httpserver.expect_request("/b.pdf").respond_with_data(pdf, content_type="application/pdf")
    got = client.download(httpserver.url_for("/a.pdf"), tmp_path / "x.pdf")
    assert got.url.endswith("/b.pdf") and got.size == len(pdf)
    assert [u.rsplit("/", 1)[1] for u in client.requested] == ["a.pdf", "b.pdf"]


def test_a_name_that_resolves_to_loopback_at_connect_time_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # DNS rebinding: the check saw one address, the connection gets another. The connection itself is
    # checked, before a single byte of the request is sent.
    import socket

    from urllib3.exceptions import NewConnectionError

    from senref.sources.netguard import Exchange, GuardedHTTPConnection, UrlGuard

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]

        def rebound(host, port, *args, **kwargs):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

        monkeypatch.setattr(socket, "getaddrinfo", rebound)
        with Exchange(UrlGuard(), 5.0) as exchange, pytest.raises(NewConnectionError, match="loopback"):
            GuardedHTTPConnection("rebind.example", port, timeout=1).connect()
        assert "rebind.example is a loopback address" in exchange.blocked
        trusted = UrlGuard(frozenset({("http", "rebind.example", port)}))
        with Exchange(trusted, 5.0):
            conn = GuardedHTTPConnection("rebind.example", port, timeout=1)
            conn.connect()
            conn.close()


def test_exchange_deadline_ends_a_blocked_read() -> None:
    import socket

    from senref.sources.netguard import Exchange, UrlGuard

    ours, theirs = socket.socketpair()
    with ours, theirs:
        ours.settimeout(10)
        started = time.monotonic()
        with Exchange(UrlGuard(), 0.2) as exchange:
            exchange.watch(ours)
            assert ours.recv(10) == b""  # the peer never writes; the deadline ends the wait
        assert exchange.expired and time.monotonic() - started < 5


def test_download_temps_of_a_killed_run_are_removed(tmp_path) -> None:
    import os
    import subprocess
    import sys

    from senref.sources.pdf import remove_stale_temps

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead = tmp_path / f".pdf-{gone.stdout.strip()}-abc123.part"  # its writer was killed mid-download
    legacy = tmp_path / ".pdf-3ute__sp.part"  # written before temps carried their pid
    mine = tmp_path / f".pdf-{os.getpid()}-xyz.part"  # a download under way in this process
    other = tmp_path / "keep.pdf"
    for path in (dead, legacy, mine, other):
        path.write_bytes(b"")
    assert remove_stale_temps(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, other.name])

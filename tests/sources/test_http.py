"""The HTTP client: retries honouring Retry-After, 503, timeouts, rate-limit headers, cache, User-Agent."""

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

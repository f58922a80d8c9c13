"""Shared fixtures: every senref folder under tmp_path, a fresh library per test, Qt offscreen."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests.adapters

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(autouse=True)
def no_network_beyond_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test in the suite may reach (or even resolve) a host other than this machine.

    Service roots default to a closed local port, so code that forgot its configuration fails
    here instead of calling a real service.
    """
    from senref.core.settings import SERVICE_URLS

    for var, _ in SERVICE_URLS.values():
        monkeypatch.setenv(var, "http://127.0.0.1:9")
    real_send = requests.adapters.HTTPAdapter.send
    real_getaddrinfo = socket.getaddrinfo

    def send(self: requests.adapters.HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        host = requests.utils.urlparse(request.url).hostname
        if host not in LOCAL_HOSTS:
            pytest.fail(f"test tried to reach {request.url}")
        return real_send(self, request, *args, **kwargs)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and host not in LOCAL_HOSTS:
            pytest.fail(f"test tried to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    # The window's worker processes install the same guard as they start.
    monkeypatch.setenv("SENREF_WORKER_INIT", "tests.netguard:install")


@pytest.fixture(autouse=True)
def senref_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the user's real config, data or cache."""
    home = tmp_path / "senref-home"
    monkeypatch.setenv("SENREF_HOME", str(home))
    for var in ("SENREF_EMAIL", "SENREF_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture
def library(tmp_path: Path) -> Iterator[object]:
    """A fresh library without the topic tagger, so store tests see only the tags they set."""
    from senref.core.library import Library

    lib = Library.open(tmp_path / "lib", autotag=False)
    yield lib
    lib.close()


@pytest.fixture
def shared_dir() -> Path:
    """The project's shared/ folder of third-party recordings (beside the checkout), if present."""
    env = os.environ.get("SENREF_SHARED_DIR")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "shared"
    if not (path / "fixtures").is_dir():
        pytest.skip(f"shared fixtures not found at {path} (set SENREF_SHARED_DIR); conformance needs them")
    return path

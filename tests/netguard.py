"""The suite's network guard for the window's worker processes (see SENREF_WORKER_INIT in tests/conftest.py).

A worker is another process: the fixture's monkeypatches do not reach it, so it installs the same rule:
no host but this machine is resolved or called.
"""

from __future__ import annotations

import socket
from typing import Any

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class NetworkGuard(RuntimeError):
    """A worker process tried to reach beyond the loopback during a test."""


def install() -> None:
    import requests.adapters

    real_send = requests.adapters.HTTPAdapter.send
    real_getaddrinfo = socket.getaddrinfo

    def send(self: requests.adapters.HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        host = requests.utils.urlparse(request.url).hostname
        if host not in LOCAL_HOSTS:
            raise NetworkGuard(f"test tried to reach {request.url}")
        return real_send(self, request, *args, **kwargs)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and host not in LOCAL_HOSTS:
            raise NetworkGuard(f"test tried to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    requests.adapters.HTTPAdapter.send = send  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo

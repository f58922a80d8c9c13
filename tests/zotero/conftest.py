"""Fixtures for Zotero tests: an in-memory Web API server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.zotero.webapi_server import ZoteroServer


@pytest.fixture
def zotero_server() -> Iterator[ZoteroServer]:
    """A started server with no accounts yet (`add_key`, `add_group` set them up)."""
    server = ZoteroServer().start()
    yield server
    server.stop()

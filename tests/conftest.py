"""Shared fixtures: every senref folder under tmp_path, a fresh library per test, Qt offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
    from senref.core.library import Library

    lib = Library.open(tmp_path / "lib")
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

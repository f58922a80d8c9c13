"""`registry.get` loads only the format asked for, and gives what loading them all gives (issue 15)."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import EntryPoint

import pytest

from senref.formats import registry


def test_get_imports_only_the_named_format() -> None:
    code = ("import sys; from senref.formats import registry; fmt = registry.get('BibTeX'); print(fmt.name); "
            "print(sorted(m for m in sys.modules if m in ('senref.formats.zotero_rdf', 'senref.formats.pubmed_xml', "
            "'senref.formats.csljson', 'senref.formats.ris', 'senref.formats.bibtex')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    name, modules = done.stdout.splitlines()
    assert name == "bibtex" and modules == "['senref.formats.bibtex']"


def test_get_and_all_share_one_instance_per_name() -> None:
    registry.reset()
    try:
        first = {name: registry.get(name) for name in registry.BUILTINS}
        assert {f.name: f for f in registry.all()} == first
        assert all(registry.get(name) is fmt for name, fmt in first.items())
        assert registry.get("no-such-format") is None
    finally:
        registry.reset()


def test_a_plugin_of_a_builtin_name_wins_in_get_too(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = EntryPoint(name="ris", value="senref.formats.csljson:CslJsonFormat", group=registry.GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [plugin])
    registry.reset()
    try:
        assert registry.get("ris").name == "csljson"  # type: ignore[union-attr]
        assert registry.get("ris") is registry._load()["ris"]
    finally:
        registry.reset()


def test_a_broken_plugin_asked_for_by_name_is_none_and_logged_once(monkeypatch: pytest.MonkeyPatch,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    broken = EntryPoint(name="broken", value="senref.formats.no_such_module:Nothing", group=registry.GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [broken])
    registry.reset()
    try:
        assert registry.get("broken") is None and registry.get("broken") is None
        assert "broken" not in {f.name for f in registry.all()}
        assert caplog.text.count("failed to load") == 1
    finally:
        registry.reset()

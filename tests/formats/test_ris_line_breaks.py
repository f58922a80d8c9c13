"""U+2028/U+2029 inside RIS values (RIS.js writes them) read as single spaces; lines without them are untouched."""

from __future__ import annotations

from pathlib import Path

from senref.core.records import ImportRecord
from senref.formats.ris import RisFormat


def _titles(tmp_path: Path, titles: list[str]) -> list[str]:
    path = tmp_path / "breaks.ris"
    path.write_text("".join(f"TY  - JOUR\nTI  - {t}\nER  - \n\n" for t in titles), encoding="utf-8")
    return [r.item.fields.get("title", "") for r in RisFormat().read(path) if isinstance(r, ImportRecord)]


def test_unicode_line_breaks_become_one_space(tmp_path: Path) -> None:
    got = _titles(tmp_path, ["Cell\u2028senescence", "Cell \u2029senescence", "Two  spaces\tand a tab",
                             "\u00e9t\u00e9 \u2014 sans saut"])
    assert got == ["Cell senescence", "Cell senescence", "Two  spaces\tand a tab", "\u00e9t\u00e9 \u2014 sans saut"]

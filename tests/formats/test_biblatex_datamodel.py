"""BibLaTeX's data model both ways: a file using its fields imports, exports and compares field for field."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
import pytest

from senref.core.model import Item
from senref.core.schema import type_field
from senref.formats import registry
from senref.formats.base import ExportContext, ImportRecord
from senref.formats.bibtex_map import NAME_FIELDS as NAME_LISTS
from senref.formats.latex import to_unicode
from senref.formats.names import parse_names

DATAMODEL = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "biblatex-datamodel.bib"


def _read(path: Path, name: str = "biblatex") -> list[Item]:
    fmt = registry.get(name)
    assert fmt is not None
    return [r.item for r in fmt.read(path) if isinstance(r, ImportRecord)]


#: biblatex's aliases: the same field under its legacy name
_ALIASES = {"journal": "journaltitle", "address": "location", "school": "institution", "year": "date"}


def _text(name: str, value: str) -> str:
    if name in NAME_LISTS:
        return " and ".join(f"{c.last_name or c.name}, {c.first_name}" for c in parse_names(value, "author"))
    text = re.sub(r"\s+", " ", to_unicode(value)).strip()
    return re.sub(r"\s*[-–]+\s*", "-", text) if name == "pages" else text


def _entries(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """key -> (entry type, field -> value as text: TeX decoded, case-protecting braces and spacing ignored,
    names compared by their parts, legacy field names read as biblatex's)."""
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    out = {}
    for entry in library.entries:
        fields = {_ALIASES.get(f.key.lower(), f.key.lower()): _text(f.key.lower(), str(f.value))
                  for f in entry.fields}
        out[entry.key] = (entry.entry_type.lower(), fields)
    return out


@pytest.mark.parametrize("unicode", ["", "true"])
def test_biblatex_file_round_trips_field_for_field(tmp_path: Path, unicode: str) -> None:
    items = _read(DATAMODEL)
    out = tmp_path / "again.bib"
    fmt = registry.get("biblatex")
    assert fmt is not None
    fmt.write(items, out, ExportContext(library_dir=tmp_path, options={"bibtex_unicode": unicode}))
    before = _entries(DATAMODEL.read_text(encoding="utf-8"))
    after = _entries(out.read_text(encoding="utf-8"))
    assert after.keys() == before.keys()
    for key, (entry_type, fields) in before.items():
        assert after[key][0] == entry_type, key
        assert after[key][1] == fields, key


def test_biblatex_fields_land_where_zotero_keeps_them(tmp_path: Path) -> None:
    by_key = {i.fields["citationKey"]: i for i in _read(DATAMODEL)}
    works = by_key["gallager:works"]
    assert works.item_type == "book" and works.title == "Collected Works"  # subtitle not folded in
    assert works.fields["numberOfVolumes"] == "4" and works.fields["date"] == "1984/1986"
    assert works.fields["originalDate"] == "1968" and works.fields["language"] == "en-US"
    extra = works.fields["extra"].splitlines()
    for line in ("tex.subtitle: Information and Channels", "tex.titleaddon: A Critical Edition",
                 "tex.shorthand: CW", "tex.sorttitle: Collected Works of Gallager", "tex.langidopts: variant=american"):
        assert line in extra
    assert {(c.creator_type, c.last_name) for c in works.creators} == {
        ("author", "Gallager"), ("editor", "Ramanathan"), ("seriesEditor", "Okafor")}
    # A role Zotero has no creator type for stays in Extra, to be written back as it came.
    assert "tex.editorb= Lindqvist, Åsa" in extra and "tex.editorbtype: compiler" in extra
    assert [n.html for n in works.notes] == ["<p>A standard work. It covers <i>all</i> of it.</p>"]
    chapter = by_key["knuth:chapter"]
    assert chapter.item_type == "bookSection" and chapter.fields["bookTitle"] == "Sorting and Searching"
    assert any(c.creator_type == "bookAuthor" for c in chapter.creators)
    conf = by_key["moraux:conf"]
    assert conf.fields["conferenceName"] == "Symposium Aristotelicum" and conf.fields["eventPlace"] == "Cambridge"
    assert conf.fields["language"] == "fr-FR" and conf.fields["accessDate"] == "2020-05-04"
    assert "tex.eventdate: 1975-08-21/1975-08-29" in conf.fields["extra"].splitlines()
    assert {k: by_key[k].item_type for k in ("brown:court", "act:clean", "iso:8601", "film:metropolis",
                                               "ctan:biber", "westfahl:mv", "jcg", "stdmodel")} == {
        "brown:court": "case", "act:clean": "statute", "iso:8601": "standard", "film:metropolis": "film",
        "ctan:biber": "computerProgram", "westfahl:mv": "book", "jcg": "book", "stdmodel": "document"}
    assert by_key["brown:court"].fields["court"] == "Supreme Court of the United States"
    assert by_key["iso:8601"].fields["status"] == "published"


@pytest.mark.parametrize("entry_type", ["jurisdiction", "legislation", "standard", "video", "softwareversion"])
def test_a_file_of_only_biblatex_legal_media_or_software_types_is_read(entry_type: str, tmp_path: Path) -> None:
    path = tmp_path / "only.bib"
    path.write_text(f"@{entry_type}{{one,\n  title = {{One}},\n  date = {{2001}}\n}}\n\n"
                    f"@{entry_type.upper()}{{two, title = {{Two}}, date = {{2002}}}}\n", encoding="utf-8")
    fmt = registry.sniff(path)
    assert fmt is not None and fmt.name == "biblatex"
    assert [i.fields.get(type_field(i.item_type, "title")) for i in _read(path)] == ["One", "Two"]


def test_biblatex_examples_from_tex_live_round_trip(tmp_path: Path) -> None:
    """biblatex's own example file, where TeX Live installs it: every entry comes back with its type and fields."""
    found = sorted(Path("/usr/share/texlive/texmf-dist/bibtex/bib").glob("**/biblatex-examples.bib")) \
        if Path("/usr/share/texlive/texmf-dist/bibtex/bib").is_dir() else []
    if not found:
        pytest.skip("biblatex-examples.bib not installed (Debian package texlive-bibtex-extra)")
    source = found[0]
    out = tmp_path / "examples.bib"
    fmt = registry.get("biblatex")
    assert fmt is not None
    fmt.write(_read(source), out, ExportContext(library_dir=tmp_path, options={"bibtex_unicode": "true"}))
    before = _entries(source.read_text(encoding="utf-8"))
    after = _entries(out.read_text(encoding="utf-8"))
    kept = same = total = types = 0
    for key, (entry_type, fields) in before.items():
        got_type, got = after.get(key, ("", {}))
        types += got_type == entry_type
        for name, value in fields.items():
            total += 1
            kept += name in got
            same += got.get(name) == value
    assert types == len(before), "every entry keeps its entry type"
    assert kept / total >= 0.99 and same / total >= 0.95, (kept / total, same / total)

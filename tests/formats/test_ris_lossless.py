"""RIS import loses nothing, whatever the TY: every tag value of a record lands somewhere in the item.

Property-style: for every TY senref knows (and one it does not), a record carrying every standard RIS tag,
each with a value of its own, is read; each value must be found in a field, Extra, a creator, a tag, a note,
an identifier or an attachment.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from senref.core.model import Item
from senref.core.schema import ALL_FIELDS, CREATOR_TYPES, fields_for
from senref.formats import ris_read
from senref.formats.ris_map import DEPRECATED_MAP, FIELD_MAP, IMPORT_TYPES
from tests.formats.test_ris import read

#: The RIS specification's tags (RefMan 2011 and its older list) beside what RIS.js maps: unknown ones too.
SPEC_TAGS = ("A1", "A2", "A3", "A4", "AB", "AD", "AN", "AU", "AV", "BT", "C1", "C2", "C3", "C4", "C5", "C6", "C7",
             "C8", "CA", "CN", "CP", "CT", "CY", "DA", "DB", "DO", "DP", "ED", "EP", "ET", "ID", "IS", "J1", "J2",
             "JA", "JF", "JO", "KW", "L1", "L2", "L3", "L4", "LA", "LB", "LK", "M1", "M2", "M3", "N1", "N2", "NV",
             "OP", "PB", "PP", "PY", "RI", "RN", "RP", "SE", "SN", "SP", "ST", "T1", "T2", "T3", "TA", "TI", "TT",
             "U1", "U2", "U3", "U4", "U5", "UR", "VL", "VO", "Y1", "Y2")
ALL_TAGS = sorted(set(SPEC_TAGS) | set(FIELD_MAP) | set(DEPRECATED_MAP))


def value_for(tag: str) -> str:
    """A value no other tag has and no reader rule rewrites beyond recognition (no comma, no digits)."""
    return "Val" + "".join(ch if ch.isalpha() else "abcdefghij"[int(ch)] for ch in tag.lower()) + "q"


def everything(item: Item) -> str:
    """All the text an item holds, wherever it is."""
    parts = [*item.fields.values(), *item.identifiers.values(), *item.tag_names()]
    parts += [html.unescape(re.sub(r"<[^>]+>", " ", note.html)) for note in item.notes]
    parts += [p for c in item.creators for p in (c.name, c.last_name, c.first_name)]
    parts += [a.url or a.path or "" for a in item.attachments]
    return "\n".join(parts)


def record(ty: str) -> str:
    return f"TY  - {ty}\n" + "".join(f"{tag}  - {value_for(tag)}\n" for tag in ALL_TAGS) + "ER  - \n"


@pytest.mark.parametrize("ty", [*sorted(IMPORT_TYPES), "NOSUCHTYPE"])
def test_every_tag_value_lands_in_the_item(ty: str, tmp_path: Path) -> None:
    [item] = read(record(ty), tmp_path)
    text = everything(item)
    lost = [tag for tag in ALL_TAGS if value_for(tag) not in text]
    assert not lost, (ty, item.item_type, lost)
    # Every `name: value` line senref adds to Extra names a Zotero field or creator role, so Zotero can
    # move it into place when the item type changes.
    for line in item.fields.get("extra", "").splitlines():
        name, sep, _ = line.partition(": ")
        if sep:
            assert name in ALL_FIELDS or any(name in roles for roles in CREATOR_TYPES.values()), (ty, line)
            assert name not in fields_for(item.item_type) or item.fields.get(name), (ty, line)


def test_grant_keeps_its_type_and_what_ris_js_would_have_filled(tmp_path: Path) -> None:
    [grant] = read("TY  - GRANT\nTI  - Senescence grant\nJ2  - Periodical\nVL  - 50000\nSE  - 3 years\n"
                   "SP  - 12\nAU  - Investigator, Ana\nER  - \n", tmp_path)
    assert grant.item_type == "document"
    assert grant.fields["title"] == "Senescence grant"
    extra = grant.fields["extra"].splitlines()
    # journalArticle's names (RIS.js reads GRANT as one); no publicationTitle copy for a type without one
    assert {"journalAbbreviation: Periodical", "volume: 50000", "section: 3 years", "pages: 12"} <= set(extra)
    assert not any(line.startswith("publicationTitle:") for line in extra)
    assert [(c.creator_type, c.last_name) for c in grant.creators] == [("author", "Investigator")]


def test_unpublished_work_keeps_series_and_editor(tmp_path: Path) -> None:
    [work] = read("TY  - UNPB\nTI  - Draft\nA2  - Editor, Series\nT2  - Working papers\nT3  - Department\n"
                  "J2  - WP\nSP  - 40\nER  - \n", tmp_path)
    assert work.item_type == "manuscript"
    assert work.fields["numPages"] == "40"
    assert {"publicationTitle: Working papers", "series: Department", "journalAbbreviation: WP"} <= set(
        work.fields["extra"].splitlines())
    assert [(c.creator_type, c.last_name, c.first_name) for c in work.creators] == [("contributor", "Editor", "Series")]


def test_standard_reads_document_number_and_type(tmp_path: Path) -> None:
    [std] = read("TY  - STAND\nTI  - Date and time format\nSN  - ISO 8601\nM3  - International standard\n"
                 "T2  - Part 1\nER  - \n", tmp_path)
    assert (std.item_type, std.fields["number"], std.fields["type"]) == (
        "standard", "ISO 8601", "International standard")
    assert "seriesTitle: Part 1" in std.fields["extra"].splitlines()  # RIS.js reads STAND as a report


def test_role_the_type_lacks_is_its_contributor_or_an_extra_line(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    [letter] = read("TY  - PCOMM\nTI  - A letter\nA3  - Producer, Pat\nED  - Editor, Eve\nER  - \n", tmp_path)
    assert [(c.creator_type, c.last_name) for c in letter.creators] == [("contributor", "Editor")]
    assert "A3  - Producer, Pat" in letter.notes[0].html  # A3 means nothing for a letter: the note, as in Zotero
    # Every Zotero type has a contributor role today; a type without one keeps the creator in Extra.
    monkeypatch.setitem(ris_read.CREATOR_TYPES, "letter", ("author", "recipient"))
    [letter] = read("TY  - PCOMM\nTI  - A letter\nED  - Editor, Eve\nED  - Committee\nER  - \n", tmp_path)
    assert not letter.creators
    assert letter.fields["extra"].splitlines() == ["editor: Editor || Eve", "editor: Committee"]


def test_values_replaced_by_a_later_tag_are_kept(tmp_path: Path) -> None:
    [item] = read("TY  - JOUR\nTI  - X\nDA  - 2014/06/01/\nPY  - 1999\nPY  - 2000\nSP  - 1-5\nEP  - 9\n"
                  "JF  - Journal\nBT  - Book title\nL1  - missing/file.pdf\nID  - 42\nER  - \n", tmp_path)
    assert item.fields["date"] == "2014-06-01"
    [note] = item.notes
    for kept in ("date: 1999", "date: 2000", "9", "publicationTitle: Book title", "ID  - 42"):
        assert kept in note.html, kept
    assert [Path(a.path).as_posix()[-16:] for a in item.attachments] == ["missing/file.pdf"]  # a broken link


def test_dates_keep_what_their_zotero_form_leaves_out(tmp_path: Path) -> None:
    [item] = read("TY  - JOUR\nTI  - X\nDA  - Date of the hearing\nY2  - 2013/02/15/received\n"
                  "PY  - 2013\nER  - \n", tmp_path)
    assert item.fields["date"] == "2013 Date"  # RIS.js's reading, which keeps the first word only
    assert item.fields["accessDate"] == "2013-02-15"
    [note] = item.notes
    assert "DA  - Date of the hearing" in note.html and "Y2  - 2013/02/15/received" in note.html
    [plain] = read("TY  - JOUR\nTI  - X\nDA  - 2018/03/05/\nY2  - 2024/01/15/10:05 pm\nER  - \n", tmp_path)
    assert not plain.notes

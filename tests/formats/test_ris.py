"""RIS import and export rules after Zotero's RIS translator: types, type-dependent tags, dates, fix-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.core.model import Creator, Item
from senref.core.schema import ITEM_TYPES
from senref.formats import registry
from senref.formats.base import ExportContext, ImportRecord
from senref.formats.ris_dates import ris_to_zotero, zotero_to_ris
from senref.formats.ris_map import EXPORT_TYPES, IMPORT_TYPES

#: Every TY of the RIS specification (plus EndNote's WEB) and the Zotero type it is read as.
RIS_TYPES = {
    "ABST": "journalArticle", "ADVS": "film", "AGGR": "document", "ANCIENT": "document", "ART": "artwork",
    "BILL": "bill", "BLOG": "blogPost", "BOOK": "book", "CASE": "case", "CHAP": "bookSection",
    "CHART": "artwork", "CLSWK": "book", "COMP": "computerProgram", "CONF": "conferencePaper",
    "CPAPER": "conferencePaper", "CTLG": "magazineArticle", "DATA": "dataset", "DBASE": "dataset",
    "DICT": "dictionaryEntry", "EBOOK": "book", "ECHAP": "bookSection", "EDBOOK": "book",
    "EJOUR": "journalArticle", "ELEC": "webpage", "ENCYC": "encyclopediaArticle", "EQUA": "document",
    "FIGURE": "artwork", "GEN": "journalArticle", "GOVDOC": "report", "GRANT": "document", "HEAR": "hearing",
    "ICOMM": "email", "INPR": "manuscript", "JFULL": "journalArticle", "JOUR": "journalArticle", "LEGAL": "case",
    "MANSCPT": "manuscript", "MAP": "map", "MGZN": "magazineArticle", "MPCT": "film", "MULTI": "videoRecording",
    "MUSIC": "audioRecording", "NEWS": "newspaperArticle", "PAMP": "manuscript", "PAT": "patent",
    "PCOMM": "letter", "RPRT": "report", "SER": "book", "SLIDE": "presentation", "SOUND": "audioRecording",
    "STAND": "standard", "STAT": "statute", "THES": "thesis", "UNBILL": "manuscript", "UNPB": "manuscript",
    "VIDEO": "videoRecording", "WEB": "webpage",
}


def read(text: str, tmp_path: Path) -> list[Item]:
    path = tmp_path / "in.ris"
    path.write_text(text, encoding="utf-8")
    fmt = registry.get("ris")
    assert fmt is not None
    records = list(fmt.read(path))
    assert all(isinstance(r, ImportRecord) for r in records), records
    return [r.item for r in records if isinstance(r, ImportRecord)]


@pytest.mark.parametrize(("ty", "item_type"), sorted(RIS_TYPES.items()))
def test_every_ris_type_is_read_as_its_zotero_type(ty: str, item_type: str, tmp_path: Path) -> None:
    assert IMPORT_TYPES[ty] == item_type
    [item] = read(f"TY  - {ty}\nTI  - A record\nER  - \n", tmp_path)
    assert item.item_type == item_type


def test_every_zotero_type_has_an_export_type() -> None:
    assert set(EXPORT_TYPES) == set(ITEM_TYPES)
    assert set(EXPORT_TYPES.values()) <= set(RIS_TYPES)


def test_unknown_ty_is_a_journal_article_as_in_zotero(tmp_path: Path) -> None:
    [item] = read("TY  - WHATEVER\nTI  - X\nER  - \n", tmp_path)
    assert item.item_type == "journalArticle"


@pytest.mark.parametrize(("ris", "zotero"), [
    ("2018/03/05/", "2018-03-05"), ("2018///", "2018"), ("2018/03//", "2018-03"), ("2018", "2018"),
    ("1990/2/27", "1990-02-27"), ("2018/00/00/", "2018"), ("2018/03//Spring", "2018-03 Spring"),
    ("2018///Spring 2018", "Spring 2018"), ("2013/02/15/received", "2013-02-15"), ("Date", "0000 Date"),
    ("March 5", "0000 March 5"), ("2010 Sep-Oct", "2010 Sep-Oct"),
])
def test_ris_dates_read_with_zotero_rules(ris: str, zotero: str) -> None:
    assert ris_to_zotero(ris) == zotero


@pytest.mark.parametrize(("zotero", "da", "back"), [
    ("2018-03-05", "2018/03/05/", "2018-03-05"), ("2018", "2018///", "2018"), ("2018-03", "2018/03//", "2018-03"),
    ("March 5, 2018", "2018/03/05/", "2018-03-05"), ("Spring 2018", "2018///Spring 2018", "Spring 2018"),
    ("2010 Sep-Oct", "2010/09//2010 Sep-Oct", "2010 Sep-Oct"),
])
def test_dates_written_as_parts_and_read_back(zotero: str, da: str, back: str) -> None:
    assert zotero_to_ris(zotero) == (da, zotero_to_ris(zotero)[1])
    assert ris_to_zotero(da) == back


def test_access_date_keeps_its_time() -> None:
    da, _ = zotero_to_ris("2024-01-15 10:05:00")
    assert da == "2024/01/15/10:05:00"
    assert ris_to_zotero(da, "accessDate") == "2024-01-15 10:05:00"
    assert ris_to_zotero("2024/01/15/10:05 pm", "accessDate") == "2024-01-15 22:05:00"


def test_patent_tags(tmp_path: Path) -> None:
    [item] = read("TY  - PAT\nA1  - Burger, D. R.\nAU  - Goldstein, A. S.\nT1  - Detecting a virus\n"
                  "Y1  - 1990/2/27\nA2  - Patent Office\nPB  - Epitope Inc.\nM1  - US 07/123\nSN  - US 4,904,581\n"
                  "C6  - Active\nER  - \n", tmp_path)
    assert item.item_type == "patent"
    assert [(c.creator_type, c.last_name) for c in item.creators] == [("inventor", "Burger"), ("inventor", "Goldstein")]
    assert item.fields["issueDate"] == "1990-02-27" and "date" not in item.fields
    assert item.fields["assignee"] == "Epitope Inc."
    assert item.fields["issuingAuthority"] == "Patent Office"
    assert item.fields["applicationNumber"] == "US 07/123"
    assert item.fields["patentNumber"] == "US 4,904,581"
    assert item.fields["legalStatus"] == "Active"


def test_case_bill_thesis_report_tags(tmp_path: Path) -> None:
    items = read(
        "TY  - CASE\nTI  - Brown v. Board\nPB  - Supreme Court\nA2  - U.S. Reports\nVL  - 347\nSP  - 483\n"
        "SV  - No. 1\nDA  - 1954/05/17/\nER  - \n"
        "TY  - BILL\nTI  - Clean Air Act\nT2  - United States Code\nT3  - Congress\nM1  - H.R. 1\nA2  - Doe, Jane\n"
        "ER  - \n"
        "TY  - THES\nTI  - Senescence\nPB  - University of Oslo\nM3  - PhD thesis\nA3  - Berg, Jonas\nSP  - 212\n"
        "ER  - \n"
        "TY  - RPRT\nTI  - A report\nPB  - Karolinska\nSN  - TR-17\nM3  - Technical report\nT2  - Series\nER  - \n",
        tmp_path)
    case, bill, thesis, report = items
    assert (case.fields["caseName"], case.fields["court"], case.fields["reporter"]) == (
        "Brown v. Board", "Supreme Court", "U.S. Reports")
    assert (case.fields["reporterVolume"], case.fields["firstPage"], case.fields["docketNumber"]) == ("347", "483", "No. 1")
    assert case.fields["dateDecided"] == "1954-05-17"
    assert (bill.fields["code"], bill.fields["legislativeBody"], bill.fields["billNumber"]) == (
        "United States Code", "Congress", "H.R. 1")
    assert bill.creators[0].creator_type == "sponsor"
    assert (thesis.fields["university"], thesis.fields["thesisType"], thesis.fields["numPages"]) == (
        "University of Oslo", "PhD thesis", "212")
    assert thesis.creators[0].creator_type == "contributor"
    assert (report.fields["institution"], report.fields["reportNumber"], report.fields["reportType"],
            report.fields["seriesTitle"]) == ("Karolinska", "TR-17", "Technical report", "Series")


def test_standard_tags_win_over_endnote_ones_whatever_the_order(tmp_path: Path) -> None:
    [item] = read("TY  - JOUR\nY1  - 2001//\nDA  - 2014/06/01\nJO  - Augment Altern Commun\n"
                  "T2  - Augmentative and Alternative Communication\nEP  - 105\nSP  - 99\n"
                  "M3  - doi: 10.3109/07434618.2014.906498\nER  - \n", tmp_path)
    assert item.fields["date"] == "2014-06-01"
    assert item.fields["publicationTitle"] == "Augmentative and Alternative Communication"
    assert item.fields["journalAbbreviation"] == "Augment Altern Commun"
    assert item.fields["pages"] == "99-105"
    assert item.identifiers["doi"] == "10.3109/07434618.2014.906498"


def test_keywords_names_and_endnote_edited_book(tmp_path: Path) -> None:
    [article, book] = read(
        "TY  - JOUR\nAU  - Light, Janice\nAU  - TIS Consortium\nKW  - ageing; senescence\nKW  - SASP\n"
        "N1  - first line\nsecond line\nER  - \n"
        "TY  - EDBOOK\nAU  - Serrano, Manuel\nTI  - Senescence methods\nKW  - a, b, c\nER  - \n", tmp_path)
    assert [(c.first_name, c.last_name, c.name) for c in article.creators] == [
        ("Janice", "Light", ""), ("", "", "TIS Consortium")]
    assert article.tag_names() == ["ageing", "senescence", "SASP"]
    assert book.item_type == "book" and book.creators[0].creator_type == "editor"
    assert book.tag_names() == ["a", "b", "c"]  # a single keyword line is split at commas (RIS.js)


def test_procite_notes_become_fields_and_roles(tmp_path: Path) -> None:
    [item] = read("TY  - SOUND\nN1  - Record ID: 7\nA1  - Composer Name\nN1  - Author Role: Composer\n"
                  "TI  - Symphony\nN1  - Call Number: M1001 .S9\nN1  - Place of Publication: Berlin\n"
                  "N1  - Connective Phrase: In\nER  - \n", tmp_path)
    assert item.item_type == "audioRecording"
    assert [(c.creator_type, c.name) for c in item.creators] == [("composer", "Composer Name")]
    assert item.fields["callNumber"] == "M1001 .S9" and item.fields["place"] == "Berlin"
    [note] = item.notes  # the record number RIS.js ignores is kept, as with Zotero's RIS.import.keepID
    assert "ID  - 7" in note.html and "Record ID" not in note.html


def test_what_ris_has_no_tag_for_is_kept_in_a_note(tmp_path: Path) -> None:
    [item] = read("TY  - JOUR\nTI  - X\nZZ  - strange\nTT  - Translated Title\nER  - \n", tmp_path)
    [note] = item.notes
    assert "ZZ  - strange" in note.html and "Translated Title: Translated Title" in note.html


def test_m2_lines_restore_fields_creators_type_and_identifiers(tmp_path: Path) -> None:
    fmt = registry.get("ris")
    assert fmt is not None
    item = Item(item_type="podcast", fields={"title": "Senescence weekly", "rights": "CC BY", "runningTime": "42:00",
                                             "extra": "Note: kept"},
                creators=[Creator("podcaster", "Ana", "García"), Creator("guest", "Li", "Wei")])
    item.set_identifier("doi", "10.5281/zenodo.1")
    item.set_identifier("pmid", "12345")
    path = tmp_path / "out.ris"
    fmt.write([item], path, ExportContext(library_dir=tmp_path))
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("TY  - SOUND\r\n") and "M2  - Type: podcast\r\n" in text
    assert "M2  - guest: Wei || Li\r\n" in text and "M2  - PMID: 12345\r\n" in text
    [back] = read(text, tmp_path)
    assert back.item_type == "podcast"
    assert back.fields == item.fields and back.identifiers == item.identifiers
    assert back.creators == item.creators


def test_pages_that_sp_ep_would_garble_are_written_whole(tmp_path: Path) -> None:
    fmt = registry.get("ris")
    assert fmt is not None
    items = [Item(fields={"title": t, "pages": p}) for t, p in
             (("a", "12, 15-17"), ("b", "1285–1298"), ("c", "e332-e340"))]
    path = tmp_path / "out.ris"
    fmt.write(items, path, ExportContext(library_dir=tmp_path))
    text = path.read_bytes().decode("utf-8")
    assert "SP  - 12, 15-17\r\n" in text and "SP  - e332\r\nEP  - e340\r\n" in text
    assert [i.fields["pages"] for i in read(text, tmp_path)] == ["12, 15-17", "1285–1298", "e332-e340"]

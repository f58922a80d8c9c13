"""End to end: `senref add` with every service on a local server, the flagship record and its PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from senref.cli.main import main
from senref.core.library import Library

HAL_CITATION = (
    "Pataje Prasanna, Deborah Citrin, Jeffrey Hildesheim, et al.. Therapy-Induced Senescence: Opportunities to "
    "Improve Anticancer Therapy. JNCI: Journal of the National Cancer Institute, 2021, 113 (10), pp.1285-1298. "
    "&#x27E8;10.1093/jnci/djab064&#x27E9;. &#x27E8;inserm-03547029&#x27E9;"
)


def _only_item(folder: Path):
    lib = Library.open(folder)
    try:
        items = list(lib.iter_items())
        assert len(items) == 1
        return items[0], lib.attachment_path(items[0].attachments[0]) if items[0].attachments else None
    finally:
        lib.close()


def test_add_doi_then_hal_id_url_and_citation_add_nothing_new(flagship, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "lib"
    assert main(["--library", str(folder), "add", "10.1093/jnci/djab064"]) == 0
    err = capsys.readouterr().err
    assert "1 added" in err and "0 failed" in err
    item, pdf_path = _only_item(folder)
    assert item.item_type == "journalArticle"
    assert item.title == "Therapy-Induced Senescence: Opportunities to Improve Anticancer Therapy"
    assert len(item.creators) == 32
    assert (item.creators[0].first_name, item.creators[0].last_name) == ("Pataje G.", "Prasanna")  # PubMed initials get their periods, as in Zotero
    assert item.creators[-1].display == "C. Norman Coleman"
    names = {c.display for c in item.creators}
    # Accented publisher spellings win over HAL's flattened ones, and nobody appears twice.
    assert {"Jörg Goronzy", "François Paris", "Jesús Gil", "Ana O'Loghlen"} <= names
    assert not {"Jorg Goronzy", "Francois Paris", "Jesus Gil"} & names
    assert item.fields["publicationTitle"] == "JNCI: Journal of the National Cancer Institute"
    assert (item.fields["volume"], item.fields["issue"], item.fields["pages"]) == ("113", "10", "1285-1298")
    assert item.year == 2021
    assert item.identifiers["doi"] == "10.1093/jnci/djab064"
    assert item.identifiers["hal"] == "inserm-03547029"
    assert item.identifiers["pmid"] == "33792717" and item.identifiers["pmcid"] == "PMC8486333"
    assert item.fields["abstractNote"].startswith("Cancer treatments such as radiotherapy")
    assert "<" not in item.fields["abstractNote"]
    assert "Cellular Senescence" in item.tag_names(1)  # MeSH heading kept as an automatic tag
    assert item.provenance["title"] == "crossref" and item.provenance["creators"] == "crossref"
    assert item.provenance["identifier:hal"] == "hal"
    attachment = item.attachments[0]
    assert attachment.source == "hal" and attachment.content_type == "application/pdf"
    assert pdf_path is not None and pdf_path.read_bytes().startswith(b"%PDF-")
    assert len(attachment.sha256) == 64

    for again in ("inserm-03547029", "https://inserm.hal.science/inserm-03547029", HAL_CITATION):
        assert main(["--library", str(folder), "add", again]) == 0
        assert "0 added" in capsys.readouterr().err
        same, _ = _only_item(folder)
        assert same.key == item.key and len(same.attachments) == 1 and len(same.creators) == 32


def test_show_json_carries_provenance(flagship, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "lib"
    assert main(["--library", str(folder), "add", "--no-pdf", "inserm-03547029"]) == 0
    item, pdf_path = _only_item(folder)
    assert pdf_path is None  # --no-pdf
    data = item.to_json()
    assert data["meta"]["provenance"]["publicationTitle"] in ("crossref", "hal", "pubmed")
    assert json.dumps(data)  # serialisable as `senref show --json` prints it


def test_add_from_stdin_with_collection(flagship, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(HAL_CITATION + "\n"))
    folder = tmp_path / "lib"
    assert main(["--library", str(folder), "add", "--collection", "TIS/Reviews", "-"]) == 0
    lib = Library.open(folder)
    try:
        key = lib.find_collection("TIS/Reviews")
        assert key and [i.title for i in lib.iter_items(collection=key)] == [
            "Therapy-Induced Senescence: Opportunities to Improve Anticancer Therapy"]
    finally:
        lib.close()


def test_unknown_identifier_fails_with_reason_and_exit_1(flagship, tmp_path: Path, capsys) -> None:
    flagship.expect_request("/doi/ra/10.9999/nothing").respond_with_json([{"DOI": "10.9999/nothing",
                                                                           "status": "DOI does not exist"}])
    flagship.expect_request("/unpaywall/v2/10.9999/nothing").respond_with_json(
        {"HTTP_status_code": 404, "error": True, "message": "not found"}, status=404)
    code = main(["--library", str(tmp_path / "lib"), "add", "10.9999/nothing", "no identifier here"])
    err = capsys.readouterr().err
    assert code == 1
    assert "2 failed" in err and "no identifier found" in err and "DOI does not exist" in err



def test_pdf_file_with_doi_is_attached_to_the_fetched_record(flagship, tmp_path: Path, settings, library,
                                                              make_pdf) -> None:
    from senref.actions.add import add_texts

    paper = tmp_path / "downloaded paper.pdf"
    paper.write_bytes(make_pdf("doi:10.1093/jnci/djab064"))
    report = add_texts(library, [str(paper)], settings=settings, cache_dir=tmp_path / "cache")
    [outcome] = report.outcomes
    assert (outcome.status, outcome.pdf) == ("added", "file")
    item = library.get_item(outcome.key)
    assert item.identifiers["hal"] == "inserm-03547029" and len(item.creators) == 32
    assert [a.source for a in item.attachments] == ["file"]


def test_pdf_file_without_identifier_becomes_an_item_with_a_note(service_env, tmp_path: Path, settings,
                                                                  library, make_pdf) -> None:
    from senref.actions.add import add_texts

    paper = tmp_path / "scan.pdf"
    paper.write_bytes(make_pdf("Just some words"))
    [outcome] = add_texts(library, [str(paper)], settings=settings, cache_dir=tmp_path / "cache").outcomes
    item = library.get_item(outcome.key)
    assert item.title == "scan" and len(item.attachments) == 1
    assert "no DOI" in item.notes[0].html


def test_batch_runs_concurrently_and_reports_each(flagship, tmp_path: Path, settings, library) -> None:
    from senref.actions.add import add_texts

    texts = ["10.1093/jnci/djab064", "https://hal.science/inserm-03547029"] + [f"hal-0{n:07d}" for n in range(40)]
    lines: list[str] = []
    report = add_texts(library, texts, settings=settings, cache_dir=tmp_path / "cache", pdf=False,
                       progress=lambda done, total, line: lines.append(f"{done}/{total}"))
    # The DOI and the HAL URL name one work: fetched side by side, saved once, the second finds it.
    assert len(report.by_status("added")) == 1 and len(report.by_status("unchanged")) == 1
    assert len(report.failed) == 40 and all("no HAL record" in o.reason for o in report.failed)
    assert lines[-1] == "42/42" and library.count() == 1


def test_cancel_stops_the_batch(flagship, tmp_path: Path, settings, library) -> None:
    from senref.actions.add import add_texts

    report = add_texts(library, [f"hal-0{n:07d}" for n in range(20)], settings=settings,
                       cache_dir=tmp_path / "cache", should_stop=lambda: True)
    assert report.cancelled and report.outcomes == []
    assert flagship.log == []  # nothing was asked of any service

"""Zotero desktop on this machine: ping, the local API (paging, 403), the connector (201/409/500), round trips."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from senref.actions import zotero_desktop as actions
from senref.core.library import Library
from senref.core.model import AUTOMATIC, MANUAL, Attachment, Creator, Item, Note, Tag
from senref.core.query import ItemQuery
from senref.core.settings import Settings, settings_from
from senref.zotero.desktop import DesktopClient, DesktopError
from tests.zotero.desktop_server import DesktopServer

PDF = b"%PDF-1.4\n% senref test file\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[DesktopServer]:
    server = DesktopServer(tmp_path / "Zotero" / "storage").start()
    yield server
    server.stop()


@pytest.fixture
def settings(desktop: DesktopServer) -> Settings:
    return settings_from({}, env={"SENREF_ZOTERO_LOCAL_URL": desktop.url})


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "lib")
    yield lib
    lib.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def flagship() -> Item:
    item = Item(fields={"title": "Therapy-Induced Senescence: Opportunities to Improve Anticancer Therapy",
                        "publicationTitle": "JNCI: Journal of the National Cancer Institute", "date": "2021-10",
                        "volume": "113", "issue": "10", "pages": "1285-1298", "extra": "Read for the review",
                        "abstractNote": "Radiation and chemotherapy induce senescence."})
    item.creators = [Creator("author", "Pataje G.", "Prasanna"), Creator("author", "Jörg", "Goronzy"),
                     Creator("editor", name="NCI Radiation Research Program")]
    item.set_identifier("doi", "10.1093/jnci/djab064")
    item.set_identifier("hal", "inserm-03547029v2")
    item.set_identifier("pmid", "33792717")
    item.tags = [Tag("one-two punch"), Tag("TIS/Radiation-induced", type=AUTOMATIC)]
    item.notes = [Note("<p>Table 2 lists the senolytics in trials.</p>")]
    item.provenance = {"title": "crossref", "abstractNote": "hal"}
    item.extras["topicEvidence"] = {"TIS/Radiation-induced": ["radiation-induced senescence"]}
    return item


def record(item: Item) -> dict[str, Any]:
    """What must arrive: everything but keys, dates, versions and the local file's place."""
    return {"type": item.item_type, "fields": dict(sorted(item.fields.items())),
            "creators": [c.to_json() for c in item.creators], "tags": sorted((t.tag, t.type) for t in item.tags),
            "identifiers": dict(item.identifiers), "hal_version": item.hal_version,
            "notes": [n.html for n in item.notes],
            # an import names itself as the source of the fields that had none recorded
            "provenance": {k: v for k, v in item.provenance.items() if v != "import:zotero"},
            "extras": {k: v for k, v in item.extras.items() if not k.startswith("zotero")},
            "files": sorted((a.title, a.content_type, a.sha256, a.size) for a in item.attachments)}


# -- ping and the local API ------------------------------------------------------------------------
def test_ping_tells_running_from_not_running(desktop: DesktopServer) -> None:
    assert DesktopClient(desktop.url).ping().running
    gone = DesktopClient(f"http://127.0.0.1:{free_port()}").ping()
    assert not gone.running and "not running" in gone.message


def test_read_library_follows_next_links_and_includes_the_trash(desktop: DesktopServer) -> None:
    desktop.page_size = 2
    for n in range(5):
        desktop.add_item({"key": f"ITEM{n}AAA".replace("0", "Z").replace("1", "Y"), "itemType": "book",
                          "title": f"Book {n}", "deleted": 1 if n == 4 else 0})
    desktop.add_collection("CQLLAAAA", "Top")
    found = DesktopClient(desktop.url).read_library()
    assert [o["data"]["title"] for o in found.items] == [f"Book {n}" for n in range(5)]
    assert [o["data"]["name"] for o in found.collections] == ["Top"]
    assert found.local_version == desktop.version
    assert sum(1 for method, path in desktop.requests if "/items" in path) == 3


def test_disabled_local_api_says_where_to_enable_it(desktop: DesktopServer, settings: Settings,
                                                    library: Library) -> None:
    desktop.local_api = False
    with pytest.raises(DesktopError, match="Settings → Advanced") as caught:
        DesktopClient(desktop.url).read_library()
    assert caught.value.status == 403
    report = actions.import_from_desktop(library, settings)
    assert report.failed and "not enabled" in report.problems[0]
    assert "not enabled" in actions.desktop_status(settings).local_api


def test_a_next_link_to_another_server_is_not_followed(desktop: DesktopServer, monkeypatch: Any) -> None:
    desktop.page_size = 1
    desktop.add_item({"key": "AAAA2222", "itemType": "book", "title": "A"})
    desktop.add_item({"key": "BBBB2222", "itemType": "book", "title": "B"})
    original = desktop._listing

    def elsewhere(request: Any, objects: list[dict[str, Any]]) -> Any:
        response = original(request, objects)
        if "Link" in response.headers:
            response.headers["Link"] = '<http://127.0.0.1:9/api/users/0/items?start=1>; rel="next"'
        return response
    monkeypatch.setattr(desktop, "_listing", elsewhere)
    with pytest.raises(DesktopError, match="elsewhere"):
        DesktopClient(desktop.url).read_library()


# -- the connector ---------------------------------------------------------------------------------
def test_session_exists_is_retried_with_a_new_id(desktop: DesktopServer) -> None:
    desktop.collide_next = 1
    result = DesktopClient(desktop.url).save_items([Item(fields={"title": "One"})])
    first, second = (body["sessionID"] for body in desktop.saved_bodies)
    assert first != second and result.session_id == second
    assert [d["title"] for d in desktop.find(itemType="journalArticle")] == ["One"]


def test_read_only_target_is_a_clear_message(desktop: DesktopServer, settings: Settings, library: Library) -> None:
    desktop.editable = False
    key = library.save_item(Item(fields={"title": "One"})).key
    report = actions.send_to_desktop(library, settings, [key])
    assert report.failed and "read-only" in report.problems[0] and "My Library" in report.problems[0]


def test_send_when_zotero_is_not_running(library: Library) -> None:
    settings = settings_from({}, env={"SENREF_ZOTERO_LOCAL_URL": f"http://127.0.0.1:{free_port()}"})
    key = library.save_item(Item(fields={"title": "One"})).key
    report = actions.send_to_desktop(library, settings, [key])
    assert report.failed and "not running" in report.problems[0]


def test_flagship_sent_with_note_tags_and_pdf_arrives_with_every_field(
        desktop: DesktopServer, settings: Settings, library: Library, tmp_path: Path) -> None:
    key = library.save_item(flagship(), tag=False).key
    library.store_file(key, PDF, filename="Prasanna 2021.pdf", content_type="application/pdf",
                       title="Full Text PDF")
    sent = library.get_item(key)
    report = actions.send_to_desktop(library, settings, [key])
    assert not report.problems and (report.sent, report.files) == (1, 1)
    body = desktop.saved_bodies[0]["items"][0]
    assert body["itemType"] == "journalArticle" and body["DOI"] == "10.1093/jnci/djab064"
    assert {"lastName": "NCI Radiation Research Program", "fieldMode": 1, "creatorType": "editor"} in body["creators"]
    assert body["notes"] == [{"note": "<p>Table 2 lists the senolytics in trials.</p>"}]
    metadata, content_type, data = desktop.attachments_received[0]
    assert (metadata["parentItemID"], content_type, data) == (body["id"], "application/pdf", PDF)

    fresh = Library.open(tmp_path / "fresh")
    try:
        back = actions.import_from_desktop(fresh, settings)
        assert not back.problems and back.created == 1, back.lines()
        arrived = fresh.get_item(back.keys[0])
        assert record(arrived) == record(sent)
        stored = fresh.attachment_path(arrived.attachments[0])
        assert stored is not None and stored.read_bytes() == PDF
        assert fresh.files_dir in stored.parents
    finally:
        fresh.close()


# -- import ------------------------------------------------------------------------------------------
def test_import_reads_collections_items_notes_tags_and_trash(desktop: DesktopServer, settings: Settings,
                                                             library: Library) -> None:
    desktop.add_collection("TQPCQLL2", "Senescence")
    desktop.add_collection("SUBCQLL2", "Senolytics", parent="TQPCQLL2")
    desktop.add_item({"key": "PAPER222", "itemType": "journalArticle", "title": "Dasatinib plus quercetin",
                      "creators": [{"creatorType": "author", "firstName": "James L.", "lastName": "Kirkland"}],
                      "tags": [{"tag": "senolytic"}, {"tag": "Aging", "type": 1}], "collections": ["SUBCQLL2"],
                      "DOI": "10.1111/acel.12344"})
    desktop.add_item({"key": "NQTE2222", "itemType": "note", "parentItem": "PAPER222",
                      "note": "<p>First human trial.</p>"})
    desktop.add_item({"key": "GQNE2222", "itemType": "book", "title": "Binned", "deleted": 1})
    desktop.add_item({"key": "ANNQ2222", "itemType": "annotation", "parentItem": "NQTE2222"})
    report = actions.import_from_desktop(library, settings)
    assert not report.problems and (report.created, report.trashed) == (2, 1)
    assert any("annotations" in w for w in report.warnings)
    paper = library.get_item("PAPER222")
    assert paper.identifiers["doi"] == "10.1111/acel.12344"
    assert sorted((t.tag, t.type) for t in paper.tags) == [("Aging", AUTOMATIC), ("senolytic", MANUAL)]
    assert [n.html for n in paper.notes] == ["<p>First human trial.</p>"]
    assert [library.collection_path(c) for c in paper.collections] == [["Senescence", "Senolytics"]]
    assert library.keys(ItemQuery(trash=True)) == ["GQNE2222"]


def test_an_attachment_file_outside_zotero_storage_is_not_read(desktop: DesktopServer, settings: Settings,
                                                                library: Library, tmp_path: Path) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"not yours")
    desktop.add_item({"key": "PAPER222", "itemType": "book", "title": "T"})
    desktop.add_item({"key": "FILE2222", "itemType": "attachment", "parentItem": "PAPER222",
                      "linkMode": "imported_file", "filename": "../../secret.pdf", "contentType": "application/pdf"})
    report = actions.import_from_desktop(library, settings)
    assert report.created == 1 and not library.get_item("PAPER222").attachments
    assert not any(p.read_bytes() == b"not yours" for p in library.files_dir.rglob("*") if p.is_file())


def test_cli_status_and_send(desktop: DesktopServer, tmp_path: Path, monkeypatch: Any,
                             capsys: pytest.CaptureFixture[str]) -> None:
    from senref.cli.main import main

    monkeypatch.setenv("SENREF_ZOTERO_LOCAL_URL", desktop.url)
    folder = tmp_path / "cli"
    with Library.open(folder) as lib:
        key = lib.save_item(Item(fields={"title": "Sent from the CLI"},
                                 attachments=[Attachment(link_mode="linked_url", url="https://example.org/a")])).key
    assert main(["--library", str(folder), "zotero-desktop", "status"]) == 0
    assert "running" in capsys.readouterr().out
    assert main(["--library", str(folder), "zotero-desktop", "send", key]) == 0
    assert desktop.find(title="Sent from the CLI")

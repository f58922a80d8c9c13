"""Attachment files on the user's WebDAV server: <KEY>.zip and <KEY>.prop as Zotero writes them."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from senref.actions import zotero as zotero_actions
from senref.core.library import Library
from senref.core.model import Item
from senref.core.settings import load_settings
from senref.demo import simple_pdf
from senref.zotero.webdav import PROP_RE, WebDavStore
from tests.zotero.webapi_server import ZoteroServer
from tests.zotero.webdav_server import WebDavServer


@pytest.fixture
def dav() -> Iterator[WebDavServer]:
    server = WebDavServer().start()
    yield server
    server.stop()


def personal(zotero_server: ZoteroServer, folder: Path) -> Library:
    library = Library.open(folder, autotag=False)
    assert not zotero_actions.connect(library, load_settings(), "KEYANA").problems
    return library


def test_two_computers_of_one_user_share_files_through_webdav(zotero_server: ZoteroServer, dav: WebDavServer,
                                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENREF_ZOTERO_API_URL", zotero_server.url)
    zotero_server.add_key("KEYANA", user_id=1)
    laptop, desktop = personal(zotero_server, tmp_path / "laptop"), personal(zotero_server, tmp_path / "desktop")
    for library in (laptop, desktop):
        assert not zotero_actions.use_webdav(library, dav.url, "ana", "s3cret").problems
    key = laptop.save_item(Item(fields={"title": "Therapy-induced senescence"})).key
    pdf = simple_pdf(["Therapy-Induced Senescence", "a WebDAV copy"])
    attachment = laptop.store_file(key, pdf, filename="tis.pdf", content_type="application/pdf")
    settings = load_settings()
    for _ in range(2):
        for library in (laptop, desktop):
            report = zotero_actions.sync(library, settings)
            assert not report.problems, report.problems
    # Zotero's layout: the file zipped under its name, and a .prop with its mtime and md5.
    packed = dav.files[f"/dav/zotero/{attachment.key}.zip"]
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        assert archive.namelist() == ["tis.pdf"] and archive.read("tis.pdf") == pdf
    prop = dav.files[f"/dav/zotero/{attachment.key}.prop"].decode()
    match = PROP_RE.search(prop)
    assert match is not None and prop.startswith('<properties version="1">')
    assert not zotero_server.library("/users/1").files  # nothing went to Zotero storage
    assert zotero_server.library("/users/1").items[attachment.key].data["md5"] == match.group(2)
    [arrived] = desktop.get_item(key).attachments
    path = desktop.attachment_path(arrived)
    assert path is not None and path.read_bytes() == pdf
    for library in (laptop, desktop):
        library.close()


def test_webdav_is_refused_for_groups_and_for_wrong_credentials(zotero_server: ZoteroServer, dav: WebDavServer,
                                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENREF_ZOTERO_API_URL", zotero_server.url)
    zotero_server.add_key("KEYANA", user_id=1)
    zotero_server.add_group(100, owner=1)
    library = Library.open(tmp_path / "lib", autotag=False)
    assert not zotero_actions.connect(library, load_settings(), "KEYANA").problems
    assert "refused" in zotero_actions.use_webdav(library, dav.url, "ana", "wrong").problems[0]
    assert "no zotero/ folder" in zotero_actions.use_webdav(library, dav.url + "/elsewhere", "ana", "s3cret").problems[0]
    library.close()
    group = Library.open(tmp_path / "group", autotag=False)
    assert not zotero_actions.connect(group, load_settings(), "KEYANA", group=100).problems
    assert "Zotero storage" in zotero_actions.use_webdav(group, dav.url, "ana", "s3cret").problems[0]
    group.close()


def test_a_hostile_zip_never_reaches_the_disk(dav: WebDavServer) -> None:
    store = WebDavStore(dav.url, "ana", "s3cret")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("../../escape.pdf", b"one")
        archive.writestr("second.pdf", b"two")
    dav.files["/dav/zotero/ABCD2345.zip"] = packed.getvalue()
    with pytest.raises(Exception, match="one file"):
        store.download(None, "ABCD2345", limit=1 << 20)  # type: ignore[arg-type]
    dav.files["/dav/zotero/ABCD2345.zip"] = b"not a zip"
    with pytest.raises(Exception, match="not a zip"):
        store.download(None, "ABCD2345", limit=1 << 20)  # type: ignore[arg-type]

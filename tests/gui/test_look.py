"""The window's look (issue 16, part 9): bundled icons, the attachment column, the pane header, toolbar icons."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QImage
from PySide6.QtWidgets import QLabel, QToolBar, QWidgetAction

from senref.core import schema
from senref.core.library import Library
from senref.core.model import Attachment, Creator, Item
from senref.gui import icons
from senref.gui.models.item_table import COL_CREATOR, COL_FILE, COL_TITLE, SORT_ROLE, ItemTableModel
from senref.gui.views.item_pane import ItemPane
from tests.gui.conftest import add_items

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


def _has_ink(icon: QIcon, size: int = 16) -> bool:
    """True when the icon paints at least one visible pixel (a blank pixmap is not an icon)."""
    image = icon.pixmap(size, size).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    return any(image.pixelColor(x, y).alpha() > 0 for x in range(image.width()) for y in range(image.height()))


def test_every_item_type_has_an_icon_that_renders(qapp: Any) -> None:
    assert set(icons.ITEM_TYPE_ICONS) == set(schema.ITEM_TYPES)
    for item_type in schema.ITEM_TYPES:
        name = icons.ITEM_TYPE_ICONS[item_type]
        assert icons.svg_source(name) is not None, f"{item_type}: {name}.svg is not shipped"
        icon = icons.item_type_icon(item_type)
        assert not icon.isNull(), item_type
        assert _has_ink(icon), item_type
    assert _has_ink(icons.item_type_icon("noSuchType"))  # a type from a newer schema gets the fallback


def test_every_referenced_icon_is_shipped_and_a_missing_one_does_not_crash(qapp: Any) -> None:
    names = {*icons.ITEM_TYPE_ICONS.values(), *icons.ACTION_ICONS.values(),
             *(name for name, _ in icons.ATTACHMENT_ICONS.values()), icons.FALLBACK_TYPE_ICON, "paperclip"}
    for name in names:
        assert icons.svg_source(name) is not None, name
    assert isinstance(icons.icon("no-such-icon-anywhere"), QIcon)


def test_icons_take_the_colour_asked_for(qapp: Any) -> None:
    image = icons.icon("file-text", "#ff0000").pixmap(32, 32).toImage()
    inked = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())
             if image.pixelColor(x, y).alpha() == 255]
    assert inked and all(c.red() > 200 and c.green() < 60 and c.blue() < 60 for c in inked)


def test_licence_and_readme_beside_the_icons() -> None:
    folder = resources.files("senref.resources").joinpath("icons/lucide")
    licence = folder.joinpath("LICENSE").read_text(encoding="utf-8")
    assert "ISC License" in licence and "Lucide" in licence
    readme = folder.joinpath("README.md").read_text(encoding="utf-8")
    assert "lucide-static" in readme and "ISC" in readme


def _with_attachments(library: Library) -> dict[str, str]:
    """Three items: a stored PDF, a linked URL, nothing; their keys by kind."""
    keys = add_items(library, [{"title": "Stored PDF"}, {"title": "Linked page"}, {"title": "No file"}])
    pdf, link, _none = (library.get_item(k) for k in keys)
    pdf.attachments.append(Attachment(title="Full text", link_mode="imported_file", path="files/a.pdf",
                                      content_type="application/pdf"))
    link.attachments.append(Attachment(title="Publisher", link_mode="linked_url", url="https://example.org/a"))
    library.save_item(pdf)
    library.save_item(link)
    return {"pdf": keys[0], "link": keys[1], "none": keys[2]}


def test_attachment_column_tells_pdf_link_and_none_apart(qapp: Any, gui_library: Library) -> None:
    keys = _with_attachments(gui_library)
    model = ItemTableModel(gui_library)
    by_key = {model.key_at(row): row for row in range(model.rowCount())}

    def cell(kind: str, role: int) -> Any:
        return model.data(model.index(by_key[keys[kind]], COL_FILE), role)

    assert cell("pdf", SORT_ROLE) == icons.ATTACHMENT_PDF
    assert cell("link", SORT_ROLE) == icons.ATTACHMENT_URL
    assert cell("none", SORT_ROLE) == icons.ATTACHMENT_NONE
    assert "PDF" in cell("pdf", Qt.ItemDataRole.ToolTipRole)
    assert "Link" in cell("link", Qt.ItemDataRole.ToolTipRole)
    assert cell("none", Qt.ItemDataRole.ToolTipRole) is None
    assert isinstance(cell("pdf", Qt.ItemDataRole.DecorationRole), QIcon)
    assert isinstance(cell("link", Qt.ItemDataRole.DecorationRole), QIcon)
    assert cell("none", Qt.ItemDataRole.DecorationRole) is None
    assert all(cell(kind, Qt.ItemDataRole.DisplayRole) == "" for kind in keys)  # icons, not bullets
    title = model.data(model.index(by_key[keys["none"]], COL_TITLE), Qt.ItemDataRole.DecorationRole)
    assert isinstance(title, QIcon) and not title.isNull()


def test_stored_file_and_linked_file_are_their_own_kinds(gui_library: Library) -> None:
    keys = add_items(gui_library, [{"title": "Snapshot"}, {"title": "On my disk"}])
    snapshot, linked = (gui_library.get_item(k) for k in keys)
    snapshot.attachments.append(Attachment(link_mode="imported_url", path="files/page.html", content_type="text/html"))
    # A linked PDF and a link on one item: the file outranks the URL.
    linked.attachments += [Attachment(link_mode="linked_url", url="https://example.org/b"),
                           Attachment(link_mode="linked_file", path="/elsewhere/b.pdf", content_type="application/pdf")]
    gui_library.save_item(snapshot)
    gui_library.save_item(linked)
    from senref.core.query import ItemQuery

    kinds = {row["key"]: row["attachment_kind"] for row in gui_library.query(ItemQuery(), 0, 10)}
    assert kinds[keys[0]] == icons.ATTACHMENT_FILE
    assert kinds[keys[1]] == icons.ATTACHMENT_LINKED_FILE


def test_pane_header_shows_type_title_creators_year_and_publication(qtbot: Any) -> None:
    pane = ItemPane()
    qtbot.addWidget(pane)
    item = Item(item_type="journalArticle", fields={
        "title": "Therapy-induced senescence: an old friend becomes the enemy", "date": "2021-03",
        "publicationTitle": "Journal of the National Cancer Institute"})
    item.creators = [Creator("author", first, last) for first, last in
                     (("Priya", "Prasanna"), ("C. Norman", "Coleman"), ("Ian", "Lee"), ("Ann", "Other"))]
    pane.show_item(item)
    header = pane.header
    assert header.title.text() == "Therapy-induced senescence: an old friend becomes the enemy"
    assert header.title.font().bold() and header.title.wordWrap()
    assert header.title.font().pointSizeF() > header.creators.font().pointSizeF()
    assert header.creators.text() == "Prasanna, Coleman, Lee et al."
    assert header.details.text() == "2021 · Journal of the National Cancer Institute"
    assert header.type_label.text() == "Journal Article"
    assert header.type_icon.pixmap() is not None and not header.type_icon.pixmap().isNull()

    item.creators = item.creators[:2]
    item.fields.pop("date")
    pane.show_item(item)
    assert header.creators.text() == "Prasanna and Coleman"
    assert header.details.text() == "Journal of the National Cancer Institute"

    pane.show_item(None)
    assert header.title.text() == header.creators.text() == header.details.text() == ""


def test_toolbar_actions_have_icons_and_text(window: Any) -> None:
    toolbar = window.findChild(QToolBar, "mainToolbar")
    assert toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    actions = [a for a in toolbar.actions() if not a.isSeparator() and not isinstance(a, QWidgetAction)]
    assert len(actions) >= 2
    for action in actions:
        assert not action.icon().isNull(), action.text()
    for attribute in icons.ACTION_ICONS:
        assert not getattr(window, attribute).icon().isNull(), attribute


def test_table_density_and_widths(window: Any) -> None:
    table = window.table
    assert table.verticalHeader().defaultSectionSize() >= 24
    header = table.horizontalHeader()
    widths = table.default_widths()
    creator_text = table.fontMetrics().horizontalAdvance("Guerrero et al.")
    assert widths[COL_CREATOR] > creator_text  # a typical creator line fits whole
    assert header.sectionResizeMode(COL_TITLE) == header.ResizeMode.Stretch


def test_a_retracted_item_shows_its_status_in_the_table_and_a_badge_in_the_pane(window: Any, qtbot: Any) -> None:
    from senref.gui.models.item_table import COL_INTEGRITY, COL_TITLE

    library = window.library
    key = window.item_model.key_at(0)
    notice = {"kind": "retracted", "notice_doi": "10.1016/s0140-6736(20)31324-6", "date": "2020-06-05",
              "source": "retraction-watch", "url": "https://doi.org/10.1016/s0140-6736(20)31324-6", "label": ""}

    def flag(item: Any) -> bool:
        item.extras["integrity"] = {"status": "retracted", "notices": [notice]}
        return True
    library.edit_items([key], flag)
    qtbot.waitUntil(lambda: window.item_model.index(0, COL_INTEGRITY).data() == "Retracted", timeout=10_000)
    title = window.item_model.index(0, COL_TITLE)
    assert title.data(Qt.ItemDataRole.ForegroundRole) is not None  # red, with the Integrity column hidden
    assert str(title.data(Qt.ItemDataRole.ToolTipRole)).startswith("Retracted: ")
    assert window.table.horizontalHeader().isSectionHidden(COL_INTEGRITY)
    window.table.selectRow(0)
    badge = window.findChild(QLabel, "integrityBadge")
    assert badge is not None
    qtbot.waitUntil(badge.isVisible, timeout=10_000)
    assert badge.text().startswith("RETRACTED — 2020-06-05, retraction-watch")
    other = window.item_model.index(1, COL_INTEGRITY).data()
    assert other == ""

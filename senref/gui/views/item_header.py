"""The item pane's header: type icon and label, the title large and bold, creators, year · publication."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from senref.core import schema
from senref.core.model import Creator, Item
from senref.gui import icons

#: Names shown before "et al." (Zotero's header shows a few; the Info form below lists them all).
MAX_NAMES = 3
TYPE_ICON_SIZE = 16


def creators_line(item_type: str, creators: list[Creator]) -> str:
    """"Prasanna, Coleman, Lee et al.": the primary creators (all creators when there are none)."""
    primary = schema.CREATOR_TYPES.get(item_type, ("author",))[0]
    chosen = [c for c in creators if c.creator_type == primary] or creators
    names = [c.sort_name for c in chosen if c.sort_name]
    if len(names) > MAX_NAMES:
        return ", ".join(names[:MAX_NAMES]) + " et al."
    if len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return names[0] if names else ""


def details_line(item: Item) -> str:
    """"2021 · Journal of the National Cancer Institute" (either part may be missing)."""
    return " · ".join(part for part in (str(item.year or ""), item.publication) if part)


def _plain_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # every value comes from remote data
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ItemHeader(QWidget):
    """Shows one item; `show_item(None)` blanks it."""

    #: the user asked to make this preprint's published version the cited item (its key)
    update_requested = Signal(str)
    #: the user asked to show another item (a linked version)
    show_requested = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("itemHeader")
        self.type_icon = QLabel(self)
        self.type_icon.setFixedSize(TYPE_ICON_SIZE, TYPE_ICON_SIZE)
        self.type_label = QLabel(self)
        self.title = _plain_label(self)
        self.title.setObjectName("itemTitle")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title.setFont(font)
        self.creators = _plain_label(self)
        self.details = _plain_label(self)
        muted = self.palette()
        muted.setColor(QPalette.ColorRole.WindowText, muted.color(QPalette.ColorRole.PlaceholderText))
        for label in (self.type_label, self.details):
            label.setPalette(muted)

        # A retracted or flagged work says so first, in red, with its notice (as Zotero's retraction banner).
        self.integrity = _plain_label(self)
        self.integrity.setObjectName("integrityBadge")
        self.integrity.setStyleSheet("color: #c62828; font-weight: bold;")
        self.integrity.hide()
        # A preprint whose published version is known offers the update (Zotero has no such thing).
        self.versions = QLabel(self)
        self.versions.setObjectName("versionsBanner")
        self.versions.setWordWrap(True)
        self.versions.setTextFormat(Qt.TextFormat.RichText)
        self.versions.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                              | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.versions.linkActivated.connect(self._on_link)
        self.versions.hide()

        type_row = QHBoxLayout()
        type_row.setSpacing(6)
        type_row.addWidget(self.type_icon)
        type_row.addWidget(self.type_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 8)
        layout.setSpacing(4)
        layout.addWidget(self.integrity)
        layout.addWidget(self.versions)
        layout.addLayout(type_row)
        layout.addWidget(self.title)
        layout.addWidget(self.creators)
        layout.addWidget(self.details)

    def show_item(self, item: Item | None) -> None:
        badge = integrity_badge(item) if item is not None else ""
        self.integrity.setText(badge)
        self.integrity.setVisible(bool(badge))
        banner = versions_banner(item) if item is not None else ""
        self.versions.setText(banner)
        self.versions.setVisible(bool(banner))
        if item is None:
            self.type_icon.clear()
            for label in (self.type_label, self.title, self.creators, self.details):
                label.setText("")
            return
        size = QSize(TYPE_ICON_SIZE, TYPE_ICON_SIZE)
        self.type_icon.setPixmap(icons.item_type_icon(item.item_type).pixmap(size, self.devicePixelRatioF()))
        self.type_label.setText(schema.type_label(item.item_type))
        self.title.setText(item.title or "(untitled)")
        line = creators_line(item.item_type, item.creators)
        self.creators.setText(line)
        self.creators.setVisible(bool(line))
        self.creators.setToolTip("; ".join(c.sort_name for c in item.creators if c.sort_name))
        details = details_line(item)
        self.details.setText(details)
        self.details.setVisible(bool(details))


    def _on_link(self, link: str) -> None:
        verb, _, key = link.partition(":")
        if verb == "update":
            self.update_requested.emit(key)
        elif verb == "show":
            self.show_requested.emit(key)


def versions_banner(item: Item) -> str:
    """Rich text naming the other version of the item, with what can be done about it; "" when none."""
    from html import escape

    from senref.core.versions import versions_of

    data = versions_of(item)
    if data.get("updated_to"):
        return (f"Updated to its published version: <a href=\"show:{escape(data['updated_to'])}\">show the article</a>"
                f" (undo: <code>senref versions --undo {escape(str(data.get('update_token', '')))}</code>)")
    published = [v for v in data.get("published") or [] if isinstance(v, dict)]
    if published:
        first = published[0]
        named = escape(str(first.get("doi") or f"PMID {first.get('pmid')}"))
        where = f" in {escape(str(first['journal']))}" if first.get("journal") else ""
        return (f"Published{where} as {named}. <a href=\"update:{escape(item.key)}\">Update to the published "
                f"version</a> (its notes, files, tags, collections and citation key move over; undoable)")
    if data.get("preprint"):
        return f"Has a preprint in the library: <a href=\"show:{escape(str(data['preprint']))}\">show it</a>"
    return ""


def integrity_badge(item: Item) -> str:
    """"RETRACTED — 2020-06-05, retraction-watch; https://doi.org/…" for a flagged item, "" otherwise."""
    from senref.core.integrity import FLAGGED, LABELS, integrity_of, status_of

    status = status_of(item)
    if status not in FLAGGED:
        return ""
    record = integrity_of(item) or {}
    notice = next((n for n in record.get("notices", []) if isinstance(n, dict) and n.get("kind") == status), {})
    bits = ", ".join(str(notice[k]) for k in ("date", "source") if notice.get(k))
    link = notice.get("url") or (f"https://doi.org/{notice['notice_doi']}" if notice.get("notice_doi") else "")
    tail = "; ".join(part for part in (bits, str(link)) if part)
    return f"{LABELS[status].upper()}" + (f" — {tail}" if tail else "")

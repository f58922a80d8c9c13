"""The item table model: rows fetched lazily, a page at a time, from the library's sorted SQL query.

Only a window of pages is cached, so a 100,000-item library costs one COUNT and one page to open;
scrolling fetches the pages it reaches. Sorting and filtering change the ItemQuery and reset.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from senref.core import schema
from senref.core.library import Library
from senref.core.query import ItemQuery

Index = QModelIndex | QPersistentModelIndex

#: (header, row column, ItemQuery sort name or None when the column cannot be sorted in SQL)
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("Title", "title", "title"),
    ("Creator", "creator_summary", "creator"),
    ("Year", "year", "year"),
    ("Publication", "publication", "publication"),
    ("Item Type", "item_type", "type"),
    ("Date Added", "date_added", "dateAdded"),
    ("Date Modified", "date_modified", "dateModified"),
    ("File", "has_file", None),
    ("Tags", "n_tags", None),
)
COL_TITLE, COL_CREATOR, COL_YEAR, COL_PUBLICATION, COL_TYPE, COL_ADDED, COL_MODIFIED, COL_FILE, COL_TAGS = range(9)

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
ITEM_KEYS_MIME = "application/x-senref-item-keys"

PAGE_SIZE = 200
KEY_SCAN_LIMIT = 20_000  # largest view in which a key off the cached pages is looked up
MAX_PAGES = 40  # 8,000 rows cached: several screens either side of any scroll position


def type_label(item_type: str) -> str:
    """Zotero's display form of an item type ("journalArticle" -> "Journal Article")."""
    return schema.type_label(item_type)


class ItemTableModel(QAbstractTableModel):
    """Pages of `Library.query` rows; `set_query` / `sort` reset, `refresh` re-reads after changes."""

    def __init__(self, library: Library, parent: Any = None) -> None:
        super().__init__(parent)
        self.library = library
        self._query = ItemQuery()
        self._count = library.count(self._query)
        self._pages: OrderedDict[int, list[sqlite3.Row]] = OrderedDict()
        #: coloured tag name -> colour, in palette order, and the keys of the items carrying each
        self._tag_colors: dict[str, str] = {}
        self._colored_keys: dict[str, set[str]] = {}
        self._dot_icons: dict[tuple[str, ...], QIcon] = {}

    # -- query ---------------------------------------------------------------------------------
    @property
    def query(self) -> ItemQuery:
        return self._query

    def with_sort(self, query: ItemQuery) -> ItemQuery:
        """*query* in the table's current sort order (filters come from the window, order from the header)."""
        return replace(query, sort=self._query.sort, descending=self._query.descending)

    def set_query(self, query: ItemQuery, count: int | None = None,
                  first_page: list[sqlite3.Row] | None = None) -> None:
        """Show *query*'s items; *count* and *first_page* may come precomputed from a background read."""
        query = self.with_sort(query)
        self.beginResetModel()
        self._query = query
        self._reload(count)
        if first_page is not None:
            self._pages[0] = first_page
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][2] is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        sort_name = COLUMNS[column][2]
        assert sort_name is not None
        if sort_name == self._query.sort and descending == self._query.descending:
            return
        # A reset rather than a layout change: rows are re-fetched, not permuted, so persistent
        # indexes could not be mapped; the view restores its selection by item key afterwards.
        self.beginResetModel()
        self._query = replace(self._query, sort=sort_name, descending=descending)
        self._pages.clear()
        self.endResetModel()

    def sort_column(self) -> int:
        return next(i for i, c in enumerate(COLUMNS) if c[2] == self._query.sort)

    def refresh(self) -> None:
        """Re-read after the library changed: a reset only when the number of rows changed."""
        count = self.library.count(self._query)
        if count != self._count:
            self.beginResetModel()
            self._reload(count)
            self.endResetModel()
            return
        self._pages.clear()
        if count:
            self.dataChanged.emit(self.index(0, 0), self.index(count - 1, len(COLUMNS) - 1))

    def _reload(self, count: int | None = None) -> None:
        self._pages.clear()
        self._count = self.library.count(self._query) if count is None else count

    def set_tag_colors(self, colors: dict[str, str], members: dict[str, set[str]]) -> None:
        """Coloured tags and their items (read off the GUI thread): the Tags column shows their dots."""
        if colors == self._tag_colors and members == self._colored_keys:
            return
        self._tag_colors, self._colored_keys = dict(colors), {k: set(v) for k, v in members.items()}
        if self._count:
            self.dataChanged.emit(self.index(0, COL_TAGS), self.index(self._count - 1, COL_TAGS),
                                  [Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole])

    def item_colors(self, key: str) -> list[tuple[str, str]]:
        """(tag, colour) of the coloured tags *key* carries, in the palette's order."""
        return [(name, color) for name, color in self._tag_colors.items() if key in self._colored_keys.get(name, ())]

    def _dots(self, colors: tuple[str, ...]) -> QIcon:
        """One icon per colour combination: a dot per coloured tag, as Zotero shows them."""
        icon = self._dot_icons.get(colors)
        if icon is None:
            size, gap = 10, 2
            pixmap = QPixmap(len(colors) * (size + gap), size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            for n, color in enumerate(colors):
                painter.setBrush(QColor(color))
                painter.drawEllipse(QRectF(n * (size + gap), 0, size, size))
            painter.end()
            icon = QIcon(pixmap)
            self._dot_icons[colors] = icon
        return icon

    # -- rows ----------------------------------------------------------------------------------
    def _row(self, row: int) -> sqlite3.Row | None:
        number = row // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            page = self.library.query(self._query, number * PAGE_SIZE, PAGE_SIZE)
            self._pages[number] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        offset = row - number * PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def key_at(self, row: int) -> str | None:
        found = self._row(row) if 0 <= row < self._count else None
        return str(found["key"]) if found is not None else None

    def row_of(self, key: str) -> int | None:
        """The row showing *key*: cached pages first, then one keys query (rare: selection restore)."""
        for number, page in self._pages.items():
            for offset, found in enumerate(page):
                if found["key"] == key:
                    return number * PAGE_SIZE + offset
        if self._count > KEY_SCAN_LIMIT:
            return None  # reading every key of a huge view would stall the GUI; the row stays unselected
        try:
            return self.library.keys(self._query).index(key)
        except ValueError:
            return None

    # -- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default index
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return {COL_FILE: "Has a stored file (PDF)", COL_TAGS: "Number of tags"}.get(section, COLUMNS[section][0])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._count:
            return None
        found = self._row(index.row())
        if found is None:
            return None
        name = COLUMNS[index.column()][1]
        value = found[name]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.column(), value)
        if role == SORT_ROLE:
            return value
        if role == KEY_ROLE:
            return str(found["key"])
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (COL_TITLE, COL_PUBLICATION):
            return str(value or "")
        if index.column() == COL_TAGS and role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole):
            colored = self.item_colors(str(found["key"])) if self._tag_colors else []
            if not colored:
                return None
            if role == Qt.ItemDataRole.ToolTipRole:
                return ", ".join(name for name, _ in colored)
            return self._dots(tuple(color for _, color in colored))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (COL_YEAR, COL_FILE, COL_TAGS):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    @staticmethod
    def _display(column: int, value: Any) -> str:
        if column == COL_TYPE:
            return type_label(str(value or ""))
        if column in (COL_ADDED, COL_MODIFIED):
            return str(value or "").replace("T", " ").rstrip("Z")[:16]
        if column == COL_FILE:
            return "●" if value else ""
        if column == COL_TAGS:
            return str(value) if value else ""
        return "" if value is None else str(value)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
                | Qt.ItemFlag.ItemNeverHasChildren)

    # -- drag out ------------------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [ITEM_KEYS_MIME, "text/plain"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """Dragging items out: their keys (for collections) and their citation lines (for editors)."""
        keys: list[str] = []
        for index in indexes:
            key = self.data(index, KEY_ROLE)
            if key and key not in keys:
                keys.append(key)
        mime = QMimeData()
        mime.setData(ITEM_KEYS_MIME, QByteArray("\n".join(keys).encode()))
        mime.setText("\n".join(citation_line(self.library, key) for key in keys))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.LinkAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.LinkAction


def citation_line(library: Library, key: str) -> str:
    """"Creators (Year). Title. Publication. https://doi.org/..." — what a dragged item pastes as."""
    try:
        item = library.get_item(key)
    except KeyError:
        return key
    from senref.core.model import creator_summary

    parts = [f"{creator_summary(item.creators) or 'Anonymous'} ({item.year or 'n.d.'}). {item.title}."]
    if item.publication:
        parts.append(f"{item.publication}.")
    doi = item.identifiers.get("doi")
    if doi:
        parts.append(f"https://doi.org/{doi}")
    elif item.identifiers.get("hal"):
        parts.append(f"hal: {item.identifiers['hal']}")
    return " ".join(parts)

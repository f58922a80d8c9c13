"""The item table model: rows fetched lazily, a page at a time, from the library's sorted SQL query.

Only a window of pages is cached, so a 100,000-item library costs one COUNT and one page to open;
scrolling fetches the pages it reaches. Sorting and filtering change the ItemQuery and reset.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
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
from senref.gui import icons

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
    ("File", "attachment_kind", None),
    ("Tags", "n_tags", None),
    ("Integrity", "integrity", None),
    # OpenAlex's count of citing works, refreshed with the integrity check (with an OpenAlex key)
    ("Citations", "cited_by", None),
)
(COL_TITLE, COL_CREATOR, COL_YEAR, COL_PUBLICATION, COL_TYPE, COL_ADDED, COL_MODIFIED, COL_FILE, COL_TAGS,
 COL_INTEGRITY, COL_CITED) = range(11)

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
_DISPLAY, _DECORATION, _TOOLTIP, _ALIGNMENT, _FOREGROUND = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole))
_ANSWERED = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, _ALIGNMENT, _FOREGROUND, int(KEY_ROLE), int(SORT_ROLE)})
#: The Integrity column's words (a check that found nothing shows nothing) and the colour of the grave ones.
_INTEGRITY_TEXT = {"retracted": "Retracted", "withdrawn": "Withdrawn", "expression_of_concern": "Concern",
                   "corrected": "Corrected", "updated": "Updated"}
_WARN_COLOUR = QColor("#c62828")
_CENTRED = int(Qt.AlignmentFlag.AlignCenter)
_CENTRED_COLUMNS = frozenset({COL_YEAR, COL_FILE, COL_TAGS, COL_CITED})
_FLAGGED = frozenset({"retracted", "withdrawn", "expression_of_concern"})
#: Asked per cell per repaint; combining enum flags in Python each time was a third of the table's paint.
_ROW_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
              | Qt.ItemFlag.ItemNeverHasChildren)
ITEM_KEYS_MIME = "application/x-senref-item-keys"
#: The row columns data() reads, by position: each COLUMNS row column, then item type, integrity, key.
_READ = (*(c[1] for c in COLUMNS), "item_type", "integrity", "key")
_P_TYPE, _P_INTEGRITY, _P_KEY = len(COLUMNS), len(COLUMNS) + 1, len(COLUMNS) + 2
#: A page's column names -> the positions of _READ in its rows (a Row's lookup by name scans its names).
_positions_of: dict[tuple[str, ...], tuple[int, ...]] = {}
_NO_POSITIONS: tuple[int, ...] = ()
#: (rows, positions of _READ in them, rows asked for: fewer came only at the view's end)
_Page = tuple[list[sqlite3.Row], tuple[int, ...], int]


def _positions(rows: list[sqlite3.Row]) -> tuple[int, ...]:
    if not rows:
        return _NO_POSITIONS
    names = tuple(rows[0].keys())
    found = _positions_of.get(names)
    if found is None:
        found = _positions_of[names] = tuple(names.index(name) for name in _READ)
    return found

PAGE_SIZE = 200
KEY_SCAN_LIMIT = 20_000  # largest view in which a key off the cached pages is looked up
MAX_PAGES = 40
#: Rows cached (40 top pages): several screens either side of any scroll position.
MAX_ROWS = MAX_PAGES * PAGE_SIZE
#: A page read by row ids (from SEEK_FROM on) holds this many rows and starts on a multiple of SEEK_STEP:
#: a jump shows ~35 rows and reads one page from the first of them. Pages of 200 read 2.5 times the rows
#: shown (the read is linear in its rows, ~12 us each at 100k).
SEEK_PAGE = 50
SEEK_STEP = 10


#: (query, offset, limit) -> rows, the table's page read
PageReader = Callable[[ItemQuery, int, int], list[sqlite3.Row]]


#: Pages starting below this row are read by OFFSET (cheap that near the top; most views never go deeper);
#: later ones by the view's row ids (senref.storage.row_seek).
SEEK_FROM = 2_000


def page_reader(library: Library) -> PageReader:
    """The library's table-page read: `table_page` (senref.storage.page_reads: the first pages of a typed
    short word read in milliseconds) when the library has it, else `query`; both return the same rows."""
    reader: PageReader = getattr(library, "table_page", library.query)
    return reader


def type_label(item_type: str) -> str:
    """Zotero's display form of an item type ("journalArticle" -> "Journal Article")."""
    return schema.type_label(item_type)


class ItemTableModel(QAbstractTableModel):
    """Pages of `Library.query` rows; `set_query` / `sort` reset, `refresh` re-reads after changes."""

    def __init__(self, library: Library, parent: Any = None) -> None:
        super().__init__(parent)
        self.library = library
        self._query = ItemQuery()
        self._read_page = page_reader(library)
        self._count = library.count(self._query)
        #: first row -> (its rows, the positions of _READ in them, rows asked for)
        self._pages: OrderedDict[int, _Page] = OrderedDict()
        self._cached_rows = 0
        #: the view's row ids in order, read at the first deep page: later pages are seeks, not OFFSET walks
        self._ids: array[int] | None = None
        #: the row data() asked for last (a cell is asked ~8 roles, a row ~80 times per repaint)
        self._last: tuple[int, sqlite3.Row | None, tuple[int, ...]] = (-1, None, _NO_POSITIONS)
        #: item type -> its icon; cleared when the palette changes (the icons follow its colours)
        self._type_icons: dict[str, QIcon] = {}
        self._file_icons: dict[int, QIcon | None] = {}
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
            self._store(0, first_page)
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
        self._forget_rows()
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
        self._forget_rows()
        if count:
            self.dataChanged.emit(self.index(0, 0), self.index(count - 1, len(COLUMNS) - 1))

    def _reload(self, count: int | None = None) -> None:
        self._forget_rows()
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

    def palette_changed(self) -> None:
        """The view's palette changed: icons are drawn again in its colours."""
        self._type_icons.clear()
        self._file_icons.clear()

    # -- rows ----------------------------------------------------------------------------------
    def _forget_rows(self) -> None:
        self._pages.clear()
        self._cached_rows = 0
        self._ids = None
        self._last = (-1, None, _NO_POSITIONS)

    def _store(self, start: int, rows: list[sqlite3.Row], size: int = PAGE_SIZE) -> _Page:
        """Cache the rows from *start* on; the least recently read pages go past MAX_ROWS rows."""
        self._last = (-1, None, _NO_POSITIONS)
        old = self._pages.pop(start, None)
        if old is not None:
            self._cached_rows -= len(old[0])
        page = (rows, _positions(rows), size)
        self._pages[start] = page
        self._cached_rows += len(rows)
        while self._cached_rows > MAX_ROWS and len(self._pages) > 1:
            self._cached_rows -= len(self._pages.popitem(last=False)[1][0])
        return page

    def _seeks(self) -> bool:
        # A stand-in page reader (tests, a library without seeks) is never bypassed: deep pages by OFFSET then.
        return self._read_page == page_reader(self.library) and hasattr(self.library, "view_ids")

    def _page(self, row: int) -> tuple[int, _Page]:
        """(first row, page) of the cached or fetched page holding *row*."""
        if row < SEEK_FROM or not self._seeks():
            start = row - row % PAGE_SIZE
            page = self._pages.get(start)
            if page is None:
                return start, self._store(start, self._fetch(start, PAGE_SIZE), PAGE_SIZE)
            self._pages.move_to_end(start)
            return start, page
        # Deep pages start on any SEEK_STEP row: a jump reads one page, from the first row it shows on.
        base = row - row % SEEK_STEP
        for start in range(base, base - SEEK_PAGE, -SEEK_STEP):
            page = self._pages.get(start)
            # (a page shorter than asked ends the view: the rows past it are none)
            if page is not None and (row - start < len(page[0]) or len(page[0]) < page[2]):
                self._pages.move_to_end(start)
                return start, page
        start = base
        for after in range(base + SEEK_STEP, base + SEEK_PAGE + 1, SEEK_STEP):
            if after in self._pages:  # scrolling up: the new page ends where the one below it begins
                start = max(after - SEEK_PAGE, SEEK_FROM - SEEK_FROM % SEEK_STEP)
                break
        return start, self._store(start, self._fetch(start, SEEK_PAGE), SEEK_PAGE)

    def _fetch(self, offset: int, size: int = PAGE_SIZE) -> list[sqlite3.Row]:
        if offset < SEEK_FROM or not self._seeks():
            return self._read_page(self._query, offset, size)
        if self._ids is None:
            self._ids = self.library.view_ids(self._query)
        return self.library.rows_by_ids(self._query, self._ids[offset:offset + size])

    def _row(self, row: int) -> sqlite3.Row | None:
        return self._row_at(row)[0]

    def _row_at(self, row: int) -> tuple[sqlite3.Row | None, tuple[int, ...]]:
        """The row and the positions of _READ in it (data() reads by position)."""
        last_row, last, positions = self._last
        if row == last_row:
            return last, positions
        start, (rows, positions, _) = self._page(row)
        found = rows[row - start] if row - start < len(rows) else None
        self._last = (row, found, positions)
        return found, positions

    def key_at(self, row: int) -> str | None:
        found = self._row(row) if 0 <= row < self._count else None
        return str(found["key"]) if found is not None else None

    def row_of(self, key: str) -> int | None:
        """The row showing *key*: cached pages first, then one keys query (rare: selection restore)."""
        return self.rows_of([key]).get(key)

    def rows_of(self, keys: list[str]) -> dict[str, int]:
        """The rows showing *keys* (those shown): cached pages first, then at most one keys query."""
        wanted, rows = set(keys), {}
        for start, (page, _, _) in self._pages.items():
            for offset, found in enumerate(page):
                if found["key"] in wanted:
                    rows[found["key"]] = start + offset
        if len(rows) == len(wanted) or self._count > KEY_SCAN_LIMIT:
            return rows  # reading every key of a huge view would stall the GUI; those rows stay unselected
        for row, key in enumerate(self.library.keys(self._query)):
            if key in wanted:
                rows[key] = row
        return rows

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
            # The attachment column is a paperclip, as in Zotero: a word would not fit its width.
            return "" if section == COL_FILE else COLUMNS[section][0]
        if role == Qt.ItemDataRole.DecorationRole and section == COL_FILE:
            return icons.icon("paperclip")
        if role == Qt.ItemDataRole.ToolTipRole:
            return {COL_FILE: "Attachment: stored PDF or file, linked file or link",
                    COL_TAGS: "Number of tags"}.get(section, COLUMNS[section][0])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for each visible cell and each of ~8 roles on every repaint (2,000 calls per table
        # repaint): roles no column answers leave first, and roles compare as plain ints.
        if role not in _ANSWERED or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if row >= self._count:
            return None
        found, at = self._row_at(row)
        if found is None:
            return None
        value = found[at[column]]
        if role == _DISPLAY:
            return self._display(column, value)
        if role == _DECORATION:
            if column == COL_TITLE:
                return self._type_icon(str(found[at[_P_TYPE]]))
            if column == COL_FILE:
                return self._attachment_icon(int(value or 0))
            if column == COL_TAGS:
                colored = self.item_colors(str(found[at[_P_KEY]])) if self._tag_colors else []
                return self._dots(tuple(color for _, color in colored)) if colored else None
            return None
        if role == _TOOLTIP:
            integrity = found[at[_P_INTEGRITY]]
            if column == COL_TITLE and integrity in _INTEGRITY_TEXT:
                return f"{_INTEGRITY_TEXT[integrity]}: {value or ''}"
            if column in (COL_TITLE, COL_PUBLICATION):
                return str(value or "")
            if column == COL_FILE:
                kind = int(value or 0)
                return icons.attachment_tooltip(kind) if kind else None
            if column == COL_TAGS and self._tag_colors:
                return ", ".join(name for name, _ in self.item_colors(str(found[at[_P_KEY]]))) or None
            return None
        if role == _ALIGNMENT:
            return _CENTRED if column in _CENTRED_COLUMNS else None
        if role == _FOREGROUND:
            if column not in (COL_TITLE, COL_INTEGRITY):
                return None
            return _WARN_COLOUR if found[at[_P_INTEGRITY]] in _FLAGGED else None
        if role == SORT_ROLE:
            return value
        return str(found[at[_P_KEY]])  # KEY_ROLE

    def _attachment_icon(self, kind: int) -> QIcon | None:
        if kind not in self._file_icons:
            self._file_icons[kind] = icons.attachment_icon(kind)
        return self._file_icons[kind]

    def _type_icon(self, item_type: str) -> QIcon:
        found = self._type_icons.get(item_type)
        if found is None:
            found = self._type_icons[item_type] = icons.item_type_icon(item_type)
        return found

    @staticmethod
    def _display(column: int, value: Any) -> str:
        if column == COL_TYPE:
            return type_label(str(value or ""))
        if column in (COL_ADDED, COL_MODIFIED):
            return str(value or "").replace("T", " ").rstrip("Z")[:16]
        if column == COL_FILE:
            return ""  # an icon (DecorationRole) says which kind
        if column == COL_TAGS:
            return str(value) if value else ""
        if column == COL_INTEGRITY:
            return _INTEGRITY_TEXT.get(str(value or ""), "")
        return "" if value is None else str(value)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.ItemIsDropEnabled

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

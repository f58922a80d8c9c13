"""The duplicates view's two tables: the likely-duplicate groups, and one group's differing fields side by side.

Both sit over `senref.actions.duplicates` dataclasses and the short item summaries the controller reads off
the GUI thread; the comparison model also holds the user's choices (the master, a value per field).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from senref.actions.duplicates import DuplicateGroup, FieldDifference
from senref.core import schema
from senref.core.model import CREATOR_PRIMARY, Item

Index = QModelIndex | QPersistentModelIndex

GROUP_ROLE = Qt.ItemDataRole.UserRole + 1
#: the item key of a comparison column (any row)
ITEM_KEY_ROLE = Qt.ItemDataRole.UserRole + 2

COL_SCORE, COL_ITEMS, COL_REASONS = range(3)
_PICKED = QColor(214, 232, 255)
_EMPTY = QColor(140, 140, 140)


@dataclass(frozen=True)
class ItemSummary:
    """What a person needs to tell the items of a group apart."""

    key: str
    title: str = ""
    year: str = ""
    first_author: str = ""
    item_type: str = ""

    @classmethod
    def of(cls, item: Item) -> ItemSummary:
        authors = [c for c in item.creators if c.creator_type in CREATOR_PRIMARY] or item.creators
        first = authors[0].sort_name if authors else ""
        year = str(item.year) if item.year is not None else ""
        return cls(item.key, item.title, year, first, item.item_type)

    @classmethod
    def missing(cls, key: str) -> ItemSummary:
        return cls(key, "(no longer in the library)")

    def line(self) -> str:
        """ "Title (2019) — Zhou" """
        title = self.title or "(untitled)"
        year = f" ({self.year})" if self.year else ""
        author = f" — {self.first_author}" if self.first_author else ""
        return f"{title}{year}{author}"

    def short(self) -> str:
        """A column header: "Zhou 2019 · ABCD2345"."""
        label = " ".join(part for part in (self.first_author, self.year) if part)
        return f"{label} · {self.key}" if label else self.key


_IDENTIFIER_LABELS = {"hal": "HAL id", "arxiv": "arXiv id", "pmcid": "PMCID", **schema.IDENTIFIER_FIELDS}


def field_label(name: str) -> str:
    """A differing field's row label; the action also reports the item type, the creators and identifiers."""
    if name.startswith("identifier:"):
        scheme = name.partition(":")[2]
        return _IDENTIFIER_LABELS.get(scheme, scheme)
    return {"itemType": "Item Type", "creators": "Creators"}.get(name) or schema.field_label(name)


def pickable(name: str) -> bool:
    """Identifiers are not picked: the merged item keeps all of them (a second value of a scheme goes to Extra)."""
    return not name.startswith("identifier:")


def score_text(group: DuplicateGroup) -> str:
    return f"{round(group.score * 100)} %"


class DuplicateGroupsModel(QAbstractTableModel):
    """One row a group, best first (the action's order): score, the items, the reasons."""

    HEADERS = ("Score", "Items", "Why they look alike")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.groups: list[DuplicateGroup] = []
        self.summaries: dict[str, ItemSummary] = {}

    def set_groups(self, groups: Sequence[DuplicateGroup], summaries: Mapping[str, ItemSummary]) -> None:
        self.beginResetModel()
        self.groups = list(groups)
        self.summaries = dict(summaries)
        self.endResetModel()

    def summary(self, key: str) -> ItemSummary:
        return self.summaries.get(key) or ItemSummary(key)

    def group_at(self, row: int) -> DuplicateGroup | None:
        return self.groups[row] if 0 <= row < len(self.groups) else None

    def row_of(self, keys: Sequence[str]) -> int:
        """The row of the group holding exactly *keys*, or -1."""
        wanted = set(keys)
        return next((row for row, group in enumerate(self.groups) if set(group.keys) == wanted), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default index
        return 0 if parent.isValid() else len(self.groups)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        group = self.group_at(index.row()) if index.isValid() else None
        if group is None:
            return None
        if role == GROUP_ROLE:
            return group
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == COL_SCORE:
                return score_text(group) + (f"\n{group.proof}" if group.proof else "")
            if column == COL_ITEMS:
                return "\n".join(self.summary(key).line() for key in group.keys)
            if column == COL_REASONS:
                return "\n".join(group.reasons)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_SCORE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None


class ComparisonModel(QAbstractTableModel):
    """The fields that differ (rows) for each item of one group (columns), with the values picked to keep.

    A field's value comes from the item the user picked for it, else from the master when the master has
    one, else from the first item that has one (`senref.core.merge.merge_items`' rule); only the user's
    picks are passed to the merge, so the action's own rules apply to the rest.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.group: DuplicateGroup | None = None
        self.keys: list[str] = []
        self.rows: list[FieldDifference] = []
        self.summaries: dict[str, ItemSummary] = {}
        self.master = ""
        #: field name -> item key, as the user clicked them
        self.picks: dict[str, str] = {}

    def set_group(self, group: DuplicateGroup | None, summaries: Mapping[str, ItemSummary]) -> None:
        self.beginResetModel()
        self.group = group
        self.keys = list(group.keys) if group else []
        self.rows = list(group.differences) if group else []
        self.summaries = dict(summaries)
        self.master = (group.master if group and group.master in group.keys else (self.keys[0] if self.keys else ""))
        self.picks = {}
        self.endResetModel()

    def set_master(self, key: str) -> None:
        if key in self.keys and key != self.master:
            self.master = key
            self._changed_all()

    def value(self, row: int, key: str) -> str:
        return self.rows[row].values.get(key, "") if 0 <= row < len(self.rows) else ""

    def chosen(self, row: int) -> str:
        """The key of the item whose value field *row* keeps ("" when no item has a value, or all are kept)."""
        difference = self.rows[row]
        if not pickable(difference.name):
            return ""
        picked = self.picks.get(difference.name)
        if picked in self.keys:
            return picked
        if self.value(row, self.master).strip():
            return self.master
        return next((key for key in self.keys if self.value(row, key).strip()), "")

    def choices(self) -> dict[str, str]:
        """field name -> item key, for the fields the user picked a value of."""
        return {name: key for name, key in self.picks.items() if key in self.keys}

    def pick(self, index: Index) -> bool:
        """Keep the value under *index* for its field; False when there is no value to keep there."""
        if not index.isValid() or not 0 <= index.column() < len(self.keys) or not 0 <= index.row() < len(self.rows):
            return False
        key = self.keys[index.column()]
        if not self.value(index.row(), key).strip() or not pickable(self.rows[index.row()].name):
            return False
        self.picks[self.rows[index.row()].name] = key
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(self.keys) - 1))
        return True

    def _changed_all(self) -> None:
        if self.rows and self.keys:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.keys) - 1))
        if self.keys:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.keys) - 1)

    # -- the Qt model --------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.keys)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.rows):
                return field_label(self.rows[section].name)
            return None
        if not 0 <= section < len(self.keys):
            return None
        key = self.keys[section]
        summary = self.summaries.get(key) or ItemSummary(key)
        if role == Qt.ItemDataRole.DisplayRole:
            return summary.short() + ("\n(master)" if key == self.master else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return summary.line()
        if role == Qt.ItemDataRole.FontRole and key == self.master:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if not 0 <= index.row() < len(self.rows) or not 0 <= index.column() < len(self.keys):
            return Qt.ItemFlag.NoItemFlags
        if not self.value(index.row(), self.keys[index.column()]).strip():
            return Qt.ItemFlag.NoItemFlags
        if not pickable(self.rows[index.row()].name):
            return Qt.ItemFlag.ItemIsEnabled  # readable, nothing to pick: all identifiers are kept
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows) or not 0 <= index.column() < len(self.keys):
            return None
        key = self.keys[index.column()]
        value = self.value(index.row(), key)
        picked = self.chosen(index.row()) == key
        if role == ITEM_KEY_ROLE:
            return key
        if role == Qt.ItemDataRole.DisplayRole:
            if not value.strip():
                return "—"
            return schema.type_label(value) if self.rows[index.row()].name == "itemType" else value
        if role == Qt.ItemDataRole.ToolTipRole:
            if not pickable(self.rows[index.row()].name):
                return f"{value}\n(kept: the merged item keeps every identifier)" if value.strip() else "no value"
            return value if value.strip() else "no value"
        if role == Qt.ItemDataRole.CheckStateRole:
            if not value.strip() or not pickable(self.rows[index.row()].name):
                return None
            return Qt.CheckState.Checked if picked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.BackgroundRole and picked:
            return QBrush(_PICKED)
        if role == Qt.ItemDataRole.ForegroundRole and not value.strip():
            return QBrush(_EMPTY)
        if role == Qt.ItemDataRole.FontRole and picked:
            font = QFont()
            font.setBold(True)
            return font
        return None

"""The tag selector model: tags of the current view as a tree ("TIS/Radiation" nests under "TIS").

Each node carries its full tag name; nodes that are only a path prefix group their children and
are not themselves checkable. Automatic tags (type 1) show in italics, as Zotero marks them apart.
Automatic tags that are not topics are a source's subject keywords (HAL keywords, MeSH, ...): noise
beside the topic tags, so they are hidden until `show_keywords` is set. Entity tags (the genes, drugs
and trials a record names: "Gene/CDKN2A") are a kind of their own, shown until `show_entities` is unset.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QStandardItem, QStandardItemModel

from senref.topics.concepts import is_entity_tag

TAG_ROLE = Qt.ItemDataRole.UserRole + 1
TAG_TYPE_ROLE = Qt.ItemDataRole.UserRole + 2
COUNT_ROLE = Qt.ItemDataRole.UserRole + 3
SEPARATOR = "/"


def tag_path(name: str) -> list[str]:
    """Split a tag on "/" only when every part is a word (so "IL-8/CXCL8"-like names still nest sanely).

    >>> tag_path("TIS/Radiation-induced")
    ['TIS', 'Radiation-induced']
    >>> tag_path("a//b")
    ['a//b']
    """
    parts = [p.strip() for p in name.split(SEPARATOR)]
    return parts if len(parts) > 1 and all(parts) else [name]


class TagTreeModel(QStandardItemModel):
    """Rebuilt from `Library.tag_counts()` rows; remembers which tags the user ticked."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.checked: set[str] = set()
        self.show_automatic = True
        self.show_manual = True
        self.show_keywords = False
        self.show_entities = True
        #: names of the topic tags; None (not known yet) treats every automatic tag as a topic
        self.topic_names: frozenset[str] | None = None
        self._rows: list[tuple[str, int, int]] = []
        self._colors: dict[str, str] = {}
        self.itemChanged.connect(self.on_item_changed)

    def set_tags(self, rows: list[tuple[str, int, int]], colors: dict[str, str] | None = None,
                 topics: frozenset[str] | None = None) -> None:
        self._rows = rows
        if colors is not None:
            self._colors = colors
        if topics is not None:
            self.topic_names = topics
        self._rebuild()

    def set_show_keywords(self, show: bool) -> None:
        self.show_keywords = show
        self._rebuild()

    def is_keyword(self, name: str, tag_type: int) -> bool:
        """An automatic tag that is no topic and no entity: a subject keyword a source gave."""
        return (bool(tag_type) and self.topic_names is not None and name not in self.topic_names
                and not is_entity_tag(name))

    @staticmethod
    def is_entity(name: str, tag_type: int) -> bool:
        """An automatic gene, drug or trial tag."""
        return bool(tag_type) and is_entity_tag(name)

    def set_show_entities(self, show: bool) -> None:
        self.show_entities = show
        self._rebuild()

    def set_show_automatic(self, show: bool) -> None:
        self.show_automatic = show
        self._rebuild()

    def set_show_manual(self, show: bool) -> None:
        self.show_manual = show
        self._rebuild()

    def _rebuild(self) -> None:
        # Built detached and attached in one insert (one signal instead of one per tag).
        top = QStandardItem()
        nodes: dict[str, QStandardItem] = {}
        present = {name for name, _, _ in self._rows}
        for name, count, tag_type in self._rows:
            if (tag_type and not self.show_automatic) or (not tag_type and not self.show_manual):
                continue
            if not self.show_keywords and self.is_keyword(name, tag_type):
                continue
            if not self.show_entities and self.is_entity(name, tag_type):
                continue
            path = tag_path(name)
            parent = top
            for depth in range(len(path) - 1):
                prefix = SEPARATOR.join(path[: depth + 1])
                if prefix not in nodes:
                    group = self._group(path[depth], prefix)
                    parent.appendRow(group)
                    nodes[prefix] = group
                parent = nodes[prefix]
            if name in nodes:  # a tag that is also a path prefix: turn its group into the tag itself
                self._make_tag(nodes[name], name, count, tag_type)
                continue
            node = QStandardItem()
            self._make_tag(node, name, count, tag_type)
            parent.appendRow(node)
            nodes[name] = node
        self.checked &= present
        self.clear()
        self.setColumnCount(1)  # columns first: inserting rows must not also insert columns
        children = top.takeColumn(0)
        if children:
            self.invisibleRootItem().appendRows(children)

    @staticmethod
    def _group(label: str, prefix: str) -> QStandardItem:
        group = QStandardItem(label)
        group.setEditable(False)
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        group.setData(prefix, TAG_ROLE)
        group.setData(None, TAG_TYPE_ROLE)
        return group

    def _make_tag(self, node: QStandardItem, name: str, count: int, tag_type: int) -> None:
        label = tag_path(name)[-1]
        node.setText(f"{label} ({count})")
        node.setEditable(False)
        node.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
        node.setData(name, TAG_ROLE)
        node.setData(tag_type, TAG_TYPE_ROLE)
        node.setData(count, COUNT_ROLE)
        node.setCheckState(Qt.CheckState.Checked if name in self.checked else Qt.CheckState.Unchecked)
        if not tag_type:
            kind = "manual"
        elif self.is_keyword(name, tag_type):
            kind = "automatic (subject keyword from a source)"
        elif self.is_entity(name, tag_type):
            kind = "automatic (gene, drug or trial named in the text)"
        else:
            kind = "automatic (topic tagger)"
        node.setToolTip(f"{name}: {count} item{'s' if count != 1 else ''}, {kind}")
        if tag_type:
            font = QFont()
            font.setItalic(True)
            node.setFont(font)
        color = self._colors.get(name)
        if color:
            node.setForeground(QColor(color))

    def on_item_changed(self, node: QStandardItem) -> None:
        name = node.data(TAG_ROLE)
        if node.data(TAG_TYPE_ROLE) is None or not name:
            return
        if node.checkState() == Qt.CheckState.Checked:
            self.checked.add(name)
        else:
            self.checked.discard(name)

    def set_checked(self, name: str, checked: bool) -> None:
        """Tick or untick the tag *name* (the selector emits the new filter on itemChanged)."""
        for node in self.findItems("", Qt.MatchFlag.MatchContains | Qt.MatchFlag.MatchRecursive):
            if node.data(TAG_ROLE) == name and node.data(TAG_TYPE_ROLE) is not None:
                node.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                return

    def clear_checked(self) -> None:
        for name in list(self.checked):
            self.set_checked(name, False)
        self.checked.clear()

    def tag_names(self) -> list[str]:
        return [name for name, _, _ in self._rows]

"""Tags the user can read: a source's subject keywords kept apart from topic tags, their evidence naming
the right source, and "Why these topics" as one row per topic."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex

from senref.gui.models.tag_tree import TAG_ROLE
from senref.sources.hal import item_from_doc
from tests.gui.conftest import wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]

# Our own HAL search-API-shaped document (keyword_s is where HAL lists the authors' keywords).
HAL_DOC: dict[str, Any] = {
    "halId_s": "hal-09990001", "version_i": 1, "docType_s": "ART",
    "title_s": ["Persistence of therapy-exposed tumour cells"],
    "journalTitle_s": "Example Journal of Oncology", "publicationDate_s": "2024-03-01",
    "authFirstName_s": ["Ana"], "authLastName_s": ["Martin"],
    "keyword_s": ["Senolytics", "Radiotherapy", "Zebrafish"],
}


def visible_tags(win: Any) -> set[str]:
    proxy = win.tag_selector.proxy
    names: set[str] = set()
    pending = [proxy.index(r, 0) for r in range(proxy.rowCount())]
    while pending:
        index: QModelIndex = pending.pop()
        if win.tag_selector._node(index) is not None:  # a tag, not a group of "A/B" names
            names.add(str(index.data(TAG_ROLE)))
        pending.extend(proxy.index(r, 0, index) for r in range(proxy.rowCount(index)))
    return names


def saved_hal_record(win: Any, qtbot: Any) -> str:
    key = win.library.save_item(item_from_doc(HAL_DOC)).key
    win.tag_controller.refresh()
    wait_idle(qtbot, win)
    return key


def test_hal_keywords_hidden_beside_topics_until_toggled(empty_window: Any, qtbot: Any) -> None:
    win = empty_window
    key = saved_hal_record(win, qtbot)
    tags = win.library.get_item(key).tag_names()
    assert {"Senolytics", "Radiotherapy", "Zebrafish", "Senotherapeutics/Senolytics"} <= set(tags)
    qtbot.waitUntil(lambda: "Senotherapeutics/Senolytics" in visible_tags(win))
    shown = visible_tags(win)
    assert not {"Senolytics", "Radiotherapy", "Zebrafish"} & shown
    assert not win.tag_selector.show_keywords.isChecked()
    win.tag_selector.show_keywords.setChecked(True)
    assert {"Senolytics", "Radiotherapy", "Zebrafish", "Senotherapeutics/Senolytics"} <= visible_tags(win)
    win.tag_selector.show_keywords.setChecked(False)
    assert "Zebrafish" not in visible_tags(win)


def test_evidence_names_hal_keywords_one_row_per_topic(empty_window: Any, qtbot: Any) -> None:
    win = empty_window
    key = saved_hal_record(win, qtbot)
    evidence = win.library.get_item(key).extras["topicEvidence"]
    win.table.select_keys([key])
    qtbot.waitUntil(lambda: len(win.pane.tags.evidence_labels()) == len(evidence))
    rows = {str(label.property("topic")): label.text() for label in win.pane.tags.evidence_labels()}
    assert set(rows) == set(evidence)
    senolytics = rows["Senotherapeutics/Senolytics"]
    assert "(HAL keywords; <i>" in senolytics and "mesh" not in senolytics.lower()  # where, then the rule
    assert "background-color" in senolytics and ">Senolytics</span>" in senolytics
    assert all(row.count("<b>") == 1 for row in rows.values())  # each row holds exactly its own topic
    listed = [win.pane.tags.list.item(r).text() for r in range(win.pane.tags.list.count())]
    assert "Zebrafish  (automatic, HAL keywords)" in listed

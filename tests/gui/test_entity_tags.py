"""Entity tags in the window: genes, drugs and trials as a tag kind of their own, with their evidence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from senref.core.library import Library
from senref.core.model import Item
from tests.gui.conftest import _open, wait_idle
from tests.gui.test_readable_tags import visible_tags

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


@pytest.fixture
def demo_window(qtbot: Any, tmp_path: Path) -> Iterator[Any]:
    from senref.demo import build_demo_library
    from senref.session import Session

    folder = tmp_path / "demo-lib"
    folder.mkdir()
    build_demo_library(folder)
    library: Library = Session.start(library=folder).open_library(role="gui")
    yield from _open(qtbot, library)


def test_entity_tags_show_and_hide_apart_from_topics_and_keywords(demo_window: Any, qtbot: Any) -> None:
    win = demo_window
    qtbot.waitUntil(lambda: "Drug/navitoclax" in visible_tags(win))
    shown = visible_tags(win)
    assert {"Gene/CDKN2A", "Drug/navitoclax", "Senotherapeutics/Senolytics"} <= shown
    assert win.tag_selector.show_entities.isChecked()
    win.tag_selector.show_entities.setChecked(False)
    hidden = visible_tags(win)
    assert not any(name.startswith(("Gene/", "Drug/", "Trial/")) for name in hidden)
    assert "Senotherapeutics/Senolytics" in hidden  # topics stay
    win.tag_selector.show_entities.setChecked(True)
    assert "Gene/CDKN2A" in visible_tags(win)


def test_the_topic_list_names_each_tags_words_and_rule(empty_window: Any, qtbot: Any) -> None:
    win = empty_window
    item = Item(fields={"title": "Navitoclax after irradiation clears senescent tumour cells",
                        "abstractNote": "Tumours irradiated with 10 Gy became senescent and expressed p16INK4a. "
                                        "Navitoclax then eliminated the senescent cells (NCT01234567)."})
    key = win.library.save_item(item).key
    win.tag_controller.refresh()
    wait_idle(qtbot, win)
    evidence = win.library.get_item(key).extras["topicEvidence"]
    assert {"TIS/Radiation-induced", "Drug/navitoclax", "Gene/CDKN2A", "Trial/NCT01234567"} <= set(evidence)
    win.table.select_keys([key])
    qtbot.waitUntil(lambda: len(win.pane.tags.evidence_labels()) == len(evidence))
    rows = {str(label.property("topic")): label.text() for label in win.pane.tags.evidence_labels()}
    assert "irradiated" in rows["TIS/Radiation-induced"] and "<i>radiation therapy + senescence" in rows["TIS/Radiation-induced"]
    assert "<i>drug name (INN)</i>" in rows["Drug/navitoclax"]
    assert "ClinicalTrials.gov registry number" in rows["Trial/NCT01234567"]
    for topic, text in rows.items():
        assert "<i>" in text or "implied by" in text, (topic, text)  # every row names its rule

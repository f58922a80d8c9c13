"""Export Library / Export Collection from the real window (Copy Bibliography: test_bibliography.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from senref.formats import registry
from senref.formats.base import ImportRecord
from tests.gui.conftest import wait_idle
from tests.gui.test_drops import make_collection

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]


def read_titles(path: Path) -> list[str]:
    fmt = registry.sniff(path)
    assert fmt is not None
    return sorted(r.item.title for r in fmt.read(path) if isinstance(r, ImportRecord))


def test_export_library_as_each_format(window: Any, qtbot: Any, tmp_path: Path) -> None:
    expected = sorted(window.library.get_item(k).title for k in window.library.keys(window.item_model.query))
    for label in ("Zotero RDF", "CSL JSON", "BibTeX", "RIS"):
        window.export_action.trigger()
        dialog = window.transfer_controller.dialogs[-1]
        dialog.format.setCurrentIndex(dialog.format.findText(label))
        dialog.path.setText(str(tmp_path / "out" / "library"))
        dialog.on_format_changed(dialog.format.currentIndex())  # the extension follows the format
        target = dialog.target()
        with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000) as blocker:
            dialog.ok_button.click()
        job = blocker.args[0]
        assert job.state == "done", job.details
        assert job.summary == f"3 items written as {registry.get(dialog.format_name()).label} to {target.name}"
        assert read_titles(target) == expected, label
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["library.bib", "library.json", "library.rdf",
                                                                    "library.ris"]


def test_export_collection_from_its_context_menu_with_files(window: Any, qtbot: Any, tmp_path: Path) -> None:
    win = window
    key = make_collection(win, qtbot, "Radiation")
    sub = win.library.create_collection("Normal tissue", key)
    first, second, _third = win.library.keys(win.item_model.query)
    win.library.add_to_collection(key, [first])
    win.library.add_to_collection(sub, [second])
    win.library.store_file(first, b"%PDF-1.4\n%%EOF\n", filename="paper.pdf", content_type="application/pdf")
    win.subcollections_action.setChecked(True)  # View > Show Items from Subcollections: the export follows it
    wait_idle(qtbot, win)
    dialog = win.transfer_controller.open_export(key, "Radiation")
    assert dialog.windowTitle() == "Export Collection “Radiation”"
    assert dialog.path.text().endswith("Radiation.rdf")
    dialog.include_files.setChecked(True)
    dialog.path.setText(str(tmp_path / "radiation.rdf"))
    with qtbot.waitSignal(win.jobs.job_finished, timeout=15_000) as blocker:
        dialog.ok_button.click()
    assert blocker.args[0].state == "done", blocker.args[0].details
    titles = read_titles(tmp_path / "radiation.rdf")
    assert titles == sorted(win.library.get_item(k).title for k in (first, second))  # with the subcollection
    assert [p.name for p in (tmp_path / "files").rglob("*.pdf")] == ["paper.pdf"]
    # CSL JSON carries no file paths: the checkbox is off for it.
    dialog = win.transfer_controller.open_export(key, "Radiation")
    dialog.format.setCurrentIndex(dialog.format.findText("CSL JSON"))
    assert not dialog.include_files.isEnabled() and not dialog.with_files()
    dialog.reject()


def test_export_json_round_trips_through_the_registry(window: Any, qtbot: Any, tmp_path: Path) -> None:
    window.export_action.trigger()
    dialog = window.transfer_controller.dialogs[-1]
    dialog.format.setCurrentIndex(dialog.format.findData("json"))
    dialog.path.setText(str(tmp_path / "items.json"))
    with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000):
        dialog.ok_button.click()
    data = json.loads((tmp_path / "items.json").read_text(encoding="utf-8"))
    assert len(data) == 3

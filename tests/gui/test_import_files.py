"""Bibliography files dropped on the real window: the confirmation says what they hold, the import runs
as a job, problems are listed with their lines, the rest of the file still imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QUrl

from senref.core.library import Library
from senref.core.model import Creator, Item
from senref.formats import registry
from senref.formats.base import ExportContext
from senref.gui.models.collection_tree import COLLECTION
from senref.storage.queries import ItemQuery
from tests.gui.conftest import wait_idle
from tests.gui.test_drops import collection_pos, drop, make_collection, url_mime

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore(r"does not support propagateSizeHints")]

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats"

RIS = """TY  - JOUR
TI  - Senescent cells promote tumour relapse after chemotherapy
AU  - Demaria, Marco
PY  - 2017
T2  - Cancer Discovery
DO  - 10.1158/2159-8290.cd-16-0241
ER  -

TY  - JOUR
TI  - Radiation-induced senescence in normal tissue
AU  - Citrin, Deborah E.
PY  - 2013
ER  -
"""

CSL_JSON = """[
  {"id": "a", "type": "article-journal", "title": "Navitoclax as a senolytic after irradiation",
   "author": [{"family": "Chang", "given": "Jianhui"}], "issued": {"date-parts": [[2016]]},
   "DOI": "10.1038/nm.4010"}
]
"""


def import_dropped(win: Any, qtbot: Any, path: Path, *, on: str | None = None) -> tuple[Any, Any]:
    """Drop *path* (on collection *on*, else the table), wait for the counts, confirm; return (dialog, job)."""
    mime = url_mime(QUrl.fromLocalFile(str(path)))
    if on:
        assert drop(win.collection_view, mime, collection_pos(win, on))
    else:
        assert drop(win.table, mime, QPoint(10, 10))
    dialog = win.transfer_controller.dialogs[-1]
    qtbot.waitUntil(lambda: dialog.inspection_done)
    with qtbot.waitSignal(win.jobs.job_finished, timeout=15_000) as blocker:
        dialog.ok_button.click()
    wait_idle(qtbot, win)
    return dialog, blocker.args[0]


def test_bib_with_malformed_entries_imports_the_rest_with_line_numbers(empty_window: Any, qtbot: Any) -> None:
    win = empty_window
    key = make_collection(win, qtbot, "Imported")
    dialog, job = import_dropped(win, qtbot, FIXTURES / "malformed.bib", on=key)
    text = dialog.rows[FIXTURES / "malformed.bib"].text()
    assert text == "BibTeX — 2 entries, 2 unreadable"
    assert dialog.collection.key() == key  # the collection it was dropped on
    assert job.state == "done" and job.summary == "2 added, 0 merged, 2 problems"
    problems = [line for line in job.lines if line.startswith("problem at line")]
    assert [p.split(":")[0] for p in problems] == ["problem at line 11", "problem at line 21"]
    # The job's details in the jobs panel list them, and the panel opened to show them.
    assert win.jobs_dock.isVisible()
    win.jobs_panel.table.selectRow(0)
    assert "problem at line 11" in win.jobs_panel.log.toPlainText()
    titles = sorted(win.library.get_item(k).title for k in win.library.keys(ItemQuery(collection=key)))
    assert titles == ["Senolytics IN practice", "Therapy-induced senescence"]
    assert win.item_model.rowCount() == 2  # the table shows them


def test_ris_and_csl_json_dropped_together(window: Any, qtbot: Any, tmp_path: Path) -> None:
    ris, csl = tmp_path / "refs.ris", tmp_path / "export.json"
    ris.write_text(RIS, encoding="utf-8")
    csl.write_text(CSL_JSON, encoding="utf-8")
    mime = url_mime(QUrl.fromLocalFile(str(ris)), QUrl.fromLocalFile(str(csl)))
    assert drop(window.table, mime, QPoint(10, 10))
    dialog = window.transfer_controller.dialogs[-1]
    qtbot.waitUntil(lambda: dialog.inspection_done)
    assert dialog.rows[ris].text() == "RIS — 2 entries"
    assert dialog.rows[csl].text() == "CSL-JSON — 1 entry"
    assert dialog.collection.key() is None
    with qtbot.waitSignal(window.jobs.job_finished, timeout=15_000) as blocker:
        dialog.ok_button.click()
    wait_idle(qtbot, window)
    assert blocker.args[0].summary == "3 added, 0 merged"
    assert window.library.count() == 6 and window.item_model.rowCount() == 6


def test_unreadable_file_is_named_and_cannot_be_imported(window: Any, qtbot: Any, tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("just some notes, no references\n", encoding="utf-8")
    assert drop(window.table, url_mime(QUrl.fromLocalFile(str(odd))), QPoint(10, 10))
    dialog = window.transfer_controller.dialogs[-1]
    qtbot.waitUntil(lambda: dialog.inspection_done)
    assert dialog.rows[odd].text() == "not a bibliography format senref reads"
    assert not dialog.ok_button.isEnabled()
    dialog.reject()
    assert not window.jobs.model.jobs


def test_zotero_rdf_brings_its_nested_collections(empty_window: Any, qtbot: Any, tmp_path: Path) -> None:
    # The file comes from senref's own Zotero RDF writer over a library with a nested collection.
    with Library.open(tmp_path / "source-lib", autotag=False) as source:
        parent = source.create_collection("TIS")
        child = source.create_collection("Radiation", parent)
        item = Item(fields={"title": "Radiation-induced senescence", "date": "2013"})
        item.creators = [Creator("author", "Deborah E.", "Citrin")]
        source.save_item(item, collections=[child])
        other = Item(fields={"title": "Chemotherapy-induced senescence", "date": "2016"})
        source.save_item(other, collections=[parent])
        rdf = tmp_path / "library.rdf"
        ctx = ExportContext(library_dir=source.folder,
                            collections={c.key: (c.name, c.parent_key) for c in source.list_collections()})
        fmt = registry.get("zotero-rdf")
        assert fmt is not None
        fmt.write(source.iter_items(), rdf, ctx)
    win = empty_window
    _dialog, job = import_dropped(win, qtbot, rdf)
    assert job.summary == "2 added, 0 merged"
    lib = win.library
    tis = lib.find_collection("TIS")
    radiation = lib.find_collection("TIS/Radiation")
    assert tis and radiation
    assert [lib.get_item(k).title for k in lib.keys(ItemQuery(collection=radiation))] == ["Radiation-induced senescence"]
    # The tree shows the nested collection under its parent.
    qtbot.waitUntil(lambda: win.collection_model.find(COLLECTION, radiation).isValid())
    index = win.collection_model.find(COLLECTION, radiation)
    assert index.parent().data() == "TIS"

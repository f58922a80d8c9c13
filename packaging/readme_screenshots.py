"""The README's screenshots, taken from the current build on the demo library.

    SENREF_HOME=$(mktemp -d) xvfb-run -a -s "-screen 0 1400x890x24" python packaging/readme_screenshots.py docs

It needs a throwaway SENREF_HOME: it adds two look-alike records to that demo library (for the
duplicates view) and two sync targets (for the Sync panel).
"""
import os
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication


def main() -> None:
    if not os.environ.get("SENREF_HOME"):
        sys.exit("set SENREF_HOME to a throwaway folder: this script adds records and sync targets to its demo")
    out = Path(sys.argv[1])
    app = QApplication([])
    from senref.gui.main_window import MainWindow
    from senref.gui.models.collection_tree import DUPLICATES
    from senref.session import Session

    session = Session.start(demo=True)
    session.ensure_demo()
    library = session.open_library(role="gui")
    win = MainWindow(library, settings=session.settings, demo=True)
    win.resize(1400, 860)
    win.move(0, 0)
    win.show()

    def pump(seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def grab(name):
        pump(0.8)
        app.primaryScreen().grabWindow(0, 0, 0, 1400, 890).save(str(out / name))
        print("saved", name)

    pump(3)
    model = win.item_model
    for row in range(model.rowCount()):
        if "Opportunities to Improve" in (model.index(row, 0).data() or ""):
            win.table.selectRow(row)
            break
    grab("screenshot.png")
    # Two records a user might bring in twice from other sources (no DOI, other spellings).
    from senref.core.model import Creator, Item
    from senref.core.query import ItemQuery
    if library.count(ItemQuery()) == 28:
        for title, names, date, journal, pages in (
            (("Senescence-associated secretory phenotypes reveal cell-nonautonomous functions of oncogenic "
             "RAS and the p53 tumor suppressor"), ["Coppe", "Patil", "Rodier"], "2008", "PLoS Biol", "e301"),
            ("Clearance of p16Ink4a-positive senescent cells delays ageing-associated disorders",
             ["Baker", "Wijshake", "Tchkonia"], "2011-11", "Nature", "232-236")):
            item = Item(fields={"title": title, "date": date, "publicationTitle": journal, "pages": pages})
            item.creators = [Creator("author", "", n) for n in names]
            library.save_item(item)

    tree = win.collection_view
    index = win.collection_model.find(DUPLICATES)
    tree.setCurrentIndex(index)
    tree.clicked.emit(index)
    pump(1)
    win.duplicates_controller.on_scan_requested()
    pump(8)
    grab("screenshot-duplicates.png")

    # back to the library, a sync target on the TIS collection, the Sync panel open
    tree.setCurrentIndex(win.collection_model.index(0, 0))
    tree.clicked.emit(win.collection_model.index(0, 0))
    from senref.actions.sync import new_target
    from senref.sync.targets import Scope
    tis = next(c for c in win.collection_controller.collections if c.name == "TIS")
    target_dir = Path(os.environ["SENREF_HOME"]) / "Documents"
    target_dir.mkdir(parents=True, exist_ok=True)
    win.sync_service.add_target(new_target(path=str(target_dir / "tis-biblatex.bib"), format_name="biblatex",
                                           scope=Scope("collection", tis.key, True), with_files=True))
    win.sync_service.add_target(new_target(path=str(target_dir / "library.rdf"), format_name="zotero-rdf",
                                           scope=Scope("library"), with_files=True))
    pump(6)
    win.sync_dock.show()
    win.sync_dock.raise_()
    pump(1)
    win.sync_panel.table.selectRow(0)
    grab("screenshot-sync.png")
    win.close()

if __name__ == "__main__":
    main()

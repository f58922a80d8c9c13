"""References in and out: add by identifier, paste and drops, import files, export, Copy Citation and
Copy Bibliography. The work runs as jobs or background reads; this side asks, confirms and reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QStatusBar, QWidget

from senref.actions.bibliography import BibliographyReport, choose_style, cite
from senref.core.library import Library
from senref.core.query import ItemQuery
from senref.core.settings import Settings, save_settings
from senref.gui import clipboard
from senref.gui.controllers.collections import CollectionsController
from senref.gui.controllers.edit import EditController
from senref.gui.drops import DropPayload
from senref.gui.jobs_library import (
    FetchTexts,
    add_identifiers_job,
    export_job,
    import_files_job,
    retry_add_job,
)
from senref.gui.models.collection_tree import COLLECTION
from senref.gui.models.item_table import ItemTableModel
from senref.gui.views.item_table_view import ItemTableView
from senref.gui.workers.jobs import Job, JobManager
from senref.gui.workers.tasks import TaskRunner
from senref.sync.targets import Scope, Target

if TYPE_CHECKING:
    # The dialogs load when first opened (the style picker brings lxml and the style catalog).
    from senref.formats.csl_styles import StyleEntry
    from senref.gui.dialogs.export_dialog import ExportDialog
    from senref.gui.dialogs.import_files import ImportFilesDialog
    from senref.gui.dialogs.style_picker import StylePickerDialog


class TransferController(QObject):
    """Starts add, import and export jobs and puts citations and bibliographies on the clipboard.

    Signals:
        bibliography_copied(str): the plain-text bibliography just put on the clipboard.
        bibliography_style_changed(str): the style Copy Bibliography now uses (an id or a .csl path).
        styles_loaded(): the catalog of official styles has been read (style_entries holds it).
        problem_found(str, str): title and message of something the user must be told (files it cannot add).
    """

    bibliography_copied = Signal(str)
    bibliography_style_changed = Signal(str)
    styles_loaded = Signal()
    problem_found = Signal(str, str)

    def __init__(self, library: Library, settings: Settings, *, library_name: str, jobs: JobManager,
                 reads: TaskRunner, table: ItemTableView, item_model: ItemTableModel,
                 collections: CollectionsController, edits: EditController, status: QStatusBar,
                 dialog_parent: QWidget, writes: TaskRunner | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.library, self.settings, self.library_name = library, settings, library_name
        self.jobs, self.reads, self.table, self.item_model = jobs, reads, table, item_model
        self.collections, self.edits, self.status, self.dialog_parent = collections, edits, status, dialog_parent
        #: a stand-in for the add action (None: senref.actions.add itself; tests replay with one)
        self.fetch_texts: FetchTexts | None = None
        #: keeps an export as a sync target instead ("" or why not); None: the dialog offers no sync
        self.keep_in_sync: Callable[[Target], str] | None = None
        #: open non-modal dialogs (import confirmations, exports): kept so their counts can be cancelled
        self.dialogs: list[Any] = []
        #: where the remembered style is saved ([cite] in settings.toml); None: not saved (tests)
        self.writes = writes
        self.bibliography_style = settings.cite_style
        #: the official styles, read off the GUI thread on first need; titles of styles used so far
        self.style_entries: tuple[StyleEntry, ...] | None = None
        self.style_titles: dict[str, str] = {}
        self._loading_styles = False

    def shutdown(self) -> None:
        for dialog in self.dialogs:
            worker = getattr(dialog, "worker", None)
            if worker is not None:
                worker.cancel()  # an import dialog still counting entries

    def _keep_dialog(self, dialog: Any) -> None:
        self.dialogs = [d for d in self.dialogs if d.isVisible()]
        self.dialogs.append(dialog)

    # -- adding --------------------------------------------------------------------------------
    def drop_collection(self) -> str | None:
        """Where added items go: the collection on show, else the default collection of the settings."""
        kind, key = self.collections.current_view()
        if kind == COLLECTION:
            return key
        default = self.settings.default_collection
        return default if default and any(c.key == default for c in self.collections.collections) else None

    def on_add_identifier_triggered(self) -> None:
        from senref.gui.dialogs.add_identifier import AddIdentifierDialog

        kind, key = self.collections.current_view()
        dialog = AddIdentifierDialog(self.collections.collections, key if kind == COLLECTION else None,
                                     self.dialog_parent)
        if dialog.exec() == AddIdentifierDialog.DialogCode.Accepted and dialog.entered_text():
            self.start_add([dialog.entered_text()], dialog.collection_key())

    def on_paste_triggered(self) -> None:
        payload = self.table.clipboard_payload()
        if payload.empty:
            self.status.showMessage("Nothing to paste: copy a DOI, a HAL id or a citation first", 5000)
            return
        self.on_payload_dropped(payload, self.drop_collection())

    def on_table_payload_dropped(self, payload: DropPayload) -> None:
        self.on_payload_dropped(payload, self.drop_collection())

    def on_payload_dropped(self, payload: DropPayload, collection: str | None) -> None:
        if payload.item_keys:
            if collection:
                self.edits.file_items(collection, payload.item_keys)
            return
        if payload.texts or payload.pdfs:
            self.start_add(payload.texts, collection, pdfs=payload.pdfs)
        if payload.record_files:
            self.confirm_import(payload.record_files, collection)
        if payload.unsupported:
            names = ", ".join(p.name for p in payload.unsupported)
            self.problem_found.emit("Cannot add these files", f"senref reads PDFs and bibliography files "
                                    f"(.bib, .ris, .json, .rdf); it cannot add: {names}")

    def start_add(self, texts: list[str], collection: str | None, pdfs: list[Path] | None = None) -> Job:
        inputs = [*texts, *(p.name for p in pdfs or [])]
        first = inputs[0].strip().splitlines()[0][:60] if inputs else ""
        if len(inputs) == 1 and "\n" not in inputs[0].strip():
            title = f"Add {first}"
        else:  # several inputs, or one pasted text of several lines
            title = "Add pasted text" if len(inputs) == 1 else f"Add {len(inputs)} entries"
        fn = add_identifiers_job(self.library, texts, collection=collection, settings=self.settings, pdfs=pdfs,
                                 fetch=self.fetch_texts)
        retry = retry_add_job(self.library, collection=collection, settings=self.settings, fetch=self.fetch_texts)
        self.status.showMessage(f"{title}…", 4000)
        return self.jobs.submit(title, fn, retry)

    # -- importing -----------------------------------------------------------------------------
    def on_import_triggered(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self.dialog_parent, "Import", str(Path.home()),
            "Bibliography files (*.bib *.bibtex *.ris *.json *.rdf *.xml *.nbib *.txt);;All files (*)")
        if names:
            self.confirm_import([Path(n) for n in names], self.drop_collection())

    def confirm_import(self, paths: list[Path], collection: str | None) -> ImportFilesDialog:
        """Show what the files hold and where they go; the import starts when the user confirms."""
        from senref.gui.dialogs.import_files import ImportFilesDialog

        dialog = ImportFilesDialog(paths, self.collections.collections, collection, self.reads.pool,
                                   self.dialog_parent)
        dialog.import_confirmed.connect(self.on_import_confirmed)
        self._keep_dialog(dialog)
        dialog.open()
        return dialog

    def on_import_confirmed(self, paths: list[Path], collection: str | None) -> None:
        self.start_import(paths, collection)

    def start_import(self, paths: list[Path], collection: str | None) -> Job:
        names = ", ".join(p.name for p in paths)
        self.status.showMessage(f"Importing {names}…", 4000)
        return self.jobs.submit(f"Import {names}", import_files_job(self.library, self.settings, paths,
                                                                    collection=collection))

    # -- export --------------------------------------------------------------------------------
    def on_export_library_triggered(self) -> None:
        self.open_export(None, self.library_name)

    def open_export(self, collection: str | None, label: str, *, sync_scope: Scope | None = None) -> ExportDialog:
        """The export dialog for the library (*collection* None) or a collection: what its table lists, so with
        its subcollections' items only under View > Show Items from Subcollections."""
        from senref.gui.dialogs.export_dialog import ExportDialog

        query = ItemQuery(collection=collection, recursive=self.settings.show_subcollection_items)
        scope = "Library" if collection is None else f"Collection “{label}”"
        dialog = ExportDialog(scope, self.library.count(query), Path.home(), _file_name(label), self.dialog_parent,
                              sync_handler=self.keep_in_sync, sync_scope=sync_scope)
        dialog.accepted.connect(lambda: self.start_export(query, dialog.format_name(), dialog.target(),
                                                          with_files=dialog.with_files()))
        self._keep_dialog(dialog)
        dialog.open()
        return dialog

    def start_export(self, query: ItemQuery, format_name: str, target: Path, *, with_files: bool) -> Job:
        fn = export_job(self.library, self.settings, format_name, target, query, with_files=with_files)
        return self.jobs.submit(f"Export to {target.name}", fn)

    # -- the clipboard -------------------------------------------------------------------------
    def on_copy_triggered(self) -> None:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        clipboard.put(self.item_model.mimeData([self.item_model.index(r, 0) for r in rows]))

    # -- Copy Bibliography -----------------------------------------------------------------------
    def on_copy_bibliography_triggered(self) -> None:
        keys = self.table.selected_keys()
        if not keys:
            self.status.showMessage("Select the items to cite first", 4000)
            return
        library, settings, style = self.library, self.settings, self.bibliography_style
        # missing_ok: an item of the selection may have been trashed since it was selected.
        self.reads.run(lambda: cite(library, settings, keys=keys, style=style, html=True, missing_ok=True),
                       self.on_bibliography_formatted, name="bibliography")

    def on_bibliography_formatted(self, report: BibliographyReport) -> None:
        if report.failed:
            self.problem_found.emit("Cannot copy the bibliography", "; ".join(report.problems))
            return
        self.style_titles[report.style] = report.style_title
        mime = QMimeData()
        mime.setText(report.text)
        mime.setHtml(report.html)  # word processors paste the italics and links
        clipboard.put(mime)
        entries = report.count
        flagged = [w for w in report.warnings if w.startswith(("retracted:", "withdrawn:", "expression of concern:"))]
        self.status.showMessage(f"Copied {entries} reference{'s' if entries != 1 else ''} "
                                f"({report.style_title or report.style})", 4000)
        if flagged:
            # Before the list goes into a manuscript: a retracted or flagged work is said where it cannot be missed.
            self.problem_found.emit("The bibliography cites flagged works", "\n".join(flagged))
        self.bibliography_copied.emit(report.text)

    def style_title(self, style: str) -> str:
        """A menu label for *style*: its title once known, else its id or file name."""
        return self.style_titles.get(style) or (Path(style).name if style.casefold().endswith(".csl") else style)

    def fill_style_menu(self, menu: QMenu) -> None:
        """The Bibliography Style menu: the current and recent styles, then the searchable list."""
        menu.clear()
        for style in dict.fromkeys([self.bibliography_style, *self.settings.cite_recent]):
            action = menu.addAction(self.style_title(style))
            action.setCheckable(True)
            action.setChecked(style == self.bibliography_style)
            action.setData(style)
            action.triggered.connect(lambda _checked=False, s=style: self.on_bibliography_style_chosen(s))
        menu.addSeparator()
        menu.addAction("More Styles…").triggered.connect(self.on_choose_style_triggered)

    def on_style_menu_about_to_show(self, menu: QMenu) -> None:
        self.fill_style_menu(menu)
        self.load_styles()  # the titles of the recent styles, from the catalog, for the next time

    def load_styles(self) -> None:
        """Read the catalog of official styles off the GUI thread (once); styles_loaded when done."""
        if self.style_entries is not None or self._loading_styles:
            return
        from senref.formats.csl_styles import official

        self._loading_styles = True
        self.reads.run(lambda: official().entries(), self.on_styles_loaded)

    def on_styles_loaded(self, entries: tuple[StyleEntry, ...]) -> None:
        self.style_entries, self._loading_styles = entries, False
        self.style_titles = {e.id: e.label() for e in entries} | self.style_titles
        self.styles_loaded.emit()

    def on_choose_style_triggered(self) -> StylePickerDialog:
        from senref.gui.dialogs.style_picker import StylePickerDialog

        dialog = StylePickerDialog(self.bibliography_style, self.settings.cite_recent, self.dialog_parent)
        dialog.style_chosen.connect(self.on_bibliography_style_chosen)
        if self.style_entries is not None:
            dialog.set_entries(self.style_entries)
        else:
            self.styles_loaded.connect(lambda: dialog.set_entries(self.style_entries or ()))
            self.load_styles()
        self._keep_dialog(dialog)
        dialog.open()
        return dialog

    def on_bibliography_style_chosen(self, style: str) -> None:
        """Use *style* from now on; a `.csl` file is checked first (off the GUI thread)."""
        if style in self.style_titles or not style.casefold().endswith(".csl"):
            self._remember_style(style)
            return
        from senref.formats.csl_styles import StyleError, resolve_style

        def check() -> tuple[str, str]:
            try:
                return resolve_style(style).title, ""
            except StyleError as exc:
                return "", str(exc)
        self.reads.run(check, lambda answer: self._on_style_file_checked(style, *answer))

    def _on_style_file_checked(self, style: str, title: str, problem: str) -> None:
        if problem:
            self.problem_found.emit("Cannot use this style", problem)
            return
        self.style_titles[style] = title
        self._remember_style(style)

    def _remember_style(self, style: str) -> None:
        choose_style(self.settings, style)
        self.bibliography_style = style
        if self.writes is not None:
            settings = self.settings
            self.writes.run(lambda: save_settings(settings))
        self.status.showMessage(f"Copy Bibliography now uses {self.style_title(style)}", 4000)
        self.bibliography_style_changed.emit(style)


def _file_name(label: str) -> str:
    """A file name from a library or collection name: no separators or characters file systems refuse.

    >>> _file_name("TIS / Radiation: 2024")
    'TIS - Radiation- 2024'
    """
    cleaned = " ".join("".join("-" if ch in '/\\:*?"<>|' else ch for ch in label).split())
    return cleaned.strip(" .") or "export"

"""What a drop or a paste holds: identifier text, URLs, PDF files, bibliography files, or senref items.

Browsers drop `text/uri-list` (a DOI or HAL page address); file managers drop file URLs; our own
table drags item keys. The GUI turns each into the matching background job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QDragMoveEvent, QDropEvent

from senref.gui.models.item_table import ITEM_KEYS_MIME

#: Bibliography files imported through senref.formats (sniffed by content there).
RECORD_SUFFIXES = (".bib", ".bibtex", ".biblatex", ".ris", ".json", ".rdf", ".xml", ".nbib", ".txt")


@dataclass
class DropPayload:
    item_keys: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # identifiers, URLs, pasted citations
    pdfs: list[Path] = field(default_factory=list)
    record_files: list[Path] = field(default_factory=list)
    unsupported: list[Path] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.item_keys or self.texts or self.pdfs or self.record_files or self.unsupported)


def can_accept(mime: QMimeData) -> bool:
    return mime.hasFormat(ITEM_KEYS_MIME) or mime.hasUrls() or mime.hasText()


def read_mime(mime: QMimeData) -> DropPayload:
    payload = DropPayload()
    if mime.hasFormat(ITEM_KEYS_MIME):
        raw = bytes(mime.data(ITEM_KEYS_MIME).data()).decode("utf-8", "replace")
        payload.item_keys = [k for k in raw.split() if k]
        return payload
    if mime.hasUrls():
        for url in mime.urls():
            if url.isLocalFile():
                classify_path(Path(url.toLocalFile()), payload)
            elif url.scheme() in ("http", "https", "doi", "info"):
                payload.texts.append(url.toString())
        if not payload.empty:
            return payload
    if mime.hasText():
        text = mime.text().strip()
        if text:
            # A file manager may offer paths as text; treat lines that are existing files as files.
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            if lines and all(_is_file(line) for line in lines):
                for line in lines:
                    classify_path(Path(line.removeprefix("file://")), payload)
            else:
                payload.texts.append(text)
    return payload


def classify_path(path: Path, payload: DropPayload) -> None:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        payload.pdfs.append(path)
    elif suffix in RECORD_SUFFIXES:
        payload.record_files.append(path)
    else:
        payload.unsupported.append(path)


def _is_file(line: str) -> bool:
    candidate = line.removeprefix("file://")
    return candidate.startswith("/") and len(candidate) < 4096 and Path(candidate).is_file()


def answer_drag(event: QDropEvent | QDragMoveEvent, acceptable: bool) -> None:
    """Accept a drag as a copy (senref never moves the user's files or text) or refuse it."""
    if acceptable:
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
    else:
        event.ignore()

"""The bundled demo library: real TIS papers (our own summaries) so a new user sees senref work offline."""

from __future__ import annotations

import json
import shutil
import tempfile
import textwrap
from importlib import resources
from pathlib import Path
from typing import Any

from senref.core.library import DB_NAME, Library, Tagger
from senref.core.model import Item
from senref.paths import Paths

#: Demo items that get a generated one-page "record card" PDF, so attachments and the preview show.
_CARD_DOIS = ("10.1093/jnci/djab064", "10.1158/2159-8290.cd-16-0241", "10.1111/acel.12344")


def demo_data() -> dict[str, Any]:
    text = resources.files("senref.resources").joinpath("demo/demo-library.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def ensure_demo_library(paths: Paths, tagger: Tagger | None = None) -> Path:
    """Create the demo library on first use (topics set by *tagger*); later calls reuse it as the user left it."""
    target = paths.demo_library
    if (target / DB_NAME).exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename, so an interrupted first run never leaves half a library.
    staging = Path(tempfile.mkdtemp(prefix=".demo-", dir=target.parent))
    try:
        build_demo_library(staging, tagger)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def build_demo_library(folder: Path, tagger: Tagger | None = None) -> None:
    """The demo items, collections and record cards in *folder*; *tagger* None: the built-in topic vocabulary."""
    if tagger is None:
        from senref.topics.tagger import get_tagger

        tagger = get_tagger()
    data = demo_data()
    with Library.open(folder, role="demo", tagger=tagger) as lib:
        keys: dict[tuple[str, ...], str] = {}
        for path in data["collections"]:
            keys[tuple(path)] = lib.ensure_collection_path(list(path))
        for record in data["items"]:
            item = Item.from_json(record)
            wanted = record["data"].get("collections", [])
            item.collections = [keys[tuple(c.split("/"))] for c in wanted]
            item.fields["libraryCatalog"] = "senref demo library"
            item.fields["extra"] = "\n".join(filter(None, [item.fields.get("extra", ""),
                                                          "Summary written for the senref demo library"]))
            result = lib.save_item(item, source="demo")
            if item.identifiers.get("doi") in _CARD_DOIS:
                lib.store_file(result.key, record_card_pdf(item), filename="senref-demo-record-card.pdf",
                               content_type="application/pdf", source="demo",
                               title="Demo record card (not the article)")
        lib.add_note(lib.resolve_key("10.1093/jnci/djab064"),
                     "<p>Flagship record: also on HAL as <b>inserm-03547029</b> with the open-access PDF. "
                     "Add it with <code>senref add 10.1093/jnci/djab064</code> to fetch the real file.</p>")


def record_card_pdf(item: Item) -> bytes:
    """A small, valid one-page PDF summarising *item* (title, authors, journal, abstract)."""
    lines = ["senref demo library - record card (not the published article)", ""]
    lines += [*textwrap.wrap(item.title, 80), ""]
    authors = ", ".join(c.display for c in item.creators[:6]) + (" et al." if len(item.creators) > 6 else "")
    lines += textwrap.wrap(authors, 90)
    citation = (f"{item.publication} {item.fields.get('volume', '')}({item.fields.get('issue', '')}) "
                f"{item.fields.get('pages', '')}, {item.year or ''}")
    lines += [citation, f"DOI {item.identifiers.get('doi', '')}", ""]
    lines += textwrap.wrap(item.fields.get("abstractNote", ""), 95)
    return simple_pdf(lines)


def simple_pdf(lines: list[str]) -> bytes:
    """One Letter page of Helvetica text lines; offsets in the xref table are exact."""
    def esc(text: str) -> str:
        raw = text.encode("cp1252", "replace").decode("latin-1")
        return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    body = ["BT /F1 10 Tf 50 750 Td 13 TL"]
    body += [f"({esc(line)}) '" for line in lines[:55]]
    body.append("ET")
    stream = "\n".join(body).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
         b"/Contents 5 0 R >>"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)

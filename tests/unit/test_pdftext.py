"""Identifiers read from a PDF without Qt: pypdf text and metadata, and no Qt module loaded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from senref.core.extract import find_identifiers
from senref.core.pdftext import pdf_opens, pdf_text, pdf_title


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path: Path, pages: list[str], *, title: str = "", keywords: str = "") -> Path:
    """A small valid PDF: one Helvetica text line a page, an Info dictionary, a correct xref table."""
    objects: list[bytes] = []
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{n} 0 R" for n in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for page_id, text in zip(page_ids, pages, strict=True):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {page_id + 1} 0 R >>".encode())
        stream = f"BT /F1 12 Tf 72 720 Td ({_escape(text)}) Tj ET".encode()
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    info_id = len(objects) + 1
    objects.append(f"<< /Title ({_escape(title)}) /Keywords ({_escape(keywords)}) >>".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {info_id} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def test_text_of_the_first_pages_and_metadata(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "paper.pdf", ["Senescence after therapy doi:10.1038/s41586-021-03307-7",
                                             "second page arXiv:2101.00001", "third page 10.9999/never.read"],
                    title="Therapy-induced senescence", keywords="SASP; senolytics")
    text = pdf_text(pdf)
    assert "Therapy-induced senescence" in text
    assert "SASP; senolytics" in text
    assert "arXiv:2101.00001" in text
    assert "never.read" not in text  # only the first two pages: identifiers sit there, later pages cite others
    found = {(f.scheme, f.value) for f in find_identifiers(text)}
    assert ("doi", "10.1038/s41586-021-03307-7") in found
    assert pdf_title(pdf) == "Therapy-induced senescence"
    assert pdf_opens(pdf)
    assert "never.read" in pdf_text(pdf, pages=3)


def test_unreadable_files_give_nothing_instead_of_raising(tmp_path: Path) -> None:
    html = tmp_path / "login.pdf"
    html.write_text("<html><body>Please sign in</body></html>")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(write_pdf(tmp_path / "whole.pdf", ["doi:10.1/x"]).read_bytes()[:120])
    for path in (html, empty, cut):
        assert pdf_text(path) == "" or "10.1/x" not in pdf_text(path)
        assert pdf_title(path) == ""
    assert not pdf_opens(html)
    assert not pdf_opens(empty)


def test_reading_a_pdf_does_not_load_qt(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "paper.pdf", ["doi:10.1038/s41586-021-03307-7"])
    code = ("import sys; from pathlib import Path; from senref.core.pdftext import pdf_text; "
            f"assert '10.1038' in pdf_text(Path({str(pdf)!r})); "
            "from senref.sources import pdf; "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "SENREF_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_senref_add_of_a_pdf_does_not_load_qt(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "notes.pdf", ["Lab notes on senescent fibroblasts, no identifier here"], title="Lab notes")
    code = ("import sys; from senref.cli.main import main; "
            f"rc = main(['--library', {str(tmp_path / 'lib')!r}, 'add', {str(pdf)!r}]); "
            "print('QT:' + ','.join(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))), "
            "file=sys.stderr); sys.exit(rc)")
    env = {**os.environ, "SENREF_HOME": str(tmp_path / "home")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.rstrip().endswith("QT:"), result.stderr
    assert "notes.pdf: Lab notes [PDF from file]" in result.stderr  # the title came from the PDF, via pypdf

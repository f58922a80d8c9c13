"""Opening bibliography files as text: the encoding comes from the byte-order mark, UTF-8 otherwise.

Windows tools (Notepad, older JabRef and EndNote exports) save UTF-16 with a BOM; read as UTF-8
such a file is NUL-riddled noise that no format recognises. Without a BOM, UTF-8 with replacement
characters is the documented policy: a stray Latin-1 byte costs one character, never the import.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import IO

#: Longest marks first: a UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def encoding_of(head: bytes) -> str:
    """The codec for a file starting with *head*.

    >>> encoding_of(codecs.BOM_UTF16_LE + "@".encode("utf-16-le"))
    'utf-16'
    >>> encoding_of(b"@article{")
    'utf-8-sig'
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return "utf-8-sig"


def decode_head(raw: bytes) -> str:
    """The first bytes of a file as text (for sniffing); a character cut at the end is replaced."""
    return raw.decode(encoding_of(raw), errors="replace").lstrip("\ufeff")


def open_text(path: Path, *, errors: str = "replace", newline: str | None = None) -> IO[str]:
    """*path* opened for reading text in the encoding its BOM names (BOM itself skipped)."""
    with path.open("rb") as handle:
        head = handle.read(4)
    return path.open(encoding=encoding_of(head), errors=errors, newline=newline)

"""Preset deflate dictionaries for the short values stored in every row: topic evidence, duplicate profiles.

A value of a few hundred bytes deflates poorly on its own: the words it shares with every other row are not
in its own bytes. Deflate's preset dictionary (zlib's `zdict`) lends it those words, the field's vocabulary
in the shape the value writes it. A stored value names the dictionary it was packed with and cannot be read
without that very file, so a shipped dictionary never changes: a better one is shipped under the next
number, beside the old one. `senref.topics.preset_dictionaries` made each (see there how).

Each file is checked when first read by its length and CRC-32, not by a digest: hashlib would load OpenSSL
(~3.5 MB) into the window as soon as its table reads a row with evidence. A test holds every file to the
SHA-256 pinned here.
"""

from __future__ import annotations

import zlib
from typing import Any

#: (kind, number) -> (file under resources/storage/, length, CRC-32, SHA-256)
SHIPPED: dict[tuple[str, int], tuple[str, int, int, str]] = {
    ("evidence", 1): ("evidence-1.zdict", 28752, 1805609941,
                      "22bf679948abfcc9df3bfd03679d6e974f3fcb9079f4d4d9b61c876cd1681a77"),
    ("profile", 1): ("profile-1.zdict", 22651, 1490158024,
                     "ef9899fe51fdade8164716de272fda8afa1d78f62b970496ed365ab6a3134098"),
}
_LOADED: dict[tuple[str, int], bytes] = {}
#: a compressor primed with the dictionary, copied for each value: priming one costs 39 us, a copy 7 us
_PRIMED: dict[tuple[str, int, int], Any] = {}


class PresetError(ValueError):
    """A stored value names a dictionary this senref has not got, or its bytes do not inflate."""


def dictionary(kind: str, number: object) -> bytes:
    """The bytes of shipped dictionary *number* of *kind*, read on first use."""
    # type() first: 1.0 and True would find dictionary 1 in a dict
    if type(number) is not int or (kind, number) not in SHIPPED:
        raise PresetError(f"a stored {kind} names an unknown deflate dictionary: {number!r} (a newer senref wrote it?)")
    data = _LOADED.get((kind, number))
    if data is None:
        from importlib import resources

        name, length, crc, _digest = SHIPPED[(kind, number)]
        data = (resources.files("senref.resources") / "storage" / name).read_bytes()
        if (len(data), zlib.crc32(data)) != (length, crc):
            raise PresetError(f"deflate dictionary {name} is not the shipped file")
        _LOADED[(kind, number)] = data
    return data


def deflate(data: bytes, kind: str, number: int, level: int = 6) -> bytes:
    """Raw deflate (no header or checksum in every row) primed with the dictionary."""
    primed = _PRIMED.get((kind, number, level))
    if primed is None:
        primed = _PRIMED[(kind, number, level)] = zlib.compressobj(level, zlib.DEFLATED, -15,
                                                                   zdict=dictionary(kind, number))
    packer = primed.copy()
    return bytes(packer.compress(data) + packer.flush())


def inflate(data: bytes, kind: str, number: object) -> bytes:
    """The bytes again; PresetError when *data* is not a whole deflated value of that dictionary."""
    unpacker = zlib.decompressobj(-15, zdict=dictionary(kind, number))
    try:
        out = unpacker.decompress(data) + unpacker.flush()
    except zlib.error as error:
        raise PresetError(f"a stored {kind} is not a deflated value: {error}") from error
    if not unpacker.eof or unpacker.unused_data:
        raise PresetError(f"a stored {kind} is a cut or padded deflated value")
    return bytes(out)

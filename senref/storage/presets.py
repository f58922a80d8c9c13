"""Preset dictionaries for deflating the short values stored in every row (duplicate profiles).

A value of a few hundred bytes deflates poorly on its own: the words it shares with every other row are not
in its own bytes. Deflate's preset dictionary (zlib's `zdict`) lends it those words: the field's vocabulary
and the value's own JSON skeleton. A stored value names the dictionary it was packed with, so a shipped
dictionary never changes (its SHA-256 is pinned here): a better one is a new number, and the old one stays
to read what it packed. `senref.topics.preset_dictionaries` made each of them.
"""

from __future__ import annotations

import functools
import zlib
from importlib import resources

#: (kind, number) -> (file under resources/storage/, its SHA-256)
_SHIPPED: dict[tuple[str, int], tuple[str, str]] = {
    ("profile", 1): ("profile-1.zdict", "4c45263fc129140c9abba8ec639a1e0510b70cf2a7b12a1b6c99597e543f5188"),
}


class PresetError(ValueError):
    """A stored value names a dictionary this senref has not got, or its bytes do not inflate."""


@functools.cache
def dictionary(kind: str, number: int) -> bytes:
    """The bytes of a shipped dictionary, checked against its pinned digest."""
    import hashlib  # here: the window reads no dictionary until it reads a stored value that needs one

    try:
        name, digest = _SHIPPED[(kind, number)]
    except KeyError:
        raise PresetError(f"no {kind} dictionary number {number} (a newer senref wrote this value)") from None
    data = (resources.files("senref.resources") / "storage" / name).read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        raise PresetError(f"the {kind} dictionary {name} is not the one shipped (its digest differs)")
    return data


def deflate(data: bytes, zdict: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict)  # raw: no header
    return packer.compress(data) + packer.flush()


def inflate(data: bytes, zdict: bytes) -> bytes:
    unpacker = zlib.decompressobj(-15, zdict)
    try:
        out = unpacker.decompress(data) + unpacker.flush()
    except zlib.error as exc:
        raise PresetError(f"a stored value does not inflate ({exc})") from exc
    if not unpacker.eof:
        raise PresetError("a stored value is cut short")
    return out

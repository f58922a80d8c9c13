"""Content hashes of files (sha256, read in 1 MiB blocks so a large PDF never sits in memory) and of bytes.

hashlib is imported where a hash is made: it loads OpenSSL's libcrypto (~3.5 MB resident), which the
window never needs until the user stores or checks a file.
"""

from __future__ import annotations

from pathlib import Path


def file_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bytes_sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()

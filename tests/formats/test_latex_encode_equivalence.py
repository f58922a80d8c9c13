"""The table-and-regex encoder writes exactly what the character-by-character one wrote (issue 15).

Exports must not change byte for byte because the encoder got faster, so every case here compares
escape() with the frozen copy in _old_latex_encode.py, in both modes, output and reported characters.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from senref.formats import latex_encode
from tests.formats import _old_latex_encode as old

# Unicode blocks an export may meet: Latin (all of it), Greek and Coptic, Greek Extended, combining marks,
# punctuation and spaces, super/subscripts, letterlike, arrows, math operators and symbols, Latin ligatures,
# full-width forms, math alphanumerics, a little CJK and Cyrillic, emoji.
BLOCKS = [(0x0000, 0x0250), (0x1E00, 0x1F00), (0x2C60, 0x2C80), (0xA720, 0xA800), (0xAB30, 0xAB70),
          (0x0370, 0x0400), (0x1F00, 0x2000), (0x0300, 0x0370), (0x1AB0, 0x1B00), (0x2000, 0x2070),
          (0x2070, 0x20A0), (0x20A0, 0x20C0), (0x2100, 0x2150), (0x2190, 0x2200), (0x2200, 0x2300),
          (0x27C0, 0x2800), (0x2980, 0x2B00), (0xFB00, 0xFB07), (0xFF00, 0xFF60), (0x1D400, 0x1D800),
          (0x0400, 0x0460), (0x4E00, 0x4E40), (0x3000, 0x3040), (0x1F300, 0x1F340), (0x1F600, 0x1F650)]
ALPHABET = [chr(c) for lo, hi in BLOCKS for c in range(lo, hi)]
HOSTILE = [*"{}\\%#&~^_$<>|\n\t\r\x00\x7f\x85 ", "\ud800", "\udfff", "\u0301", "e\u0301", "\u200d", "👩\u200d🔬",
           "\ufeff", "\u2028", "\u2029"]


def _hostile_strings(count: int, seed: int) -> Iterator[str]:
    rng = random.Random(seed)
    pool = ALPHABET + HOSTILE * 20 + list("abcdefgh ") * 40
    for _ in range(count):
        yield "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))


def _same(text: str) -> None:
    for unicode in (True, False):
        new_missing: set[str] = set()
        old_missing: set[str] = set()
        got = latex_encode.escape(text, unicode=unicode, missing=new_missing)
        want = old.escape(text, unicode=unicode, missing=old_missing)
        assert (got, new_missing) == (want, old_missing), (text, unicode)
        assert latex_encode.escape(text, unicode=unicode) == want


def test_every_character_alone_and_between_letters() -> None:
    for ch in ALPHABET + HOSTILE:
        _same(ch)
        _same(f"a{ch}b{ch}{ch}")


def test_runs_of_super_and_subscripts() -> None:
    for text in ("x²³⁻¹", "H₂O₁₂", "²₂²", "⁽ⁿ⁾ ₍ₐ₎", "a⁰", "₉", "x²\u0301", "¹²³ ₁₂₃ \\₂"):
        _same(text)


@pytest.mark.parametrize("seed", range(4))
def test_generated_hostile_strings(seed: int) -> None:
    for text in _hostile_strings(1500, seed):
        _same(text)


def test_our_own_fixture_files() -> None:
    root = Path(__file__).resolve().parents[1] / "fixtures"
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix in (".bib", ".ris", ".json", ".rdf", ".xml")]
    assert files
    for path in files:
        for line in path.read_text(encoding="utf-8", errors="surrogateescape").splitlines():
            _same(line)


def test_third_party_fixtures_read_only() -> None:
    root = ((Path(os.environ.get("SENREF_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared") / "fixtures") / "formats")
    if not root.is_dir():
        pytest.skip("the shared third-party fixtures are not on this machine")
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.stat().st_size < 2_000_000):
        for line in path.read_text(encoding="utf-8", errors="surrogateescape").splitlines():
            _same(line)

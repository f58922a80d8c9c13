"""fold's ASCII fast path gives what the full Unicode path gives."""

from __future__ import annotations

import string
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from senref.core import matching


def slow_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(matching._SPECIAL).translate(matching._APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return matching._NON_WORD.sub(" ", text).strip()


@given(st.text(alphabet=string.printable, max_size=80))
def test_ascii_text_folds_as_before(text: str) -> None:
    assert matching.fold(text) == slow_fold(text)


@given(st.text(max_size=40))
def test_any_text_folds_as_before(text: str) -> None:
    assert matching.fold(text) == slow_fold(text)

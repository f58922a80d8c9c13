"""Name and title folding used for duplicate detection and creator merging."""

from __future__ import annotations

import pytest

from senref.core.matching import merge_creators, name_key, title_key
from senref.core.model import Creator


@pytest.mark.parametrize(("a", "b"), [
    (("Jorg", "Goronzy"), ("Jörg", "Goronzy")),
    (("Francois", "Paris"), ("François", "Paris")),
    (("Ana", "O’loghlen"), ("Ana", "O'Loghlen")),
    (("Jan", "Van Deursen"), ("Jan", "van Deursen")),
    (("Jesus", "Gil"), ("Jesús", "Gil")),
    (("C Norman", "Coleman"), ("C. Norman", "Coleman")),
])
def test_spellings_of_one_person_share_a_key(a: tuple[str, str], b: tuple[str, str]) -> None:
    assert name_key(Creator("author", *a)) == name_key(Creator("author", *b))


def test_different_people_do_not_share_a_key() -> None:
    assert name_key(Creator("author", "David", "Gius")) != name_key(Creator("author", "David", "Gewirtz"))
    assert name_key(Creator("author", "Dan", "Xi")) != name_key(Creator("author", "Daohong", "Zhou"))


def test_merge_keeps_order_and_richer_spelling() -> None:
    hal = [Creator("author", "Jorg", "Goronzy"), Creator("author", "Ana", "O’loghlen"), Creator("author", "Pataje", "Prasanna")]
    pub = [Creator("author", "Jörg", "Goronzy"), Creator("author", "Ana", "O'Loghlen"), Creator("author", "Pataje G.", "Prasanna")]
    merged, changed = merge_creators(hal, pub)
    assert changed
    assert [c.display for c in merged] == ["Jörg Goronzy", "Ana O'Loghlen", "Pataje G. Prasanna"]
    again, changed_again = merge_creators(merged, hal)
    assert not changed_again and again == merged


def test_title_key_ignores_case_markup_and_punctuation() -> None:
    assert title_key("Therapy-Induced <i>Senescence</i>:  Opportunities") == "therapy induced senescence opportunities"

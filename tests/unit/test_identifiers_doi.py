"""DOI normalisation keeps the published case; comparison folds it."""

from __future__ import annotations

import pytest

from senref.core import identifiers as ids
from senref.core.model import Item


@pytest.mark.parametrize(("raw", "stored"), [
    ("10.1093/JNCI/djab064", "10.1093/JNCI/djab064"),
    ("https://doi.org/10.1093/JNCI/djab064", "10.1093/JNCI/djab064"),
    ("http://dx.doi.org/10.1093/JNCI/djab064", "10.1093/JNCI/djab064"),
    ("DOI: 10.1093/JNCI/djab064", "10.1093/JNCI/djab064"),
    ("doi:10.1093/JNCI/djab064.", "10.1093/JNCI/djab064"),
    ("  10.1093/JNCI/djab064\n", "10.1093/JNCI/djab064"),
    ("info:doi/10.1016/S0022-3999(01)00297-8", "10.1016/S0022-3999(01)00297-8"),
    ("10.1093%2FJNCI%2Fdjab064", "10.1093/JNCI/djab064"),
    ("https://doi.org/10/fqd6hj", "10/fqd6hj"),  # a shortDOI alias
])
def test_normalize_doi_strips_resolvers_and_keeps_case(raw: str, stored: str) -> None:
    assert ids.normalize_doi(raw) == stored
    assert ids.normalize("DOI", raw) == stored


@pytest.mark.parametrize("raw", ["", "not a doi", "10.12/short-prefix", "11.1093/jnci", "10.1093/", "10.1093/a b",
                                 "10/2021", "10/ab"])
def test_normalize_doi_refuses_malformed_values(raw: str) -> None:
    assert ids.normalize_doi(raw) is None
    assert not Item().set_identifier("doi", raw)


def test_same_identifier_folds_case_for_dois_only() -> None:
    assert ids.same_identifier("doi", "10.1093/JNCI/djab064", "10.1093/jnci/DJAB064")
    assert not ids.same_identifier("doi", "10.1093/jnci/djab064", "10.1093/jnci/djab065")
    assert not ids.same_identifier("doi", "", "")
    assert not ids.same_identifier("pmcid", "PMC8486329", "pmc8486329")  # other schemes are canonical already
    assert ids.identifier_key("DOI", "10.1093/JNCI/djab064") == "10.1093/jnci/djab064"


def test_item_keeps_the_doi_as_given() -> None:
    item = Item()
    assert item.set_identifier("doi", "https://doi.org/10.1093/JNCI/djab064")
    assert item.identifiers == {"doi": "10.1093/JNCI/djab064"}

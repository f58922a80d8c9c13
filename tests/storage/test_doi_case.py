"""DOIs are kept as published and matched whatever their case: import, duplicates, old libraries, export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from senref.actions.export import export_items
from senref.actions.imports import import_files
from senref.core.library import Library
from senref.core.merge import same_identity
from senref.core.model import Creator, Item
from senref.core.query import ItemQuery
from senref.core.settings import Settings

PUBLISHED = "10.1093/JNCI/djab064"

BIB = """@article{first,
  title = {Senescent cells after radiotherapy},
  author = {Zhou, Ana},
  journal = {Journal of the National Cancer Institute},
  year = {2021},
  doi = {%s}
}
"""

RIS = "\n".join(["TY  - JOUR", "TI  - Senescent cells after radiotherapy, again", "AU  - Zhou, Ana",
                 "PY  - 2021", "DO  - %s", "ER  - ", ""])


@pytest.fixture
def lib(library: Any) -> Library:
    assert isinstance(library, Library)
    return library


@pytest.fixture
def settings() -> Settings:
    return Settings(citation_key_pattern="[auth][year]", download_pdfs=False)


def _item(title: str, doi: str, year: str = "2021") -> Item:
    item = Item(fields={"title": title, "date": year, "publicationTitle": "J Natl Cancer Inst"},
                creators=[Creator("author", "Ana", "Zhou")])
    assert item.set_identifier("doi", doi)
    return item


def test_the_same_doi_in_two_cases_imports_as_one_item_keeping_the_first_case(
        lib: Library, settings: Settings, tmp_path: Path) -> None:
    bib, ris = tmp_path / "first.bib", tmp_path / "second.ris"
    bib.write_text(BIB % PUBLISHED, encoding="utf-8")
    ris.write_text(RIS % "https://doi.org/10.1093/jnci/DJAB064", encoding="utf-8")
    first = import_files(lib, settings, [bib])
    second = import_files(lib, settings, [ris])
    assert first.files[0].created == 1 and second.files[0].created == 0 and second.files[0].merged == 1
    assert lib.count() == 1
    (key,) = first.files[0].keys
    assert lib.get_item(key).identifiers["doi"] == PUBLISHED


@pytest.mark.parametrize(("name", "line"), [("out.bib", f"doi = {{{PUBLISHED}}}"), ("out.ris", f"DO  - {PUBLISHED}"),
                                            ("out.json", f'"DOI": "{PUBLISHED}"')])
def test_export_writes_the_doi_as_given(lib: Library, settings: Settings, tmp_path: Path,
                                        name: str, line: str) -> None:
    lib.save_item(_item("Senescent cells after radiotherapy", f"doi:{PUBLISHED}"))
    fmt = "csljson" if name.endswith(".json") else None
    export_items(lib, settings, ItemQuery(), tmp_path / name, fmt)
    text = (tmp_path / name).read_text(encoding="utf-8")
    assert line in text
    assert PUBLISHED.lower() not in text


def test_a_library_that_stored_dois_lower_cased_still_matches(lib: Library) -> None:
    old = lib.save_item(_item("Senescent cells after radiotherapy", PUBLISHED))
    with lib.db.conn:  # what senref wrote before DOIs kept their case
        lib.db.conn.execute("UPDATE identifiers SET value = lower(value) WHERE scheme = 'doi'")
    again = lib.save_item(_item("Senescent cells after radiotherapy", "10.1093/JNCI/DJAB064"))
    assert again.key == old.key and again.matched_by == "doi" and not again.created
    assert lib.count() == 1
    assert lib.get_item(old.key).identifiers["doi"] == PUBLISHED.lower()


def test_dois_differing_in_case_do_not_block_a_title_match(lib: Library) -> None:
    first = lib.save_item(_item("Senescent cells persist long after radiotherapy", PUBLISHED))
    with lib.db.conn:
        lib.db.conn.execute("UPDATE identifiers SET value = lower(value) WHERE scheme = 'doi'")
    item = _item("Senescent cells persist long after radiotherapy", PUBLISHED)
    item.set_identifier("pmid", "33792717")
    second = lib.save_item(item)
    assert second.key == first.key and lib.count() == 1


def test_different_dois_still_keep_works_apart(lib: Library) -> None:
    lib.save_item(_item("Senescent cells persist long after radiotherapy", PUBLISHED))
    other = lib.save_item(_item("Senescent cells persist long after radiotherapy", "10.1093/JNCI/djab065"))
    assert other.created and lib.count() == 2


def test_same_identity_folds_doi_case() -> None:
    assert same_identity(_item("One", PUBLISHED), _item("Two", PUBLISHED.lower()))
    assert not same_identity(_item("One", PUBLISHED), _item("One", "10.1093/jnci/djab065"))

"""A source keyword or topic the user removed is not brought back when the same record is saved again,
and a source keyword keeps the name of its source through a merge."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from senref.core.library import Library
from senref.core.model import AUTOMATIC, MANUAL
from senref.core.tag_sources import HAL_KEYWORDS, MESH, tag_source
from senref.sources.hal import item_from_doc
from senref.topics.tagger import get_tagger

DOC: dict[str, Any] = {
    "halId_s": "hal-09990002", "version_i": 1, "docType_s": "ART",
    "title_s": ["Residual tumour cells after chemotherapy"], "journalTitle_s": "Example Oncology Reports",
    "publicationDate_s": "2023", "authFirstName_s": ["Lea"], "authLastName_s": ["Roux"],
    "keyword_s": ["Senolytics", "Zebrafish"],
}


@pytest.fixture
def tagged_library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "lib", tagger=get_tagger())
    yield lib
    lib.close()


def names(lib: Library, key: str) -> set[str]:
    item = lib.get_item(key)
    assert item is not None
    return set(item.tag_names())


def test_removed_keyword_and_topic_not_readded(tagged_library: Library) -> None:
    lib = tagged_library
    key = lib.save_item(item_from_doc(DOC)).key
    assert {"Zebrafish", "Senotherapeutics/Senolytics"} <= names(lib, key)
    assert lib.remove_tags(key, ["Zebrafish", "Senotherapeutics/Senolytics"])
    again = lib.save_item(item_from_doc(DOC))
    assert again.key == key and not again.created
    assert not {"Zebrafish", "Senotherapeutics/Senolytics"} & names(lib, key)
    assert "Senolytics" in names(lib, key)  # what the user left alone stays


def test_tag_deleted_library_wide_not_readded(tagged_library: Library) -> None:
    lib = tagged_library
    key = lib.save_item(item_from_doc(DOC)).key
    assert lib.delete_tag("Zebrafish") == 1
    lib.save_item(item_from_doc(DOC))
    assert "Zebrafish" not in names(lib, key)


def test_manual_tag_of_a_rejected_name_is_welcome(tagged_library: Library) -> None:
    lib = tagged_library
    key = lib.save_item(item_from_doc(DOC)).key
    lib.remove_tags(key, ["Zebrafish"])
    assert lib.add_tags(key, ["Zebrafish"], MANUAL)
    item = lib.get_item(key)
    assert item is not None
    assert [t.type for t in item.tags if t.tag == "Zebrafish"] == [MANUAL]
    assert "Zebrafish" not in (item.extras.get("rejectedTopics") or [])


def test_source_survives_merge_into_existing_item(library: Library) -> None:
    first = item_from_doc({**DOC, "keyword_s": ["Senolytics"]})
    key = library.save_item(first).key
    later = item_from_doc(DOC)
    later.tags.append(type(later.tags[0])("Cellular Senescence", AUTOMATIC))
    later.extras.setdefault("tagSources", {})["Cellular Senescence"] = MESH
    library.save_item(later)
    item = library.get_item(key)
    assert item is not None
    assert tag_source(item, "Zebrafish") == HAL_KEYWORDS
    assert tag_source(item, "Cellular Senescence") == MESH

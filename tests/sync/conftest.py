"""Sync fixtures: a library with a TIS collection, a target folder, a CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from senref.core.library import Library
from senref.core.model import Creator, Item


def make_item(title: str, year: str = "2020", doi: str = "") -> Item:
    item = Item(fields={"title": title, "date": year, "publicationTitle": "Aging Cell"})
    item.creators = [Creator("author", "Ana", "Gil")]
    if doi:
        item.set_identifier("doi", doi)
    return item


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    library = Library.open(tmp_path / "lib", autotag=False)
    yield library
    library.close()


@pytest.fixture
def tis(lib: Library) -> str:
    key = lib.create_collection("TIS")
    for i in range(3):
        lib.save_item(make_item(f"Therapy-induced senescence study {i}", doi=f"10.5555/tis.{i}"), collections=[key])
    return key


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "DIR"
    folder.mkdir()
    return folder


def retitle(lib: Library, ending: str, title: str) -> str:
    """Edit, in the library, the title of the item whose title ends with *ending*; its key."""
    key = next(i.key for i in lib.iter_items() if i.title.endswith(ending))
    item = lib.get_item(key)
    item.fields["title"] = title
    lib.update_item(item)
    return key


def cli(lib: Library, *args: str) -> int:
    from senref.cli.main import main

    return main(["--library", str(lib.folder), *args])

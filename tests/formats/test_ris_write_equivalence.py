"""The RIS writer's per-type plan gives the very records the tag-by-tag loop gave (issue 15)."""

from __future__ import annotations

import random
from pathlib import Path

from senref.core.model import Attachment, Creator, Item, Note
from senref.core.schema import CREATOR_TYPES, ITEM_TYPES
from senref.formats.base import ExportContext
from senref.formats.ris import ris_entry
from tests.formats import _old_ris_write as old
from tests.formats.schema_items import schema_item

ODD_VALUES = ["", " ", "a\nb", "x\r\ny\r\n", "12-19", "12–19", "e1234-e1240", "2021-02-14", "spring 2019",
              "{\\`e}", "Ünïcödé ✓", "line\n\nbreak\n", "ISBN 978-3-16-148410-0", "10.1000/xyz"]


def _odd(item_type: str, rng: random.Random) -> Item:
    item = schema_item(item_type)
    for name in list(item.fields):
        if rng.random() < 0.5:
            item.fields[name] = rng.choice(ODD_VALUES)
    roles = CREATOR_TYPES.get(item_type, ("author",))
    item.creators += [Creator(rng.choice(roles), "Ana", "Müller"), Creator("contributor", name="Lab consortium")]
    item.set_identifier("doi", "10.5555/odd")
    item.set_identifier("isbn", rng.choice(["", "9783161484100"]))
    item.add_tag("senescence")
    item.notes.append(Note(html="<p>a note\nover two lines</p>"))
    item.attachments.append(Attachment(key="ABCD2345", link_mode="linked_url", url="https://example.org/a.pdf"))
    return item


def test_every_item_type_as_before(tmp_path: Path) -> None:
    ctx = ExportContext(library_dir=tmp_path)
    rng = random.Random(15)
    for item_type in ITEM_TYPES:
        for item in (schema_item(item_type), _odd(item_type, rng), _odd(item_type, rng), Item(item_type=item_type)):
            assert ris_entry(item, ctx) == old.ris_entry(item, ctx), item_type

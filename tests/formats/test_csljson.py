"""CSL-JSON: valid against the CSL 1.0.2 data schema, Zotero's maps both ways, Zotero's note syntax read back."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from senref.core.model import Creator, Item
from senref.core.schema import CREATOR_TYPES, ITEM_TYPES, type_field
from senref.formats.base import ExportContext
from senref.formats.csl_map import CSL_NAME_VARIABLES, CSL_VARIABLES
from senref.formats.csljson import csl_date, csl_to_item, date_from_csl, item_to_csl
from tests.formats.conftest import sample_items
from tests.formats.schema_items import schema_item


def exports() -> list[dict[str, Any]]:
    ctx = ExportContext(library_dir=Path())
    return [item_to_csl(item, ctx) for item in [*map(schema_item, ITEM_TYPES), *sample_items()]]


def csl_schema() -> dict[str, Any] | None:
    env = os.environ.get("SENREF_SHARED_DIR")
    base = Path(env) if env else Path(__file__).resolve().parents[3] / "shared"
    path = base / "fixtures" / "formats" / "csl-json" / "schema" / "csl-data.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def test_every_export_validates_against_the_csl_data_schema() -> None:
    schema = csl_schema()
    if schema is None:
        pytest.skip("shared/fixtures/formats/csl-json/schema/csl-data.json not found (set SENREF_SHARED_DIR)")
    import jsonschema

    validator = jsonschema.Draft7Validator(schema)
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(exports())]
    assert not errors, errors[:10]


def test_variable_list_is_the_schemas() -> None:
    schema = csl_schema()
    if schema is None:
        pytest.skip("shared/fixtures/formats/csl-json/schema/csl-data.json not found (set SENREF_SHARED_DIR)")
    assert set(schema["items"]["properties"]) == CSL_VARIABLES


def _is_date(value: Any) -> bool:
    if not isinstance(value, dict) or not set(value) <= {"date-parts", "season", "circa", "literal", "raw"}:
        return False
    parts = value.get("date-parts", [[0]])
    return (isinstance(parts, list) and 1 <= len(parts) <= 2
            and all(isinstance(p, list) and 1 <= len(p) <= 3 and str(p[0]).lstrip("-").isdigit()
                    and all(isinstance(n, int) for n in p[1:]) for p in parts))


def test_exports_keep_to_csl_variables_and_shapes_without_the_schema_file() -> None:
    for obj in exports():
        assert set(obj) <= CSL_VARIABLES, set(obj) - CSL_VARIABLES
        for var, value in obj.items():
            if var in CSL_NAME_VARIABLES:
                assert all(set(n) in ({"family", "given"}, {"literal"}) for n in value), (var, value)
            elif var in ("issued", "accessed", "submitted", "original-date"):
                assert _is_date(value), (var, value)
            elif var != "custom":
                assert isinstance(value, str) and value, (var, value)


@pytest.mark.parametrize("item_type", [t for t in ITEM_TYPES if type_field(t, "publicationTitle")])
def test_container_title_lands_in_the_types_own_field(item_type: str) -> None:
    item = Item(item_type=item_type, fields={"title": "T", type_field(item_type, "publicationTitle"): "Container"})
    obj = item_to_csl(item, ExportContext(library_dir=Path()))
    assert obj["container-title"] == "Container"
    back, _ = csl_to_item({k: v for k, v in obj.items() if k != "note"} | {"type": obj["type"]})
    if back.item_type == item_type:
        assert back.fields[type_field(item_type, "publicationTitle")] == "Container"


def test_zotero_note_syntax_is_read_as_fields_type_and_creators() -> None:
    item, _ = csl_to_item({"type": "motion_picture", "title": "Alien", "note": "\n".join([
        "type: videoRecording", "Original Date: 1979-05-25", "{:number-of-volumes: 2}",
        "Cast Member: Weaver || Sigourney", "tex.howpublished: VHS", "A line of free text"])})
    assert item.item_type == "videoRecording"
    assert item.fields["numberOfVolumes"] == "2"
    assert item.creators == [Creator("castMember", first_name="Sigourney", last_name="Weaver")]
    assert item.fields["extra"] == "Original Date: 1979-05-25\ntex.howpublished: VHS\nA line of free text"


def test_a_csl_type_line_keeps_a_type_it_already_covers() -> None:
    item, _ = csl_to_item({"type": "personal_communication", "title": "Re: data", "note": "type: letter"})
    assert item.item_type == "letter"
    item, _ = csl_to_item({"type": "book", "title": "Score", "note": "type: song"})
    assert item.item_type == "audioRecording"


@pytest.mark.parametrize(("obj", "item_type"), [
    ({"type": "motion_picture", "ISBN": "9780262033848"}, "videoRecording"),
    ({"type": "motion_picture"}, "film"),
    ({"type": "broadcast", "publisher": "BBC"}, "tvBroadcast"),
    ({"type": "broadcast"}, "podcast"),
    ({"type": "bill", "publisher": "GPO"}, "hearing"),
    ({"type": "book", "version": "2.1"}, "computerProgram"),
    ({"type": "no-such-type"}, "document"),
])
def test_shared_csl_types_use_zoteros_tie_breakers(obj: dict[str, Any], item_type: str) -> None:
    assert csl_to_item(obj | {"title": "T"})[0].item_type == item_type


def test_exact_type_travels_when_csl_cannot_say_it() -> None:
    for item_type in ITEM_TYPES:
        obj = item_to_csl(Item(item_type=item_type, fields={"title": "T"}), ExportContext(library_dir=Path()))
        assert csl_to_item(obj)[0].item_type == item_type


@pytest.mark.parametrize(("text", "csl", "back"), [
    ("2021-03-05", {"date-parts": [["2021", 3, 5]]}, "2021-03-05"),
    ("2021", {"date-parts": [["2021"]]}, "2021"),
    # date-parts say all the text says: no `raw` (Zotero and Better BibTeX write none)
    ("March 5, 2021", {"date-parts": [["2021", 3, 5]]}, "2021-03-05"),
    ("2010 Sep-Oct", {"date-parts": [["2010", 9], ["2010", 10]]}, "2010-09/2010-10"),
    ("1984/1986", {"date-parts": [["1984"], ["1986"]]}, "1984/1986"),
    ("ca. 1900", {"date-parts": [["1900"]], "circa": True}, "1900~"),
    ("2011-05-25~/2012-06-26", {"date-parts": [["2011", 5, 25], ["2012", 6, 26]], "circa": True},
     "2011-05-25~/2012-06-26~"),
    # one season beside the year; seasons in a range as the pseudo-months 13-16 (BBT #860)
    ("Spring 2019", {"date-parts": [[2019]], "season": 1}, "Spring 2019"),
    ("printemps 1985", {"date-parts": [[1985]], "season": 1}, "Spring 1985"),
    ("2017-24~", {"date-parts": [[2017]], "season": 4, "circa": True}, "Winter 2017~"),
    ("2017-23/2017-24", {"date-parts": [["2017", 15], ["2017", 16]]}, "2017-23/2017-24"),
    ("Spring 2015 - Summer 2016", {"date-parts": [["2015", 13], ["2016", 14]]}, "2015-21/2016-22"),
    ("2017-14/2017-15", {"date-parts": [["2017", 14], ["2017", 15]]}, "2017-22/2017-23"),
    # EDTF has a year 0 (1 BC), CSL has none; a year with its era is already in CSL's count
    ("-0333", {"date-parts": [["-334"]]}, "-0333"),
    ("0000", {"date-parts": [["-1"]]}, "0000"),
    ("-0011-21/-0012-22", {"date-parts": [["-12", 13], ["-13", 14]]}, "-0011-21/-0012-22"),
    ("429 BC", {"date-parts": [["-429"]]}, "-0428"),
    # open and unknown ends; ranges written with TeX's dash
    ("2014-12-31/", {"date-parts": [["2014", 12, 31], [0]]}, "2014-12-31/"),
    ("1800-01-01--1800-12-31", {"date-parts": [["1800", 1, 1], ["1800", 12, 31]]}, "1800-01-01/1800-12-31"),
    # words no date part holds travel in `raw`; ISO text that is no date, and no date at all, as literals
    ("1985 (reprint)", {"date-parts": [["1985"]], "raw": "1985 (reprint)"}, "1985 (reprint)"),
    ("2017-14/2017-99", {"literal": "2017-14/2017-99"}, "2017-14/2017-99"),
    ("n.d.", {"literal": "n.d."}, "n.d."),
    ("2024-01-15 09:30:00", {"date-parts": [["2024", 1, 15]]}, "2024-01-15"),  # no time in CSL, as in Zotero
])
def test_dates_as_better_bibtex_writes_them(text: str, csl: dict[str, Any], back: str) -> None:
    assert csl_date(text) == csl
    assert date_from_csl(csl) == back
    assert csl_date(back) == csl  # what import gives back exports the same


@pytest.mark.parametrize(("csl", "text"), [
    ({"date-parts": [["2013", "1", "1"]]}, "2013-01-01"),
    ({"date-parts": [[2013, 6]]}, "2013-06"),
    ({"date-parts": [[1985]], "season": 1}, "Spring 1985"),
    ({"date-parts": [[2014, 12, 31], [2015, 1, 1]]}, "2014-12-31/2015-01-01"),
    ({"literal": "forthcoming"}, "forthcoming"),
])
def test_foreign_dates_read_as_iso_dates(csl: dict[str, Any], text: str) -> None:
    assert date_from_csl(csl) == text


def test_primary_creator_is_author_and_unmapped_roles_ride_in_note() -> None:
    item = Item(item_type="patent", fields={"title": "T"},
                creators=[Creator(t, "Ann", "Lee") for t in CREATOR_TYPES["patent"]])
    obj = item_to_csl(item, ExportContext(library_dir=Path()))
    assert obj["author"] == [{"family": "Lee", "given": "Ann"}]
    assert "Attorney Agent: Lee || Ann" in obj["note"].splitlines()
    assert [c.creator_type for c in csl_to_item(obj)[0].creators] == ["inventor", "contributor", "attorneyAgent"]

"""Compact stored forms of the bulkiest JSON values: an item's topic evidence, its abstract, its duplicate profile.

All are encoded as they are written and decoded as they are read, losslessly: what a reader gets back
equals what the writer gave, down to the order of keys and the type of every number. Plain JSON (rows
written before any of this) decodes unchanged. Schema 8 keeps deflated text as bytes in columns of its
own (`pack_row`); the base64 forms of schema 7 are what its migration reads.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from senref.core import presets
from senref.core import stored_evidence as ev
from senref.core.stored_evidence import EVIDENCE, dumps

__all__ = ["EVIDENCE", "Row", "decode_extras", "decode_fields", "decode_profile", "dumps", "encode_extras",
           "encode_fields", "encode_profile", "pack_row", "unpack_extras", "unpack_fields", "unpack_provenance"]

#: Item fields stored deflated when long: free text no query reads inside (`json_extract` reads other fields).
_DEFLATED_FIELDS = ("abstractNote",)
_FIELD_DEFLATE_OVER = 400
#: a deflated field's value in the fields JSON: [marker, base64] (schema 7), [marker] (8: bytes in a column)
_DEFLATED, _IN_BLOB = ev.DEFLATED, ev.IN_BLOB
#: the title field's value in the fields JSON when it is what the title column holds (schema 9)
_IN_COLUMN = "t"
_FIELD_CODES = ev.FIELD_CODES


# -- schema 8: the row's columns -----------------------------------------------------------------
#: fields JSON, the abstract's bytes, extras JSON, the evidence's bytes, provenance JSON
Row = tuple[str, bytes | None, str, bytes | None, str]


def pack_row(fields: dict[str, Any], extras: dict[str, Any], provenance: dict[str, Any],
             title: str | None = None) -> Row:
    """The columns of an item's row: JSON for what queries read (`json_extract`), raw deflate beside it for
    the long abstract and the topic evidence, a one-source provenance as that source. *title*: what the
    row's title column holds; a title field equal to it is not stored twice (schema 9)."""
    fields_json, abstract = _pack_fields(fields, title)
    extras_json, evidence = _pack_extras(extras)
    return fields_json, abstract, extras_json, evidence, _pack_provenance(provenance, fields)


def _pack_fields(fields: dict[str, Any], title: str | None) -> tuple[str, bytes | None]:
    stored = fields
    if title and fields.get("title") == title:
        stored = {**fields, "title": [_IN_COLUMN]}  # the key keeps its place
    (name,) = _DEFLATED_FIELDS
    value = fields.get(name)
    if isinstance(value, str) and len(value) > _FIELD_DEFLATE_OVER:
        packed = ev.deflate(value)
        if len(packed) < len(value.encode()):
            return dumps({**stored, name: [_IN_BLOB]}), packed
    return dumps(stored), None


def unpack_fields(text: str, blob: bytes | None, title: str | None = None) -> dict[str, Any]:
    """The fields again from the row's columns: its fields JSON, the abstract's bytes and its title column."""
    fields = decode_fields(text)
    if fields.get("title") == [_IN_COLUMN]:
        if title is None:
            raise ValueError("the item's title is kept in its row's title column, which was not read")
        fields["title"] = title
    if blob is not None:
        (name,) = _DEFLATED_FIELDS
        if fields.get(name) == [_IN_BLOB]:
            fields[name] = ev.inflate(blob)
    return fields


def _pack_extras(extras: dict[str, Any]) -> tuple[str, bytes | None]:
    if EVIDENCE not in extras:
        return dumps(extras), None
    stored, blob = ev.packed(extras[EVIDENCE])
    return dumps({**extras, EVIDENCE: stored}), blob


def unpack_extras(text: str, blob: bytes | None) -> dict[str, Any]:
    extras: dict[str, Any] = json.loads(text)
    if EVIDENCE in extras:
        extras[EVIDENCE] = ev.unpack(extras[EVIDENCE], blob)
    return extras


def _pack_provenance(provenance: dict[str, Any], fields: dict[str, Any]) -> str:
    """One source for every non-empty field, in the fields' order (what an import leaves), is that source
    alone: a JSON string, where any other provenance is an object."""
    if provenance:
        source = next(iter(provenance.values()))
        if isinstance(source, str) and all(v == source for v in provenance.values()) \
                and list(provenance) == [k for k, v in fields.items() if v]:
            return dumps(source)
    return dumps(provenance)


def unpack_provenance(text: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The provenance again, given the item's fields as read back."""
    value = json.loads(text)
    if isinstance(value, str):
        return {k: value for k, v in fields.items() if v}
    provenance: dict[str, Any] = value
    return provenance


# -- schema 7 forms (read by the migration to 8, and still read if met) -----------------------------
def _deflate(text: str) -> str:
    return base64.b64encode(ev.deflate(text)).decode("ascii")


def _inflate(text: str) -> str:
    return ev.inflate(base64.b64decode(text))


def encode_fields(fields: dict[str, Any]) -> str:
    """The fields column of schema 7: JSON, a long abstract as [marker, its deflated text in base64]."""
    stored = fields
    for name in _DEFLATED_FIELDS:
        value = fields.get(name)
        if isinstance(value, str) and len(value) > _FIELD_DEFLATE_OVER:
            packed = _deflate(value)
            if len(packed) < len(value.encode()):
                stored = dict(stored) if stored is fields else stored
                stored[name] = [_DEFLATED, packed]
    return dumps(stored)


def decode_fields(text: str) -> dict[str, Any]:
    """Fields are strings, so a list there is always a stored form."""
    fields: dict[str, Any] = json.loads(text)
    for name in _DEFLATED_FIELDS:
        value = fields.get(name)
        if isinstance(value, list) and len(value) == 2 and value[0] == _DEFLATED:
            fields[name] = _inflate(value[1])
    return fields


def encode_extras(extras: dict[str, Any]) -> str:
    """The extras column of schema 7: JSON, its topic evidence as a list of short entries, deflated in base64."""
    if EVIDENCE not in extras:
        return dumps(extras)
    stored = dict(extras)
    evidence = ev.compact_form(extras[EVIDENCE])
    if isinstance(evidence, list) and evidence[0] == ev.COMPACT:
        payload = dumps(evidence[1])
        if len(payload) > ev.DEFLATE_OVER:
            packed = _deflate(payload)
            if len(packed) < len(payload.encode()):
                evidence = [_DEFLATED, packed]
    stored[EVIDENCE] = evidence
    return dumps(stored)


def decode_extras(text: str) -> dict[str, Any]:
    return unpack_extras(text, None)


# -- duplicate profiles --------------------------------------------------------------------------
#: profile keys left out when they hold their usual value (empty, or the main title equal to the title)
_PROFILE_DEFAULTS: dict[str, Any] = {"p": "", "n": {}, "s": {}, "i": "", "d": None}


#: the first byte of a profile deflated against preset dictionary 1 (schema 9); a JSON text starts with "{"
_PROFILE_PRESET = 1


def encode_profile(data: dict[str, Any]) -> str | bytes:
    """JSON without the usual values, deflated against the field's words (core.presets) when that is shorter."""
    stored = {k: v for k, v in data.items() if not (k in _PROFILE_DEFAULTS and v == _PROFILE_DEFAULTS[k]
                                                     and type(v) is type(_PROFILE_DEFAULTS[k]))}
    if "m" in stored and "ti" in stored and stored["m"] == stored["ti"]:
        del stored["m"]
    text = dumps(stored)
    raw = text.encode()
    packed = bytes((_PROFILE_PRESET,)) + presets.deflate(raw, "profile", _PROFILE_PRESET, level=9)
    return packed if len(packed) < len(raw) else text


def decode_profile(stored: str | bytes) -> dict[str, Any]:
    if isinstance(stored, bytes):
        if not stored:
            raise presets.PresetError("an empty stored profile")
        text = presets.inflate(stored[1:], "profile", stored[0]).decode()
    else:
        text = stored
    data: dict[str, Any] = json.loads(text)
    if "m" not in data and "ti" in data:
        data["m"] = data["ti"]
    for key, default in _PROFILE_DEFAULTS.items():
        if key not in data:
            data[key] = {} if isinstance(default, dict) else default
    return data

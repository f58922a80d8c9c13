"""Compact stored forms of the bulkiest JSON values: an item's topic evidence, its abstract, its duplicate profile.

Both are encoded as they are written and decoded as they are read, losslessly: what a reader gets back
equals what the writer gave, down to the order of keys and the type of every number. Rows written before
(plain JSON) decode unchanged, so no migration is needed and old and new rows may sit side by side.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

#: extras key of the evidence, as the tagger writes it and the window and CLI read it
EVIDENCE = "topicEvidence"
#: the stored evidence is a two-element list: a marker and the payload. The tagger only ever writes a
#: dict, and any list is wrapped raw, so a stored list always carries one of these two markers.
_COMPACT, _RAW = "c", "r"
#: ... or a third: the compact payload's JSON, deflated and in base64 (evidence repeats its words and rule
#: names; 36 MB of it deflate to 12 MB at 10k items). Short payloads stay readable: deflating them gains little.
_DEFLATED = "z"
_DEFLATE_OVER = 160
#: Item fields stored deflated when long: free text no query reads inside (`json_extract` reads other fields).
_DEFLATED_FIELDS = ("abstractNote",)
_FIELD_DEFLATE_OVER = 400
#: evidence field -> one-letter code. An entry whose field is not here stays a dict, as written.
_FIELD_CODES = {"title": "t", "abstract": "a", "keywords": "k", "mesh": "m", "fulltext": "x", "implied": "i"}
_FIELDS = {code: name for name, code in _FIELD_CODES.items()}
#: an implied entry whose term is a subtopic of its own topic keeps only the part after "topic/"
_SUBTOPIC = "I"
_ENTRY_HEAD = ("field", "term", "weight")
#: the key naming what triggered a tag ("term", "marker", "rule: radiation + senescence in one sentence")
_RULE = "rule"


def dumps(value: object) -> str:
    # No spaces after separators: a tenth of a large JSON column is padding otherwise.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _deflate(text: str) -> str:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)  # raw deflate: no header or checksum in every row
    return base64.b64encode(packer.compress(text.encode()) + packer.flush()).decode("ascii")


def _inflate(text: str) -> str:
    return zlib.decompress(base64.b64decode(text), -15).decode()


# -- fields (the abstract) -----------------------------------------------------------------------
def encode_fields(fields: dict[str, Any]) -> str:
    """The fields column: JSON, a long abstract as [marker, its deflated text]. Fields are strings, so a
    list there is always this form."""
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
    fields: dict[str, Any] = json.loads(text)
    for name in _DEFLATED_FIELDS:
        value = fields.get(name)
        if isinstance(value, list) and len(value) == 2 and value[0] == _DEFLATED:
            fields[name] = _inflate(value[1])
    return fields


# -- extras (topic evidence) ---------------------------------------------------------------------
def encode_extras(extras: dict[str, Any]) -> str:
    """The extras column: JSON, its topic evidence as a list of short entries instead of dicts."""
    if EVIDENCE not in extras:
        return dumps(extras)
    stored = dict(extras)
    evidence = _encode_evidence(extras[EVIDENCE])
    if isinstance(evidence, list) and evidence[0] == _COMPACT:
        payload = dumps(evidence[1])
        if len(payload) > _DEFLATE_OVER:
            packed = _deflate(payload)
            if len(packed) < len(payload.encode()):
                evidence = [_DEFLATED, packed]
    stored[EVIDENCE] = evidence
    return dumps(stored)


def decode_extras(text: str) -> dict[str, Any]:
    extras: dict[str, Any] = json.loads(text)
    stored = extras.get(EVIDENCE)
    if isinstance(stored, list) and len(stored) == 2 and stored[0] in (_COMPACT, _RAW, _DEFLATED):
        if stored[0] == _RAW:
            extras[EVIDENCE] = stored[1]
        else:
            payload = json.loads(_inflate(stored[1])) if stored[0] == _DEFLATED else stored[1]
            extras[EVIDENCE] = _decode_evidence(payload)
    return extras


def _encode_evidence(evidence: Any) -> Any:
    if isinstance(evidence, list):
        return [_RAW, evidence]
    if not isinstance(evidence, dict) or not all(isinstance(v, list) for v in evidence.values()):
        return evidence  # neither a list nor the tagger's shape: stored as it is, read back as it is
    if any(isinstance(e, list) for entries in evidence.values() for e in entries):
        return [_RAW, evidence]  # a list entry would read as a compact one
    return [_COMPACT, {topic: [_encode_entry(topic, e) for e in entries] for topic, entries in evidence.items()}]


def _encode_entry(topic: str, entry: Any) -> Any:
    """[code, term, weight] (+ the rule when it is a string and the fourth key, + a dict of any further keys,
    in order); anything else stays as written."""
    if not isinstance(entry, dict) or tuple(entry)[:3] != _ENTRY_HEAD:
        return entry
    field, term = entry["field"], entry["term"]
    code = _FIELD_CODES.get(field) if isinstance(field, str) else None
    if code is None or not isinstance(term, str):
        return entry
    if code == "i" and term.startswith(topic + "/"):
        code, term = _SUBTOPIC, term[len(topic) + 1:]
    out: list[Any] = [code, term, entry["weight"]]
    rest = {k: v for k, v in entry.items() if k not in _ENTRY_HEAD}
    if tuple(rest)[:1] == (_RULE,) and isinstance(rest[_RULE], str):
        # A string fourth element is the rule: rows written before it carry a dict there, or nothing.
        out.append(rest.pop(_RULE))
    if rest:
        out.append(rest)
    return out


def _decode_evidence(payload: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {topic: [_decode_entry(topic, e) for e in entries] for topic, entries in payload.items()}


def _decode_entry(topic: str, entry: Any) -> Any:
    if not isinstance(entry, list):
        return entry
    code, term, weight = entry[0], entry[1], entry[2]
    if code == _SUBTOPIC:
        field, term = "implied", f"{topic}/{term}"
    else:
        field = _FIELDS[code]
    out: dict[str, Any] = {"field": field, "term": term, "weight": weight}
    for extra in entry[3:]:
        if isinstance(extra, str):
            out[_RULE] = extra
        else:
            out.update(extra)
    return out


# -- duplicate profiles --------------------------------------------------------------------------
#: profile keys left out when they hold their usual value (empty, or the main title equal to the title)
_PROFILE_DEFAULTS: dict[str, Any] = {"p": "", "n": {}, "s": {}, "i": "", "d": None}


def encode_profile(data: dict[str, Any]) -> str:
    stored = {k: v for k, v in data.items() if not (k in _PROFILE_DEFAULTS and v == _PROFILE_DEFAULTS[k]
                                                     and type(v) is type(_PROFILE_DEFAULTS[k]))}
    if "m" in stored and "ti" in stored and stored["m"] == stored["ti"]:
        del stored["m"]
    return dumps(stored)


def decode_profile(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text)
    if "m" not in data and "ti" in data:
        data["m"] = data["ti"]
    for key, default in _PROFILE_DEFAULTS.items():
        if key not in data:
            data[key] = {} if isinstance(default, dict) else default
    return data

"""The stored form of an item's topic evidence: short entries, deflated when long, in bytes beside the JSON.

Core, not storage, so that the tagging worker (senref.core.tag_pool) can make the stored form where it
computes the evidence and hand it over with it; storage.compact writes what `packed` gives, as it is.
Lossless: `unpack(*pack(e))` equals *e*, down to the order of keys and the type of every number.
Long payloads are deflated with a preset dictionary of the vocabulary's words (resources/storage/evidence-N.zdict,
senref.core.presets); the row names the dictionary, and a shipped one never changes.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

from senref.core import presets

#: extras key of the evidence, as the tagger writes it and the window and CLI read it
EVIDENCE = "topicEvidence"
#: the evidence in extras is a two-element list: a marker and the payload. The tagger only ever writes a
#: dict, and any list is wrapped raw, so a stored list always carries one of these markers.
COMPACT, RAW = "c", "r"
#: ... or (schema 7) the compact payload's JSON, deflated and in base64
DEFLATED = "z"
#: ... or (schema 8) a one-element list: the compact payload's JSON is deflated in the row's own bytes column;
#: [IN_BLOB, N]: deflated with preset dictionary N
IN_BLOB = "b"
#: the dictionary new rows are deflated with
DICTIONARY = 1
#: Short payloads stay readable JSON: deflating them gains little.
DEFLATE_OVER = 160
#: evidence field -> one-letter code. An entry whose field is not here stays a dict, as written.
FIELD_CODES = {"title": "t", "abstract": "a", "keywords": "k", "mesh": "m", "fulltext": "x", "implied": "i"}
_FIELDS = {code: name for name, code in FIELD_CODES.items()}
#: an implied entry whose term is a subtopic of its own topic keeps only the part after "topic/"
_SUBTOPIC = "I"
_ENTRY_HEAD = ("field", "term", "weight")
#: the key naming what triggered a tag ("term", "marker", "rule: radiation + senescence in one sentence")
_RULE = "rule"

#: What goes in the row: the value kept in the extras JSON, and the bytes of the evidence column (or None).
Packed = tuple[Any, bytes | None]


def dumps(value: object) -> str:
    # No spaces after separators: a tenth of a large JSON column is padding otherwise.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def deflate(text: str) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)  # raw deflate: no header or checksum in every row
    return packer.compress(text.encode()) + packer.flush()


def inflate(data: bytes) -> str:
    return zlib.decompress(data, -15).decode()


def pack(evidence: Any) -> Packed:
    """The stored form of *evidence* (schema 8, deflated with dictionary DICTIONARY)."""
    form = compact_form(evidence)
    if isinstance(form, list) and form[0] == COMPACT:
        payload = dumps(form[1])
        if len(payload) > DEFLATE_OVER:
            packed = presets.deflate(payload.encode(), "evidence", DICTIONARY)
            if len(packed) < len(payload.encode()):
                return [IN_BLOB, DICTIONARY], packed
    return form, None


def unpack(stored: Any, blob: bytes | None) -> Any:
    """The evidence again from its stored form, of any schema (a form it does not know is the evidence).

    ValueError for a blob that does not inflate, or that names a dictionary this version does not ship."""
    if not isinstance(stored, list):
        return stored
    if len(stored) in (1, 2) and stored[0] == IN_BLOB and blob is not None:
        if len(stored) == 2:
            return expand(json.loads(presets.inflate(blob, "evidence", stored[1]).decode()))
        try:
            return expand(json.loads(inflate(blob)))
        except (zlib.error, UnicodeDecodeError) as error:
            raise ValueError(f"stored topic evidence is not a deflated blob: {error}") from error
    if len(stored) == 2 and stored[0] in (COMPACT, RAW, DEFLATED):
        if stored[0] == RAW:
            return stored[1]
        if stored[0] == DEFLATED:
            return expand(json.loads(inflate(base64.b64decode(stored[1]))))
        return expand(stored[1])
    return stored


# -- handing the stored form over with the evidence ----------------------------------------------
#: id(evidence) -> (that evidence, its stored form): the forms made by the tagging worker, waiting for their write
_HANDED: dict[int, tuple[Any, Packed]] = {}
#: Records a worker tagged but the import then merged into another item are never written: a bound on them.
_HANDED_MAX = 20_000


def hand_over(evidence: Any, packed: Packed) -> None:
    """Say that *packed* is `pack(evidence)`, made elsewhere; the next write of this very object uses it.

    The caller must not change *evidence* before it is written (the worker's copy is its own object)."""
    if len(_HANDED) >= _HANDED_MAX:
        _HANDED.clear()
    _HANDED[id(evidence)] = (evidence, packed)


def packed(evidence: Any) -> Packed:
    """`pack(evidence)`, or the form handed over with this very object (used once)."""
    held = _HANDED.pop(id(evidence), None)
    if held is not None and held[0] is evidence:
        return held[1]
    return pack(evidence)


# -- the compact form ----------------------------------------------------------------------------
def compact_form(evidence: Any) -> Any:
    """[COMPACT, {topic: [short entries]}] for the tagger's shape, [RAW, e] for a list, else *e* itself."""
    if isinstance(evidence, list):
        return [RAW, evidence]
    if not isinstance(evidence, dict) or not all(isinstance(v, list) for v in evidence.values()):
        return evidence  # neither a list nor the tagger's shape: stored as it is, read back as it is
    if any(isinstance(e, list) for entries in evidence.values() for e in entries):
        return [RAW, evidence]  # a list entry would read as a compact one
    return [COMPACT, {topic: [_encode_entry(topic, e) for e in entries] for topic, entries in evidence.items()}]


def _encode_entry(topic: str, entry: Any) -> Any:
    """[code, term, weight] (+ the rule when it is a string and the fourth key, + a dict of any further keys,
    in order); anything else stays as written."""
    if not isinstance(entry, dict) or tuple(entry)[:3] != _ENTRY_HEAD:
        return entry
    field, term = entry["field"], entry["term"]
    code = FIELD_CODES.get(field) if isinstance(field, str) else None
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


def expand(payload: dict[str, list[Any]]) -> dict[str, list[Any]]:
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

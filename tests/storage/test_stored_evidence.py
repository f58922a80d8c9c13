"""The evidence's stored form: lossless for every shape, and a form handed over with one object serves only it."""

from __future__ import annotations

import copy
import os
import random
import subprocess
import sys
from typing import Any

import pytest

from senref.core import presets
from senref.core import stored_evidence as ev
from tests.storage.test_migration_v8 import _evidence, _exact


def test_every_shape_packs_and_unpacks_to_itself() -> None:
    rng = random.Random(11)
    blobs = 0
    for _ in range(400):
        evidence = _evidence(rng)
        stored, blob = ev.pack(evidence)
        blobs += blob is not None
        assert _exact(ev.unpack(stored, blob)) == _exact(evidence)
    assert blobs > 50


def test_a_handed_over_form_serves_that_object_once() -> None:
    evidence = {"TIS": [{"field": "title", "term": "radiation", "weight": 3.0, "rule": "term"}] * 30}
    twin = copy.deepcopy(evidence)
    fake: ev.Packed = (["b"], b"not what pack makes")
    ev.hand_over(evidence, fake)
    assert ev.packed(twin) == ev.pack(twin)  # an equal object is not the one handed over
    assert ev.packed(evidence) is fake
    assert ev.packed(evidence) == ev.pack(evidence)  # used once


def _long(rng: random.Random) -> Any:
    while True:
        evidence = _evidence(rng)
        _, blob = ev.pack(evidence)
        if blob is not None:
            return evidence


def test_new_rows_name_the_dictionary_and_schema_8_rows_still_read() -> None:
    rng = random.Random(5)
    for _ in range(60):
        evidence = _long(rng)
        stored, blob = ev.pack(evidence)
        assert stored == [ev.IN_BLOB, ev.DICTIONARY] and blob is not None
        old_blob = ev.deflate(ev.dumps(ev.compact_form(evidence)[1]))  # schema 8 before the dictionary
        assert _exact(ev.unpack([ev.IN_BLOB], old_blob)) == _exact(evidence)
        assert _exact(ev.unpack(stored, blob)) == _exact(evidence)


def test_hostile_evidence_round_trips() -> None:
    odd = {"": [{"field": "title", "term": "\u2026 \"b\" \\ \U0001f9a0", "weight": 10**30, "rule": "marker"}] * 20,
           "b": [{"field": "implied", "term": "b/", "weight": -0.0, "rule": ["not", "a", "string"]}] * 20,
           "TIS": [{"field": "mesh", "term": "TIS/x", "weight": float("inf"), "z": None, "rule": "r"}] * 20,
           "[\"b\",1]": [{"field": "fulltext", "term": "implied by a subtopic", "weight": True}] * 20}
    stored, blob = ev.pack(odd)
    assert blob is not None
    assert _exact(ev.unpack(stored, blob)) == _exact(odd)


def test_an_unknown_dictionary_or_a_broken_blob_is_refused() -> None:
    evidence = _long(random.Random(2))
    _, blob = ev.pack(evidence)
    assert blob is not None
    for number in (0, 2, "1", True, 1.0, [1], None):
        with pytest.raises(ValueError, match="unknown deflate dictionary"):
            ev.unpack([ev.IN_BLOB, number], blob)
    for broken in (blob[: len(blob) // 2], blob + b"tail", b"\xff" * 40):
        with pytest.raises(ValueError):
            ev.unpack([ev.IN_BLOB, 1], broken)
    with pytest.raises(ValueError):  # a dictionary row read as a plain one points before its start
        ev.unpack([ev.IN_BLOB], blob)
    assert ev.unpack([ev.IN_BLOB, 1], None) == [ev.IN_BLOB, 1]  # no bytes: not a blob form, as before


def test_real_tagger_evidence_is_smaller_with_the_dictionary() -> None:
    from bench.corpus_files import records
    from senref.topics.tagger import Tagger
    from senref.topics.vocabulary import build_vocabulary, builtin_documents

    tagger = Tagger(build_vocabulary(builtin_documents()))
    evidence = [tagger.suggest({"title": r.title, "abstract": r.abstract, "keywords": r.keywords})
                for r in records(9, 80)]
    primed = plain = 0
    for e in evidence:
        stored, blob = ev.pack(e)
        assert _exact(ev.unpack(stored, blob)) == _exact(e)
        primed += len(blob) if blob is not None else len(ev.dumps(stored).encode())
        plain += min(len(ev.deflate(ev.dumps(ev.compact_form(e)[1]))), len(ev.dumps(ev.compact_form(e)).encode()))
    assert primed < plain * 0.8, (primed, plain)


def test_the_dictionary_loads_on_first_use_and_never_brings_openssl() -> None:
    code = ("import sys\nfrom senref.core import stored_evidence as ev\n"
            "from senref.core import presets\n"
            "print(len(presets._LOADED))\n"
            "s, b = ev.pack({'TIS': [{'field': 'title', 'term': 'radiation', 'weight': 3.0, 'rule': 'term'}] * 30})\n"
            "ev.unpack(s, b)\n"
            "print(s, len(presets._LOADED), [m for m in ('hashlib', '_hashlib') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=dict(os.environ))
    assert out.stdout.split() == ["0", "['b',", "1]", "1", "[]"], out.stdout + out.stderr


def test_an_edited_dictionary_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    name, length, _crc, digest = presets.SHIPPED[("evidence", 1)]
    monkeypatch.setattr(presets, "_LOADED", {})
    monkeypatch.setitem(presets.SHIPPED, ("evidence", 1), (name, length, 0, digest))
    with pytest.raises(ValueError, match="not the shipped file"):
        presets.dictionary("evidence", 1)

"""The evidence's stored form: lossless for every shape, and a form handed over with one object serves only it."""

from __future__ import annotations

import copy
import random

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

"""The preset deflate dictionaries: what the generator makes is usable and pays, and each shipped dictionary
is the file its rows were written with (pinned: it may never change)."""

from __future__ import annotations

import hashlib
import zlib
from importlib import resources
from pathlib import Path

import pytest

from bench.corpus_files import records
from senref.core import presets
from senref.core import stored_evidence as ev
from senref.topics import preset_dictionaries as gen
from senref.topics.tagger import Tagger
from senref.topics.vocabulary import build_vocabulary, builtin_documents


def _deflated_size(payloads: list[bytes], zdict: bytes | None) -> int:
    total = 0
    for payload in payloads:
        packer = zlib.compressobj(6, zlib.DEFLATED, -15, zdict=zdict or b"")
        data = packer.compress(payload) + packer.flush()
        unpacker = zlib.decompressobj(-15, zdict=zdict or b"")
        assert unpacker.decompress(data) + unpacker.flush() == payload
        total += len(data)
    return total


def _tagger_payloads(count: int) -> list[bytes]:
    tagger = Tagger(build_vocabulary(builtin_documents()))
    evidence = [tagger.suggest({"title": r.title, "abstract": r.abstract, "keywords": r.keywords})
                for r in records(3, count)]
    forms = [ev.compact_form(e) for e in evidence if e]
    assert len(forms) > count // 2
    return [ev.dumps(form[1]).encode() for form in forms]


def test_the_generator_makes_a_dictionary_that_shrinks_tagger_evidence() -> None:
    data = gen.evidence_dictionary()
    assert 4096 < len(data) <= gen.MAX_BYTES
    payloads = _tagger_payloads(150)
    plain, primed = _deflated_size(payloads, None), _deflated_size(payloads, data)
    assert primed < plain * 0.8, (primed, plain)


def test_every_shipped_dictionary_is_the_pinned_file() -> None:
    for (kind, number), (name, length, crc, digest) in presets.SHIPPED.items():
        shipped = (resources.files("senref.resources") / "storage" / name).read_bytes()
        assert name == f"{kind}-{number}.zdict"
        assert hashlib.sha256(shipped).hexdigest() == digest
        assert (len(shipped), zlib.crc32(shipped)) == (length, crc) and length <= gen.MAX_BYTES
        assert presets.dictionary(kind, number) == shipped
    assert ("evidence", ev.DICTIONARY) in presets.SHIPPED


def test_the_shipped_evidence_dictionary_pays() -> None:
    payloads = _tagger_payloads(60)
    shipped = presets.dictionary("evidence", 1)
    assert _deflated_size(payloads, shipped) < _deflated_size(payloads, None) * 0.8


def test_build_keeps_each_piece_once_in_its_last_place_and_cuts_the_front() -> None:
    assert gen.build(["a", "b", "a", "c"]) == b"bac"
    assert gen.build(["xxxx", "yy", "zz"], limit=5) == b"xyyzz"
    assert gen.build([]) == b""


def test_the_command_writes_each_kind(tmp_path: Path) -> None:
    for kind, make in gen.KINDS.items():
        out = tmp_path / f"{kind}-next.zdict"
        assert gen.main([kind, str(out)]) == 0
        assert out.read_bytes() == make()
    with pytest.raises(SystemExit):
        gen.main(["neither", str(tmp_path / "x")])

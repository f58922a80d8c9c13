"""The preset deflate dictionary of stored evidence: what the generator makes is usable and pays, and the shipped
dictionary 1 is the file its rows were written with (pinned: it may never change)."""

from __future__ import annotations

import hashlib
import zlib
from importlib import resources
from pathlib import Path

from bench.corpus_files import records
from senref.core import evidence_dictionary as gen
from senref.core import stored_evidence as ev
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
    data = gen.from_builtin_vocabulary()
    assert 4096 < len(data) <= gen.MAX_BYTES
    payloads = _tagger_payloads(150)
    plain, primed = _deflated_size(payloads, None), _deflated_size(payloads, data)
    assert primed < plain * 0.8, (primed, plain)


def test_the_shipped_dictionary_is_the_pinned_file_and_pays_too() -> None:
    shipped = (resources.files("senref.resources") / "storage" / "evidence-1.zdict").read_bytes()
    assert hashlib.sha256(shipped).hexdigest() == ev.DICTIONARY_SHA256[1]
    assert (len(shipped), zlib.crc32(shipped)) == ev.DICTIONARY_CHECK[1]
    assert set(ev.DICTIONARY_SHA256) == set(ev.DICTIONARY_CHECK) and ev.DICTIONARY in ev.DICTIONARY_SHA256
    assert ev.dictionary(1) == shipped and len(shipped) <= gen.MAX_BYTES
    payloads = _tagger_payloads(60)
    assert _deflated_size(payloads, shipped) < _deflated_size(payloads, None) * 0.8


def test_build_keeps_each_piece_once_in_its_last_place_and_cuts_the_front() -> None:
    assert gen.build(["a", "b", "a", "c"]) == b"bac"
    assert gen.build(["xxxx", "yy", "zz"], limit=5) == b"xyyzz"
    assert gen.build([]) == b""


def test_the_command_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "evidence-next.zdict"
    assert gen.main([str(out)]) == 0
    assert out.read_bytes() == gen.from_builtin_vocabulary()
    assert gen.main([]) == 2

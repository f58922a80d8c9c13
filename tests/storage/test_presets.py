"""Preset dictionaries: pinned, read lazily, refused when unknown or altered; profiles packed against them
read back exactly, smaller than their JSON, and profiles of older schemas still read."""

from __future__ import annotations

import json
import random
import zlib
from pathlib import Path

import pytest

from senref.core import presets
from senref.core.dupscore import profile
from senref.core.model import Creator, Item
from senref.storage import compact
from senref.topics import preset_dictionaries


def _items(n: int, seed: int = 5) -> list[Item]:
    rng = random.Random(seed)
    words = ["therapy-induced", "senescence", "senolytic", "navitoclax", "radiotherapy", "p16INK4a", "SASP",
             "breast", "cancer", "Müller", "zebrafish", "quercetin", "dormancy", "the", "of", "in"]
    out = []
    for k in range(n):
        item = Item(item_type=rng.choice(["journalArticle", "preprint", "book"]),
                    fields={"title": " ".join(rng.choice(words) for _ in range(rng.randrange(3, 14))),
                            "date": str(1990 + k % 35), "publicationTitle": rng.choice(["Aging Cell", "Nature", ""]),
                            "volume": str(k % 40), "pages": f"{k}-{k + 9}"},
                    creators=[Creator("author", "Ana", rng.choice(["Müller", "van der Berg", "O'Neil", "Li"]))
                              for _ in range(rng.randrange(1, 5))])
        if rng.random() < 0.8:
            item.set_identifier("doi", f"10.1234/x.{k}")
        out.append(item)
    return out


def test_profiles_read_back_exactly_and_smaller_than_their_json() -> None:
    packed = json_size = 0
    for k, item in enumerate(_items(300)):
        data = profile(item, rank=k).to_json()
        stored = compact.encode_profile(data)
        assert compact.decode_profile(stored) == data
        packed += len(stored if isinstance(stored, bytes) else stored.encode())
        json_size += len(compact.dumps(data).encode())
    assert packed < 0.7 * json_size


def test_a_profile_stored_as_json_by_older_schemas_still_reads() -> None:
    data = profile(_items(1)[0]).to_json()
    assert compact.decode_profile(json.dumps(data, ensure_ascii=False)) == data


def test_a_profile_naming_an_unknown_dictionary_or_cut_short_is_refused() -> None:
    data = profile(_items(1)[0]).to_json()
    stored = compact.encode_profile(data)
    assert isinstance(stored, bytes) and stored[0] == 1
    with pytest.raises(presets.PresetError, match="unknown deflate dictionary: 9"):
        compact.decode_profile(bytes((9,)) + stored[1:])
    with pytest.raises(presets.PresetError):
        compact.decode_profile(stored[:len(stored) // 2])
    with pytest.raises(presets.PresetError):
        compact.decode_profile(b"")
    with pytest.raises(presets.PresetError):
        compact.decode_profile(stored[:1] + b"\xff" * 40)


def test_a_shipped_dictionary_that_was_altered_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    name, length, crc, digest = presets.SHIPPED[("profile", 1)]
    monkeypatch.setattr(presets, "_LOADED", {})
    monkeypatch.setitem(presets.SHIPPED, ("profile", 1), (name, length, crc ^ 1, digest))
    with pytest.raises(presets.PresetError, match="not the shipped file"):
        presets.dictionary("profile", 1)


def test_the_generator_makes_a_dictionary_that_helps_profiles(tmp_path: Path) -> None:
    out = tmp_path / "p.zdict"
    assert preset_dictionaries.main(["profile", str(out)]) == 0
    made = out.read_bytes()
    assert 0 < len(made) <= 32 * 1024 and made.endswith(b'"i":"","d":')
    texts = [compact.dumps(profile(item).to_json()).encode() for item in _items(200, seed=9)]

    def size(zdict: bytes | None) -> int:
        total = 0
        for text in texts:
            packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, *([zdict] if zdict else []))
            total += len(packer.compress(text) + packer.flush())
        return total
    assert size(made) < 0.85 * size(None)

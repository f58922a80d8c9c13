"""A duplicate profile's main title and families, built with the shortcuts, equal the plain computation."""

from __future__ import annotations

import random
import re

from senref.core import dupscore
from senref.core.matching import family_key, title_key
from senref.core.model import Creator, Item


def _plain(item: Item) -> tuple[str, list[str]]:
    """main and families as computed before the shortcuts (every title split, every creator folded)."""
    raw = re.sub(r"<[^>]{0,200}>", "", item.title)
    extra = dupscore._extra_values(item)
    if extra.get("subtitle") and ":" not in raw:
        raw = f"{raw}: {extra['subtitle']}"
    main = dupscore._TITLE_PREFIX.sub("", title_key(re.split(r"[:.?!]\s| [-–—] ", raw, maxsplit=1)[0]))
    families = [k for k in (family_key(c) for c in item.creators) if k and k not in ("others", "etal")]
    return main, families[:12]


def test_main_title_and_families_match_the_plain_computation() -> None:
    rng = random.Random(15)
    words = ["The", "a", "Senescence", "<i>in vivo</i>", ":", ".", "?", "!", " - ", " – ", "—", "p16", "é", "  ", "x:y",
             "Review.", "A", "Les"]
    names = [Creator("author", last_name="others"), Creator("author", last_name="et al"), Creator("author", name=""),
             Creator("author", name="World Health Organization"), Creator("editor", first_name="J.", last_name="van Dyk"),
             Creator("author", first_name="Zoë", last_name="Müller"), Creator("author", last_name="etal")]
    for n in range(3000):
        title = "".join(rng.choice(words) + rng.choice(["", " "]) for _ in range(rng.randint(0, 12)))
        creators = [rng.choice(names) for _ in range(rng.randint(0, 40))]
        fields = {"title": title}
        if n % 5 == 0:
            fields["extra"] = "subtitle: " + rng.choice(words)
        item = Item(item_type="journalArticle", fields=fields, creators=creators)
        got = dupscore.profile(item)
        assert (got.main, got.families) == _plain(item), (title, creators)

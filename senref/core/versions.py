"""A preprint and the article it became: the link between them, and "update to the published version".

The two stay separate items, related both ways as Zotero relates items (`dc:relation`), and each says
what it is to the other in `extras["versions"]`: {"published": [versions found], "article": key} on the
preprint, {"preprint": key} on the article. Updating makes the article the cited item: the preprint's
notes and files move to it, and it takes the preprint's tags, collections and citation key; the preprint
stays in the library, linked, out of its collections. What moved is recorded, so undo moves exactly
that back, whatever else changed on the two items since.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from senref.core.merge import RELATED, add_relation, item_uri
from senref.core.model import Item, Tag

VERSIONS = "versions"


def versions_of(item: Item) -> dict[str, Any]:
    value = item.extras.get(VERSIONS)
    return value if isinstance(value, dict) else {}


def _versions(item: Item) -> dict[str, Any]:
    value = item.extras.get(VERSIONS)
    if not isinstance(value, dict):
        value = item.extras[VERSIONS] = {}
    return value


def record_published(preprint: Item, found: list[dict[str, str]], checked_at: str) -> bool:
    """Keep the published versions the sources named (merged with those known before); True when new."""
    data = _versions(preprint)
    known = [v for v in data.get("published") or [] if isinstance(v, dict)]
    seen = {(v.get("doi") or "").lower() or f"pmid:{v.get('pmid')}" for v in known}
    added = [v for v in found if ((v.get("doi") or "").lower() or f"pmid:{v.get('pmid')}") not in seen]
    data["published"] = known + added
    data["checked"] = checked_at
    return bool(added)


def link(preprint: Item, article: Item) -> bool:
    """Relate the two both ways; True when anything changed."""
    changed = add_relation(preprint, RELATED, article.key)
    changed = add_relation(article, RELATED, preprint.key) or changed
    if _versions(preprint).get("article") != article.key:
        _versions(preprint)["article"] = article.key
        changed = True
    if _versions(article).get("preprint") != preprint.key:
        _versions(article)["preprint"] = preprint.key
        changed = True
    return changed


def unlink(preprint: Item, article: Item) -> None:
    for item, other in ((preprint, article), (article, preprint)):
        uris = item.relations.get(RELATED, [])
        if item_uri(other.key) in uris:
            uris.remove(item_uri(other.key))
            if not uris:
                item.relations.pop(RELATED, None)
    _versions(preprint).pop("article", None)
    _versions(article).pop("preprint", None)
    for item in (preprint, article):
        if not item.extras.get(VERSIONS):
            item.extras.pop(VERSIONS, None)


@dataclass
class Moved:
    """What "update to the published version" moved, so undo can move exactly that back."""

    token: str
    preprint: str
    article: str
    date: str
    notes: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    tags: list[list[Any]] = field(default_factory=list)  # [name, type] the article did not have
    collections: list[str] = field(default_factory=list)  # the preprint's; the article joined those it was not in
    joined: list[str] = field(default_factory=list)
    preprint_citekey: str = ""
    article_citekey: str = ""
    article_extra_before: str = ""
    article_extra_after: str = ""
    linked_here: bool = False
    undone: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Moved:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


def move_to_article(preprint: Item, article: Item, moved: Moved) -> None:
    """Make *article* the cited item in the preprint's place, filling *moved* with what changed."""
    moved.linked_here = link(preprint, article)
    moved.notes = [n.key for n in preprint.notes]
    moved.attachments = [a.key for a in preprint.attachments]
    article.notes.extend(preprint.notes)
    article.attachments.extend(preprint.attachments)
    preprint.notes, preprint.attachments = [], []
    have = {t.tag for t in article.tags}
    for tag in preprint.tags:
        if tag.tag not in have:
            article.tags.append(Tag(tag.tag, tag.type))
            moved.tags.append([tag.tag, tag.type])
            have.add(tag.tag)
    moved.collections = list(preprint.collections)
    moved.joined = [c for c in preprint.collections if c not in article.collections]
    article.collections = [*article.collections, *moved.joined]
    preprint.collections = []
    moved.preprint_citekey = preprint.fields.get("citationKey", "")
    moved.article_citekey = article.fields.get("citationKey", "")
    moved.article_extra_before = article.fields.get("extra", "")
    if moved.preprint_citekey:
        article.fields["citationKey"] = moved.preprint_citekey
        preprint.fields.pop("citationKey", None)
        if moved.article_citekey and moved.article_citekey != moved.preprint_citekey:
            # Documents that already cite the article by its own key still find it (biblatex `ids`).
            lines = [ln for ln in moved.article_extra_before.splitlines() if ln.strip()]
            lines.append(f"tex.ids: {moved.article_citekey}")
            article.fields["extra"] = "\n".join(lines)
    moved.article_extra_after = article.fields.get("extra", "")
    _versions(preprint)["updated_to"] = article.key
    _versions(preprint)["update_token"] = moved.token


def move_back(preprint: Item, article: Item, moved: Moved) -> None:
    """Undo `move_to_article`: what moved goes back; whatever else changed on either item since stays."""
    notes, files = set(moved.notes), set(moved.attachments)
    preprint.notes.extend(n for n in article.notes if n.key in notes)
    preprint.attachments.extend(a for a in article.attachments if a.key in files)
    article.notes = [n for n in article.notes if n.key not in notes]
    article.attachments = [a for a in article.attachments if a.key not in files]
    added = {name for name, _type in moved.tags}
    article.tags = [t for t in article.tags if t.tag not in added]
    article.collections = [c for c in article.collections if c not in set(moved.joined)]
    preprint.collections = list(dict.fromkeys([*preprint.collections, *moved.collections]))
    if moved.preprint_citekey:
        preprint.fields["citationKey"] = moved.preprint_citekey
        if moved.article_citekey:
            article.fields["citationKey"] = moved.article_citekey
        else:
            article.fields.pop("citationKey", None)
    if article.fields.get("extra", "") == moved.article_extra_after:
        if moved.article_extra_before:
            article.fields["extra"] = moved.article_extra_before
        else:
            article.fields.pop("extra", None)
    data = _versions(preprint)
    data.pop("updated_to", None)
    data.pop("update_token", None)
    if moved.linked_here:
        unlink(preprint, article)

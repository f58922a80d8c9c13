"""The rules of a user's edit on an `Item`: identifier fields, provenance "user", types, creators, typed notes."""

from __future__ import annotations

import html
import re

from senref.core.model import Creator, Item
from senref.core.schema import EXTRA_LABELS, IDENTIFIER_FIELDS, ITEM_TYPES, fields_for

#: The source recorded in `Item.provenance` for a field the user typed (else a source's name, "sync", ...).
USER_PROVENANCE = "user"

#: Field name -> identifier scheme: Zotero's identifier fields (DOI, ISBN, PMID, PMCID) and senref's own
#: labels for the schemes Zotero has no field for (HAL, arXiv).
_SCHEME_OF_FIELD: dict[str, str] = {**{label: s for s, label in EXTRA_LABELS.items()},
                                    **{f: s for s, f in IDENTIFIER_FIELDS.items()}}


class EditError(ValueError):
    """An edit that cannot be applied as asked (a malformed identifier, an unknown field or type)."""


def identifier_scheme(name: str) -> str | None:
    """The identifier scheme a field name stands for, None for an ordinary field.

    >>> identifier_scheme("DOI"), identifier_scheme("arXiv"), identifier_scheme("title")
    ('doi', 'arxiv', None)
    """
    return _SCHEME_OF_FIELD.get(name)


def field_name(item_type: str, name: str) -> str | None:
    """Zotero's spelling of field *name* for *item_type* (an exact name first, then ignoring case).

    >>> field_name("journalArticle", "doi"), field_name("journalArticle", "Title"), field_name("book", "titel")
    ('DOI', 'title', None)
    """
    known = list(fields_for(item_type)) + [n for n in _SCHEME_OF_FIELD if n not in fields_for(item_type)]
    if name in known:
        return name
    folded = [n for n in known if n.casefold() == name.casefold()]
    return folded[0] if len(folded) == 1 else None


def field_value(item: Item, name: str) -> str:
    """What field *name* shows: the identifier for an identifier field, else the stored field."""
    scheme = identifier_scheme(name)
    if scheme:
        return item.identifiers.get(scheme, "")
    return item.fields.get(name, "")


def set_field(item: Item, name: str, value: str) -> bool:
    """Set field *name* to *value* as the user typed it; True when the item changed.

    An empty value removes the field (or the identifier); an unchanged value is no change. Identifier
    fields are stored as identifiers, normalised by `Item.set_identifier`; a malformed one raises
    `EditError` and changes nothing. Any other field is marked as the user's in `Item.provenance`.

    >>> item = Item(fields={"title": "Old"})
    >>> set_field(item, "title", "New"), item.provenance["title"]
    (True, 'user')
    >>> set_field(item, "title", "New")
    False
    >>> set_field(item, "DOI", "https://doi.org/10.1093/JNCI/djab064"), item.identifiers
    (True, {'doi': '10.1093/JNCI/djab064'})
    """
    scheme = identifier_scheme(name)
    if scheme:
        if not value:
            return item.identifiers.pop(scheme, None) is not None
        before = (dict(item.identifiers), item.hal_version)
        if not item.set_identifier(scheme, value):
            raise EditError(f"not a valid {name}: {value!r}")
        return (item.identifiers, item.hal_version) != before
    if item.fields.get(name, "") == value:
        return False
    if value:
        item.fields[name] = value
    else:
        item.fields.pop(name, None)
    item.provenance[name] = USER_PROVENANCE
    return True


def set_item_type(item: Item, item_type: str) -> bool:
    """Change the item type (one of Zotero's); True when it changed. The fields are kept as they are."""
    if item_type not in ITEM_TYPES:
        raise EditError(f"not an item type: {item_type!r}")
    if item.item_type == item_type:
        return False
    item.item_type = item_type
    return True


def set_creators(item: Item, creators: list[Creator]) -> bool:
    """Replace the creators; the list as a whole becomes the user's. The same list is no change."""
    if item.creators == creators:
        return False
    item.creators = list(creators)
    item.provenance["creators"] = USER_PROVENANCE
    return True


def parse_creators(text: str, creator_type: str = "author") -> list[Creator]:
    """Creators typed as "Last, First; Last2, First2"; a name without a comma is one field (a consortium).

    >>> [c.to_json() for c in parse_creators("Campisi, Judith; ENCODE Consortium")]
    [{'creatorType': 'author', 'firstName': 'Judith', 'lastName': 'Campisi'}, \
{'creatorType': 'author', 'name': 'ENCODE Consortium'}]
    """
    creators = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        last, comma, first = part.partition(",")
        if comma:
            creators.append(Creator(creator_type, first_name=first.strip(), last_name=last.strip()))
        else:
            creators.append(Creator(creator_type, name=part))
    return creators


def note_html(text: str) -> str:
    """A note typed as plain text, stored as Zotero stores notes: one HTML paragraph, line breaks kept.

    >>> note_html("p < 0.05\\nsee Fig. 2")
    '<p>p &lt; 0.05<br>see Fig. 2</p>'
    """
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>|</(?:div|li|h\d)>", re.I)
_TAG = re.compile(r"<[^>]*>")


def note_text(note: str) -> str:
    """A stored (HTML) note as plain text for a terminal: breaks and paragraphs become new lines.

    >>> note_text(note_html("p < 0.05\\nsee Fig. 2"))
    'p < 0.05\\nsee Fig. 2'
    """
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", note))).strip()

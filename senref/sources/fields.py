"""Small helpers shared by the source parsers: markup cleaning, container field per type, dates."""

from __future__ import annotations

import html
import re
from typing import Any

from senref.core.model import Item

#: Where each item type keeps the name of the thing it was published in.
CONTAINER_FIELD = {
    "journalArticle": "publicationTitle", "magazineArticle": "publicationTitle",
    "newspaperArticle": "publicationTitle", "bookSection": "bookTitle", "conferencePaper": "proceedingsTitle",
    "preprint": "repository", "dataset": "repository", "encyclopediaArticle": "encyclopediaTitle",
}
_TITLE_ELEMENT = re.compile(r"<(?:jats:)?title[^>]*>\s*(?:abstract|summary|résumé)\s*</(?:jats:)?title>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(?:jats:)?(?:p|sec|title|div|li|AbstractText)\s*>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]{0,2000}>")
_SPACES = re.compile(r"[ \t\r\f\v]+")


def clean_markup(text: str | None) -> str:
    """Plain text from JATS/HTML abstracts: paragraphs kept as blank-line breaks, tags and entities gone.

    >>> clean_markup("<jats:title>Abstract</jats:title><jats:p>Senescent cells &amp; "
    ...              "<jats:italic>SASP</jats:italic>.</jats:p><jats:p>Second.</jats:p>")
    'Senescent cells & SASP.\\n\\nSecond.'
    """
    if not text:
        return ""
    text = _TITLE_ELEMENT.sub("", text)
    text = _BLOCK_END.sub("\n\n", text)
    text = html.unescape(_TAG.sub("", text))
    paragraphs = [_SPACES.sub(" ", p.replace("\n", " ")).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def set_container(item: Item, name: str) -> None:
    """Store the journal/book/proceedings name in the field the item's type uses."""
    if name:
        item.fields[CONTAINER_FIELD.get(item.item_type, "publicationTitle")] = name


def date_from_parts(value: Any) -> str:
    """CSL/Crossref `{"date-parts": [[2021, 3, 31]]}` as "2021-03-31" ("2021", "2021-03" when partial).

    >>> date_from_parts({"date-parts": [[2021, 3]]})
    '2021-03'
    >>> date_from_parts({"date-parts": [[None]]})
    ''
    """
    if not isinstance(value, dict):
        return ""
    parts = value.get("date-parts")
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
        return str(value.get("raw") or value.get("literal") or "")
    numbers: list[int] = []
    for part in parts[0][:3]:
        try:
            numbers.append(int(part))
        except (TypeError, ValueError):
            break
    if not numbers:
        return ""
    return "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:])])


def first_text(value: Any) -> str:
    """A string from a value that may be a string, a list of strings, or missing."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return value.strip() if isinstance(value, str) else ""

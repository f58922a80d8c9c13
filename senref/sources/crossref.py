"""Crossref REST `/works/{doi}` and CSL-JSON (the same record shape), parsed into an Item."""

from __future__ import annotations

import urllib.parse
from typing import Any

from senref.core.model import Creator, Item
from senref.sources.base import NotFound, PdfCandidate, SourceError, squash
from senref.sources.fields import clean_markup, date_from_parts, first_text, set_container
from senref.sources.http import HttpClient, HttpError
from senref.sources.netguard import is_web_link

#: Crossref work types and CSL types -> Zotero item types.
WORK_TYPES = {
    "journal-article": "journalArticle", "article-journal": "journalArticle",
    "book": "book", "monograph": "book", "edited-book": "book", "reference-book": "book",
    "book-chapter": "bookSection", "chapter": "bookSection", "book-section": "bookSection",
    "proceedings-article": "conferencePaper", "paper-conference": "conferencePaper",
    "posted-content": "preprint", "report": "report", "dissertation": "thesis", "thesis": "thesis",
    "dataset": "dataset", "article-magazine": "magazineArticle", "article-newspaper": "newspaperArticle",
    "reference-entry": "encyclopediaArticle", "entry-encyclopedia": "encyclopediaArticle",
    "software": "computerProgram", "standard": "standard",
}


def creators_from_csl(people: Any, creator_type: str = "author") -> list[Creator]:
    """CSL/Crossref `[{given, family} | {name}]` as creators (consortia keep their single name)."""
    creators: list[Creator] = []
    for person in people if isinstance(people, list) else []:
        if not isinstance(person, dict):
            continue
        given = squash(str(person.get("given") or ""))
        family = squash(str(person.get("family") or ""))
        literal = squash(str(person.get("name") or person.get("literal") or ""))
        if family:
            creators.append(Creator(creator_type, given, family))
        elif literal:
            creators.append(Creator(creator_type, name=literal))
    return creators


def item_from_csl(data: Any) -> Item:
    """A Crossref `message` or a CSL-JSON object as an Item."""
    if not isinstance(data, dict):
        raise SourceError("metadata record is not a JSON object")
    item = Item(item_type=WORK_TYPES.get(str(data.get("type") or ""), "document"))
    title = squash(first_text(data.get("title")))
    subtitle = squash(first_text(data.get("subtitle")))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    if title:
        item.fields["title"] = title
    set_container(item, squash(first_text(data.get("container-title"))))
    abbreviation = squash(first_text(data.get("short-container-title") or data.get("container-title-short")))
    if abbreviation and item.item_type == "journalArticle":
        item.fields["journalAbbreviation"] = abbreviation
    for name, key in (("volume", "volume"), ("issue", "issue"), ("pages", "page"), ("publisher", "publisher"),
                      ("url", "URL"), ("language", "language")):
        value = first_text(data.get(key)) if not isinstance(data.get(key), int) else str(data.get(key))
        if value:
            item.fields[name] = value.replace("\u2013", "-") if name == "pages" else value
    issn = first_text(data.get("ISSN"))
    if issn:
        item.fields["ISSN"] = issn
    date = ""
    for key in ("published-print", "issued", "published-online", "published", "created"):
        date = date_from_parts(data.get(key))
        if date:
            break
    if date:
        item.fields["date"] = date
    abstract = clean_markup(data.get("abstract") if isinstance(data.get("abstract"), str) else "")
    if abstract:
        item.fields["abstractNote"] = abstract
    item.creators = creators_from_csl(data.get("author")) + creators_from_csl(data.get("editor"), "editor")
    doi = data.get("DOI")
    if isinstance(doi, str):
        item.set_identifier("doi", doi)
    isbn = first_text(data.get("ISBN"))
    if isbn:
        item.set_identifier("isbn", isbn)
    return item


def publisher_pdfs(data: dict[str, Any]) -> list[PdfCandidate]:
    """Publisher links Crossref lists as `application/pdf` (text-mining links; often paywalled)."""
    out: list[PdfCandidate] = []
    for link in data.get("link") or []:
        if isinstance(link, dict) and link.get("content-type") == "application/pdf" and is_web_link(link.get("URL")):
            out.append(PdfCandidate(str(link["URL"]), "crossref", "publisher", "publisher link in Crossref"))
    return out


def fetch_work(client: HttpClient, base: str, doi: str) -> dict[str, Any]:
    """GET `/works/{doi}`; a 404 (plain text `Resource not found.`) is NotFound."""
    url = f"{base}/works/{urllib.parse.quote(doi, safe='/()')}"
    try:
        data = client.get(url).json()
    except HttpError as exc:
        if exc.status == 404:
            raise NotFound("Crossref does not know this DOI") from exc
        raise SourceError(f"Crossref lookup failed: {exc.reason}") from exc
    except ValueError as exc:
        raise SourceError("Crossref answered with something that is not JSON") from exc
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict) or data.get("status") != "ok":
        raise SourceError("Crossref answered without a work record")
    return message

"""DataCite REST `/dois/{doi}` (JSON:API), parsed into an Item."""

from __future__ import annotations

import urllib.parse
from typing import Any

from senref.core.model import Creator, Item
from senref.sources.base import NotFound, PdfCandidate, SourceError, squash
from senref.sources.fields import clean_markup, set_container
from senref.sources.http import HttpClient, HttpError
from senref.sources.netguard import is_web_link

#: DataCite resourceTypeGeneral -> Zotero item type.
RESOURCE_TYPES = {
    "JournalArticle": "journalArticle", "Text": "document", "Preprint": "preprint", "Book": "book",
    "BookChapter": "bookSection", "ConferencePaper": "conferencePaper", "Dissertation": "thesis",
    "Report": "report", "Dataset": "dataset", "Software": "computerProgram",
}


def item_from_datacite(data: Any) -> tuple[Item, list[PdfCandidate]]:
    """A `/dois/{doi}` body (`{"data": {"attributes": {...}}}`) as an Item and its content URL, if any."""
    record = data.get("data") if isinstance(data, dict) else None
    attrs = record.get("attributes") if isinstance(record, dict) else None
    if not isinstance(attrs, dict):
        raise SourceError("DataCite answered without a DOI record")
    raw_types = attrs.get("types")
    types: dict[str, Any] = raw_types if isinstance(raw_types, dict) else {}
    item = Item(item_type=RESOURCE_TYPES.get(str(types.get("resourceTypeGeneral") or ""), "document"))
    titles = [t for t in attrs.get("titles") or [] if isinstance(t, dict) and t.get("title")]
    main = next((t for t in titles if not t.get("titleType")), titles[0] if titles else None)
    if main:
        item.fields["title"] = squash(str(main["title"]))
    for creator in attrs.get("creators") or []:
        if not isinstance(creator, dict):
            continue
        family, given = squash(creator.get("familyName")), squash(creator.get("givenName"))
        name = squash(creator.get("name"))
        if family:
            item.creators.append(Creator("author", given, family))
        elif name and creator.get("nameType") == "Personal" and "," in name:
            last, _, first = name.partition(",")
            item.creators.append(Creator("author", first.strip(), last.strip()))
        elif name:
            item.creators.append(Creator("author", name=name))
    publisher = attrs.get("publisher")
    if isinstance(publisher, dict):
        publisher = publisher.get("name")
    if isinstance(publisher, str) and publisher.strip():
        item.fields["publisher"] = publisher.strip()
    raw_container = attrs.get("container")
    container: dict[str, Any] = raw_container if isinstance(raw_container, dict) else {}
    set_container(item, squash(container.get("title")))
    for name in ("volume", "issue"):
        if container.get(name):
            item.fields[name] = str(container[name])
    if container.get("firstPage"):
        item.fields["pages"] = "-".join(str(container[k]) for k in ("firstPage", "lastPage") if container.get(k))
    year = attrs.get("publicationYear")
    issued = next((d.get("date") for d in attrs.get("dates") or []
                   if isinstance(d, dict) and d.get("dateType") == "Issued" and d.get("date")), None)
    if issued or year:
        item.fields["date"] = str(issued or year)
    for description in attrs.get("descriptions") or []:
        if isinstance(description, dict) and description.get("descriptionType") == "Abstract":
            text = clean_markup(str(description.get("description") or ""))
            if text:
                item.fields["abstractNote"] = text
                break
    if attrs.get("url"):
        item.fields["url"] = str(attrs["url"])
    if attrs.get("version") and item.item_type in ("computerProgram", "dataset"):
        item.fields["versionNumber"] = str(attrs["version"])
    if attrs.get("language"):
        item.fields["language"] = str(attrs["language"])
    if isinstance(attrs.get("doi"), str):
        item.set_identifier("doi", attrs["doi"])
    pdfs = []
    content = attrs.get("contentUrl")
    for url in content if isinstance(content, list) else [content] if content else []:
        if isinstance(url, str) and is_web_link(url):
            pdfs.append(PdfCandidate(url, "datacite", "repository", "content URL in DataCite"))
    return item, pdfs


def fetch_doi(client: HttpClient, base: str, doi: str) -> dict[str, Any]:
    """GET `/dois/{doi}`; a 404 (JSON:API errors body) is NotFound."""
    url = f"{base}/dois/{urllib.parse.quote(doi, safe='/()')}"
    try:
        data = client.get(url, accept="application/vnd.api+json").json()
    except HttpError as exc:
        if exc.status == 404:
            raise NotFound("DataCite does not know this DOI") from exc
        raise SourceError(f"DataCite lookup failed: {exc.reason}") from exc
    except ValueError as exc:
        raise SourceError("DataCite answered with something that is not JSON") from exc
    if not isinstance(data, dict):
        raise SourceError("DataCite answered without a DOI record")
    return data

"""Integrity notices (retractions, corrections, expressions of concern...) read from Crossref, PubMed and OpenAlex.

Pure functions over parsed answers; the HTTP side is `senref.sources.integrity`.

Crossref links a work and its notice both ways (`update-to` on the notice, `updated-by` on the work), but
publishers also write the mirror entry: Elsevier's notices carry an `updated-by` pointing back at the
retracted paper, and the retracted paper an `update-to` pointing at its notice. Which side is the notice is
decided by Retraction Watch's entries (curated, always in the right direction), then by the title
("Retraction—...", "Correction: ..." against "RETRACTED: ..."). A notice is not itself flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from lxml import etree

KINDS = ("retracted", "withdrawn", "expression_of_concern", "corrected", "updated")
#: status names from worst to mildest; "ok" when there is no notice, "unknown" when nothing could be asked
PRECEDENCE = {kind: rank for rank, kind in enumerate(KINDS)}
SOURCES = ("crossref", "retraction-watch", "pubmed", "openalex")
#: de-duplication keeps the entry of the most informative source (Retraction Watch has the record id)
SOURCE_RANK = {"retraction-watch": 3, "crossref": 2, "pubmed": 1, "openalex": 0}

#: Crossref update types (Crossmark deposit schema and Retraction Watch's), as senref kinds. A partial
#: retraction leaves the paper standing: it counts as a correction, its label says what it was.
CROSSREF_KINDS = {
    "retraction": "retracted", "removal": "withdrawn", "withdrawal": "withdrawn",
    "expression_of_concern": "expression_of_concern", "correction": "corrected", "erratum": "corrected",
    "corrigendum": "corrected", "addendum": "corrected", "clarification": "corrected",
    "partial_retraction": "corrected", "new_version": "updated", "new_edition": "updated",
}
#: PubMed CommentsCorrections RefTypes naming a notice about this record (the ...Of/...For types name the
#: record a notice is about: another article).
PUBMED_KINDS = {
    "RetractionIn": "retracted", "RetractedandRepublishedIn": "retracted", "PartialRetractionIn": "corrected",
    "ErratumIn": "corrected", "CorrectedandRepublishedIn": "corrected",
    "ExpressionOfConcernIn": "expression_of_concern", "UpdateIn": "updated",
}
PUBMED_LABELS = {"retracted": "Retraction", "corrected": "Erratum", "expression_of_concern": "Expression of concern",
                 "updated": "Updated version", "withdrawn": "Withdrawal"}
#: PubMed publication types of records that ARE notices
PUBMED_NOTICE_TYPES = frozenset({"Retraction of Publication", "Published Erratum", "Expression of Concern"})
#: OpenAlex work types of notices (OpenAlex flags a retraction notice `is_retracted` too)
OPENALEX_NOTICE_TYPES = frozenset({"retraction", "erratum"})
PUBMED_PAGE = "https://pubmed.ncbi.nlm.nih.gov/{}/"

#: "Retraction—...", "Correction: ...", "Erratum to ...", "Notice of retraction"; not "Correction of DNA damage"
_NOTICE_TITLE = re.compile(r"^\W*(?:notice of |editorial |partial )?(?:retraction|correction|erratum|corrigendum"
                           r"|expression of concern|withdrawal|addendum)(?:\s*[:.\u2013\u2014-]|\s+(?:notice|to|for)\b"
                           r"|\s*$)", re.IGNORECASE)
_RETRACTED_TITLE = re.compile(r"^\W*(?:RETRACTED|WITHDRAWN|Retracted(?: article)?:|Withdrawn:)", re.UNICODE)
_DOI_IN_TEXT = re.compile(r"\bdoi:\s*(10\.\d{4,9}/\S+?)\.?(?:\s|$)", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                        "nov", "dec"), start=1)}
_REF_DATE = re.compile(r"\b(1[89]\d\d|2\d\d\d)(?: ([A-Z][a-z]{2})(?:[a-z-]*)(?: (\d{1,2}))?)?\b")


@dataclass(frozen=True)
class IntegrityNotice:
    """One notice about a work: what it says (kind), where it is, who told us."""

    kind: str
    notice_doi: str
    date: str
    source: str
    url: str
    label: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IntegrityNotice:
        return cls(**{name: str(data.get(name) or "") for name in
                      ("kind", "notice_doi", "date", "source", "url", "label")})


def status_of(notices: Iterable[IntegrityNotice]) -> str:
    """The worst kind among *notices*, "ok" when there is none.

    >>> status_of([]), status_of([IntegrityNotice("corrected", "", "", "pubmed", "", ""),
    ...                           IntegrityNotice("withdrawn", "", "", "pubmed", "", "")])
    ('ok', 'withdrawn')
    """
    kinds = [n.kind for n in notices if n.kind in PRECEDENCE]
    return min(kinds, key=PRECEDENCE.__getitem__) if kinds else "ok"


def deduplicate(notices: Iterable[IntegrityNotice]) -> list[IntegrityNotice]:
    """One notice per (kind, notice DOI or link), the most informative source's, a missing date filled in."""
    kept: dict[tuple[str, str], IntegrityNotice] = {}
    for notice in notices:
        key = (notice.kind, notice.notice_doi.lower() or notice.url)
        old = kept.get(key)
        if old is None:
            kept[key] = notice
            continue
        best, other = (notice, old) if SOURCE_RANK.get(notice.source, -1) > SOURCE_RANK.get(old.source, -1) \
            else (old, notice)
        if not best.date and other.date:
            best = IntegrityNotice(best.kind, best.notice_doi, other.date, best.source, best.url, best.label)
        kept[key] = best
    return sorted(kept.values(), key=lambda n: (PRECEDENCE.get(n.kind, len(KINDS)), not n.date, n.date, n.notice_doi))


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}" if doi else ""


# -- Crossref ---------------------------------------------------------------------------------

def _date_parts(value: Any) -> str:
    """`{"date-parts": [[2020, 6, 5]]}` -> "2020-06-05" (fewer parts, shorter date; unreadable: "")."""
    try:
        parts = [int(p) for p in value["date-parts"][0] if p is not None]
    except (KeyError, IndexError, TypeError, ValueError):
        return ""
    if not parts:
        return ""
    return "-".join([f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:3])])


def _entries(work: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = work.get(key)
    return [e for e in value if isinstance(e, dict) and isinstance(e.get("DOI"), str)] \
        if isinstance(value, list) else []


def _source(entry: Mapping[str, Any]) -> str:
    # Deposits before Crossref recorded Retraction Watch's data have no `source`: they are the publisher's.
    return "retraction-watch" if entry.get("source") == "retraction-watch" else "crossref"


def _title(work: Mapping[str, Any]) -> str:
    title = work.get("title")
    if isinstance(title, list):
        title = next((t for t in title if isinstance(t, str)), "")
    return title if isinstance(title, str) else ""


def is_notice(work: Mapping[str, Any]) -> bool:
    """Whether this Crossref work is a notice about another work (not a work that was updated)."""
    own = str(work.get("DOI") or "").lower()
    targets = {e["DOI"].lower() for e in _entries(work, "update-to")} - {own}
    if not targets:
        return False
    if any(_source(e) == "retraction-watch" for e in _entries(work, "updated-by")):
        return False
    if any(_source(e) == "retraction-watch" for e in _entries(work, "update-to")):
        return True
    title = _title(work)
    if _RETRACTED_TITLE.match(title):
        return False
    if _NOTICE_TITLE.match(title):
        return True
    # No curated entry and no telling title: a notice unless it is itself named as updated by one of the
    # works it points at (the mirror case). Flagging a notice by mistake beats missing a retraction.
    return not ({e["DOI"].lower() for e in _entries(work, "updated-by")} & targets)


def _crossref_notice(entry: Mapping[str, Any], notice_doi: str) -> IntegrityNotice:
    kind_name = str(entry.get("type") or "").lower().replace("-", "_").replace(" ", "_")
    kind = CROSSREF_KINDS.get(kind_name, "updated")
    source = _source(entry)
    label = str(entry.get("label") or kind_name.replace("_", " ").capitalize() or "Update")
    date = _date_parts(entry.get("updated"))
    record = f", Retraction Watch record {entry['record-id']}" if entry.get("record-id") else ""
    by = "Retraction Watch" if source == "retraction-watch" else "Crossref"
    text = f"{label}: {notice_doi}" + (f" ({date})" if date else "") + (record or f", via {by}")
    return IntegrityNotice(kind, notice_doi, date, source, doi_url(notice_doi), text)


def crossref_notices(work: Mapping[str, Any]) -> list[IntegrityNotice]:
    """Notices about this Crossref work (`message` of `/works/{doi}`), from its `updated-by` entries and any
    `update-to` entry pointing at itself (an in-place retraction); nothing for a work that is a notice."""
    if is_notice(work):
        return []
    own = str(work.get("DOI") or "")
    found = [_crossref_notice(e, e["DOI"]) for e in _entries(work, "updated-by")]
    found += [_crossref_notice(e, e["DOI"]) for e in _entries(work, "update-to")
              if e["DOI"].lower() == own.lower()]
    return deduplicate(found)


def notices_from_update_to(notice_work: Mapping[str, Any], target_doi: str) -> list[IntegrityNotice]:
    """What *notice_work* (an item of `/works?filter=updates:{target_doi}`) says about *target_doi*.

    A work that only mirrors the link (the updated work, pointing at its own notice) says nothing.
    """
    own = str(notice_work.get("DOI") or "")
    if not own or (own.lower() != target_doi.lower() and not is_notice(notice_work)):
        return []
    return deduplicate(_crossref_notice(e, own) for e in _entries(notice_work, "update-to")
                       if e["DOI"].lower() == target_doi.lower())


# -- PubMed -----------------------------------------------------------------------------------

def _ref_date(text: str) -> str:
    """The citation date in a RefSource ("Lancet. 2010 Feb 6;375(9713):445") as ISO: "2010-02-06"."""
    match = _REF_DATE.search(text.split(";", maxsplit=1)[0])
    if not match:
        return ""
    year, month, day = match.groups()
    number = _MONTHS.get((month or "").lower(), 0)
    if not number:
        return year
    return f"{year}-{number:02d}" + (f"-{int(day):02d}" if day else "")


def _pubmed_articles(article_xml: etree._Element | bytes) -> list[etree._Element]:
    if isinstance(article_xml, bytes):
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        article_xml = etree.fromstring(article_xml, parser)
    if article_xml.tag == "PubmedArticleSet":
        return [a for a in article_xml if a.tag == "PubmedArticle"]
    return [article_xml]


def pubmed_notices(article_xml: etree._Element | bytes) -> list[IntegrityNotice]:
    """Notices about a PubMed record (a `PubmedArticle`, or an efetch answer holding one), from its
    CommentsCorrections and publication types; a record that is itself a notice yields nothing."""
    found: list[IntegrityNotice] = []
    for article in _pubmed_articles(article_xml):
        types = {"".join(t.itertext()).strip() for t in article.iter("PublicationType")}
        if types & PUBMED_NOTICE_TYPES:
            continue
        own = (article.findtext("MedlineCitation/PMID") or "").strip()
        mine: list[IntegrityNotice] = []
        for ref in article.iter("CommentsCorrections"):
            kind = PUBMED_KINDS.get(ref.get("RefType") or "")
            if kind is None:
                continue
            source_text = " ".join((ref.findtext("RefSource") or "").split())
            pmid = (ref.findtext("PMID") or "").strip()
            doi_match = _DOI_IN_TEXT.search(source_text)
            doi = doi_match.group(1) if doi_match else ""
            url = PUBMED_PAGE.format(pmid) if pmid else doi_url(doi)
            where = f"PMID {pmid}" if pmid else doi
            label = f"{PUBMED_LABELS[kind]}: {source_text or where}" + (f" (PMID {pmid})" if pmid and source_text
                                                                        else "")
            mine.append(IntegrityNotice(kind, doi, _ref_date(source_text), "pubmed", url, label))
        if "Retracted Publication" in types and not any(n.kind == "retracted" for n in mine):
            mine.append(IntegrityNotice("retracted", "", "", "pubmed", PUBMED_PAGE.format(own) if own else "",
                                        "PubMed lists this record as a Retracted Publication"))
        found += mine
    return deduplicate(found)


# -- OpenAlex ---------------------------------------------------------------------------------

def openalex_notices(work: Mapping[str, Any]) -> list[IntegrityNotice]:
    """OpenAlex's `is_retracted` flag (no notice DOI: OpenAlex does not say which notice). OpenAlex flags
    retraction notices too; a work OpenAlex types as a notice is not marked."""
    if work.get("is_retracted") is not True or work.get("type") in OPENALEX_NOTICE_TYPES:
        return []
    url = str(work.get("id") or "") or str(work.get("doi") or "")
    return [IntegrityNotice("retracted", "", "", "openalex", url, "OpenAlex marks this work as retracted")]

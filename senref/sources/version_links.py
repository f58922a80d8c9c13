"""Reading what each service says about a preprint's published version (and an article's preprints).

Pure functions over the services' answers: Crossref `relation` (`is-preprint-of` / `has-preprint`),
bioRxiv/medRxiv's `pubs` endpoint, PubMed `CommentsCorrections` of type `UpdateIn` / `UpdateOf`, HAL's
`doiId_s` on a deposit that was first a preprint, and arXiv's `arxiv:doi` / `arxiv:journal_ref`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from lxml import etree

from senref.core import identifiers as ids

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;])")
#: DOI prefixes of preprint servers: bioRxiv and medRxiv (Cold Spring Harbor), Research Square,
#: arXiv's DataCite DOIs, SSRN, Preprints.org, OSF preprints.
PREPRINT_DOI_PREFIXES = ("10.1101/", "10.21203/", "10.48550/", "10.2139/", "10.20944/", "10.31219/")
PREPRINT_SERVERS = ("biorxiv", "medrxiv", "arxiv", "research square", "ssrn", "preprints.org", "osf preprints",
                    "chemrxiv", "hal")


@dataclass(frozen=True)
class Version:
    """Another version of a work, as one source names it: by DOI, or by PMID when PubMed knows no DOI."""

    doi: str
    source: str
    pmid: str = ""
    journal: str = ""
    date: str = ""

    @property
    def label(self) -> str:
        where = f"doi:{self.doi}" if self.doi else f"PMID {self.pmid}"
        return " ".join(filter(None, [where, f"({self.journal})" if self.journal else "", f"via {self.source}"]))

    def to_json(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Version:
        return cls(**{k: str(data.get(k) or "") for k in ("doi", "source", "pmid", "journal", "date")})


def _doi(value: Any) -> str:
    return ids.normalize_doi(str(value or "")) or ""


def merge_versions(found: Iterable[Version]) -> list[Version]:
    """One entry per work (by DOI, else PMID), the first source's wording kept and gaps filled by the others."""
    out: dict[str, Version] = {}
    for version in found:
        key = f"doi:{version.doi.lower()}" if version.doi else f"pmid:{version.pmid}"
        if not version.doi and not version.pmid:
            continue
        kept = out.get(key)
        if kept is None:
            out[key] = version
        else:
            out[key] = Version(kept.doi or version.doi, kept.source, kept.pmid or version.pmid,
                               kept.journal or version.journal, kept.date or version.date)
    return list(out.values())


# -- Crossref -----------------------------------------------------------------------------------

def crossref_relations(work: Mapping[str, Any], relation: str) -> list[Version]:
    """DOIs a Crossref work record relates to by *relation* (`is-preprint-of`, `has-preprint`)."""
    rel = work.get("relation")
    entries = rel.get(relation) if isinstance(rel, Mapping) else None
    out: list[Version] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, Mapping) or str(entry.get("id-type") or "doi").lower() != "doi":
            continue
        doi = _doi(entry.get("id"))
        if doi:
            out.append(Version(doi, "crossref"))
    return out


def crossref_is_preprint(work: Mapping[str, Any]) -> bool:
    return work.get("subtype") == "preprint" or (work.get("type") == "posted-content"
                                                 and work.get("subtype") in (None, "preprint"))


# -- bioRxiv / medRxiv --------------------------------------------------------------------------

def biorxiv_published(answer: Mapping[str, Any], preprint_doi: str) -> list[Version]:
    """The `pubs` endpoint's answer: `collection` rows naming `published_doi` for the preprint's DOI."""
    rows = answer.get("collection")
    out: list[Version] = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, Mapping):
            continue
        own = _doi(row.get("preprint_doi") or row.get("biorxiv_doi") or row.get("doi"))
        if own and not ids.same_identifier("doi", own, preprint_doi):
            continue
        doi = _doi(row.get("published_doi"))
        if doi and not ids.same_identifier("doi", doi, preprint_doi):
            out.append(Version(doi, "biorxiv", journal=str(row.get("published_journal") or ""),
                               date=str(row.get("published_date") or "")))
    return out


def biorxiv_answered(answer: Any) -> bool:
    """Whether a `pubs` answer is one (status "ok", or "no posts found": a preprint not yet published)."""
    return isinstance(answer, Mapping) and isinstance(answer.get("messages"), list)


# -- PubMed ---------------------------------------------------------------------------------------

def pubmed_versions(content: bytes, ref_type: str = "UpdateIn") -> list[Version]:
    """PubMed's links of *ref_type* (`UpdateIn`: the later version; `UpdateOf`: the earlier one)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(content, parser)
    out: list[Version] = []
    for ref in root.iter("CommentsCorrections"):
        if ref.get("RefType") != ref_type:
            continue
        text = " ".join((ref.findtext("RefSource") or "").split())
        match = _DOI_IN_TEXT.search(text)
        pmid = (ref.findtext("PMID") or "").strip()
        doi = _doi(match.group(1)) if match else ""
        if doi or pmid.isdigit():
            out.append(Version(doi, "pubmed", pmid=pmid if pmid.isdigit() else "", journal=text.split(".")[0]))
    return out


def pubmed_doi(content: bytes) -> str:
    """The DOI of the (first) record in an efetch answer, from its ArticleIdList."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(content, parser)
    for node in root.iter("ArticleId"):
        if node.get("IdType") == "doi":
            return _doi(node.text)
    return ""


# -- HAL ------------------------------------------------------------------------------------------

def hal_published(docs: Iterable[Mapping[str, Any]], hal_id: str, own_doi: str = "") -> list[Version]:
    """A HAL deposit that now names a DOI other than the preprint's own: the published article's."""
    out: list[Version] = []
    for doc in docs:
        found = doc.get("halId_s")
        found_id = (found[0] if isinstance(found, list) and found else found) or ""
        if str(found_id).lower() != hal_id.lower():
            continue
        value = doc.get("doiId_s")
        doi = _doi(value[0] if isinstance(value, list) and value else value)
        if not doi or (own_doi and ids.same_identifier("doi", doi, own_doi)) or doi.lower().startswith(
                PREPRINT_DOI_PREFIXES):
            continue
        journal = doc.get("journalTitle_s")
        out.append(Version(doi, "hal", journal=str(journal[0] if isinstance(journal, list) and journal
                                                   else journal or "")))
    return out


# -- arXiv ----------------------------------------------------------------------------------------

def arxiv_published(content: bytes) -> list[Version]:
    """arXiv's `arxiv:doi` of an entry: the DOI its authors gave for the published version."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(content, parser)
    out: list[Version] = []
    for entry in root.iter(f"{_ATOM}entry"):
        doi = _doi(entry.findtext(f"{_ARXIV}doi"))
        if doi and not doi.lower().startswith("10.48550/"):
            journal = " ".join((entry.findtext(f"{_ARXIV}journal_ref") or "").split())
            out.append(Version(doi, "arxiv", journal=journal))
    return out


__all__ = ["PREPRINT_DOI_PREFIXES", "PREPRINT_SERVERS", "Version", "arxiv_published", "biorxiv_answered",
           "biorxiv_published", "crossref_is_preprint", "crossref_relations", "hal_published", "merge_versions",
           "pubmed_doi", "pubmed_versions"]

"""Find identifiers (DOI, HAL, PMID, PMCID, arXiv, ISBN, NCT) in any text or URL and group those of one work.

Everything here is pure: no network, no library. `find_identifiers` reports each identifier with its
position; `group_works` turns a pasted block into works, so that a HAL citation carrying both
`⟨10.1093/jnci/djab064⟩` and `⟨inserm-03547029⟩` is one work, not two.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from dataclasses import dataclass, field

from senref.core import identifiers as ids

#: DOI body: anything up to whitespace, quotes, angle brackets or the ⟨ ⟩ HAL puts around ids.
_DOI = re.compile(r"10\.\d{4,9}/[^\s\"'<>⟨⟩\[\]{}|\\^`]+", re.IGNORECASE)
_URL = re.compile(
    r"(?:https?://|www\.|(?<![\w@./-])(?:[\w-]+\.)*(?:hal\.science|archives-ouvertes\.fr|doi\.org|arxiv\.org|"
    r"ncbi\.nlm\.nih\.gov)/)[^\s\"'<>⟨⟩]+",
    re.IGNORECASE,
)
_HAL_IN_PATH = re.compile(r"/([a-z][a-z0-9_]*(?:-[a-z][a-z0-9_]*)*-\d{8})(?:v(\d{1,3}))?(?=[/?#.]|$)", re.IGNORECASE)
_HAL = re.compile(r"(?<![\w./-])([a-z][a-z0-9_]*(?:-[a-z][a-z0-9_]*)*-\d{8})(?:v(\d{1,3}))?(?![\w-])", re.IGNORECASE)
_PMID = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b", re.IGNORECASE)
_PMCID = re.compile(r"(?<![\w/])(?:PMCID\s*:?\s*)?(PMC\d{3,9})\b", re.IGNORECASE)
_ARXIV_NEW = re.compile(r"\barXiv\s*:?\s*(\d{4}\.\d{4,5})(v\d+)?\b", re.IGNORECASE)
_ARXIV_OLD = re.compile(r"\barXiv\s*:?\s*([a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?\b", re.IGNORECASE)
_NCT = re.compile(r"(?<![\w/])(NCT\d{8})(?!\w)", re.IGNORECASE)
_ISBN_LABELLED = re.compile(r"\bISBN(?:-1[03])?\s*:?\s*((?:97[89][\s-]?)?\d[\d\s-]{7,14}[\dXx])\b")
_ISBN_BARE = re.compile(r"(?<![\d-])(97[89]-\d{1,5}-\d{1,7}-\d{1,7}-\d)(?![\d-])")
#: Trailing parts of publisher links that follow the DOI but are not part of it.
_DOI_URL_SUFFIX = re.compile(
    r"(?:/(?:full|abstract|pdf|epdf|fulltext|suppl_file|figures|references|meta|html|transform|agency)(?:/.*)?|"
    r"\.(?:full|abstract)(?:\.pdf(?:\+html)?)?|\.pdf|\.html?)$",
    re.IGNORECASE,
)
_BIORXIV_VERSION = re.compile(r"^(10\.1101/.+?)v\d+$", re.IGNORECASE)
_TRAILING = ".,;:!?*'\""
_HAL_HOST = re.compile(r"(^|\.)(hal\.science|archives-ouvertes\.fr|hal\.[a-z.-]+|[a-z-]*hal[a-z-]*\.[a-z.]+)$",
                       re.IGNORECASE)
#: The schemes that name exactly one work: two different values in one citation are two works.
SCHEMES = ("doi", "hal", "pmid", "pmcid", "arxiv", "isbn")


@dataclass(frozen=True)
class Found:
    """One identifier found in text: normalised value and where it was."""

    scheme: str
    value: str
    start: int
    end: int
    version: int | None = None


@dataclass
class Work:
    """Identifiers believed to name one work, plus the text they came from (for messages)."""

    identifiers: dict[str, str] = field(default_factory=dict)
    hal_version: int | None = None
    text: str = ""

    @property
    def label(self) -> str:
        """The most telling identifier, for progress lines ("doi:10.1093/jnci/djab064")."""
        for scheme in SCHEMES:
            if scheme in self.identifiers:
                return f"{scheme}:{self.identifiers[scheme]}"
        return self.text[:60]


def clean_doi(candidate: str) -> str | None:
    """Strip what commonly trails a DOI in prose and links, then normalise it.

    >>> clean_doi("10.1093/jnci/djab064).")
    '10.1093/jnci/djab064'
    >>> clean_doi("10.1016/S0022-3999(01)00297-8")
    '10.1016/S0022-3999(01)00297-8'
    >>> clean_doi("10.1101/2020.03.01.972000v2.full.pdf")
    '10.1101/2020.03.01.972000'
    >>> clean_doi("10.1111/acel.13100/abstract")
    '10.1111/acel.13100'
    """
    text = candidate.split("?", 1)[0].split("#", 1)[0]
    for _ in range(4):
        before = text
        text = text.rstrip(_TRAILING)
        # A closing bracket belongs to the DOI only when the DOI opened it: "10.1016/S0022-3999(01)00297-8".
        while text and text[-1] in ")]}" and text.count(text[-1]) > text.count({")": "(", "]": "[", "}": "{"}[text[-1]]):
            text = text[:-1]
        text = _DOI_URL_SUFFIX.sub("", text)
        if text == before:
            break
    match = _BIORXIV_VERSION.match(text)
    if match:
        text = match.group(1)
    return ids.normalize_doi(text)


def _unquote(text: str) -> str:
    """Undo URL-encoding only where it hides a DOI ("10.1093%2Fjnci%2Fdjab064")."""
    if "%2f" in text.lower() or "%3a" in text.lower():
        return urllib.parse.unquote(text)
    return text


def _from_url(url: str, start: int) -> list[Found]:
    """Identifiers inside one URL, read by what the host is known to put in its paths."""
    end = start + len(url)
    raw = url if "://" in url else "https://" + url
    decoded = _unquote(raw)
    parsed = urllib.parse.urlsplit(decoded)
    host = (parsed.hostname or "").lower()
    path = parsed.path
    found: list[Found] = []

    def add(scheme: str, value: str | None, version: int | None = None) -> None:
        if value:
            found.append(Found(scheme, value, start, end, version))

    if host.endswith("arxiv.org"):
        match = re.search(r"/(?:abs|pdf|html)/([a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}|\d{4}\.\d{4,5})(v\d+)?", path,
                          re.IGNORECASE)
        if match:
            add("arxiv", ids.normalize_arxiv(match.group(1)))
            return found
    if "ncbi.nlm.nih.gov" in host or host.endswith("europepmc.org"):
        pmc = re.search(r"(PMC\d{3,9})", path, re.IGNORECASE)
        if pmc:
            add("pmcid", ids.normalize_pmcid(pmc.group(1)))
            return found
        pmid = re.search(r"(?:^|/pubmed/|/article/MED/|^/)(\d{1,9})/?$", path)
        if pmid and ("pubmed" in host or "/pubmed/" in path or "europepmc" in host):
            add("pmid", ids.normalize_pmid(pmid.group(1)))
            return found
    if host.endswith("clinicaltrials.gov"):
        trial = re.search(r"(NCT\d{8})", decoded, re.IGNORECASE)
        if trial:
            add("nct", ids.normalize_nct(trial.group(1)))
            return found
    if _HAL_HOST.search(host) and "doi.org" not in host:
        match = _HAL_IN_PATH.search(path)
        hal = ids.normalize_hal(match.group(1)) if match else None
        if match and hal:
            add("hal", hal[0], int(match.group(2)) if match.group(2) else None)
            return found
    # doi.org links and publisher links that carry the DOI in their path or query.
    match = _DOI.search(path) or _DOI.search(urllib.parse.unquote(parsed.query))
    if match:
        doi_text = match.group(0)
        if match.re is _DOI and doi_text in path:
            doi_text = path[path.index(doi_text):]
        add("doi", clean_doi(doi_text))
    return found


def find_identifiers(text: str) -> list[Found]:
    """Every identifier in *text*, in order of appearance, each reported once per position.

    >>> [(f.scheme, f.value) for f in find_identifiers("Cancer, 2021. ⟨10.1093/jnci/djab064⟩. ⟨inserm-03547029⟩")]
    [('doi', '10.1093/jnci/djab064'), ('hal', 'inserm-03547029')]
    >>> [(f.scheme, f.value) for f in find_identifiers("https://inserm.hal.science/inserm-03547029v2/document")]
    [('hal', 'inserm-03547029')]
    >>> find_identifiers("PMID: 33792717 and arXiv:1605.08386v2")[1].value
    '1605.08386'
    """
    text = _unquote(html.unescape(text))
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING + ")")
        hits = _from_url(url, match.start())
        taken.append((match.start(), match.start() + len(url)))
        found.extend(hits)
    for match in _DOI.finditer(text):
        if not free(match.start(), match.end()):
            continue
        doi = clean_doi(match.group(0))
        if doi:
            found.append(Found("doi", doi, match.start(), match.end()))
            taken.append((match.start(), match.end()))
    for pattern, scheme in ((_ARXIV_OLD, "arxiv"), (_ARXIV_NEW, "arxiv")):
        for match in pattern.finditer(text):
            value = ids.normalize_arxiv(match.group(1))
            if value and free(match.start(), match.end()):
                found.append(Found(scheme, value, match.start(), match.end()))
                taken.append((match.start(), match.end()))
    for match in _PMID.finditer(text):
        value = ids.normalize_pmid(match.group(1))
        if value and free(match.start(), match.end()):
            found.append(Found("pmid", value, match.start(), match.end()))
            taken.append((match.start(), match.end()))
    for match in _PMCID.finditer(text):
        value = ids.normalize_pmcid(match.group(1))
        if value and free(match.start(), match.end()):
            found.append(Found("pmcid", value, match.start(), match.end()))
            taken.append((match.start(), match.end()))
    for match in _NCT.finditer(text):
        value = ids.normalize_nct(match.group(1))
        if value and free(match.start(), match.end()):
            found.append(Found("nct", value, match.start(), match.end()))
            taken.append((match.start(), match.end()))
    for pattern in (_ISBN_LABELLED, _ISBN_BARE):
        for match in pattern.finditer(text):
            value = ids.normalize_isbn(match.group(1))
            if value and free(match.start(), match.end()):
                found.append(Found("isbn", value, match.start(), match.end()))
                taken.append((match.start(), match.end()))
    for match in _HAL.finditer(text):
        if not free(match.start(), match.end()) or match.group(1)[:4].lower() == "pmid":
            continue
        hal = ids.normalize_hal(match.group(1))
        if hal:
            found.append(Found("hal", hal[0], match.start(), match.end(),
                               int(match.group(2)) if match.group(2) else None))
            taken.append((match.start(), match.end()))
    found.sort(key=lambda f: (f.start, f.end))
    return found


def group_works(text: str) -> list[Work]:
    """Split *text* into works: identifiers on one line join one work until a scheme repeats;
    works that share any identifier are then the same work.

    >>> [w.identifiers for w in group_works("Paper. 2021. ⟨10.1093/jnci/djab064⟩. ⟨inserm-03547029v1⟩")]
    [{'doi': '10.1093/jnci/djab064', 'hal': 'inserm-03547029'}]
    >>> len(group_works("10.1093/jnci/djab064 10.1111/acel.13100"))
    2
    """
    works: list[Work] = []
    trials: list[Work] = []
    for line in html.unescape(text).splitlines(keepends=True):
        current: Work | None = None
        for hit in find_identifiers(line):
            if hit.scheme == "nct":
                # A trial is a work of its own, never part of the paper that names it (see below).
                if not any(t.identifiers["nct"] == hit.value for t in trials):
                    trials.append(Work(text=hit.value, identifiers={"nct": hit.value}))
                continue
            if current is None or (hit.scheme in current.identifiers
                                   and not ids.same_identifier(hit.scheme, current.identifiers[hit.scheme], hit.value)):
                current = Work(text=line.strip())
                works.append(current)
            current.identifiers.setdefault(hit.scheme, hit.value)
            if hit.scheme == "hal" and hit.version is not None:
                current.hal_version = hit.version
    # Trial ids count only when nothing else was dropped: the NCT number a pasted citation or abstract
    # names is the trial the paper reports, not a second thing to add.
    return _union(works) if works else trials


def _union(works: list[Work]) -> list[Work]:
    """Merge works that share an identifier value, keeping the order of first appearance."""
    merged = list(works)
    changed = True
    # Repeat until stable: {hal} and {doi} only become one work once {doi, hal} has been seen.
    while changed:
        changed = False
        for i, target in enumerate(merged):
            for j in range(i + 1, len(merged)):
                work = merged[j]
                shares = any(ids.same_identifier(s, target.identifiers.get(s), v) for s, v in work.identifiers.items())
                conflict = any(s in target.identifiers and not ids.same_identifier(s, target.identifiers[s], v)
                               for s, v in work.identifiers.items())
                if shares and not conflict:
                    for scheme, value in work.identifiers.items():
                        target.identifiers.setdefault(scheme, value)
                    target.hal_version = target.hal_version or work.hal_version
                    del merged[j]
                    changed = True
                    break
            if changed:
                break
    return merged

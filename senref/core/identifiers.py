"""Normalise identifiers (DOI, HAL, PMID, PMCID, arXiv, ISBN) to the one form senref stores."""

from __future__ import annotations

import re
import urllib.parse

_DOI_PREFIX = re.compile(
    r"^(?:doi:\s*|(?:https?://)?(?:dx\.|www\.)?doi\.org/|urn:doi:|info:doi/)", re.IGNORECASE
)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
#: shortDOI aliases ("10/fqd6hj"), which doi.org resolves and Better BibTeX exports as given.
_SHORT_DOI = re.compile(r"^10/(?=[0-9a-z]*[a-z])[0-9a-z]{4,}$", re.IGNORECASE)
_HAL = re.compile(r"^([a-z][a-z0-9_]*(?:-[a-z][a-z0-9_]*)*-\d{8})(?:v(\d+))?$", re.IGNORECASE)
_PMCID = re.compile(r"^(?:pmc)?(\d{1,9})$", re.IGNORECASE)
_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?$", re.IGNORECASE)


#: Schemes whose values compare case-insensitively but are stored as given (DOI names are
#: case-insensitive over ASCII, DOI Handbook 3.4; publishers print them in mixed case).
CASE_INSENSITIVE_SCHEMES = frozenset({"doi"})


def normalize_doi(value: str) -> str | None:
    """Return the DOI as published (case kept) without resolver prefix, or None if it is not a DOI.

    >>> normalize_doi("https://doi.org/10.1093/JNCI/djab064")
    '10.1093/JNCI/djab064'
    >>> normalize_doi(" doi: 10.1093/jnci/djab064.")
    '10.1093/jnci/djab064'
    >>> normalize_doi("10.1093%2Fjnci%2Fdjab064")
    '10.1093/jnci/djab064'
    >>> normalize_doi("not a doi") is None, normalize_doi("10.12/x") is None
    (True, True)
    >>> normalize_doi("https://doi.org/10/fqd6hj"), normalize_doi("10/2021") is None
    ('10/fqd6hj', True)
    """
    text = value.strip()
    if "%2f" in text.lower():
        text = urllib.parse.unquote(text)
    text = _DOI_PREFIX.sub("", text).strip().rstrip(".,;:")
    text = text.strip("⟨⟩<>")
    if not _DOI_SHAPE.match(text) and not _SHORT_DOI.match(text):
        return None
    return text


def identifier_key(scheme: str, value: str) -> str:
    """The form two values of *scheme* are compared in: case-folded for DOIs, the value itself otherwise.

    >>> identifier_key("doi", "10.1093/JNCI/djab064")
    '10.1093/jnci/djab064'
    """
    if scheme.lower() == "isbn":
        return isbn_key(value) or value
    return value.lower() if scheme.lower() in CASE_INSENSITIVE_SCHEMES else value


def same_identifier(scheme: str, first: str | None, second: str | None) -> bool:
    """True when two (normalised) values of *scheme* name the same thing; never for a missing one.

    >>> same_identifier("doi", "10.1093/JNCI/djab064", "10.1093/jnci/DJAB064")
    True
    >>> same_identifier("doi", "10.1093/jnci/djab064", None)
    False
    """
    if not first or not second:
        return False
    return identifier_key(scheme, first) == identifier_key(scheme, second)


def normalize_hal(value: str) -> tuple[str, int | None] | None:
    """Split a HAL id into (id without version, version), or None if it is not a HAL id.

    >>> normalize_hal("inserm-03547029v2")
    ('inserm-03547029', 2)
    >>> normalize_hal("HAL-01234567")
    ('hal-01234567', None)
    >>> normalize_hal("10.1093/jnci") is None
    True
    """
    match = _HAL.match(value.strip())
    if not match:
        return None
    version = int(match.group(2)) if match.group(2) else None
    return match.group(1).lower(), version


def normalize_pmid(value: str) -> str | None:
    """Digits of a PMID without leading zeros.

    >>> normalize_pmid("PMID: 33792717")
    '33792717'
    """
    text = re.sub(r"^pmid:?\s*", "", value.strip(), flags=re.IGNORECASE)
    if not text.isdigit() or len(text) > 9:
        return None
    return str(int(text))


def normalize_pmcid(value: str) -> str | None:
    """PMCID as `PMC` plus digits.

    >>> normalize_pmcid("pmc8486329")
    'PMC8486329'
    """
    match = _PMCID.match(value.strip().replace("PMCID:", "").strip())
    return f"PMC{match.group(1)}" if match else None


def normalize_arxiv(value: str) -> str | None:
    """arXiv id without `arXiv:` prefix and without version.

    >>> normalize_arxiv("arXiv:1605.08386v2")
    '1605.08386'
    >>> normalize_arxiv("astro-ph/0601001")
    'astro-ph/0601001'
    """
    text = re.sub(r"^arxiv:\s*", "", value.strip(), flags=re.IGNORECASE)
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.match(text)
        if match:
            return match.group(1)
    return None


def normalize_isbn(value: str) -> str | None:
    """ISBN-13 digits (ISBN-10 converted), or None when the check digit is wrong.

    >>> normalize_isbn("0-306-40615-2")
    '9780306406157'
    >>> normalize_isbn("978-0-306-40615-7")
    '9780306406157'
    >>> normalize_isbn("978-0-306-40615-8") is None
    True
    """
    digits = re.sub(r"[^0-9Xx]", "", value.replace("ISBN", ""))
    if len(digits) == 10:
        if not digits[:9].isdigit():
            return None
        total = sum((10 - i) * (10 if c in "Xx" else int(c)) for i, c in enumerate(digits))
        if total % 11:
            return None
        digits = "978" + digits[:9]
        check = (10 - sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(digits)) % 10) % 10
        return digits + str(check)
    if len(digits) == 13 and digits.isdigit():
        total = sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(digits))
        return digits if total % 10 == 0 else None
    return None


_ISBN_PREFIX = re.compile(r"^\s*ISBN(?:-1[03])?\s*:?\s*", re.IGNORECASE)
_ISBN_CANDIDATE = re.compile(r"(?<![0-9])(?:97[89][-\s]?)?[0-9](?:[-\s]?[0-9]){8}[-\s]?[0-9Xx](?![0-9])")


def isbn_as_written(value: str) -> str | None:
    """The ISBN text as the record gives it (several ISBNs, hyphens, "(pbk.)" kept) when it holds a valid ISBN.

    Zotero's ISBN field is free text: a book often lists its print and e-book ISBNs together.

    >>> isbn_as_written("ISBN 978-0-306-40615-7")
    '978-0-306-40615-7'
    >>> isbn_as_written("978-90-277-1262-2 978-90-277-1263-9")
    '978-90-277-1262-2 978-90-277-1263-9'
    >>> isbn_as_written("978-0-306-40615-8") is None
    True
    """
    text = _ISBN_PREFIX.sub("", value.strip()).strip()
    return text if isbn_key(text) else None


def isbn_key(value: str) -> str:
    """ISBN-13 digits of the first valid ISBN in *value*, the form two ISBN texts are compared in ("" if none).

    >>> isbn_key("0-306-40615-2 (pbk.)") == isbn_key("9780306406157")
    True
    """
    for match in _ISBN_CANDIDATE.finditer(value.replace("\u2010", "-").replace("\u2013", "-")):
        found = normalize_isbn(match.group(0))
        if found:
            return found
    return ""


_NCT = re.compile(r"^\s*(?:nct\s*:?\s*)?(NCT\d{8})\s*$", re.IGNORECASE)


def normalize_nct(value: str) -> str | None:
    """A ClinicalTrials.gov registry id, "NCT" and eight digits.

    >>> normalize_nct("nct04780763"), normalize_nct("NCT: NCT04780763"), normalize_nct("NCT123")
    ('NCT04780763', 'NCT04780763', None)
    """
    match = _NCT.match(value or "")
    return match.group(1).upper() if match else None


def normalize(scheme: str, value: str) -> str | None:
    """Normalise *value* for *scheme*; the HAL version is dropped (see `normalize_hal`)."""
    scheme = scheme.lower()
    if scheme == "doi":
        return normalize_doi(value)
    if scheme == "hal":
        hal = normalize_hal(value)
        return hal[0] if hal else None
    if scheme == "pmid":
        return normalize_pmid(value)
    if scheme == "pmcid":
        return normalize_pmcid(value)
    if scheme == "arxiv":
        return normalize_arxiv(value)
    if scheme == "isbn":
        return isbn_as_written(value)
    if scheme == "nct":
        return normalize_nct(value)
    return None

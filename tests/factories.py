"""Builders for test items: the flagship record in its Crossref-like and HAL-like spellings."""

from __future__ import annotations

from senref.core.model import Creator, Item

FLAGSHIP_TITLE = "Therapy-Induced Senescence: Opportunities to Improve Anticancer Therapy"

#: The 32 authors as a publisher spells them (accents kept).
FLAGSHIP_AUTHORS = [
    ("Pataje G.", "Prasanna"), ("Deborah E.", "Citrin"), ("Jeffrey", "Hildesheim"), ("Mansoor M.", "Ahmed"),
    ("Sundar", "Venkatachalam"), ("Gabriela", "Riscuta"), ("Dan", "Xi"), ("Guangrong", "Zheng"),
    ("Jan", "van Deursen"), ("Jörg", "Goronzy"), ("Stephen J.", "Kron"), ("Mitchell S.", "Anscher"),
    ("Norman E.", "Sharpless"), ("Judith", "Campisi"), ("Stephen L.", "Brown"), ("Laura J.", "Niedernhofer"),
    ("Ana", "O'Loghlen"), ("Alexandros G.", "Georgakilas"), ("François", "Paris"), ("David", "Gius"),
    ("David A.", "Gewirtz"), ("Clemens A.", "Schmitt"), ("Mohamed E.", "Abazeed"), ("James L.", "Kirkland"),
    ("Ann", "Richmond"), ("Paul B.", "Romesser"), ("Scott W.", "Lowe"), ("Jesús", "Gil"),
    ("Marc S.", "Mendonca"), ("Sandeep", "Burma"), ("Daohong", "Zhou"), ("C. Norman", "Coleman"),
]

#: HAL's spellings: accents dropped, a typographic apostrophe, "Van" capitalised, initials without dots.
_HAL_SPELLING = {"Jörg": "Jorg", "François": "Francois", "Jesús": "Jesus", "O'Loghlen": "O’loghlen",
                 "van Deursen": "Van Deursen", "Pataje G.": "Pataje", "C. Norman": "C Norman"}


def flagship_crossref() -> Item:
    item = Item(item_type="journalArticle", fields={
        "title": FLAGSHIP_TITLE, "publicationTitle": "JNCI: Journal of the National Cancer Institute",
        "volume": "113", "issue": "10", "pages": "1285-1298", "date": "2021-10",
    })
    item.creators = [Creator("author", first, last) for first, last in FLAGSHIP_AUTHORS]
    item.set_identifier("doi", "https://doi.org/10.1093/JNCI/djab064")
    return item


def flagship_hal() -> Item:
    item = Item(item_type="journalArticle", fields={
        "title": "Therapy-Induced Senescence: Opportunities to Improve Anticancer Therapy",
        "publicationTitle": "JNCI: Journal of the National Cancer Institute", "date": "2021",
        "abstractNote": "Radiation and chemotherapy induce senescence in tumour and normal cells.",
    })
    item.creators = [Creator("author", _HAL_SPELLING.get(first, first), _HAL_SPELLING.get(last, last))
                     for first, last in FLAGSHIP_AUTHORS]
    item.set_identifier("hal", "inserm-03547029v1")
    return item

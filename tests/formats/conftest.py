"""Sample items for format tests: every kind of data the formats must carry."""

from __future__ import annotations

from pathlib import Path

import pytest

from senref.core.model import AUTOMATIC, Creator, Item, Note, Tag
from senref.formats.base import ExportContext


def sample_items() -> list[Item]:
    article = Item(item_type="journalArticle", fields={
        "title": "Therapy-induced senescence: opportunities to improve anticancer therapy",
        "abstractNote": "Senescent tumour cells persist after radiation & chemotherapy (50% of cases).",
        "publicationTitle": "Journal of the National Cancer Institute", "volume": "113", "issue": "10",
        "pages": "1285–1298", "date": "2021-03", "url": "https://academic.oup.com/jnci/article/113/10/1285/6174697",
        "journalAbbreviation": "J Natl Cancer Inst", "ISSN": "0027-8874", "language": "en",
    }, creators=[Creator("author", "Pataje G.", "Prasanna"), Creator("author", "Deborah E.", "Citrin"),
                 Creator("author", "Jürgen", "Müller"), Creator("author", name="TIS Consortium")],
        tags=[Tag("Senotherapeutics/Senolytics"), Tag("TIS/Radiation-induced", AUTOMATIC)],
        notes=[Note(html="<p>Key review for the <b>one-two punch</b> idea.</p>")])
    article.set_identifier("doi", "10.1093/jnci/djab064")
    article.set_identifier("pmid", "33792717")
    book = Item(item_type="book", fields={
        "title": "Cellular senescence in DNA damage responses", "publisher": "Springer", "place": "Cham",
        "date": "2019", "edition": "2", "series": "Methods in Molecular Biology"},
        creators=[Creator("editor", "Manuel", "Serrano"), Creator("author", "Judith", "Campisi")],
        tags=[Tag("SASP")])
    book.set_identifier("isbn", "978-3-030-12345-6")
    chapter = Item(item_type="bookSection", fields={
        "title": "β-galactosidase staining of senescent cells", "bookTitle": "Senescence methods",
        "pages": "31–40", "date": "2020-11-05", "publisher": "Humana", "place": "New York"},
        creators=[Creator("author", "Kristine", "van der Berg"), Creator("editor", "Lorenzo", "Galluzzi")])
    return [article, book, chapter]


@pytest.fixture
def items() -> list[Item]:
    return sample_items()


@pytest.fixture
def export_ctx(tmp_path: Path) -> ExportContext:
    return ExportContext(library_dir=tmp_path / "lib")


def read_items(fmt: object, path: Path) -> list[Item]:
    from senref.formats.base import ImportRecord

    records = list(fmt.read(path))  # type: ignore[attr-defined]
    problems = [r for r in records if not isinstance(r, ImportRecord)]
    assert not problems, problems
    return [r.item for r in records]

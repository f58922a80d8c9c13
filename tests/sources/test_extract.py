"""Identifier recognition over real-world-shaped strings, including the traps."""

from __future__ import annotations

import pytest

from senref.core.extract import find_identifiers, group_works

J = "10.1093/jnci/djab064"

#: (text, expected [(scheme, value), ...] in order of appearance)
CASES: list[tuple[str, list[tuple[str, str]]]] = [
    # DOIs: bare, prefixed, resolvers, case, punctuation
    ("10.1093/jnci/djab064", [("doi", J)]),
    ("10.1093/JNCI/DJAB064", [("doi", "10.1093/JNCI/DJAB064")]),  # kept as published, matched case-insensitively
    ("doi:10.1093/jnci/djab064", [("doi", J)]),
    ("DOI: 10.1093/jnci/djab064", [("doi", J)]),
    ("doi.org/10.1093/jnci/djab064", [("doi", J)]),
    ("https://doi.org/10.1093/jnci/djab064", [("doi", J)]),
    ("http://dx.doi.org/10.1093/jnci/djab064", [("doi", J)]),
    ("https://www.doi.org/10.1093/jnci/djab064", [("doi", J)]),
    ("See https://doi.org/10.1093/jnci/djab064.", [("doi", J)]),
    ("(doi:10.1093/jnci/djab064)", [("doi", J)]),
    ("[10.1093/jnci/djab064]", [("doi", J)]),
    ("10.1093/jnci/djab064;", [("doi", J)]),
    ("10.1093/jnci/djab064,", [("doi", J)]),
    ('"10.1093/jnci/djab064"', [("doi", J)]),
    ("⟨10.1093/jnci/djab064⟩", [("doi", J)]),
    ("&#x27E8;10.1093/jnci/djab064&#x27E9;", [("doi", J)]),
    ("<10.1093/jnci/djab064>", [("doi", J)]),
    ("10.1093%2Fjnci%2Fdjab064", [("doi", J)]),
    ("https://doi.org/10.1093%2Fjnci%2Fdjab064", [("doi", J)]),
    ("https://doi.org/10.1093/jnci/djab064?utm_source=alert", [("doi", J)]),
    ("https://doi.org/10.1093/jnci/djab064#abstract", [("doi", J)]),
    ("urn:doi:10.1093/jnci/djab064", [("doi", J)]),
    ("10.1016/S0022-3999(01)00297-8", [("doi", "10.1016/S0022-3999(01)00297-8")]),
    ("(see 10.1016/S0022-3999(01)00297-8)", [("doi", "10.1016/S0022-3999(01)00297-8")]),
    ("10.1002/(SICI)1097-4636(199706)35:4<507::AID-JBM11>3.0.CO;2-D", [("doi", "10.1002/(SICI)1097-4636(199706)35:4")]),
    ("10.1371/journal.pone.0033693", [("doi", "10.1371/journal.pone.0033693")]),
    ("10.5281/zenodo.28518", [("doi", "10.5281/zenodo.28518")]),
    ("10.18429/JACoW-IPAC2016-TUPMY003", [("doi", "10.18429/JACoW-IPAC2016-TUPMY003")]),
    ("10.1111/j.1365-2427.2008.01986.x", [("doi", "10.1111/j.1365-2427.2008.01986.x")]),
    ("10.1104/pp.67.5.922.", [("doi", "10.1104/pp.67.5.922")]),
    # publisher URLs that carry a DOI
    ("https://onlinelibrary.wiley.com/doi/10.1111/acel.13100", [("doi", "10.1111/acel.13100")]),
    ("https://onlinelibrary.wiley.com/doi/full/10.1111/acel.13100", [("doi", "10.1111/acel.13100")]),
    ("https://onlinelibrary.wiley.com/doi/epdf/10.1111/acel.13100", [("doi", "10.1111/acel.13100")]),
    ("https://onlinelibrary.wiley.com/doi/10.1111/acel.13100/abstract", [("doi", "10.1111/acel.13100")]),
    ("https://link.springer.com/article/10.1007/s00018-020-03546-0", [("doi", "10.1007/s00018-020-03546-0")]),
    ("https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0033693",
     [("doi", "10.1371/journal.pone.0033693")]),
    ("https://www.biorxiv.org/content/10.1101/2020.03.01.972000v2.full.pdf", [("doi", "10.1101/2020.03.01.972000")]),
    ("https://www.biorxiv.org/content/10.1101/2020.03.01.972000v1", [("doi", "10.1101/2020.03.01.972000")]),
    ("https://www.tandfonline.com/doi/pdf/10.1080/15384101.2020.1749461", [("doi", "10.1080/15384101.2020.1749461")]),
    ("https://www.pnas.org/doi/10.1073/pnas.1915239117", [("doi", "10.1073/pnas.1915239117")]),
    ("https://api.crossref.org/v1/works/10.1126%2Fscience.169.3946.635/transform",
     [("doi", "10.1126/science.169.3946.635")]),
    ("https://academic.oup.com/jnci/article/113/10/1285/6168055", []),  # trap: no DOI in the URL
    ("https://www.nature.com/articles/s41586-019-1365-2", []),
    # HAL ids and links
    ("inserm-03547029", [("hal", "inserm-03547029")]),
    ("inserm-03547029v2", [("hal", "inserm-03547029")]),
    ("hal-01234567", [("hal", "hal-01234567")]),
    ("HAL-01234567", [("hal", "hal-01234567")]),
    ("halshs-00123456", [("hal", "halshs-00123456")]),
    ("tel-01234567", [("hal", "tel-01234567")]),
    ("hal-pasteur-01234567v3", [("hal", "hal-pasteur-01234567")]),
    ("cea-01234567", [("hal", "cea-01234567")]),
    ("⟨inserm-03547029⟩", [("hal", "inserm-03547029")]),
    ("https://hal.science/inserm-03547029", [("hal", "inserm-03547029")]),
    ("https://inserm.hal.science/inserm-03547029", [("hal", "inserm-03547029")]),
    ("https://inserm.hal.science/inserm-03547029v1", [("hal", "inserm-03547029")]),
    ("https://inserm.hal.science/inserm-03547029/document", [("hal", "inserm-03547029")]),
    ("https://inserm.hal.science/inserm-03547029v2/document", [("hal", "inserm-03547029")]),
    ("https://hal.science/inserm-03547029/file/Prasanna_JNCI_2021.pdf", [("hal", "inserm-03547029")]),
    ("https://hal.archives-ouvertes.fr/hal-02001689", [("hal", "hal-02001689")]),
    ("https://hal.archives-ouvertes.fr/hal-02001689/document", [("hal", "hal-02001689")]),
    ("https://hal.inrae.fr/hal-02737739", [("hal", "hal-02737739")]),
    ("hal.science/hal-05324585", [("hal", "hal-05324585")]),
    ("https://theses.hal.science/tel-01234567v1/file/thesis.pdf", [("hal", "tel-01234567")]),
    ("covid-19", []),  # trap: not 8 digits
    ("2021-03-25", []),  # trap: a date
    ("hal-1234567", []),  # trap: 7 digits
    ("hal-012345678", []),  # trap: 9 digits
    # PMIDs and PMCIDs
    ("PMID: 33792717", [("pmid", "33792717")]),
    ("PMID 33792717", [("pmid", "33792717")]),
    ("pmid:33792717", [("pmid", "33792717")]),
    ("https://pubmed.ncbi.nlm.nih.gov/33792717/", [("pmid", "33792717")]),
    ("https://www.ncbi.nlm.nih.gov/pubmed/33792717", [("pmid", "33792717")]),
    ("33792717", []),  # trap: a bare number is not a PMID
    ("PMC8486333", [("pmcid", "PMC8486333")]),
    ("PMCID: PMC8486333", [("pmcid", "PMC8486333")]),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC8486333/", [("pmcid", "PMC8486333")]),
    ("https://pmc.ncbi.nlm.nih.gov/articles/PMC8486333/", [("pmcid", "PMC8486333")]),
    ("https://europepmc.org/article/MED/33792717", [("pmid", "33792717")]),
    # arXiv
    ("arXiv:1605.08386", [("arxiv", "1605.08386")]),
    ("arXiv:1605.08386v2", [("arxiv", "1605.08386")]),
    ("arxiv 2104.00001", [("arxiv", "2104.00001")]),
    ("arXiv:astro-ph/0601001", [("arxiv", "astro-ph/0601001")]),
    ("arXiv:hep-th/9901001v3", [("arxiv", "hep-th/9901001")]),
    ("https://arxiv.org/abs/1605.08386", [("arxiv", "1605.08386")]),
    ("https://arxiv.org/abs/1605.08386v1", [("arxiv", "1605.08386")]),
    ("https://arxiv.org/pdf/1605.08386v2", [("arxiv", "1605.08386")]),
    ("https://arxiv.org/pdf/1605.08386v2.pdf", [("arxiv", "1605.08386")]),
    ("http://arxiv.org/abs/astro-ph/0601001v1", [("arxiv", "astro-ph/0601001")]),
    ("pages 1285.1298", []),  # trap: looks like a new-style id without the arXiv label
    # ISBNs
    ("ISBN 978-0-306-40615-7", [("isbn", "9780306406157")]),
    ("ISBN: 0-306-40615-2", [("isbn", "9780306406157")]),
    ("ISBN-13: 9780306406157", [("isbn", "9780306406157")]),
    ("978-0-306-40615-7", [("isbn", "9780306406157")]),
    ("ISBN 978-0-306-40615-8", []),  # trap: wrong check digit
    # nothing at all
    ("", []),
    ("Therapy-induced senescence and the SASP", []),
    ("mailto:lab@example.org", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:50] or "empty" for c in CASES])
def test_find_identifiers(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.scheme, f.value) for f in find_identifiers(text)] == expected


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 80


def test_hal_version_is_kept_apart() -> None:
    [found] = find_identifiers("https://inserm.hal.science/inserm-03547029v2/document")
    assert (found.value, found.version) == ("inserm-03547029", 2)


def test_hal_citation_is_one_work() -> None:
    text = ("Pataje Prasanna, C Norman Coleman. Therapy-Induced Senescence: Opportunities to Improve Anticancer "
            "Therapy. JNCI, 2021, 113 (10), pp.1285-1298. ⟨10.1093/jnci/djab064⟩. ⟨inserm-03547029⟩")
    works = group_works(text)
    assert [w.identifiers for w in works] == [{"doi": J, "hal": "inserm-03547029"}]


def test_copied_hal_page_with_repeated_ids_is_one_work() -> None:
    page = ("inserm-03547029, version 1\nDOI : 10.1093/jnci/djab064\n"
            "Cite: JNCI, 2021. ⟨10.1093/jnci/djab064⟩. ⟨inserm-03547029⟩\nhttps://inserm.hal.science/inserm-03547029")
    assert [w.identifiers for w in group_works(page)] == [{"hal": "inserm-03547029", "doi": J}]


def test_list_of_dois_is_many_works() -> None:
    text = "10.1093/jnci/djab064\n10.1111/acel.13100, 10.1371/journal.pone.0033693\nPMID: 33792717"
    assert [w.label for w in group_works(text)] == [
        f"doi:{J}", "doi:10.1111/acel.13100", "doi:10.1371/journal.pone.0033693", "pmid:33792717"]


def test_doi_inside_a_hal_file_name_is_not_a_second_work() -> None:
    works = group_works("https://hal.science/hal-01234567/file/10.1093-jnci-djab064.pdf")
    assert [w.identifiers for w in works] == [{"hal": "hal-01234567"}]

"""Items built from the Zotero schema: every field of a type filled, every creator role present.

`schema_item(item_type)` is what the schema round-trip tests export and read back; other format tests import
it too. Values are realistic and distinct within an item, so a value landing in the wrong field is caught.
"""

from __future__ import annotations

from senref.core.model import Creator, Item
from senref.core.schema import CREATOR_TYPES, IDENTIFIER_FIELDS, ITEM_FIELDS, base_field

#: One realistic value per field name (dates as dates, pages as ranges). Fields sharing a base field get
#: values of the same kind so any format that maps through the base field can carry them.
FIELD_VALUES: dict[str, str] = {
    "title": "Cellular senescence in ageing and age-related disease",
    "caseName": "Brown v. Board of Education", "nameOfAct": "Clean Air Act",
    "subject": "Re: draft of the senescence review",
    "abstractNote": "A review of how senescent cells accumulate with age and drive chronic inflammation.",
    "publicationTitle": "Nature Reviews Molecular Cell Biology", "bookTitle": "Handbook of the Biology of Aging",
    "proceedingsTitle": "Proceedings of the 12th International Conference on Ageing Research",
    "encyclopediaTitle": "Encyclopedia of Gerontology", "dictionaryTitle": "Oxford Dictionary of Biochemistry",
    "websiteTitle": "Ageing Research Portal", "blogTitle": "The Senescence Blog", "forumTitle": "BioStars",
    "programTitle": "Science Friday", "sessionTitle": "Session 4B: Cellular stress", "reporter": "U.S. Reports",
    "code": "United States Code",
    "journalAbbreviation": "Nat Rev Mol Cell Biol", "shortTitle": "Cellular senescence",
    "series": "Methods in Molecular Biology", "seriesTitle": "Advances in Experimental Medicine",
    "seriesText": "Special issue on ageing", "seriesNumber": "2451",
    "volume": "22", "codeVolume": "42", "reporterVolume": "347", "codeNumber": "7401",
    "issue": "2", "priorityNumbers": "US 62/123,456",
    "pages": "75-95", "codePages": "1201-1215", "firstPage": "483",
    "numPages": "412", "numberOfVolumes": "3", "edition": "2nd",
    "date": "2021-02-14", "dateDecided": "1954-05-17", "dateEnacted": "1963-12-17", "issueDate": "2019-08-06",
    "accessDate": "2024-01-15", "filingDate": "2017-03-02", "originalDate": "1998-06-30",
    "priorityDate": "2016-03-02",
    "publisher": "Springer Nature", "university": "University of Cambridge", "institution": "Karolinska Institutet",
    "company": "Posit Software", "distributor": "Criterion Collection", "label": "Deutsche Grammophon",
    "network": "BBC Radio 4", "studio": "Warner Bros. Pictures", "repository": "bioRxiv",
    "place": "London", "repositoryLocation": "Cold Spring Harbor, NY", "originalPlace": "New York",
    "originalPublisher": "Academic Press", "eventPlace": "Lisbon",
    "conferenceName": "International Conference on Ageing Research", "meetingName": "Gerontology Annual Meeting",
    "type": "Systematic review", "thesisType": "PhD thesis", "reportType": "Technical report",
    "manuscriptType": "Unpublished draft", "letterType": "Personal letter", "mapType": "Topographic map",
    "websiteType": "Research portal", "postType": "Forum thread", "presentationType": "Keynote",
    "genre": "Documentary",
    "medium": "Print", "artworkMedium": "Oil on canvas", "interviewMedium": "Telephone",
    "audioRecordingFormat": "Compact disc", "videoRecordingFormat": "Blu-ray", "audioFileType": "MP3",
    "format": "Paperback",
    "number": "WHO-2021-04", "reportNumber": "TR-2021-17", "billNumber": "H.R. 1234", "docketNumber": "No. 1",
    "episodeNumber": "417", "identifier": "ds004215", "archiveID": "arXiv:2101.01234",
    "documentNumber": "S. Hrg. 116-42", "patentNumber": "US 10,123,456 B2", "publicLawNumber": "Pub. L. 88-206",
    "applicationNumber": "US 15/447,123",
    "authority": "World Health Organization", "court": "Supreme Court of the United States",
    "legislativeBody": "U.S. Congress", "issuingAuthority": "United States Patent and Trademark Office",
    "organization": "International Organization for Standardization",
    "status": "Published", "legalStatus": "Active",
    "section": "Research articles", "committee": "Committee on Aging", "session": "116th Congress",
    "history": "Affirmed on appeal",
    "partNumber": "Part 2", "partTitle": "Clinical applications",
    "versionNumber": "4.3.1", "system": "Linux", "programmingLanguage": "Python",
    "runningTime": "1:42:00", "artworkSize": "92 x 73 cm", "scale": "1:50,000",
    "country": "United States", "assignee": "Unity Biotechnology", "references": "WO 2015/116740",
    "archive": "Wellcome Collection", "archiveLocation": "Box 12, folder 3",
    "libraryCatalog": "PubMed", "callNumber": "QH608 .C45 2021", "rights": "CC BY 4.0",
    "language": "en-GB", "url": "https://example.org/records/senescence-2021",
    "ISSN": "1471-0080", "citationKey": "smith2021senescence",
    "extra": "Reviewed for the 2024 ageing survey",
}

#: Identifier field -> (scheme, value), set through `Item.set_identifier`.
IDENTIFIER_VALUES: dict[str, tuple[str, str]] = {
    IDENTIFIER_FIELDS["doi"]: ("doi", "10.1038/s41580-020-00314-w"),
    IDENTIFIER_FIELDS["isbn"]: ("isbn", "978-0-12-815962-0"),
    IDENTIFIER_FIELDS["pmid"]: ("pmid", "33328614"),
    IDENTIFIER_FIELDS["pmcid"]: ("pmcid", "PMC7738615"),
}

_PEOPLE = [("Ana", "García"), ("Kwame", "Mensah"), ("Li", "Wei"), ("Ingrid", "Solberg"), ("Rahul", "Mehta"),
           ("Chloé", "Dubois"), ("Tomás", "Ferreira"), ("Yuki", "Tanaka"), ("Olga", "Ivanova"), ("Sean", "Murphy"),
           ("Amara", "Okafor"), ("Jonas", "Berg")]
_GROUPS = ["Ageing Consortium", "WHO Study Group", "Senescence Network", "Open Science Collective",
           "Cell Biology Society", "Gerontology Trust", "Biomarker Initiative", "Longevity Lab",
           "Research Council", "Data Commons", "Archive Project", "Film Unit"]


def field_value(name: str) -> str:
    """The value *name* gets; a field missing from the table falls back to its base field's kind."""
    if name in FIELD_VALUES:
        return FIELD_VALUES[name]
    base = base_field(name)
    if base in FIELD_VALUES:
        return f"{FIELD_VALUES[base]} ({name})"
    raise KeyError(f"no sample value for field {name!r}: add one to FIELD_VALUES")


def schema_creators(item_type: str) -> list[Creator]:
    """Two creators per role the type accepts (a two-field name, then a single-field one), roles in schema order."""
    out: list[Creator] = []
    for index, creator_type in enumerate(CREATOR_TYPES[item_type]):
        first, last = _PEOPLE[index % len(_PEOPLE)]
        out.append(Creator(creator_type, first_name=first, last_name=last))
        out.append(Creator(creator_type, name=_GROUPS[index % len(_GROUPS)]))
    return out


def schema_item(item_type: str) -> Item:
    """An item of *item_type* with every field of its type filled and every creator role present."""
    item = Item(item_type=item_type, creators=schema_creators(item_type))
    for name in ITEM_FIELDS[item_type]:
        if name in IDENTIFIER_VALUES:
            scheme, value = IDENTIFIER_VALUES[name]
            assert item.set_identifier(scheme, value), (scheme, value)
        else:
            item.fields[name] = field_value(name)
    return item

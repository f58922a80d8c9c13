"""PubMed / MEDLINE XML (efetch output) import (format `pubmed-xml`), streamed article by article."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from senref.core.records import ImportProblem, ImportRecord
from senref.formats.base import Format
from senref.formats.xmlsafe import UnsafeXml, check_prolog


class PubMedXmlFormat(Format):
    name = "pubmed-xml"
    label = "PubMed XML"
    extensions = (".xml",)
    can_write = False

    def sniff(self, head: str) -> bool:
        return any(tag in head for tag in ("<PubmedArticleSet", "<PubmedArticle>", "<PubmedBookArticle>",
                                           "<MedlineCitationSet"))

    def read(self, path: Path) -> Iterator[ImportRecord | ImportProblem]:
        # The article mapping is the PubMed source's, so a file and a lookup give the same item.
        from senref.sources.base import SourceError
        from senref.sources.pubmed import ARTICLE_TAGS, item_from_article

        found = 0
        try:
            check_prolog(path)
            # xmlsafe's protections, for the two record kinds at once (articles and Bookshelf books).
            records = etree.iterparse(str(path), events=("end",), tag=ARTICLE_TAGS, resolve_entities=False,
                                      no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)
            for _event, article in records:
                line = article.sourceline or 0
                try:
                    item = item_from_article(article)
                except (SourceError, ValueError, AttributeError) as exc:
                    yield ImportProblem(line, f"PubMed article unreadable: {exc}; skipped")
                else:
                    found += 1
                    yield ImportRecord(item, [], line)
                # Free the parsed article and the siblings before it: memory stays flat on big files.
                article.clear()
                parent = article.getparent()
                while parent is not None and article.getprevious() is not None:
                    del parent[0]
        except UnsafeXml as exc:
            yield ImportProblem(exc.line, str(exc))
            return
        except etree.XMLSyntaxError as exc:
            yield ImportProblem(exc.lineno or 0, f"not well-formed XML: {exc.msg}")
            return
        if not found:
            yield ImportProblem(1, "no PubmedArticle or PubmedBookArticle records found")

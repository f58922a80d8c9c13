"""A seeded corpus written as BibTeX, RIS, CSL-JSON and Zotero RDF: the same records in four files.

    python -m bench.corpus_files OUTDIR -n 10000 [--seed 7]

The writers here are our own and deliberately small: the corpus must not be shaped by the code under test, so
nothing from `senref.formats` is used. Records are made one at a time from a per-record seed and written to all
four files at once, so memory stays flat at any N and record i is the same whatever N is.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape as xml_escape

GIVEN = ["Anna", "Jan", "Hans", "Françoise", "José", "Søren", "Łukasz", "Zoë", "Jürgen", "Chloé", "Mei", "Ravi",
         "Olga", "Ahmed", "Núria", "Björn", "Ines", "Tomáš", "Akira", "Ewa", "Grace", "Maria", "Peter", "Li"]
FAMILY = ["Müller", "García", "Lefèvre", "Smith", "Dvořák", "Nguyen", "Kowalski", "Çelik", "Østergaard", "Chen",
          "Johansson", "Schröder", "Ibáñez", "Patel", "Rossi", "O'Brien", "Šimek", "Brown", "Łopez", "Haddad",
          "Tanaka", "Novák", "Fernández", "Weiß"]
PARTICLES = ["van", "van der", "de la", "von", "de", "da", "van den", "di"]
CORPORATE = ["World Health Organization", "International Agency for Research on Cancer",
             "European Society for Medical Oncology", "The Cancer Genome Atlas Research Network"]
WORDS = ["senescence", "therapy", "induced", "tumour", "cells", "chemotherapy", "radiation", "doxorubicin", "etoposide", "p21", "p16", "SASP", "secretory", "phenotype", "senolytic", "navitoclax", "dasatinib", "quercetin", "clearance", "immune", "response", "macrophage", "fibroblast", "DNA", "damage", "checkpoint", "arrest", "proliferation", "relapse", "dormancy", "mouse", "model", "patient", "cohort", "breast", "lung", "colorectal", "melanoma", "analysis", "signalling", "pathway", "inflammation", "interleukin", "expression", "resistance", "mitochondrial", "metabolism", "autophagy", "apoptosis", "we", "show", "that", "here", "in", "vivo", "in", "vitro"]
TITLE_BITS = ["$\\beta$-galactosidase", "{DNA} damage", "{p53}-dependent", "{RNA}-seq", "$\\alpha$-tubulin",
              "{CDK4/6} inhibition", "50\\% reduction", "{T} cells \\& {NK} cells", "{SASP}"]
PLAIN_BITS = ["β-galactosidase", "DNA damage", "p53-dependent", "RNA-seq", "α-tubulin", "CDK4/6 inhibition",
              "50% reduction", "T cells & NK cells", "SASP"]
JOURNALS = [("jcb", "Journal of Cell Biology", "0021-9525"), ("natcomm", "Nature Communications", "2041-1723"),
            ("cancerres", "Cancer Research", "0008-5472"), ("aging", "Aging Cell", "1474-9718"),
            ("oncogene", "Oncogene", "0950-9232"), (None, "Revue française d'oncologie", "1234-5679"),
            (None, "Frontiers in Oncology", "2234-943X"), (None, "Molecular & Cellular Oncology", "2372-3556")]
PUBLISHERS = [("Springer", "Cham"), ("Elsevier", "Amsterdam"), ("Cold Spring Harbor Laboratory Press", "New York"),
              ("Presses universitaires de France", "Paris"), ("Wiley", "Hoboken")]
KEYWORDS = ["senescence", "cancer therapy", "senolytics", "SASP", "DNA damage", "p21", "immunotherapy",
            "tumour microenvironment", "chemotherapy", "radiotherapy", "aging", "β-galactosidase"]
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# Item types with their weights (journal articles most) and their names in each format.
TYPES = [("article", 60), ("chapter", 8), ("book", 6), ("conference", 8), ("thesis", 5), ("report", 5),
         ("preprint", 8)]
BIB_TYPE = {"article": "article", "chapter": "incollection", "book": "book", "conference": "inproceedings",
            "thesis": "phdthesis", "report": "techreport", "preprint": "misc"}
RIS_TYPE = {"article": "JOUR", "chapter": "CHAP", "book": "BOOK", "conference": "CPAPER", "thesis": "THES",
            "report": "RPRT", "preprint": "GEN"}
CSL_TYPE = {"article": "article-journal", "chapter": "chapter", "book": "book", "conference": "paper-conference",
            "thesis": "thesis", "report": "report", "preprint": "article"}
ZOTERO_TYPE = {"article": "journalArticle", "chapter": "bookSection", "book": "book",
               "conference": "conferencePaper", "thesis": "thesis", "report": "report", "preprint": "preprint"}
RDF_CLASS = {"article": "bib:Article", "chapter": "bib:BookSection", "book": "bib:Book",
             "conference": "rdf:Description", "thesis": "bib:Thesis", "report": "bib:Report",
             "preprint": "rdf:Description"}
# BibTeX spellings of the non-ASCII letters above, braced as BibTeX users write them.
TEX = {"ü": '{\\"u}', "ö": '{\\"o}', "ë": '{\\"e}', "é": "{\\'e}", "è": "{\\`e}", "á": "{\\'a}", "í": "{\\'i}",
       "ñ": "{\\~n}", "ç": "\\c{c}", "Ç": "\\c{C}", "ø": "{\\o}", "Ø": "{\\O}", "ł": "{\\l}", "Ł": "{\\L}",
       "š": "{\\v{s}}", "Š": "{\\v{S}}", "ř": "{\\v{r}}", "ß": "{\\ss}", "å": "{\\aa}", "ú": "{\\'u}"}


# Bumped whenever a change alters the records, so that a stale corpus on disk is written again.
GENERATOR = 2


@dataclass
class Name:
    family: str
    given: str = ""
    corporate: bool = False


@dataclass
class Record:
    n: int
    kind: str
    key: str
    title: str
    title_tex: str
    authors: list[Name]
    year: int
    month: int
    abstract: str
    keywords: list[str]
    doi: str = ""
    hal: str = ""
    pmid: str = ""
    editors: list[Name] = field(default_factory=list)
    container: str = ""
    macro: str | None = None
    issn: str = ""
    volume: str = ""
    issue: str = ""
    first_page: int = 0
    last_page: int = 0
    publisher: str = ""
    place: str = ""
    isbn: str = ""
    number: str = ""
    tex_names: bool = False


def _name(rng: random.Random) -> Name:
    roll = rng.random()
    if roll < 0.03:
        return Name(rng.choice(CORPORATE), corporate=True)
    family = rng.choice(FAMILY)
    if roll < 0.15:
        family = f"{rng.choice(PARTICLES)} {family}"
    given = rng.choice(GIVEN)
    if rng.random() < 0.3:
        given = f"{given} {rng.choice('ABCDEFGHJKLMNPRST')}."
    return Name(family, given)


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(12, 24))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _abstract(rng: random.Random) -> str:
    text, target = "", rng.randint(1000, 1900)
    while len(text) < target:
        text += _sentence(rng) + " "
    text = text.strip()
    return text if len(text) <= 2048 else text[:text.rindex(". ", 0, 2048) + 1]


def make_record(seed: int, n: int) -> Record:
    """Record `n` of the corpus, the same for a given seed whatever the corpus size."""
    rng = random.Random(seed * 1_000_003 + n)
    kind = rng.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
    authors = [_name(rng) for _ in range(min(40, int(rng.paretovariate(1.2))) if rng.random() < 0.9
                                         else rng.randint(10, 40))]
    bit = rng.randrange(len(TITLE_BITS))
    words = " ".join(rng.choices(WORDS, k=rng.randint(4, 12)))
    lead = " ".join(rng.choices(WORDS, k=rng.randint(2, 6)))
    lead = lead[0].upper() + lead[1:]
    family = authors[0].family.split()[-1]
    key = "".join(ch for ch in family if ch.isascii() and ch.isalnum()).lower() or "anon"
    rec = Record(n=n, kind=kind, key=f"{key}{n}", title=f"{lead}: {PLAIN_BITS[bit]} {words}",
                 title_tex=f"{lead}: {TITLE_BITS[bit]} {words}", authors=authors,
                 year=rng.randint(1975, 2026), month=rng.randint(1, 12), abstract=_abstract(rng),
                 keywords=rng.sample(KEYWORDS, rng.randint(0, 6)), tex_names=rng.random() < 0.5)
    if rng.random() < 0.8:
        rec.doi = f"10.{rng.randint(1000, 9999)}/bench.{seed}.{n}"
    if rng.random() < 0.2:
        rec.hal = f"hal-{n:08d}"
    if kind == "article" and rng.random() < 0.5:
        rec.pmid = str(30_000_000 + n)
    if kind == "article":
        rec.macro, rec.container, rec.issn = rng.choice(JOURNALS)
        rec.volume, rec.issue = str(rng.randint(1, 80)), str(rng.randint(1, 12))
    elif kind in ("chapter", "conference"):
        rec.container = f"Advances in {' '.join(rng.choices(WORDS, k=3))}"
        rec.editors = [_name(rng) for _ in range(rng.randint(1, 3))]
    elif kind == "preprint":
        rec.container = rng.choice(["bioRxiv", "medRxiv", "arXiv"])
    if kind in ("book", "chapter", "thesis", "report", "conference"):
        rec.publisher, rec.place = rng.choice(PUBLISHERS)
    if kind in ("book", "chapter"):
        rec.isbn = f"978-3-{rng.randint(100, 999)}-{rng.randint(10000, 99999)}-{rng.randint(0, 9)}"
    if kind == "report":
        rec.number = f"TR-{rng.randint(1, 999)}"
    if kind != "book":
        rec.first_page = rng.randint(1, 2000)
        rec.last_page = rec.first_page + rng.randint(1, 30)
    return rec


def records(seed: int, count: int) -> Iterator[Record]:
    return (make_record(seed, n) for n in range(count))


def extra_lines(rec: Record) -> list[str]:
    """Identifiers with no home in a format go to Zotero's `extra`, one `Label: value` line each."""
    return ([f"PMID: {rec.pmid}"] if rec.pmid else []) + ([f"HAL: {rec.hal}"] if rec.hal else [])


# BibTeX ---------------------------------------------------------------------------------------------------------

def _tex(text: str) -> str:
    return "".join(TEX.get(ch, ch) for ch in text)


def _bib_name(name: Name, tex: bool) -> str:
    if name.corporate:
        return "{" + name.family + "}"
    family, given = (_tex(name.family), _tex(name.given)) if tex else (name.family, name.given)
    return f"{family}, {given}"


def bib_header() -> str:
    return "".join(f"@string{{{m} = {{{full}}}}}\n" for m, full, _ in JOURNALS if m) + "\n"


def bib_entry(rec: Record) -> str:
    escape = _tex if rec.tex_names else (lambda s: s)
    fields = [("author", "{" + " and ".join(_bib_name(a, rec.tex_names) for a in rec.authors) + "}"),
              ("title", "{" + escape(rec.title_tex) + "}")]
    if rec.editors:
        fields.append(("editor", "{" + " and ".join(_bib_name(e, rec.tex_names) for e in rec.editors) + "}"))
    container = {"article": "journal", "chapter": "booktitle", "conference": "booktitle",
                 "preprint": "howpublished"}.get(rec.kind)
    raw: dict[str, str] = {}
    if container and rec.container:
        if rec.macro:
            raw[container] = rec.macro
        else:
            fields.append((container, "{" + escape(rec.container.replace("&", "\\&")) + "}"))
    fields.append(("year", "{" + str(rec.year) + "}"))
    raw["month"] = MONTHS[rec.month - 1]
    for name, value in (("volume", rec.volume), ("number", rec.issue or rec.number), ("issn", rec.issn),
                        ("isbn", rec.isbn), ("doi", rec.doi), ("pmid", rec.pmid), ("hal_id", rec.hal)):
        if value:
            fields.append((name, "{" + value + "}"))
    if rec.first_page:
        fields.append(("pages", f"{{{rec.first_page}--{rec.last_page}}}"))
    if rec.publisher:
        org = {"thesis": "school", "report": "institution"}.get(rec.kind, "publisher")
        fields += [(org, "{" + escape(rec.publisher) + "}"), ("address", "{" + rec.place + "}")]
    if rec.keywords:
        fields.append(("keywords", "{" + escape(", ".join(rec.keywords)) + "}"))
    fields.append(("abstract", "{" + rec.abstract + "}"))
    body = ",\n".join(f"  {k} = {v}" for k, v in [*fields, *raw.items()])
    return f"@{BIB_TYPE[rec.kind]}{{{rec.key},\n{body}\n}}\n\n"


# RIS ------------------------------------------------------------------------------------------------------------

def ris_entry(rec: Record) -> str:
    lines = [("TY", RIS_TYPE[rec.kind])]
    lines += [("AU", a.family if a.corporate else f"{a.family}, {a.given}") for a in rec.authors]
    lines += [("A2", e.family if e.corporate else f"{e.family}, {e.given}") for e in rec.editors]
    lines += [("TI", rec.title)]
    if rec.container:
        lines.append(("T2", rec.container))
    lines.append(("PY", str(rec.year)))
    lines.append(("DA", f"{rec.year}/{rec.month:02d}//"))
    for tag, value in (("VL", rec.volume), ("IS", rec.issue or rec.number), ("SN", rec.issn or rec.isbn),
                       ("PB", rec.publisher), ("CY", rec.place), ("DO", rec.doi)):
        if value:
            lines.append((tag, value))
    if rec.first_page:
        lines += [("SP", str(rec.first_page)), ("EP", str(rec.last_page))]
    lines += [("KW", k) for k in rec.keywords]
    lines.append(("AB", rec.abstract))
    lines += [("N1", line) for line in extra_lines(rec)]
    return "".join(f"{tag}  - {value}\n" for tag, value in lines) + "ER  - \n\n"


# CSL-JSON -------------------------------------------------------------------------------------------------------

def _csl_name(name: Name) -> dict[str, str]:
    return {"literal": name.family} if name.corporate else {"family": name.family, "given": name.given}


def csl_entry(rec: Record) -> str:
    data: dict[str, object] = {"id": rec.key, "type": CSL_TYPE[rec.kind], "title": rec.title,
                               "author": [_csl_name(a) for a in rec.authors],
                               "issued": {"date-parts": [[rec.year, rec.month]]}}
    if rec.editors:
        data["editor"] = [_csl_name(e) for e in rec.editors]
    for name, value in (("container-title", rec.container), ("volume", rec.volume), ("issue", rec.issue),
                        ("number", rec.number), ("ISSN", rec.issn), ("ISBN", rec.isbn), ("DOI", rec.doi),
                        ("PMID", rec.pmid), ("publisher", rec.publisher), ("publisher-place", rec.place)):
        if value:
            data[name] = value
    if rec.first_page:
        data["page"] = f"{rec.first_page}-{rec.last_page}"
    if rec.keywords:
        data["keyword"] = ", ".join(rec.keywords)
    data["abstract"] = rec.abstract
    if rec.hal:
        data["note"] = f"HAL: {rec.hal}"
    return json.dumps(data, ensure_ascii=False)


# Zotero RDF -----------------------------------------------------------------------------------------------------

RDF_HEADER = """<rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns:z="http://www.zotero.org/namespaces/export#"
 xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:bib="http://purl.org/net/biblio#"
 xmlns:foaf="http://xmlns.com/foaf/0.1/"
 xmlns:prism="http://prismstandard.org/namespaces/1.2/basic/"
 xmlns:vcard="http://nwalsh.com/rdf/vCard#">
"""


def _rdf_people(tag: str, people: list[Name]) -> str:
    lis = []
    for p in people:
        inner = f"<foaf:surname>{xml_escape(p.family)}</foaf:surname>"
        if not p.corporate:
            inner += f"<foaf:givenName>{xml_escape(p.given)}</foaf:givenName>"
        lis.append(f"            <rdf:li><foaf:Person>{inner}</foaf:Person></rdf:li>\n")
    return f"        <{tag}>\n          <rdf:Seq>\n{''.join(lis)}          </rdf:Seq>\n        </{tag}>\n"


def _rdf_container(rec: Record) -> str:
    if not rec.container:
        return ""
    if rec.kind == "article":
        parts = [f"<dc:title>{xml_escape(rec.container)}</dc:title>"]
        parts += [f"<prism:volume>{rec.volume}</prism:volume>", f"<prism:number>{rec.issue}</prism:number>"]
        parts.append(f"<dc:identifier>ISSN {rec.issn}</dc:identifier>")
        return (f'        <dcterms:isPartOf><bib:Journal rdf:about="urn:issn:{rec.issn}">{"".join(parts)}'
                "</bib:Journal></dcterms:isPartOf>\n")
    if rec.kind == "preprint":
        return f"        <z:repository>{xml_escape(rec.container)}</z:repository>\n"
    cls = "bib:Book" if rec.kind == "chapter" else "bib:Proceedings"
    isbn = f"<dc:identifier>ISBN {rec.isbn}</dc:identifier>" if rec.isbn else ""
    return (f"        <dcterms:isPartOf><{cls}>{isbn}<dc:title>{xml_escape(rec.container)}</dc:title>"
            f"</{cls}></dcterms:isPartOf>\n")


def rdf_entry(rec: Record) -> str:
    cls = RDF_CLASS[rec.kind]
    about = f"https://doi.org/{rec.doi}" if rec.doi else f"#item_{rec.n}"
    out = [f'    <{cls} rdf:about="{xml_escape(about)}">\n',
           f"        <z:itemType>{ZOTERO_TYPE[rec.kind]}</z:itemType>\n"]
    if rec.publisher:
        out.append(f"        <dc:publisher><foaf:Organization><vcard:adr><vcard:Address><vcard:locality>"
                   f"{xml_escape(rec.place)}</vcard:locality></vcard:Address></vcard:adr><foaf:name>"
                   f"{xml_escape(rec.publisher)}</foaf:name></foaf:Organization></dc:publisher>\n")
    out.append(_rdf_container(rec))
    out.append(_rdf_people("bib:authors", rec.authors))
    if rec.editors:
        out.append(_rdf_people("bib:editors", rec.editors))
    out += [f"        <dc:subject>{xml_escape(k)}</dc:subject>\n" for k in rec.keywords]
    out.append(f"        <dc:title>{xml_escape(rec.title)}</dc:title>\n")
    if rec.isbn and rec.kind == "book":
        out.append(f"        <dc:identifier>ISBN {rec.isbn}</dc:identifier>\n")
    if rec.doi:
        out.append(f"        <dc:identifier>DOI {rec.doi}</dc:identifier>\n")
    if rec.number:
        out.append(f"        <prism:number>{rec.number}</prism:number>\n")
    out.append(f"        <dc:date>{rec.year}-{rec.month:02d}</dc:date>\n")
    if rec.first_page:
        out.append(f"        <bib:pages>{rec.first_page}-{rec.last_page}</bib:pages>\n")
    if extra_lines(rec):
        out.append(f"        <dc:description>{xml_escape(chr(10).join(extra_lines(rec)))}</dc:description>\n")
    out.append(f"        <dcterms:abstract>{xml_escape(rec.abstract)}</dcterms:abstract>\n")
    out.append(f"    </{cls}>\n")
    return "".join(out)


# All four at once -----------------------------------------------------------------------------------------------

def write_corpus(folder: Path, count: int, seed: int = 7) -> dict[str, Path]:
    """Write corpus.bib/.ris/.json/.rdf in `folder`, streaming; returns the paths by format."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {fmt: folder / f"corpus.{fmt}" for fmt in ("bib", "ris", "json", "rdf")}
    # Written beside and renamed at the end, so a benchmark reading the old corpus never sees half a file.
    partial = {fmt: p.with_name(p.name + ".partial") for fmt, p in paths.items()}
    handles: dict[str, TextIO] = {fmt: p.open("w", encoding="utf-8", newline="\n") for fmt, p in partial.items()}
    try:
        handles["bib"].write(bib_header())
        handles["json"].write("[\n")
        handles["rdf"].write(RDF_HEADER)
        for rec in records(seed, count):
            handles["bib"].write(bib_entry(rec))
            handles["ris"].write(ris_entry(rec))
            handles["json"].write(("" if rec.n == 0 else ",\n") + csl_entry(rec))
            handles["rdf"].write(rdf_entry(rec))
        handles["json"].write("\n]\n")
        handles["rdf"].write("</rdf:RDF>\n")
    finally:
        for handle in handles.values():
            handle.close()
    for fmt, path in partial.items():
        path.replace(paths[fmt])
    return paths


def ensure_corpus(folder: Path, count: int, seed: int = 7) -> dict[str, Path]:
    """The corpus in `folder`, generated unless a complete one for this N and seed is there already."""
    stamp = folder / "corpus.stamp"
    want = f"n={count} seed={seed} generator={GENERATOR}\n"
    paths = {fmt: folder / f"corpus.{fmt}" for fmt in ("bib", "ris", "json", "rdf")}
    if stamp.exists() and stamp.read_text() == want and all(p.exists() for p in paths.values()):
        return paths
    paths = write_corpus(folder, count, seed)
    stamp.write_text(want)
    return paths


def default_folder(count: int) -> Path:
    return Path(f"/tmp/bench-corpus-{count // 1000}k" if count % 1000 == 0 and count else f"/tmp/bench-corpus-{count}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    paths = ensure_corpus(args.outdir, args.n, args.seed)
    for fmt, path in paths.items():
        print(f"{fmt}\t{path.stat().st_size / 1e6:.1f} MB\t{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`senref convert` fed hostile and edge-case inputs, run as a subprocess (cases written before reading its code)."""

from __future__ import annotations

import itertools
import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ["bibtex", "biblatex", "ris", "csljson", "zotero-rdf", "json"]
RDF = ('<?xml version="1.0"?>\n{dtd}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
       ' xmlns:z="http://www.zotero.org/namespaces/export#" xmlns:dc="http://purl.org/dc/elements/1.1/"'
       ' xmlns:bib="http://purl.org/net/biblio#" xmlns:link="http://purl.org/rss/1.0/modules/link/">\n'
       '<bib:Article rdf:about="#item_1"><z:itemType>journalArticle</z:itemType><dc:title>{title}</dc:title>'
       '{extra}</bib:Article>\n</rdf:RDF>\n')
PUBMED = ('<?xml version="1.0"?>\n{dtd}<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>12345678</PMID>'
          '<Article><ArticleTitle>Senescence after radiation</ArticleTitle><Abstract><AbstractText>{text}'
          '</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>\n')
SANE = """@article{smith2020,
  author = {Smith, John and Müller, Anna-Lena and {World Health Organization}},
  title = {Therapy-induced senescence in BRCA1 tumours: a β review},
  journal = {Journal of Senescence}, year = {2020}, month = mar, volume = {12}, pages = {101--120},
  doi = {10.1234/JS.2020.0012}, keywords = {senescence, SASP, senolytics},
}
@book{doe1999, author = {Doe, Jane}, title = {The Book of Things}, publisher = {Acme Press},
  year = {1999}, doi = {10.5555/book.1999}, keywords = {radiotherapy}}
@inproceedings{li2018, author = {Li, Wei and García Márquez, José}, title = {One-two punch with senolytics},
  booktitle = {Proceedings of the Senescence Conference}, date = {2018-07-15}, doi = {10.1109/conf.2018.77}}
"""


def run(home: Path, *args: str, limits: tuple[tuple[int, int], ...] = (),
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`senref ARGS` as a user runs it; never a traceback."""
    env = {**os.environ, "SENREF_HOME": str(home), "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "error"}
    env.pop("SENREF_DEBUG", None)

    def cap() -> None:
        for which, value in limits:
            resource.setrlimit(which, (value, value))
    result = subprocess.run([sys.executable, "-m", "senref", *args], capture_output=True, text=True, env=env,
                            timeout=120, cwd=cwd, preexec_fn=cap if limits else None, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def convert(tmp_path: Path, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """`senref convert ARGS`: whatever happens, SENREF_HOME is left without a library."""
    result = run(tmp_path / "home", "convert", *args, **kwargs)
    assert not list((tmp_path / "home").rglob("library.sqlite*"))
    return result


def clear_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("senref: ") for line in lines[:-1]), result.stderr
    return lines


def no_temps(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".part")]


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --- inputs refused whole: status 2, one line, OUT untouched --------------------------------------------------
REFUSED = {"empty.bib": b"", "junk.bib": bytes(range(256)) * 16, "utf16-no-bom.bib": SANE.encode("utf-16-le"),
           "no-ty.ris": b"TI  - no type line\nER  - \n", "number.json": b"42", "string.json": b'"text"',
           "null.json": b"null", "empty-list.json": b"[]", "deep.json": b"[" * 100_000 + b"]" * 100_000,
           "deep-object.json": b'{"a":' * 100_000 + b"1" + b"}" * 100_000}


@pytest.mark.parametrize("name", REFUSED)
def test_refused_input_leaves_out_byte_for_byte(tmp_path: Path, name: str) -> None:
    out = write(tmp_path / "out" / "out.ris", b"EXISTING OUT\r\n\x00")
    result = convert(tmp_path, str(write(tmp_path / name, REFUSED[name])), "-o", str(out))
    assert result.returncode == 2 and len(clear_lines(result)) == 1 and "not a format" in result.stderr
    assert out.read_bytes() == b"EXISTING OUT\r\n\x00"
    no_temps(out.parent)


SKIPPED = {"truncated.bib": SANE[:300], "unbalanced.bib": "@article{x,\n title = {open {brace},\n year=2000}\n",
           "nested.bib": "@article{n, title = {" + "{" * 100_000 + "x" + "}" * 100_000 + "}, year = 2001}\n",
           "truncated.json": '[{"id":"a","type":"book","title":"T"},{"id":"b","type":"book","title":"U"',
           "mixed.json": '[1, "x", null, {"id": "a", "type": "book", "title": "B"}]',
           "deep.rdf": RDF.format(dtd="", title="D", extra="<dc:x>" * 100_000 + "v" + "</dc:x>" * 100_000),
           "truncated.xml": PUBMED.format(dtd="", text="cut")[:200], "deep-as-csl.json": "[" * 100_000 + "]" * 100_000}


@pytest.mark.parametrize("name", SKIPPED)
def test_unreadable_entries_are_skipped_by_line_with_status_1(tmp_path: Path, name: str) -> None:
    named = ("--from", "csljson") if name == "deep-as-csl.json" else ()
    result = convert(tmp_path, str(write(tmp_path / name, SKIPPED[name])), "--format", "ris", *named)
    lines = clear_lines(result)
    assert result.returncode == 1 and "line " in lines[0]
    assert " skipped" in lines[-1]


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-be-bom", "utf-32"])
def test_byte_order_marks_read_like_plain_utf8(tmp_path: Path, codec: str) -> None:
    data = ("\ufeff" + SANE).encode("utf-16-be") if codec == "utf-16-be-bom" else SANE.encode(codec)
    plain = convert(tmp_path, str(write(tmp_path / "plain.bib", SANE)), "--format", "ris")
    result = convert(tmp_path, str(write(tmp_path / "bom.bib", data)), "--format", "ris")
    assert result.returncode == 0 and result.stdout == plain.stdout and "Müller" in result.stdout


def test_latin1_costs_a_character_never_the_entry(tmp_path: Path) -> None:
    bib = write(tmp_path / "l1.bib", "@article{m, author={Müller, Anna}, title={Café}, year=2001}\n".encode("latin-1"))
    result = convert(tmp_path, str(bib), "--format", "ris")
    assert result.returncode == 0 and "AU  - M" in result.stdout and "PY  - 2001" in result.stdout


def test_ten_megabyte_field_is_cut_with_a_warning(tmp_path: Path) -> None:
    bib = write(tmp_path / "huge.bib", "@article{h, title={T}, abstract={" + "abcdefghi " * 1_000_000 + "}}\n")
    result = convert(tmp_path, str(bib), "--format", "ris")
    assert result.returncode == 0 and "cut to" in result.stderr and "TI  - T" in result.stdout


@pytest.mark.parametrize("strings", ["@string{a = b # a}\n@string{b = a # b}\n", "@string{a = a}\n"])
def test_string_loops_end(tmp_path: Path, strings: str) -> None:
    result = convert(tmp_path, str(write(tmp_path / "s.bib", strings + "@article{s, title = a, year=2000}\n")),
                     "--format", "ris")
    assert result.returncode == 0 and "PY  - 2000" in result.stdout


@pytest.mark.parametrize(("name", "fmt", "mark"), [("a.bib", "ris", "AU  - "), ("a.ris", "bibtex", " and ")])
def test_a_thousand_authors_all_survive(tmp_path: Path, name: str, fmt: str, mark: str) -> None:
    people = [f"Author{i}, First{i}" for i in range(1000)]
    text = ("@article{a, title={Many}, year=2002, author={" + " and ".join(people) + "}}\n" if fmt == "ris" else
            "TY  - JOUR\nTI  - Many\n" + "".join(f"AU  - {p}\n" for p in people) + "ER  - \n")
    result = convert(tmp_path, str(write(tmp_path / name, text)), "--format", fmt)
    assert result.returncode == 0 and result.stdout.count(mark) == (1000 if fmt == "ris" else 999)
    assert "Author999, First999" in result.stdout


# --- XML: no entity expanded, no DTD read ------------------------------------------------------------------------
LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))


@pytest.mark.parametrize("case", ["rdf-system", "rdf-parameter", "rdf-laughs", "pubmed-system"])
def test_xml_entities_are_refused_never_expanded(tmp_path: Path, case: str) -> None:
    secret = write(tmp_path / "elsewhere" / "secret.txt", "SECRET-CONTENT")
    dtd = {"rdf-system": f'<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n',
           "rdf-parameter": f'<!DOCTYPE rdf:RDF [<!ENTITY % p SYSTEM "{secret.as_uri()}"> %p;]>\n',
           "rdf-laughs": f'<!DOCTYPE rdf:RDF [<!ENTITY l0 "lol">{LAUGHS}]>\n',
           "pubmed-system": f'<!DOCTYPE PubmedArticleSet [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n'}[case]
    entity = "&l9;" if case == "rdf-laughs" else "&x;"
    text = (PUBMED.format(dtd=dtd, text=entity) if case.startswith("pubmed")
            else RDF.format(dtd=dtd, title=entity, extra=""))
    out = tmp_path / "out.ris"
    result = convert(tmp_path, str(write(tmp_path / "in" / "x.xml", text)), "-o", str(out))
    assert result.returncode in (1, 2) and "never expands" in clear_lines(result)[0]
    assert "SECRET" not in result.stdout + result.stderr and "lollol" not in result.stdout
    assert not out.exists() or "SECRET" not in out.read_text(encoding="utf-8")


def test_external_dtd_named_by_the_doctype_is_not_read(tmp_path: Path) -> None:
    dtd = write(tmp_path / "elsewhere" / "x.dtd", '<!ENTITY ent "FROM-DTD-SECRET">')
    text = RDF.format(dtd=f'<!DOCTYPE rdf:RDF SYSTEM "{dtd}">\n', title="Plain &ent;", extra="")
    result = convert(tmp_path, str(write(tmp_path / "in" / "d.rdf", text)), "--format", "ris")
    assert result.returncode == 0 and "TI  - Plain" in result.stdout and "SECRET" not in result.stdout


# --- JSON and RIS oddities ---------------------------------------------------------------------------------------
def test_csl_json_duplicate_keys_keep_the_last_value(tmp_path: Path) -> None:
    data = '[{"id":"a","type":"article-journal","title":"First","title":"Second"}]'
    result = convert(tmp_path, str(write(tmp_path / "dup.json", data)), "--format", "ris")
    assert result.returncode == 0 and "TI  - Second" in result.stdout and "First" not in result.stdout


def test_ris_without_er_keeps_its_last_record(tmp_path: Path) -> None:
    ris = write(tmp_path / "x.ris", "TY  - JOUR\nTI  - One\nER  - \nTY  - JOUR\nTI  - Two no end\nPY  - 2001\n")
    result = convert(tmp_path, str(ris), "--format", "csljson")
    assert result.returncode == 0 and [e["title"] for e in json.loads(result.stdout)] == ["One", "Two no end"]


# --- OUT and IN as paths ---------------------------------------------------------------------------------------
def test_out_in_a_missing_folder_is_made(tmp_path: Path) -> None:
    out = tmp_path / "new" / "deeper" / "out.ris"
    result = convert(tmp_path, str(write(tmp_path / "in.bib", SANE)), "-o", str(out))
    assert result.returncode == 0 and out.read_text(encoding="utf-8").count("ER  - ") == 3
    no_temps(out.parent)


def test_read_only_out_is_replaced_whole_keeping_its_mode(tmp_path: Path) -> None:
    out = write(tmp_path / "ro.ris", "OLD")
    out.chmod(0o444)
    result = convert(tmp_path, str(write(tmp_path / "in.bib", SANE)), "-o", str(out))
    assert result.returncode == 0 and out.read_text(encoding="utf-8").count("ER  - ") == 3
    assert out.stat().st_mode & 0o777 == 0o444
    no_temps(tmp_path)


@pytest.mark.parametrize("spelling", ["same", "symlink", "hardlink", "double-slash", "dot-dot", "relative",
                                      "missing-dot-dot"])
def test_never_writes_over_its_input(tmp_path: Path, spelling: str) -> None:
    bib = write(tmp_path / "lib" / "in.bib", SANE)
    (tmp_path / "lib" / "sub").mkdir()
    out = {"same": bib, "symlink": tmp_path / "lib" / "link.bib", "hardlink": tmp_path / "lib" / "hard.bib",
           "double-slash": Path(f"{tmp_path}/lib//in.bib"), "dot-dot": tmp_path / "lib" / "sub" / ".." / "in.bib",
           "relative": Path("../in.bib"), "missing-dot-dot": tmp_path / "lib" / "missing" / ".." / "in.bib"}[spelling]
    if spelling == "symlink":
        out.symlink_to("in.bib")
    if spelling == "hardlink":
        os.link(bib, out)
    result = convert(tmp_path, str(bib), "-o", str(out), "--format", "bibtex", cwd=tmp_path / "lib" / "sub")
    assert result.returncode == 2 and "is the input file" in result.stderr
    assert bib.read_text(encoding="utf-8") == SANE
    if spelling == "missing-dot-dot":  # refused before its missing folder is made
        assert not (tmp_path / "lib" / "missing").exists()
        return
    same = out if out.is_absolute() else tmp_path / "lib" / "sub" / out
    assert bib.stat().st_ino == same.stat().st_ino


@pytest.mark.parametrize("kind", ["dangling", "loop", "not-a-dir", "folder", "fifo", "folder-named", "fifo-named"])
def test_inputs_that_are_not_files_are_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "in.bib"
    if kind == "dangling":
        path.symlink_to("nowhere.bib")
    elif kind == "loop":
        (tmp_path / "b.bib").symlink_to("in.bib")
        path.symlink_to("b.bib")
    elif kind == "not-a-dir":
        path = write(tmp_path / "f.bib", SANE) / "x.bib"
    else:
        path.mkdir() if kind.startswith("folder") else os.mkfifo(path)
    result = convert(tmp_path, str(path), "-o", str(tmp_path / "out.ris"))
    assert result.returncode == 2 and len(clear_lines(result)) == 1 and not (tmp_path / "out.ris").exists()
    assert not kind.endswith("-named") or "no such file" not in result.stderr


def test_a_failed_write_leaves_out_whole_and_no_temp(tmp_path: Path) -> None:
    bib = write(tmp_path / "in" / "a.bib", "@article{a, title={Many}, author={"
                + " and ".join(f"Author{i}, First{i}" for i in range(1000)) + "}}\n")
    out = write(tmp_path / "out" / "out.ris", "EXISTING")
    result = convert(tmp_path, str(bib), "-o", str(out), limits=((resource.RLIMIT_FSIZE, 8192),))
    assert result.returncode == 1 and len(clear_lines(result)) == 1
    assert out.read_text(encoding="utf-8") == "EXISTING" and [p.name for p in out.parent.iterdir()] == ["out.ris"]


# --- attachments: only files inside IN's folder (or --files-from) are named or copied -------------------------------
FORBIDDEN = ("faraway", "passwd", "x.pdf", "evil", "pw.pdf", "dirlink", "environ", "secret", "server", "Users")


def attachment_lib(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    write(lib / "paper.pdf", "%PDF inside")
    write(lib / "sub" / "deep.pdf", "%PDF sub")
    write(tmp_path / "faraway" / "x.pdf", "%PDF FARAWAY-SECRET")
    (lib / "evil.pdf").symlink_to("../faraway/x.pdf")
    (lib / "pw.pdf").symlink_to("/etc/passwd")
    (lib / "dirlink").symlink_to("../faraway")
    files = ["paper.pdf", ":sub/deep.pdf:application/pdf", str(lib / "paper.pdf"), "/etc/passwd", "../faraway/x.pdf",
             "../" * 12 + "etc/passwd", "evil.pdf", "pw.pdf", "dirlink/x.pdf", "file:///etc/passwd",
             "file:../faraway/x.pdf", "C:\\Users\\x\\secret.pdf", "\\\\server\\share\\x.pdf", "d/" * 3000 + "x.pdf",
             "~/secret.pdf", ":paper.pdf:PDF;:/etc/passwd:PDF;:../faraway/x.pdf:PDF", "sub/../../faraway/x.pdf",
             "/proc/self/environ", "..\\faraway\\x.pdf", "paper.pdf\x00/etc/passwd", "e" * 300 + ".pdf"]
    return write(lib / "att.bib", "".join(f"@article{{e{i}, title={{Entry {i}}}, year=2001, file={{{f}}}}}\n"
                                          for i, f in enumerate(files)))


@pytest.mark.parametrize("fmt", FORMATS)
def test_attachments_outside_the_folder_are_dropped_with_a_warning(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out" / "out.txt"
    result = convert(tmp_path, str(attachment_lib(tmp_path)), "-o", str(out), "--format", fmt)
    assert result.returncode == 0 and "21 items converted" in result.stderr
    assert result.stderr.count("attachment skipped") >= 18
    text = out.read_text(encoding="utf-8")
    assert not [word for word in FORBIDDEN if word in text]
    if fmt != "csljson":
        assert "paper.pdf" in text and "deep.pdf" in text
    beside = sorted(p.relative_to(out.parent).as_posix() for p in out.parent.rglob("*") if p.is_file())
    expected = 4 if fmt == "zotero-rdf" else 0  # Zotero RDF copies the inside files to files/<key>/
    assert len(beside) == expected + 1 and all(p == "out.txt" or p.startswith("files/") for p in beside)
    assert {(out.parent / p).read_text(encoding="utf-8") for p in beside[:-1]} <= {"%PDF inside", "%PDF sub"}


@pytest.mark.parametrize("reader", ["rdf", "ris", "json"])
def test_other_readers_drop_outside_attachments(tmp_path: Path, reader: str) -> None:
    attachment_lib(tmp_path)
    paths = ["/etc/passwd", "file:///etc/shadow", "../faraway/x.pdf", "evil.pdf", "paper.pdf"]
    if reader == "rdf":
        links = "".join(f'<link:link rdf:resource="#a{i}"/>' for i in range(5))
        kids = "".join(f'<z:Attachment rdf:about="#a{i}"><z:itemType>attachment</z:itemType><rdf:resource'
                       f' rdf:resource="{p}"/><z:linkMode>0</z:linkMode></z:Attachment>' for i, p in enumerate(paths))
        text = RDF.format(dtd="", title="R", extra=links).replace("</rdf:RDF>", kids + "</rdf:RDF>")
    elif reader == "ris":
        text = "TY  - JOUR\nTI  - R\n" + "".join(f"L1  - {p}\n" for p in paths) + "ER  - \n"
    else:
        text = json.dumps([{"key": "AAAA2345", "data": {"itemType": "journalArticle", "title": "R"},
                            "meta": {"attachments": [{"path": p, "title": "t"} for p in paths]}}])
    result = convert(tmp_path, str(write(tmp_path / "lib" / f"a.{reader}", text)), "--format", "bibtex")
    assert result.returncode == 0 and result.stderr.count("attachment skipped") == 4
    assert "paper.pdf" in result.stdout and not [w for w in ("passwd", "shadow", "x.pdf", "evil") if w in result.stdout]


def test_files_from_admits_that_folder_only(tmp_path: Path) -> None:
    write(tmp_path / "other" / "o.pdf", "%PDF other")
    write(tmp_path / "outside" / "x.pdf", "%PDF outside")
    bib = write(tmp_path / "lib" / "f.bib", "@article{f1, title={A}, file={../other/o.pdf}}\n"
                                            "@article{f2, title={B}, file={../outside/x.pdf}}\n")
    result = convert(tmp_path, str(bib), "--files-from", str(tmp_path / "other"), "--format", "bibtex")
    assert result.returncode == 0 and "o.pdf" in result.stdout and "x.pdf" not in result.stdout


@pytest.mark.parametrize("option", [("--library", "lib-dir"), ("--demo",)])
def test_global_library_options_open_no_library(tmp_path: Path, option: tuple[str, ...]) -> None:
    args = [str(tmp_path / a) if a == "lib-dir" else a for a in option]
    result = run(tmp_path / "home", *args, "convert", str(write(tmp_path / "in.bib", SANE)), "--format", "ris")
    assert result.returncode == 0 and not (tmp_path / "lib-dir").exists() and not (tmp_path / "home").exists()


# --- fields survive: every pair of formats, and the same as import then export --------------------------------------
def summary(path: Path) -> dict[str, Any]:
    return {i["data"]["title"]: ([(c.get("lastName") or c.get("name"), c.get("firstName", ""), c["creatorType"])
                                  for c in i["data"]["creators"]], i["data"].get("DOI"), i["data"]["date"],
                                 sorted(t["tag"] for t in i["data"]["tags"]), i["data"]["itemType"])
            for i in json.loads(path.read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pairs")
    bib = write(folder / "src.bib", SANE)
    for fmt in [*FORMATS, "base"]:
        target = folder / ("base.json" if fmt == "base" else f"a.{fmt}")
        assert run(folder / "home", "convert", str(bib), "-o", str(target), "--format",
                   "json" if fmt == "base" else fmt).returncode == 0
    return folder


@pytest.mark.parametrize(("first", "second"), list(itertools.product(FORMATS, FORMATS)))
def test_round_trip_keeps_titles_creators_dois_dates_keywords(sources: Path, tmp_path: Path, first: str,
                                                              second: str) -> None:
    middle, back = tmp_path / f"b.{second}", tmp_path / "back.json"
    assert convert(tmp_path, str(sources / f"a.{first}"), "-o", str(middle), "--format", second).returncode == 0
    assert convert(tmp_path, str(middle), "-o", str(back), "--format", "json").returncode == 0
    assert summary(back) == summary(sources / "base.json")
    assert len(summary(back)) == 3


@pytest.mark.parametrize("fmt", ["json", "ris", "bibtex"])
def test_convert_writes_what_import_then_export_would(tmp_path: Path, fmt: str) -> None:
    bib, lib = write(tmp_path / "in.bib", SANE), tmp_path / "lib-home"
    assert run(lib, "import", str(bib)).returncode == 0
    auto = {t["tag"] for i in json.loads(run(lib, "export").stdout) for t in i["data"]["tags"] if t.get("type") == 1}

    def norm(text: str) -> list[Any]:  # minus topic tags (and, as text, keyword lines), keys and times
        if fmt != "json":
            return sorted(ln.rstrip(",") for ln in text.splitlines() if not ln.lstrip().startswith(("KW", "keywords")))
        items = [{k: v for k, v in i["data"].items() if k not in ("key", "version", "dateAdded", "dateModified")}
                 for i in json.loads(text)]
        for data in items:
            data["tags"] = sorted(t["tag"] for t in data["tags"] if t["tag"] not in auto)
        return sorted(items, key=lambda d: d["title"])
    assert norm(convert(tmp_path, str(bib), "--format", fmt).stdout) == norm(run(lib, "export", "--format", fmt).stdout)


# --- promises the first version broke, each found by these cases ----------------------------------------------------
@pytest.mark.parametrize("name", ["truncated.bib", "entities.rdf", "truncated.xml"])
def test_nothing_converted_leaves_existing_out_whole(tmp_path: Path, name: str) -> None:
    data = {"truncated.bib": SKIPPED["truncated.bib"], "truncated.xml": SKIPPED["truncated.xml"],
            "entities.rdf": RDF.format(dtd='<!DOCTYPE rdf:RDF [<!ENTITY x "y">]>\n', title="&x;", extra="")}[name]
    out = write(tmp_path / "out" / "keep.ris", "TY  - JOUR\nTI  - my only copy\nER  - \n")
    result = convert(tmp_path, str(write(tmp_path / name, data)), "-o", str(out))
    assert result.returncode == 1 and "every entry was skipped" in result.stderr
    assert out.read_text(encoding="utf-8") == "TY  - JOUR\nTI  - my only copy\nER  - \n"


def test_doubling_strings_end_in_a_clear_message(tmp_path: Path) -> None:
    strings = "".join(f"@string{{s{i} = s{i - 1} # s{i - 1}}}\n" for i in range(1, 60))
    bib = write(tmp_path / "exp.bib", '@string{s0 = "xx"}\n' + strings + "@article{e, title = s59, year=2000}\n")
    result = convert(tmp_path, str(bib), "--format", "ris", limits=((resource.RLIMIT_AS, 1 << 30),))
    assert "MemoryError" not in result.stderr and "exp.bib" in result.stderr


def test_huge_json_number_is_kept_as_its_digits(tmp_path: Path) -> None:
    data = ('[{"id": "a", "type": "book", "title": "Kept"}, {"id": "b", "type": "book", "title": "Odd", '
            '"volume": ' + "9" * 5000 + "}]")
    result = convert(tmp_path, str(write(tmp_path / "big.json", data)), "--format", "ris")
    assert result.returncode == 0 and "ValueError" not in result.stderr
    assert "TI  - Kept" in result.stdout and "VL  - " + "9" * 5000 in result.stdout


def test_rdf_file_copies_never_replace_the_input(tmp_path: Path) -> None:
    folder = tmp_path / "files" / "ABCD2345"
    write(folder / "sub" / "in.json", "NOT THE INPUT")
    text = json.dumps([{"key": "AAAA2345", "data": {"itemType": "journalArticle", "title": "Mine"}, "meta": {
        "attachments": [{"key": "ABCD2345", "path": "sub/in.json", "title": "in.json"}]}}])
    bib = write(folder / "in.json", text)
    assert convert(tmp_path, str(bib), "-o", str(tmp_path / "out.rdf")).returncode in (0, 2)
    assert bib.read_text(encoding="utf-8") == text


def test_out_that_is_a_folder_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "out.ris").mkdir()
    result = convert(tmp_path, str(write(tmp_path / "in.bib", SANE)), "-o", str(tmp_path / "out.ris"))
    assert result.returncode == 2 and ".part" not in result.stderr


@pytest.mark.parametrize("path", ["name-too-long", "/proc/sys/vm/drop_caches", "/proc/self/mem"])
def test_unopenable_input_is_a_refusal(tmp_path: Path, path: str) -> None:
    source = str(tmp_path / ("a" * 300 + ".bib")) if path == "name-too-long" else path
    if path.startswith("/proc") and not Path(path).is_file():
        pytest.skip(f"no {path} here")
    result = convert(tmp_path, source, "--from", "bibtex", "-o", str(tmp_path / "out.ris"))
    assert result.returncode == 2 and source[-20:] in result.stderr


def test_failed_rdf_conversion_leaves_nothing_beside_out(tmp_path: Path) -> None:
    write(tmp_path / "in" / "small.pdf", b"%PDF" * 100)
    write(tmp_path / "in" / "big.pdf", b"%PDF" * 50_000)
    bib = write(tmp_path / "in" / "a.bib", "@article{s, title={S}, file={small.pdf}}\n"
                                           "@article{b, title={B}, file={big.pdf}}\n")
    out = write(tmp_path / "out" / "out.rdf", "EXISTING")
    result = convert(tmp_path, str(bib), "-o", str(out), limits=((resource.RLIMIT_FSIZE, 50_000),))
    assert result.returncode == 1 and out.read_text(encoding="utf-8") == "EXISTING"
    assert [p.name for p in out.parent.iterdir()] == ["out.rdf"]

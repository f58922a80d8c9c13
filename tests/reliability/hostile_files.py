"""Hostile attachment links for `senref import` (catalogue X6, G5), written in each format's real syntax.

`build_world(root)` lays out, under *root* only:

- `imp/`: the folder of the file being imported, with the good files (controls), a symlink that leaves
  it, a FIFO, a directory named like a PDF, Zotero's `files/<id>/` export layout, EndNote's `PDF/`;
- `outside/`: one sentinel "secret" per case, each with its own unique content;
- `fakehome/.ssh/`: private-key look-alikes (the tests point HOME here, never at the real one);
- `imp-evil/`: a sibling whose name starts with the import folder's name (defeats `startswith` checks);
- `extra/`: the folder given with `--files-from DIR`.

`render(fmt, links)` writes the same links as BibTeX/BibLaTeX (JabRef escaping of `\\ : ;`), RIS (L1, L2,
L4, UR, `internal-pdf://`, continuation lines), Zotero RDF (`z:path`, the legacy `rdf:resource` element,
text paths, standalone attachments), senref item JSON (the shape `senref export -o x.json` writes, with
`meta.attachments[].path`), Better BibTeX JSON (`items[].attachments[].path`) and CSL-JSON (`file`, as
BBT emits it beyond the CSL schema). Nothing here touches a real secret: `/etc/passwd`,
`/proc/self/environ` and `/dev/zero` are named only as link targets the import must refuse.
"""

from __future__ import annotations

import base64
import json
import os
import plistlib
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

#: Formats that can carry a file link, as the tests name them (CSL-JSON is handled apart).
FORMATS = ("bibtex", "biblatex", "ris", "zotero-rdf", "json", "bbt-json")
EXTENSIONS = {"bibtex": ".bib", "biblatex": ".bib", "ris": ".ris", "zotero-rdf": ".rdf", "json": ".json",
              "bbt-json": ".json", "csljson": ".json"}
#: The environment variable whose value must never reach the library (read through /proc/self/environ).
CANARY_VAR = "SENREF_TEST_CANARY"


@dataclass(frozen=True)
class Link:
    """One attachment link as the exporting tool means it, before the format's own escaping.

    `variant` picks a format-specific spelling: `pdf-field`, `local-url`, `bdsk`, `verbatim` (BibTeX);
    `L2`, `L4`, `UR`, `continuation` (RIS); `legacy`, `text`, `standalone`, `ident-url` (RDF);
    `linked`, `imported-url` (JSON). `key` is the attachment's key or `rdf:about` where the format has one.
    """

    title: str
    raw: str
    variant: str = ""
    key: str = ""
    item_key: str = ""


@dataclass(frozen=True)
class Case:
    """A hostile link: it must be skipped, named on stderr, and its target never opened nor copied."""

    id: str
    raw: str
    #: real paths (or `/proc/<pid>/...` patterns) the import must never open for this case
    forbidden: tuple[str, ...]
    #: content that must appear nowhere in the library, the export or the output
    secret: bytes | None
    #: any of these on stderr names the skipped link
    needles: tuple[str, ...]
    variant: str = ""
    must_report: bool = True
    formats: tuple[str, ...] = FORMATS
    #: has a record of its own (a standalone RDF attachment has none once its file is refused)
    has_record: bool = True


@dataclass(frozen=True)
class Control:
    """A good link: the file must be stored under files/ with exactly these bytes (None: it cannot resolve)."""

    id: str
    raw: str
    content: bytes | None
    variant: str = ""
    formats: tuple[str, ...] = FORMATS


@dataclass
class World:
    root: Path
    imp: Path
    outside: Path
    fakehome: Path
    evil: Path
    extra: Path
    canary: str
    cases: list[Case] = field(default_factory=list)
    devices: list[Case] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)
    files_from_good: list[Control] = field(default_factory=list)
    files_from_bad: list[Case] = field(default_factory=list)
    #: sentinels that belong to no case of their own (the hostile half of a mixed field)
    extra_secrets: dict[str, bytes] = field(default_factory=dict)

    def secrets(self) -> dict[str, bytes]:
        """Every sentinel content in this world, by case id."""
        out = {c.id: c.secret for c in [*self.cases, *self.devices, *self.files_from_bad] if c.secret}
        out.update(self.extra_secrets)
        out["canary"] = self.canary.encode()
        return out


def _secret(world_token: str, name: str) -> bytes:
    return f"SENREF-SENTINEL-{name}-{world_token}\n".encode()


def _pdf(name: str, token: str) -> bytes:
    return f"%PDF-1.4\n% control {name} {token}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".encode()


def build_world(root: Path) -> World:
    token = secrets.token_hex(8)
    imp, outside, fakehome, evil, extra = (root / "imp", root / "outside", root / "fakehome", root / "imp-evil",
                                           root / "extra")
    for folder in (imp / "sub", imp / "PDF", imp / "files" / "1234", imp / "longpath-start", outside,
                   fakehome / ".ssh", evil, extra / "deeper"):
        folder.mkdir(parents=True, exist_ok=True)
    world = World(root, imp, outside, fakehome, evil, extra, canary=f"SENREF-ENVIRON-CANARY-{token}")

    def sentinel(folder: Path, name: str, case_id: str) -> tuple[Path, bytes]:
        data = _secret(token, case_id)
        (folder / name).write_bytes(data)
        return folder / name, data

    def case(case_id: str, raw: str, target: Path | str | None, data: bytes | None, *needles: str, **kw: object) -> None:
        forbidden = (str(target),) if target is not None else ()
        world.cases.append(Case(case_id, raw, forbidden, data, needles, **kw))  # type: ignore[arg-type]

    def outside_case(case_id: str, name: str, raw: str, *needles: str, folder: Path = outside, **kw: object) -> None:
        target, data = sentinel(folder, name, case_id)
        case(case_id, raw, target, data, *(needles or (name,)), **kw)

    # -- absolute paths and file: URLs -------------------------------------------------------------
    outside_case("abs", "secret-abs.txt", str(outside / "secret-abs.txt"))
    outside_case("abs-dotdot", "secret-absdot.txt", f"{imp}/../outside/secret-absdot.txt")
    outside_case("abs-prefix", "secret-prefix.txt", str(evil / "secret-prefix.txt"), folder=evil)
    passwd = Path("/etc/passwd")
    first = passwd.read_bytes().splitlines()[0] if passwd.is_file() else None
    case("etc-passwd", "/etc/passwd", passwd, first or None, "/etc/passwd")
    key_rsa = b"-----BEGIN OPENSSH PRIVATE KEY-----\n" + _secret(token, "ssh-home")
    (fakehome / ".ssh" / "id_rsa").write_bytes(key_rsa)
    case("ssh-home", str(fakehome / ".ssh" / "id_rsa"), fakehome / ".ssh" / "id_rsa", key_rsa, "id_rsa")
    key_ed = b"-----BEGIN OPENSSH PRIVATE KEY-----\n" + _secret(token, "ssh-tilde")
    (fakehome / ".ssh" / "id_ed25519").write_bytes(key_ed)
    case("ssh-tilde", "~/.ssh/id_ed25519", fakehome / ".ssh" / "id_ed25519", key_ed, "id_ed25519")
    outside_case("file-url", "secret-url.txt", "file://" + quote(str(outside / "secret-url.txt")))
    outside_case("file-url-localhost", "secret-urlhost.txt", "file://localhost" + quote(str(outside / "secret-urlhost.txt")))
    outside_case("file-url-pct", "secret-urlpct.txt", f"file://{quote(str(imp))}/%2e%2e/outside/secret-urlpct.txt")
    # A relative file: URI resolves against the imported file (Zotero), never against the working directory;
    # the tests run the import with the working directory in outside/.
    outside_case("file-url-cwd", "secret-cwd.txt", "file:secret-cwd.txt")
    outside_case("file-url-dotdot", "secret-urlrel.txt", "file:../outside/secret-urlrel.txt")
    # -- relative escapes ---------------------------------------------------------------------------
    outside_case("dotdot", "secret-rel.txt", "../outside/secret-rel.txt")
    outside_case("backslash", "secret-win.txt", "..\\outside\\secret-win.txt")
    outside_case("mixed-slashes", "secret-mixed.txt", "sub\\..\\../outside/secret-mixed.txt")
    outside_case("pct", "secret-pct.txt", "%2e%2e%2foutside%2fsecret-pct.txt")
    outside_case("dot-sub-dotdot", "secret-dot.txt", "./sub/../../outside/secret-dot.txt")
    outside_case("nul", "secret-nul.txt", "../outside/secret-nul.txt\x00.pdf",
                 formats=tuple(f for f in FORMATS if f != "zotero-rdf"))  # XML cannot hold U+0000 at all
    outside_case("long", "secret-long.txt", "longpath-start/../" + "sub/../" * 700 + "../outside/secret-long.txt",
                 "secret-long.txt", "longpath-start")
    # -- symlinks inside the import folder that lead out ---------------------------------------------
    target, data = sentinel(outside, "secret-sym.txt", "symlink")
    (imp / "link-sym.pdf").symlink_to(target)
    case("symlink", "link-sym.pdf", target, data, "link-sym.pdf", "secret-sym.txt")
    target, data = sentinel(outside, "secret-symabs.txt", "symlink-abs")
    (imp / "link-symabs.pdf").symlink_to(target)
    case("symlink-abs", str(imp / "link-symabs.pdf"), target, data, "link-symabs.pdf", "secret-symabs.txt")
    target, data = sentinel(outside, "secret-symdir.txt", "symlink-dir")
    (imp / "linkdir").symlink_to(outside, target_is_directory=True)
    case("symlink-dir", "linkdir/secret-symdir.txt", target, data, "secret-symdir.txt")
    # -- special files --------------------------------------------------------------------------------
    case("proc-environ", "/proc/self/environ", "/proc/self/environ", None, "/proc/self/environ")
    (imp / "adir.pdf").mkdir()
    data = sentinel(imp / "adir.pdf", "inner.txt", "directory")[1]
    case("directory", "adir.pdf", None, data, "adir.pdf")
    # -- format-specific spellings ------------------------------------------------------------------------
    bib = ("bibtex", "biblatex")
    outside_case("bib-pdf-field", "secret-pdffield.txt", str(outside / "secret-pdffield.txt"), variant="pdf-field", formats=bib)
    outside_case("bib-local-url", "secret-localurl.txt", "file://" + quote(str(outside / "secret-localurl.txt")),
                 variant="local-url", formats=bib)
    outside_case("bib-mendeley", "secret-mendeley.txt", ":..$\\backslash$outside$\\backslash$secret-mendeley.txt:pdf",
                 variant="verbatim", formats=bib)
    outside_case("bib-bdsk", "secret-bdsk.txt", "../outside/secret-bdsk.txt", variant="bdsk", formats=bib,
                 must_report=False)  # senref's reader ignores bdsk-file-N; it must at least never follow it
    outside_case("ris-l2", "secret-l2.txt", str(outside / "secret-l2.txt"), variant="L2", formats=("ris",))
    outside_case("ris-l4-url", "secret-l4.txt", "file://" + quote(str(outside / "secret-l4.txt")), variant="L4", formats=("ris",))
    outside_case("ris-ur-file", "secret-ur.txt", "file://" + quote(str(outside / "secret-ur.txt")), variant="UR",
                 formats=("ris",), must_report=False)  # UR is a URL field; a file: URL there is at most a link
    outside_case("ris-internal-pdf", "secret-ipdf.txt", "internal-pdf://../../outside/secret-ipdf.txt", formats=("ris",))
    outside_case("ris-continuation", "secret-cont.txt", "../outside/secret-cont.txt", variant="continuation", formats=("ris",))
    rdf = ("zotero-rdf",)
    outside_case("rdf-legacy", "secret-legacy.txt", str(outside / "secret-legacy.txt"), variant="legacy", formats=rdf)
    outside_case("rdf-text-path", "secret-text.txt", "../outside/secret-text.txt", variant="text", formats=rdf)
    outside_case("rdf-standalone", "secret-standalone.txt", str(outside / "secret-standalone.txt"), variant="standalone",
                 formats=rdf, has_record=False)
    outside_case("rdf-ident-url", "secret-ident.txt", "file://" + quote(str(outside / "secret-ident.txt")),
                 variant="ident-url", formats=rdf, must_report=False)
    outside_case("json-linked", "secret-linked.txt", str(outside / "secret-linked.txt"), variant="linked", formats=("json",))
    outside_case("json-imported-url", "secret-impurl.txt", "../outside/secret-impurl.txt", variant="imported-url",
                 formats=("json",))

    # -- devices: each imported on its own, under a timeout ----------------------------------------------
    os.mkfifo(imp / "pipe.pdf")
    world.devices.append(Case("fifo", "pipe.pdf", (str(imp / "pipe.pdf"),), None, ("pipe.pdf",)))
    world.devices.append(Case("dev-zero", "/dev/zero", ("/dev/zero",), None, ("/dev/zero",)))
    (imp / "zero.pdf").symlink_to("/dev/zero")
    world.devices.append(Case("zero-link", "zero.pdf", ("/dev/zero",), None, ("zero.pdf", "/dev/zero")))

    # -- controls -------------------------------------------------------------------------------------------
    def control(control_id: str, rel: str | None, raw: str, **kw: object) -> None:
        data = _pdf(control_id, token) if rel is not None else None
        if rel is not None:
            (imp / rel).parent.mkdir(parents=True, exist_ok=True)
            (imp / rel).write_bytes(data or b"")
        world.controls.append(Control(control_id, raw, data, **kw))  # type: ignore[arg-type]

    control("relative", "paper-rel.pdf", "paper-rel.pdf")
    control("subfolder", "sub/paper-sub.pdf", "sub/paper-sub.pdf")
    control("abs-inside", "paper-abs.pdf", str(imp / "paper-abs.pdf"))
    # senref's own JSON carries the POSIX paths senref writes; file: URLs and `\` separators belong to the others.
    foreign = tuple(f for f in FORMATS if f != "json")
    control("file-url-inside", "paper url.pdf", "file://" + quote(str(imp / "paper url.pdf")), formats=foreign)
    control("windows-relative", "sub/paper-win.pdf", "sub\\paper-win.pdf", formats=foreign)
    control("dotdot-inside", "paper-dd.pdf", "sub/../paper-dd.pdf")
    control("unicode-name", "sub/Überblick – résumé.pdf", "sub/Überblick – résumé.pdf")
    control("export-layout", "files/1234/paper-layout.pdf", "files/1234/paper-layout.pdf")
    (imp / "sub" / "paper-target.pdf").write_bytes(_pdf("symlink-inside", token))
    (imp / "link-inside.pdf").symlink_to(imp / "sub" / "paper-target.pdf")
    world.controls.append(Control("symlink-inside", "link-inside.pdf", _pdf("symlink-inside", token)))
    control("ris-internal-pdf", "PDF/paper-ipdf.pdf", "internal-pdf://paper-ipdf.pdf", formats=("ris",))
    control("rdf-legacy", "files/1234/paper-legacy.pdf", "files/1234/paper-legacy.pdf", variant="legacy",
            formats=("zotero-rdf",))
    # JabRef on Windows writes `C\:\\Users\\…`; on this machine it names no file: record kept, nothing attached.
    control("windows-drive", None, "C:\\Users\\me\\Documents\\paper-c.pdf")
    # A good file and a hostile one in the same field / tag: the good one still attaches.
    control("multi-bib", "paper-multi.pdf", ":paper-multi.pdf:PDF;:../outside/secret-multi.txt:PDF",
            variant="verbatim", formats=("bibtex", "biblatex"))
    world.extra_secrets["multi"] = sentinel(outside, "secret-multi.txt", "multi")[1]

    # -- --files-from DIR -------------------------------------------------------------------------------
    def ff_good(control_id: str, rel: str, raw: str) -> None:
        data = _pdf(control_id, token)
        (extra / rel).write_bytes(data)
        world.files_from_good.append(Control(control_id, raw, data))

    ff_good("ff-abs", "paper-ff.pdf", str(extra / "paper-ff.pdf"))
    ff_good("ff-relative", "paper-ffrel.pdf", "../extra/paper-ffrel.pdf")
    ff_good("ff-deeper", "deeper/paper-ffsub.pdf", str(extra / "deeper" / "paper-ffsub.pdf"))
    target, data = sentinel(outside, "secret-ffesc.txt", "ff-escape")
    world.files_from_bad.append(Case("ff-escape", f"{extra}/../outside/secret-ffesc.txt", (str(target),), data,
                                     ("secret-ffesc.txt",)))
    target, data = sentinel(outside, "secret-fflink.txt", "ff-symlink")
    (extra / "link-out.pdf").symlink_to(target)
    world.files_from_bad.append(Case("ff-symlink", str(extra / "link-out.pdf"), (str(target),), data,
                                     ("link-out.pdf", "secret-fflink.txt")))
    return world


# -- writers -------------------------------------------------------------------------------------------------
def jabref_escape(path: str) -> str:
    """JabRef's (and Zotero's) escaping inside `file = {desc:path:type}`: backslash, colon, semicolon."""
    return re.sub(r"([\\:;])", r"\\\1", path)


def bdsk_value(relative: str) -> str:
    """A BibDesk `bdsk-file-N` value: a base64 binary plist carrying `relativePath`."""
    return base64.b64encode(plistlib.dumps({"relativePath": relative, "aliasData": b"\x00" * 16},
                                           fmt=plistlib.FMT_BINARY)).decode()


def _bib(links: list[Link], dialect: str) -> str:
    out = []
    for n, link in enumerate(links, start=1):
        if link.variant == "pdf-field":
            files = f"pdf = {{{link.raw}}}"
        elif link.variant == "local-url":
            files = f"local-url = {{{link.raw}}}"
        elif link.variant == "bdsk":
            files = f"bdsk-file-1 = {{{bdsk_value(link.raw)}}}"
        elif link.variant == "verbatim":
            files = f"file = {{{link.raw}}}"
        else:
            files = f"file = {{Full Text PDF:{jabref_escape(link.raw)}:application/pdf}}"
        if dialect == "biblatex":
            out.append(f"@online{{h{n},\n  title = {{{link.title}}},\n  date = {{2020-05-01}},\n"
                       f"  urldate = {{2021-01-01}},\n  {files}\n}}\n")
        else:
            out.append(f"@article{{h{n},\n  title = {{{link.title}}},\n  journal = {{Aging Cell}},\n"
                       f"  year = {{2020}},\n  {files}\n}}\n")
    return "\n".join(out)


def _ris(links: list[Link]) -> str:
    out = []
    for link in links:
        lines = ["TY  - JOUR", f"TI  - {link.title}", "PY  - 2020"]
        if link.variant == "continuation":
            lines += ["L1  - paper-rel.pdf", link.raw]
        else:
            lines.append(f"{link.variant or 'L1'}  - {link.raw}")
        out.append("\n".join([*lines, "ER  - ", ""]))
    return "\n".join(out)


RDF_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF\n'
            ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
            ' xmlns:z="http://www.zotero.org/namespaces/export#"\n'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            ' xmlns:dcterms="http://purl.org/dc/terms/"\n'
            ' xmlns:bib="http://purl.org/net/biblio#"\n'
            ' xmlns:link="http://purl.org/rss/1.0/modules/link/">\n')


def _rdf(links: list[Link]) -> str:
    out = [RDF_HEAD]
    for n, link in enumerate(links, start=1):
        about = link.key or f"#item_a{n}"
        if link.variant != "standalone":
            out.append(f'  <bib:Article rdf:about="#item_h{n}">\n    <z:itemType>journalArticle</z:itemType>\n'
                       f'    <dc:title>{escape(link.title)}</dc:title>\n    <dc:date>2020</dc:date>\n'
                       f'    <link:link rdf:resource={quoteattr(about)}/>\n  </bib:Article>\n')
        title = link.title if link.variant == "standalone" else "Full Text PDF"
        if link.variant == "legacy":
            where = f"    <rdf:resource rdf:resource={quoteattr(link.raw)}/>\n"
        elif link.variant == "text":
            where = f"    <z:path>{escape(link.raw)}</z:path>\n"
        elif link.variant == "ident-url":
            where = (f"    <dc:identifier>\n      <dcterms:URI>\n        <rdf:value>{escape(link.raw)}</rdf:value>\n"
                     f"      </dcterms:URI>\n    </dc:identifier>\n")
        else:
            where = f"    <z:path rdf:resource={quoteattr(link.raw)}/>\n"
        out.append(f'  <z:Attachment rdf:about={quoteattr(about)}>\n    <z:itemType>attachment</z:itemType>\n'
                   f'    <dc:title>{escape(title)}</dc:title>\n{where}'
                   f'    <z:linkMode>0</z:linkMode>\n    <link:type>application/pdf</link:type>\n  </z:Attachment>\n')
    out.append("</rdf:RDF>\n")
    return "".join(out)


def _item_key(n: int) -> str:
    alphabet = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
    digits = []
    for _ in range(8):
        n, rest = divmod(n, len(alphabet))
        digits.append(alphabet[rest])
    return "".join(reversed(digits))


def _json(links: list[Link]) -> str:
    """The shape `senref export -o x.json` writes: Zotero Web API item JSON plus `meta.attachments`."""
    items = []
    for n, link in enumerate(links, start=1):
        key = link.item_key or _item_key(1000 + n)
        mode = {"linked": "linked_file", "imported-url": "imported_url"}.get(link.variant, "imported_file")
        items.append({
            "key": key, "version": 1,
            "data": {"key": key, "version": 1, "itemType": "journalArticle", "title": link.title, "date": "2020",
                     "creators": [], "tags": [], "collections": [], "relations": {}},
            "meta": {"identifiers": {}, "notes": [], "collectionPaths": [], "attachments": [
                {"key": link.key or _item_key(5000 + n), "title": "Full Text PDF", "linkMode": mode,
                 "contentType": "application/pdf", "path": link.raw, "dateAdded": "2024-01-01T00:00:00Z"}]},
        })
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


def _bbt(links: list[Link]) -> str:
    """Better BibTeX JSON: Zotero fields at the top of each item, `attachments[].path` as BBT writes it."""
    items = [{"itemType": "journalArticle", "title": link.title, "date": "2020", "itemID": n, "citationKey": f"h{n}",
              "creators": [], "tags": [], "notes": [],
              "attachments": [{"title": "Full Text PDF", "path": link.raw, "contentType": "application/pdf"}]}
             for n, link in enumerate(links, start=1)]
    doc = {"config": {"id": "36a3b0b5-bad0-4a04-b79b-441c7cef77db", "label": "BetterBibTeX JSON",
                      "preferences": {}, "options": {"exportNotes": True}},
           "collections": {}, "items": items}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _csl(links: list[Link]) -> str:
    return json.dumps([{"id": f"c{n}", "type": "article-journal", "title": link.title, "issued": {"date-parts": [[2020]]},
                        **({"URL": link.raw} if link.variant == "URL" else {"file": link.raw})}
                       for n, link in enumerate(links, start=1)], ensure_ascii=False, indent=1) + "\n"


def render(fmt: str, links: list[Link]) -> str:
    """The text of an import file in *fmt* carrying *links* (one record per link)."""
    if fmt in ("bibtex", "biblatex"):
        return _bib(links, fmt)
    return {"ris": _ris, "zotero-rdf": _rdf, "json": _json, "bbt-json": _bbt, "csljson": _csl}[fmt](links)


def write(folder: Path, name: str, fmt: str, links: list[Link]) -> Path:
    path = folder / f"{name}{EXTENSIONS[fmt]}"
    path.write_text(render(fmt, links), encoding="utf-8", newline="\n")
    return path

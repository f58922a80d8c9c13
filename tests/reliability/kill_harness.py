"""Kill-at-random harness (issue 11 part 7): SIGKILL a real `senref` command, then look at what it left.

The pieces `test_kill_at_random` puts together:

- generators: a minimal valid PDF (passes senref's `%PDF-`/`%%EOF`/`startxref` check), a .bib of a few
  thousand entries built from the benchmark corpus (`bench/corpus.py`), a .bib whose `file` fields
  point at PDFs lying beside it, an old-schema (version 1) library;
- `ReplayServer`: doi.org `/ra`, Crossref `/works`, HAL search, PubMed esearch and Unpaywall `/v2`
  for a batch of DOIs, plus their PDFs, on 127.0.0.1 (port 0);
- `run_killed`: start the command, SIGKILL it after a delay or at a milestone (the Nth progress
  line, or something appearing on disk), and say whether the kill landed while it was running;
- inspections read the library from outside (sqlite3 read-only, the files folder), never through senref;
- `Campaign`: the figures per operation (kills, kills after which every invariant held, where the
  kills landed) and the violations, grouped by kind, with the seed and kill of the first one seen.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.reliability.helpers import senref_env

# -- generators -------------------------------------------------------------------------------------


def minimal_pdf(text: str, pad: int = 0) -> bytes:
    """A one-page PDF showing *text* with exact xref offsets; *pad* bytes of an unused stream make it bigger.

    The padding is derived from *text*, so every generated file has its own sha256.
    """
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    page = f"BT /F1 12 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(page) + page + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if pad > 0:
        seed = hashlib.sha256(text.encode()).digest()
        filler = (seed * (pad // len(seed) + 1))[:pad]
        objects.append(b"<< /Length %d >>\nstream\n" % len(filler) + filler + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _bib_text(value: str) -> str:
    return value.replace("{", "").replace("}", "").replace("\\", "")


def write_big_bib(path: Path, n: int, seed: int = 11) -> list[str]:
    """A .bib of *n* entries from the benchmark corpus (short records: no abstract, two authors); their DOIs."""
    from bench.corpus import records

    dois: list[str] = []
    with path.open("w", encoding="utf-8") as out:
        for number, record in enumerate(records(n, seed=seed)):
            item = record.item
            doi = item.identifiers["doi"]
            dois.append(doi)
            authors = " and ".join(f"{_bib_text(c.last_name)}, {_bib_text(c.first_name)}" for c in item.creators[:2])
            tags = ", ".join(t.tag for t in item.tags)
            out.write(f"@article{{big{number},\n  author = {{{authors}}},\n"
                      f"  title = {{{_bib_text(item.fields['title'])}}},\n"
                      f"  journal = {{{_bib_text(item.fields['publicationTitle'])}}},\n"
                      f"  year = {{{item.fields['date']}}},\n  volume = {{{item.fields['volume']}}},\n"
                      f"  doi = {{{doi}}},\n  keywords = {{{tags}}}\n}}\n\n")
    return dois


def write_files_bib(folder: Path, n: int, *, prefix: str, pad: int = 0, name: str = "with-files.bib") -> dict[str, str]:
    """*n* entries, each with `file = {:<prefix>-NNNN.pdf:application/pdf}` naming a PDF beside the .bib.

    Returns DOI -> sha256 of the entry's PDF.
    """
    from senref.sources.pdf import check_pdf

    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}
    lines = []
    for number in range(n):
        doi = f"10.5555/{prefix}.{number}"
        data = minimal_pdf(f"{prefix} paper {number} on therapy-induced senescence", pad=pad)
        pdf = folder / f"{prefix}-{number:04d}.pdf"
        pdf.write_bytes(data)
        expected[doi] = sha256(data)
        lines.append(f"@article{{{prefix}{number},\n  title = {{Senescent cell clearance, {prefix} study {number}}},\n"
                     f"  author = {{Gil, Ana and Campisi, Judith}},\n  journal = {{Aging Cell}},\n"
                     f"  year = {{{2000 + number % 25}}},\n  doi = {{{doi}}},\n"
                     f"  file = {{:{pdf.name}:application/pdf}}\n}}\n\n")
    problem = check_pdf(folder / f"{prefix}-0000.pdf") if n else None
    assert problem is None, f"the generated PDF fails senref's own check: {problem}"
    (folder / name).write_text("".join(lines), encoding="utf-8")
    return expected


def zotero_key(prefix: str, number: int) -> str:
    """A valid 8-character key (Zotero's alphabet: no 0, 1, I, O) made from *prefix* and *number*."""
    alphabet = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
    digits = ""
    for _ in range(8 - len(prefix)):
        number, rest = divmod(number, len(alphabet))
        digits = alphabet[rest] + digits
    return prefix + digits


def make_v1_library(folder: Path, n: int, *, outside_pdf: Path, stored: int = 20) -> dict[str, str]:
    """A library at schema version 1 (before tag colours and `has_file`), as an old senref left it.

    *n* items with a creator, three tags each and a linked PDF outside the library (so migration 2's
    `has_file` update touches every row); the first *stored* items also have a stored PDF in files/.
    Returns attachment path -> sha256 of the stored files.
    """
    from senref.storage import migrations

    folder.mkdir(parents=True)
    (folder / "files").mkdir()
    outside_pdf.write_bytes(minimal_pdf("A linked PDF outside the library"))
    db = folder / "library.sqlite"
    conn = sqlite3.connect(db, isolation_level=None)
    stored_files: dict[str, str] = {}
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN")
        migrations.MIGRATIONS[1](conn)  # the schema as version 1 created it
        conn.execute("PRAGMA user_version = 1")
        conn.executemany("INSERT INTO tags (id, name) VALUES (?, ?)", [(t, f"topic {t}") for t in range(1, 41)])
        abstract = "Therapy-induced senescence after chemotherapy and radiotherapy. " * 30
        for i in range(1, n + 1):
            title = f"Old senescence paper number {i} on senolytics after doxorubicin"
            fields = json.dumps({"title": title, "abstractNote": abstract, "date": str(1990 + i % 30)})
            conn.execute("INSERT INTO items (id, key, item_type, title, sort_title, year, date_added, date_modified, "
                         "fields) VALUES (?, ?, 'journalArticle', ?, ?, ?, '2020-01-01T00:00:00Z', "
                         "'2020-01-01T00:00:00Z', ?)", (i, zotero_key("V", i), title, title.lower(), 1990 + i % 30, fields))
            conn.execute("INSERT INTO creators (item_id, pos, creator_type, first_name, last_name) "
                         "VALUES (?, 0, 'author', 'Ana', ?)", (i, f"Author{i}"))
            conn.execute("INSERT INTO identifiers (item_id, scheme, value) VALUES (?, 'doi', ?)", (i, f"10.5555/old.{i}"))
            for t in range(3):
                conn.execute("INSERT INTO item_tags (item_id, tag_id, type) VALUES (?, ?, 0)", (i, (i * 7 + t * 13) % 40 + 1))
            conn.execute("INSERT INTO attachments (key, item_id, title, link_mode, path, content_type, date_added) "
                         "VALUES (?, ?, 'PDF', 'linked_file', ?, 'application/pdf', '2020-01-01T00:00:00Z')",
                         (zotero_key("L", i), i, str(outside_pdf)))
            if i <= stored:
                data = minimal_pdf(f"stored paper {i}")
                rel = f"files/{zotero_key('S', i)}/paper.pdf"
                (folder / rel).parent.mkdir()
                (folder / rel).write_bytes(data)
                stored_files[rel] = sha256(data)
                conn.execute("INSERT INTO attachments (key, item_id, title, link_mode, path, content_type, size, sha256, "
                             "date_added) VALUES (?, ?, 'PDF', 'imported_file', ?, 'application/pdf', ?, ?, "
                             "'2020-01-01T00:00:00Z')", (zotero_key("S", i), i, rel, len(data), sha256(data)))
            conn.execute("INSERT INTO items_fts (rowid, title, creators, abstract) VALUES (?, ?, ?, ?)",
                         (i, title, f"Author{i}", abstract))
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return stored_files


def clone(src: Path, dst: Path, *, link_under: str | None = None) -> None:
    """Copy a folder; files below *link_under* (a relative folder) are hard-linked instead of copied.

    Hard links are only used for stored attachments, which senref never rewrites in place.
    """
    def copy(s: str, d: str) -> None:
        if link_under and Path(s).resolve().is_relative_to((src / link_under).resolve()):
            try:
                os.link(s, d)
                return
            except OSError:
                pass
        shutil.copy2(s, d)
    shutil.copytree(src, dst, copy_function=copy, symlinks=True)


# -- the replay server for `senref add` -------------------------------------------------------------


#: service -> path prefix of its root on its own port (each root is what the service's URL would be)
REPLAY_PREFIXES = {"hal_api": "/halapi", "hal": "/hal", "crossref": "/crossref", "doi": "/doi",
                   "datacite": "/datacite", "unpaywall": "/unpaywall", "pubmed": "/eutils", "arxiv": "/arxiv"}


class ReplayServer:
    """Crossref, doi.org, HAL, PubMed and Unpaywall for DOIs `10.5555/kill.N` (N < count), and their PDFs.

    Unpaywall names `<HAL root>/pdf/N.pdf` as the open-access copy (senref fetches from loopback only
    at a configured service root).
    """

    def __init__(self, count: int, pdf_pad: int = 0) -> None:
        self.count = count
        self.pdfs = {n: minimal_pdf(f"Kill batch paper {n}: senolytic clearance", pad=pdf_pad) for n in range(count)}
        self.requests = 0
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                replay.requests += 1
                status, ctype, body = replay.answer(self.path)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client was killed mid-answer: that is the experiment

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a killed client resets its connections

        # One port per service, as in production: the client paces and bounds requests per host.
        self.httpds = {name: Server(("127.0.0.1", 0), Handler) for name in REPLAY_PREFIXES}
        self.threads = [threading.Thread(target=h.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
                        for h in self.httpds.values()]

    def root(self, service: str) -> str:
        return f"http://127.0.0.1:{self.httpds[service].server_address[1]}"

    @property
    def url(self) -> str:
        """Where the PDFs are: the HAL file server's root (a configured service, so senref may fetch there)."""
        return self.root("hal")

    def dois(self) -> list[str]:
        return [f"10.5555/kill.{n}" for n in range(self.count)]

    def pdf_sha(self, doi: str) -> str:
        return sha256(self.pdfs[int(doi.rsplit(".", 1)[1])])

    def env(self) -> dict[str, str]:
        from senref.core.settings import SERVICE_URLS

        env = {var: self.root(name) + REPLAY_PREFIXES[name] for name, (var, _) in SERVICE_URLS.items()
               if name in REPLAY_PREFIXES}
        env["SENREF_EMAIL"] = "lab@example.org"
        return env

    def _number(self, doi: str) -> int | None:
        match = re.fullmatch(r"10\.5555/kill\.(\d+)", doi.lower())
        if match and int(match.group(1)) < self.count:
            return int(match.group(1))
        return None

    def answer(self, raw_path: str) -> tuple[int, str, bytes]:
        parsed = urllib.parse.urlsplit(raw_path)
        path = urllib.parse.unquote(parsed.path)
        js = "application/json"
        if path.startswith("/halapi/search"):
            return 200, js, b'{"response": {"numFound": 0, "start": 0, "docs": []}}'
        if path.startswith("/eutils/esearch.fcgi"):
            return 200, "text/xml", (b'<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><Count>0</Count>'
                                     b"<RetMax>0</RetMax><RetStart>0</RetStart><IdList/></eSearchResult>")
        for prefix in ("/doi/ra/", "/crossref/works/", "/unpaywall/v2/"):
            if path.startswith(prefix):
                doi = path[len(prefix):]
                n = self._number(doi)
                if n is None:
                    return 404, "text/plain", b"Resource not found."
                if prefix == "/doi/ra/":
                    return 200, js, json.dumps([{"DOI": doi, "RA": "Crossref"}]).encode()
                if prefix == "/crossref/works/":
                    work = {"DOI": doi, "type": "journal-article",
                            "title": [f"Senolytic clearance after therapy-induced senescence, batch paper {n}"],
                            "container-title": ["Aging Cell"], "issued": {"date-parts": [[2000 + n % 25, 3]]},
                            "volume": str(n), "author": [{"given": "Ana", "family": f"Gil{n}"},
                                                         {"given": "Judith", "family": "Campisi"}]}
                    return 200, js, json.dumps({"status": "ok", "message-type": "work", "message": work}).encode()
                location = {"url_for_pdf": f"{self.url}/pdf/{n}.pdf", "host_type": "repository",
                            "version": "acceptedVersion", "repository_institution": "Replay"}
                return 200, js, json.dumps({"doi": doi, "is_oa": True, "best_oa_location": location,
                                            "oa_locations": [location]}).encode()
        match = re.fullmatch(r"/pdf/(\d+)\.pdf", path)
        if match and int(match.group(1)) in self.pdfs:
            return 200, "application/pdf", self.pdfs[int(match.group(1))]
        return 404, "text/plain", b"not here"

    def __enter__(self) -> ReplayServer:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for httpd in self.httpds.values():
            httpd.shutdown()
            httpd.server_close()
        for thread in self.threads:
            thread.join(5)


# -- running and killing ----------------------------------------------------------------------------


@dataclass
class Kill:
    """When to kill: `delay` seconds after start, or at a milestone (then `extra` seconds later).

    A milestone is the `line`-th stderr line containing `pattern`, or `probe()` turning true
    (polled about every half millisecond; it is built per run from the run's folder).
    """

    label: str
    delay: float | None = None
    line: int = 0
    pattern: str = ""
    stream: str = "stderr"
    probe: Callable[[Path], Callable[[], bool]] | None = None
    extra: float = 0.0

    def describe(self) -> str:
        if self.delay is not None:
            return f"{self.label} (delay {self.delay:.3f} s)"
        return self.label


@dataclass
class RunResult:
    killed: bool
    returncode: int | None
    elapsed: float  # seconds from start to the kill (or to the end if it finished first)
    stdout: str
    stderr: str


def senref_argv(lib: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "senref", "--library", str(lib), *args]


def run_killed(argv: list[str], env: dict[str, str], kill: Kill, work: Path, *, timeout: float = 120) -> RunResult:
    """Run *argv* and SIGKILL it as *kill* says; `killed` is True only if the signal hit a running process."""
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=work)
    lock = threading.Lock()
    killed_at: list[float] = []
    streams: dict[str, list[bytes]] = {"stdout": [], "stderr": []}

    def do_kill() -> None:
        with lock:
            if killed_at:
                return
            killed_at.append(time.monotonic() - started)
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGKILL)

    def read(name: str, pipe: object) -> None:
        seen = 0
        for raw in iter(pipe.readline, b""):  # type: ignore[attr-defined]
            streams[name].append(raw)
            if kill.line and name == kill.stream and kill.pattern.encode() in raw:
                seen += 1
                if seen == kill.line:
                    if kill.extra:
                        time.sleep(kill.extra)
                    do_kill()

    readers = [threading.Thread(target=read, args=(name, getattr(proc, name)), daemon=True) for name in streams]
    for reader in readers:
        reader.start()
    deadline = started + timeout
    try:
        if kill.delay is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(max(0.0, kill.delay - (time.monotonic() - started)))
            do_kill()
        elif kill.probe is not None:
            probe = kill.probe(work)
            while proc.poll() is None and time.monotonic() < deadline:
                if probe():
                    if kill.extra:
                        time.sleep(kill.extra)
                    do_kill()
                    break
                time.sleep(0.0005)
        proc.wait(max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"{argv[3:]} did not finish within {timeout} s") from None
    finally:
        for reader in readers:
            reader.join(10)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    elapsed = killed_at[0] if killed_at else time.monotonic() - started
    return RunResult(killed=proc.returncode == -signal.SIGKILL, returncode=proc.returncode, elapsed=elapsed,
                     stdout=b"".join(streams["stdout"]).decode("utf-8", "replace"),
                     stderr=b"".join(streams["stderr"]).decode("utf-8", "replace"))


def run(argv: list[str], env: dict[str, str], work: Path, *, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=work, timeout=timeout)


def env_for(home: Path, **extra: str) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    return senref_env(home, **extra)


# -- looking at a library from outside --------------------------------------------------------------


def is_temp(path: Path) -> bool:
    """A temp file an interrupted write leaves (`.<name>.XXXX.part`, `<name>.part`, a `.link` being placed)."""
    return path.name.endswith((".part", ".link"))


def ro_connect(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{urllib.parse.quote(str(db))}?mode=ro", uri=True, timeout=10)


def db_problems(db: Path) -> list[tuple[str, str]]:
    """`PRAGMA integrity_check` = ok and `PRAGMA foreign_key_check` empty, on a read-only connection."""
    try:
        conn = ro_connect(db)
    except sqlite3.Error as exc:
        return [("database does not open", f"{db.name}: {exc}")]
    try:
        result = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
        problems = [] if result == ["ok"] else [("integrity_check not ok", "; ".join(result[:5]))]
        fks = conn.execute("PRAGMA foreign_key_check").fetchall()
        if fks:
            problems.append(("foreign_key_check not empty", f"{len(fks)} rows, first {tuple(fks[0])}"))
        return problems
    except sqlite3.Error as exc:
        return [("database unreadable", f"{db.name}: {exc}")]
    finally:
        conn.close()


@dataclass
class StoredFile:
    item_key: str
    att_key: str
    path: str
    size: int | None
    sha256: str
    link_mode: str
    content_type: str


def stored_files(lib: Path) -> list[StoredFile]:
    conn = ro_connect(lib / "library.sqlite")
    try:
        return [StoredFile(*row) for row in conn.execute(
            "SELECT i.key, a.key, a.path, a.size, a.sha256, a.link_mode, a.content_type "
            "FROM attachments a JOIN items i ON i.id = a.item_id ORDER BY a.id")]
    finally:
        conn.close()


def files_on_disk(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink()) if folder.is_dir() else []


def leftover_kind(lib: Path, path: Path) -> str:
    """What an unreferenced file under files/ is: a temp of an interrupted write, a journal entry, or an orphan."""
    rel = path.relative_to(lib / "files").parts
    if is_temp(path):
        return "temp file"
    if rel and rel[0] == ".pending":
        return "journal entry"
    if len(rel) > 1 and (lib / "files" / ".pending" / rel[0]).exists():
        return "journaled orphan"
    return "orphan file"


def file_problems(lib: Path, when: str) -> tuple[list[tuple[str, str]], list[Path]]:
    """Missing or altered stored files; and the leftovers: files under files/ that no attachment row names.

    The leftovers are returned apart: right after a kill they are allowed if (and only if) the next
    open removes them, which the caller checks; after a complete run they are violations.
    """
    rows = stored_files(lib)
    stored = [r for r in rows if r.link_mode in ("imported_file", "imported_url") and r.path]
    referenced = {(lib / r.path).resolve() for r in stored}
    problems: list[tuple[str, str]] = []
    leftovers = [p for p in files_on_disk(lib / "files") if p.resolve() not in referenced]
    missing, altered = [], []
    for r in stored:
        target = lib / r.path
        if not target.is_file():
            missing.append(r.path)
        elif (r.size is not None and target.stat().st_size != r.size) or (r.sha256 and file_sha256(target) != r.sha256):
            altered.append(r.path)
    if missing:
        problems.append((f"missing file {when}", f"{len(missing)} attachment row(s) without their file, e.g. {missing[:3]}"))
    if altered:
        problems.append((f"file differs from its row {when}",
                         f"{len(altered)} stored file(s) whose size/sha256 differ from the row, e.g. {altered[:3]}"))
    return problems, leftovers


def leftover_problems(lib: Path, leftovers: list[Path], when: str) -> list[tuple[str, str]]:
    """One violation per kind of leftover still on disk."""
    kinds: dict[str, list[str]] = {}
    for path in leftovers:
        if os.path.lexists(path):
            kinds.setdefault(leftover_kind(lib, path), []).append(path.relative_to(lib).as_posix())
    return [(f"{kind} under files/ {when}", f"{len(paths)} file(s) no attachment row names, e.g. {paths[:3]}")
            for kind, paths in kinds.items()]


def backup_files(lib: Path) -> tuple[list[Path], list[Path]]:
    """(backups, temps): `*.bak` beside the database and the files of `backups/`; temp-named ones apart.

    A name starting with "." in `backups/` is a copy in progress (never offered for a restore); it
    may survive a kill only until the next operation, which the caller checks.
    """
    backups: list[Path] = []
    temps: list[Path] = []
    for path in sorted(set(lib.glob("*.bak")) | set((lib / "backups").glob("*"))):
        if not path.is_file():
            continue
        if path.name.endswith(("-journal", "-wal", "-shm")) and Path(str(path).rsplit("-", 1)[0]).exists():
            continue  # judged with the file it belongs to
        (temps if path.parent.name == "backups" and path.name.startswith(".") else backups).append(path)
    return backups, temps


def backup_problems(lib: Path, *, items: int | None = None, versions: tuple[int, ...] = ()) -> list[tuple[str, str]]:
    """Every backup (`*.bak`, `backups/*` but temps) opens read-only, passes integrity_check and is whole.

    With *items*/*versions*, a backup must also hold that many items at one of those schema versions (a backup
    that opens but holds less is a partial backup too). A leftover `*-journal` beside a backup means
    it was cut off mid-write.
    """
    problems: list[tuple[str, str]] = []
    for path in backup_files(lib)[0]:
        where = path.relative_to(lib).as_posix()
        journal = Path(f"{path}-journal")
        if journal.exists() and journal.stat().st_size:
            problems.append(("partial backup", (f"{where}: a hot journal is left beside it ({journal.name}, "
                                               f"{journal.stat().st_size} bytes): the backup was cut off mid-write")))
        try:
            conn = ro_connect(path)
            try:
                check = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
                if check != ["ok"]:
                    problems.append(("partial backup", f"{where}: integrity_check says {check[:3]}"))
                    continue
                got_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                got_items = int(conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]) if "items" in tables else None
            finally:
                conn.close()
        except sqlite3.Error as exc:
            problems.append(("partial backup", f"{where} ({path.stat().st_size} bytes) does not open: {exc}"))
            continue
        if got_items is None:
            problems.append(("partial backup", f"{where} ({path.stat().st_size} bytes) has no items table"))
        elif items is not None and got_items != items:
            problems.append(("partial backup", (f"{where}: holds {got_items} items, the library had {items} "
                                               f"({path.stat().st_size} bytes)")))
        if versions and got_version not in versions:
            problems.append(("partial backup", f"{where}: schema version {got_version}, expected one of {versions}"))
    return problems


def temps_under(folder: Path, *, skip: Iterable[str] = ()) -> list[Path]:
    skipped = [folder / s for s in skip]
    return [p for p in files_on_disk(folder) if is_temp(p) and not any(p.is_relative_to(s) for s in skipped)]


# -- figures and violations -------------------------------------------------------------------------


@dataclass
class KillRecord:
    index: int  # the draw's number: the same seed gives the same kill at the same number
    kill: Kill
    result: RunResult
    violations: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Campaign:
    """Figures of one operation's kills."""

    name: str
    seed: int
    duration: float = 0.0
    records: list[KillRecord] = field(default_factory=list)
    finished_first: list[Kill] = field(default_factory=list)
    control: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: kills after which files/ held files no row names (allowed when the next open removed them)
    leftovers: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def kills(self) -> int:
        return len(self.records)

    @property
    def held(self) -> int:
        return sum(1 for r in self.records if not r.violations)

    def landed(self) -> str:
        """Where the kills landed, as tenths of one uninterrupted run (the last bucket is >= 100 %)."""
        buckets = [0] * 11
        for r in self.records:
            share = r.result.elapsed / self.duration if self.duration else 0
            buckets[min(10, int(share * 10))] += 1
        return " ".join(f"{b}" for b in buckets)

    def summary(self) -> str:
        return (f"{self.name}: kills {self.kills}, invariants held {self.held}/{self.kills} "
                f"(seed {self.seed}; uninterrupted run {self.duration:.2f} s; {len(self.finished_first)} draws "
                f"finished before their kill; kills per tenth of the run [{self.landed()}]; {self.seconds:.0f} s)")

    def by_kind(self) -> dict[str, list[KillRecord]]:
        out: dict[str, list[KillRecord]] = {}
        for r in self.records:
            for kind in dict.fromkeys(k for k, _ in r.violations):
                out.setdefault(kind, []).append(r)
        return out

    def report(self) -> str:
        lines = [self.summary()]
        if self.control:
            lines.append("  without any kill (a complete run, then the same operation again):")
            lines += [f"    {kind}: {detail}" for kind, detail in self.control]
        for kind, records in self.by_kind().items():
            first = records[0]
            detail = next(d for k, d in first.violations if k == kind)
            lines.append(f"  {kind}: after {len(records)}/{self.kills} kills; first at draw #{first.index} "
                         f"[{first.kill.describe()}, landed at {first.result.elapsed:.3f} s] "
                         f"(SENREF_KILL_SEED={self.seed}): {detail}")
        if self.leftovers:
            lines.append(f"  {len(self.leftovers)} kills left files no row names under files/ (then checked to be "
                         f"gone after the next open): {'; '.join(self.leftovers[:4])}")
        missed = [k.label for k in self.finished_first if k.delay is None]
        if missed:
            lines.append(f"  milestones the run finished before: {missed}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def write_figures(campaign: Campaign) -> None:
    """With SENREF_KILL_REPORT=FILE, append the campaign's figures to FILE as one JSON line (nightly runs)."""
    target = os.environ.get("SENREF_KILL_REPORT", "").strip()
    if not target:
        return
    row = {"operation": campaign.name, "seed": campaign.seed, "kills": campaign.kills, "held": campaign.held,
           "run_seconds": round(campaign.duration, 3), "finished_before_kill": len(campaign.finished_first),
           "kills_per_tenth": [int(n) for n in campaign.landed().split()], "seconds": round(campaign.seconds, 1),
           "control": [list(v) for v in campaign.control],
           "violations": {kind: {"kills": len(records), "first_draw": records[0].index,
                                 "first_kill": records[0].kill.describe(),
                                 "detail": next(d for k, d in records[0].violations if k == kind)}
                          for kind, records in campaign.by_kind().items()}}
    with Path(target).open("a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")


def kill_count() -> int:
    """Kills per operation: SENREF_KILL_COUNT, never fewer than 30."""
    try:
        wanted = int(os.environ.get("SENREF_KILL_COUNT", "30"))
    except ValueError:
        wanted = 30
    return max(30, wanted)


def campaign_seed() -> int:
    value = os.environ.get("SENREF_KILL_SEED", "").strip()
    return int(value) if value else random.SystemRandom().randrange(1, 2**31)

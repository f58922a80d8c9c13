"""Kill-at-random (catalogue S1-S4, A5; issue 11 part 7): SIGKILL real `senref` commands, then check the invariants.

Each operation is killed at least 30 times (SENREF_KILL_COUNT raises it): at delays drawn from
[0, 1.1 x one uninterrupted run] with a seeded RNG (printed; SENREF_KILL_SEED replays it), and at
milestones (after the Nth progress line; when a backup, a temp file or a copied attachment appears).
After every kill, from outside senref:

- `PRAGMA integrity_check` = ok and `foreign_key_check` empty (read-only sqlite3 connection);
- no missing file (every stored attachment's file is there with its size and sha256) and no orphan
  file: a file under files/ that no attachment row names (a `*.part` temp, a `files/.pending` journal
  entry, a copy of a batch that never committed) is tolerated right after a kill only if the next
  open (`senref check`) removes it; after a complete run there is none at all;
- `senref check` exits 0;
- no partial backup (every `*.bak`, `backups/*` opens, passes integrity_check and holds the library;
  a temp-named copy in progress, `backups/.*`, must be gone after the next operation);
- operation-specific: whole import batches; an export or sync target that is the old or the new
  complete file, attachments beside it complete (a temp beside it must be gone after the next
  export); migration at a well-defined version with every item;
- the same operation run again to completion gives the full expected result (every entry exactly
  once, every PDF once, the new export, no false sync conflict, the schema migrated) and leaves no
  orphan or temp file.

A run "without any kill" (a complete run, then the operation again) is checked the same way, so a
violation that needs no kill at all is told apart. One line per operation is printed:
"kills N, invariants held M/N". Run with `-s` to see them; SENREF_KILL_REPORT=FILE also appends
them as JSON lines. Two kill runs are in flight at once, each in its own copy of the state.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.reliability import kill_harness as kh
from tests.reliability.helpers import item, seed_library

SEED = kh.campaign_seed()
KILLS = kh.kill_count()
Problems = list[tuple[str, str]]


def _count_dirs(folder: Path) -> int:
    try:
        with os.scandir(folder) as entries:
            return sum(1 for e in entries if e.is_dir())
    except OSError:
        return 0


def _has_temp(folder: Path) -> bool:
    """A `*.part` in *folder* or one level below (cheap enough to poll)."""
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".part"):
                    return True
                if entry.is_dir():
                    with os.scandir(entry.path) as inner:
                        if any(e.name.endswith(".part") for e in inner):
                            return True
    except OSError:
        return False
    return False


Probe = Callable[[Path], Callable[[], bool]]


def dirs_at_least(rel: str, n: int) -> Probe:
    """Probe: the folder *rel* (below the run's folder) has at least *n* subfolders (files/<key>/ are made first)."""
    return lambda work: (lambda: _count_dirs(work / rel) >= n)


def temp_appears(rel: str) -> Probe:
    return lambda work: (lambda: _has_temp(work / rel))


class Operation:
    """One CLI operation under test. State lives in `root/live`, rebuilt from `root/snapshot` before each run."""

    name = ""
    timeout = 120.0

    def __init__(self, root: Path) -> None:
        self.root = root
        self.live = root / "live"
        self.snapshot = root / "snapshot"
        self.input = root / "input"
        self.input.mkdir(parents=True)
        self.notes: list[str] = []

    @property
    def lib(self) -> Path:
        return self.live / "lib"

    @property
    def home(self) -> Path:
        return self.live / "home"

    # -- state ---------------------------------------------------------------------------------
    def build(self) -> None:
        raise NotImplementedError

    def freeze(self) -> None:
        """What `live` holds now becomes the state every run starts from (same absolute paths)."""
        shutil.rmtree(self.snapshot, ignore_errors=True)
        self.live.rename(self.snapshot)
        self.reset()

    def reset(self) -> None:
        shutil.rmtree(self.live, ignore_errors=True)
        kh.clone(self.snapshot, self.live, link_under="lib/files")

    def keep(self, name: str) -> None:
        """Keep the state a failing kill left, for a human to look at."""
        dest = self.root / name
        if not dest.exists():
            shutil.copytree(self.live, dest, symlinks=True)

    # -- the command ---------------------------------------------------------------------------
    def args(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        return kh.env_for(self.home)

    def argv(self) -> list[str]:
        return kh.senref_argv(self.lib, *self.args())

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return kh.run(kh.senref_argv(self.lib, *args), self.env(), self.live, timeout=timeout)

    def milestones(self) -> list[kh.Kill]:
        return []

    # -- checks --------------------------------------------------------------------------------
    def reference(self, result: subprocess.CompletedProcess[str]) -> None:
        """Called after the uninterrupted (measured) run, on its state: remember the expected result."""

    def fingerprint(self) -> bytes | None:
        """What two uninterrupted runs from the same state must agree on (a target file's bytes)."""
        return None

    def backup_expectation(self) -> dict[str, Any]:
        return {}

    def after_kill(self, result: kh.RunResult) -> Problems:
        return []

    def rerun(self) -> Problems:
        """Run the operation again to completion and check the full expected result."""
        raise NotImplementedError

    # -- helpers for subclasses ----------------------------------------------------------------
    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        conn = kh.ro_connect(self.lib / "library.sqlite")
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def count_items(self) -> int:
        return int(self.query("SELECT COUNT(*) FROM items")[0][0])

    def doi_problems(self, expected: list[str], extra_items: int, when: str) -> Problems:
        """Every expected DOI on exactly one item, nothing else but *extra_items* seeded items."""
        rows = self.query("SELECT value, COUNT(*) FROM identifiers WHERE scheme = 'doi' GROUP BY value")
        counts = dict(rows)
        problems: Problems = []
        doubled = {d: c for d, c in counts.items() if c > 1}
        lost = [d for d in expected if d.lower() not in {k.lower() for k in counts}]
        if doubled:
            problems.append((f"duplicate items {when}", (f"{len(doubled)} DOIs on more than one item, e.g. "
                                                       f"{list(doubled.items())[:3]}")))
        if lost:
            problems.append((f"lost entries {when}", f"{len(lost)} of {len(expected)} entries missing, e.g. {lost[:3]}"))
        total = self.count_items()
        if not doubled and not lost and total != len(expected) + extra_items:
            problems.append((f"wrong item count {when}", f"{total} items, expected {len(expected) + extra_items}"))
        return problems

    def pdf_problems(self, expected: dict[str, str], when: str) -> Problems:
        """Each DOI's item has exactly one stored PDF, the one expected (by sha256)."""
        rows = self.query("SELECT d.value, a.link_mode, a.sha256 FROM identifiers d JOIN attachments a "
                          "ON a.item_id = d.item_id WHERE d.scheme = 'doi'")
        per_doi: dict[str, list[tuple[str, str]]] = {}
        for doi, mode, sha in rows:
            per_doi.setdefault(doi.lower(), []).append((mode, sha))
        wrong = []
        for doi, sha in expected.items():
            got = per_doi.get(doi.lower(), [])
            if got != [("imported_file", sha)]:
                wrong.append(f"{doi}: {got or 'no attachment'}")
        return [(f"PDFs not exactly once {when}", f"{len(wrong)} item(s), e.g. {wrong[:2]}")] if wrong else []


# -- 1. import of a big .bib ----------------------------------------------------------------------------


class ImportBig(Operation):
    name = "import-big"
    ENTRIES = 2000
    BATCH = 500

    def build(self) -> None:
        self.bib = self.input / "big.bib"
        self.dois = kh.write_big_bib(self.bib, self.ENTRIES)
        seed_library(self.lib, item("Already here before the crash", DOI="10.5555/seed.0"))
        self.freeze()

    def args(self) -> list[str]:
        return ["import", str(self.bib)]

    def milestones(self) -> list[kh.Kill]:
        batches = self.ENTRIES // self.BATCH
        kills = [kh.Kill(f"after progress line {n} ({n * self.BATCH} entries)", line=n, pattern=" entries")
                 for n in range(1, batches + 1)]
        return [*kills, kh.Kill("20 ms after progress line 1", line=1, pattern=" entries", extra=0.02)]

    def after_kill(self, result: kh.RunResult) -> Problems:
        imported = self.count_items() - 1
        if imported % self.BATCH and imported != self.ENTRIES:
            return [("half a batch committed", (f"{imported} entries in the library, not a whole number of "
                                               f"{self.BATCH}-entry batches"))]
        doubled = self.query("SELECT value FROM identifiers WHERE scheme = 'doi' GROUP BY value HAVING COUNT(*) > 1")
        return [("duplicate items after kill", f"{len(doubled)} DOIs twice")] if doubled else []

    def rerun(self) -> Problems:
        done = self.cli(*self.args())
        if done.returncode:
            return [("re-run failed", done.stderr.strip()[-300:])]
        problems = self.doi_problems(self.dois, 1, "after re-run")
        if not self.query("SELECT 1 FROM items WHERE title = 'Already here before the crash'"):
            problems.append(("seeded item lost", "the item that was there before the kill is gone"))
        return problems


# -- 2. import of a .bib whose entries link PDFs beside it -----------------------------------------------


class ImportWithFiles(Operation):
    name = "import-with-files"
    ENTRIES = 200

    def build(self) -> None:
        self.bib = self.input / "with-files.bib"
        self.expected = kh.write_files_bib(self.input, self.ENTRIES, prefix="wf")
        seed_library(self.lib, item("Already here before the crash", DOI="10.5555/seed.0"))
        self.freeze()

    def args(self) -> list[str]:
        return ["import", str(self.bib)]

    def milestones(self) -> list[kh.Kill]:
        return [
            kh.Kill("first attachment folder appears in files/", probe=dirs_at_least("lib/files", 1)),
            kh.Kill("half the attachment folders in files/", probe=dirs_at_least("lib/files", self.ENTRIES // 2)),
            kh.Kill("the last attachment folder in files/", probe=dirs_at_least("lib/files", self.ENTRIES)),
            kh.Kill("a .part temp appears in files/", probe=temp_appears("lib/files")),
            kh.Kill("after progress line 1 (the batch committed)", line=1, pattern=" entries"),
            kh.Kill("5 ms after progress line 1", line=1, pattern=" entries", extra=0.005),
        ]

    def after_kill(self, result: kh.RunResult) -> Problems:
        imported = self.count_items() - 1
        if imported not in (0, self.ENTRIES):  # one batch
            return [("half a batch committed", f"{imported} entries in the library")]
        return []

    def rerun(self) -> Problems:
        done = self.cli(*self.args())
        if done.returncode:
            return [("re-run failed", done.stderr.strip()[-300:])]
        return self.doi_problems(list(self.expected), 1, "after re-run") + self.pdf_problems(self.expected, "after re-run")


# -- 3. senref add of a batch of DOIs against the local replay --------------------------------------------


NETWORK = """[network]
connect_timeout = 2
read_timeout = 5
retries = 1
max_pdf_mb = 5
download_deadline = 20
"""


class AddBatch(Operation):
    name = "add-dois"
    DOIS = 24

    def __init__(self, root: Path, server: kh.ReplayServer) -> None:
        super().__init__(root)
        self.server = server

    def build(self) -> None:
        seed_library(self.lib, item("Already here before the crash", DOI="10.5555/seed.0"))
        (self.home / "config").mkdir(parents=True)
        (self.home / "config" / "settings.toml").write_text(NETWORK, encoding="utf-8")
        self.freeze()

    def env(self) -> dict[str, str]:
        return kh.env_for(self.home, **self.server.env())

    def args(self) -> list[str]:
        return ["add", *self.server.dois()]

    def milestones(self) -> list[kh.Kill]:
        progress = f"/{self.DOIS}]"
        return [
            kh.Kill("after progress line 1", line=1, pattern=progress),
            kh.Kill("after progress line 5", line=5, pattern=progress),
            kh.Kill("after progress line 12", line=12, pattern=progress),
            kh.Kill(f"after progress line {self.DOIS - 1}", line=self.DOIS - 1, pattern=progress),
            kh.Kill("first attachment folder appears in files/", probe=dirs_at_least("lib/files", 1)),
            kh.Kill("a .part temp appears in files/", probe=temp_appears("lib/files")),
            kh.Kill("12 attachment folders in files/", probe=dirs_at_least("lib/files", 12)),
        ]

    def downloads(self) -> list[Path]:
        return kh.files_on_disk(self.home / "cache" / "downloads")

    def rerun(self) -> Problems:
        done = self.cli(*self.args(), timeout=self.timeout)
        if done.returncode:
            return [("re-run failed", done.stderr.strip()[-300:])]
        expected = {doi: self.server.pdf_sha(doi) for doi in self.server.dois()}
        problems = self.doi_problems(list(expected), 1, "after re-run") + self.pdf_problems(expected, "after re-run")
        left = self.downloads()
        if left:
            problems.append(("download temp left in the cache after re-run",
                             (f"{len(left)} file(s) in the cache's downloads/, e.g. "
                             f"{[f'{p.name} ({p.stat().st_size} bytes)' for p in left[:2]]}")))
        return problems


# -- 4. export with files (Zotero RDF, BibTeX) -----------------------------------------------------------


def parse_export(path: Path, fmt: str) -> tuple[int, str]:
    """(records, error) with the reference parsers: rdflib for RDF, bibtexparser for BibTeX."""
    if fmt == "rdf":
        import rdflib

        try:
            graph = rdflib.Graph().parse(path, format="xml")
        except Exception as exc:
            return 0, f"rdflib: {type(exc).__name__}: {str(exc)[:120]}"
        dc_title = rdflib.URIRef("http://purl.org/dc/elements/1.1/title")
        return len(set(graph.objects(None, dc_title))), ""
    import bibtexparser

    try:
        parsed = bibtexparser.parse_string(path.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    except Exception as exc:
        return 0, f"bibtexparser: {type(exc).__name__}: {str(exc)[:120]}"
    if parsed.failed_blocks:
        return len(parsed.entries), f"bibtexparser: {len(parsed.failed_blocks)} block(s) fail to parse"
    return len(parsed.entries), ""


def beside_problems(lib: Path, out: Path, when: str) -> tuple[Problems, list[Path]]:
    """Attachment copies in `out/files/<attachment key>/<name>`: each the library's file, byte for byte."""
    rows = {r.att_key: r for r in kh.stored_files(lib) if r.link_mode in ("imported_file", "imported_url")}
    temps, broken, stray = [], [], []
    for path in kh.files_on_disk(out / "files"):
        if kh.is_temp(path):
            temps.append(path)
            continue
        row = rows.get(path.parent.name)
        if row is None:
            stray.append(path.relative_to(out).as_posix())
            continue
        if kh.file_sha256(path) != row.sha256:
            broken.append(f"{path.relative_to(out).as_posix()} ({path.stat().st_size} of {row.size} bytes)")
    problems: Problems = []
    if broken:
        problems.append((f"attachment beside the export incomplete {when}", f"{len(broken)} file(s), e.g. {broken[:3]}"))
    if stray:
        problems.append((f"stray file beside the export {when}", f"{len(stray)} file(s) no attachment names, e.g. {stray[:3]}"))
    return problems, temps


def all_placed_problems(lib: Path, out: Path, when: str) -> Problems:
    """After a complete run: every stored attachment of the library is beside the export."""
    missing = [r.path for r in kh.stored_files(lib) if r.link_mode == "imported_file"
               and not (out / "files" / r.att_key / Path(r.path).name).is_file()]
    return [(f"attachment missing beside the export {when}", f"{len(missing)}, e.g. {missing[:3]}")] if missing else []


class ExportWithFiles(Operation):
    OLD = 80
    NEW = 40
    RETITLED = 20

    def __init__(self, root: Path, fmt: str) -> None:
        super().__init__(root)
        self.fmt = fmt
        self.name = f"export-{fmt}-with-files"
        self.target = self.live / "out" / f"lib.{fmt}"

    def args(self) -> list[str]:
        return ["export", "--with-files", "-o", str(self.target)]

    def build(self) -> None:
        kh.write_files_bib(self.input / "a", self.OLD, prefix="exa", pad=24_000)
        kh.write_files_bib(self.input / "b", self.NEW, prefix="exb", pad=24_000)
        self.target.parent.mkdir(parents=True)
        for step in (("import", str(self.input / "a" / "with-files.bib")), tuple(self.args()),
                     ("import", str(self.input / "b" / "with-files.bib"))):
            done = self.cli(*step)
            assert done.returncode == 0, f"setup {step[0]} failed: {done.stderr[-500:]}"
            if step[0] == "export":
                self.old = self.target.read_bytes()
        retitle(self.lib, self.RETITLED)
        count, error = parse_export(self.target, self.fmt)
        assert not error and count >= self.OLD, (count, error)
        self.freeze()

    def reference(self, result: subprocess.CompletedProcess[str]) -> None:
        self.new = self.target.read_bytes()
        count, error = parse_export(self.target, self.fmt)
        assert not error and count >= self.OLD + self.NEW, f"the uninterrupted export does not parse: {count}, {error}"
        assert self.new != self.old

    def fingerprint(self) -> bytes | None:
        return self.target.read_bytes()

    def milestones(self) -> list[kh.Kill]:
        first_new = self.OLD + 1
        return [
            kh.Kill("first new attachment folder beside the export", probe=dirs_at_least("out/files", first_new)),
            kh.Kill("1 ms after the first new attachment folder", probe=dirs_at_least("out/files", first_new), extra=0.001),
            kh.Kill("20th new attachment folder beside the export", probe=dirs_at_least("out/files", first_new + 20)),
            kh.Kill("last new attachment folder beside the export",
                    probe=dirs_at_least("out/files", self.OLD + self.NEW)),
            kh.Kill("the export's temp file appears", probe=temp_appears("out")),
            kh.Kill("'exported' line", line=1, pattern="exported"),
        ]

    def state_problems(self, when: str) -> tuple[Problems, list[Path]]:
        problems: Problems = []
        data = self.target.read_bytes() if self.target.exists() else None
        if data is not None and data not in (self.old, self.new):
            count, error = parse_export(self.target, self.fmt)
            problems.append((f"export is neither the old nor the new file {when}",
                             (f"{len(data)} bytes (old {len(self.old)}, new {len(self.new)}); "
                             f"{error or f'parses, {count} titles'}")))
        elif data is None:
            problems.append((f"export file gone {when}", str(self.target)))
        beside, temps = beside_problems(self.lib, self.target.parent, when)
        temps += [p for p in kh.files_on_disk(self.target.parent) if kh.is_temp(p) and p.parent == self.target.parent]
        return problems + beside, temps

    def after_kill(self, result: kh.RunResult) -> Problems:
        problems, _ = self.state_problems("after kill")
        return problems

    def rerun(self) -> Problems:
        done = self.cli(*self.args())
        if done.returncode:
            return [("re-run failed", done.stderr.strip()[-300:])]
        problems, temps = self.state_problems("after re-run")
        if self.target.read_bytes() != self.new:
            problems.append(("re-run export differs from an uninterrupted one", f"{self.target.stat().st_size} bytes"))
        problems += all_placed_problems(self.lib, self.target.parent, "after re-run")
        if temps:
            problems.append(("temp file beside the export left after re-run",
                             f"{[p.relative_to(self.live).as_posix() for p in temps[:3]]} (present since the kill)"))
        return problems


def retitle(lib: Path, n: int, every: int = 1) -> None:
    """Edit the titles of *n* items (every *every*-th), so that an export or a sync has work to do."""
    from senref.core.library import Library

    with Library.open(lib, create=False, autotag=False) as library:
        keys = [entry.key for i, entry in enumerate(library.iter_items()) if i % every == 0][:n]

        def change(entry: Any) -> bool:
            entry.fields["title"] = entry.fields.get("title", "") + " (revised)"
            return True
        library.edit_items(keys, change)


# -- 5. sync run of a BibTeX target with files -----------------------------------------------------------


class SyncRun(Operation):
    name = "sync-bibtex-with-files"
    BIG = 800
    OLD = 80
    NEW = 40
    RETITLED = 600

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.target = self.live / "out" / "lib.bib"

    def args(self) -> list[str]:
        return ["sync", "run"]

    def build(self) -> None:
        kh.write_big_bib(self.input / "big.bib", self.BIG)
        kh.write_files_bib(self.input / "a", self.OLD, prefix="sya", pad=8_000)
        kh.write_files_bib(self.input / "b", self.NEW, prefix="syb", pad=8_000)
        self.target.parent.mkdir(parents=True)
        for step in (("import", str(self.input / "big.bib")), ("import", str(self.input / "a" / "with-files.bib")),
                     ("sync", "add", "--format", "bibtex", "-o", str(self.target), "--with-files"), ("sync", "run"),
                     ("import", str(self.input / "b" / "with-files.bib"))):
            done = self.cli(*step)
            assert done.returncode == 0, f"setup {' '.join(step[:2])} failed: {done.stderr[-500:]}"
            if step == ("sync", "run"):
                self.old = self.target.read_bytes()
        retitle(self.lib, self.RETITLED, every=2)
        self.freeze()

    def reference(self, result: subprocess.CompletedProcess[str]) -> None:
        self.new = self.target.read_bytes()
        count, error = parse_export(self.target, "bib")
        assert not error and count == self.BIG + self.OLD + self.NEW, (count, error)
        assert self.new != self.old

    def fingerprint(self) -> bytes | None:
        return self.target.read_bytes()

    def milestones(self) -> list[kh.Kill]:
        def replaced(work: Path) -> Callable[[], bool]:
            target = work / "out" / "lib.bib"
            before = target.stat().st_ino
            return lambda: target.exists() and target.stat().st_ino != before
        first_new = self.OLD + 1
        return [
            kh.Kill("first new attachment placed beside the target", probe=dirs_at_least("out/files", first_new)),
            kh.Kill("20th new attachment placed beside the target", probe=dirs_at_least("out/files", first_new + 20)),
            kh.Kill("the target's temp file appears", probe=temp_appears("out")),
            kh.Kill("the target was just replaced (manifest not yet saved)", probe=replaced),
            kh.Kill("1 ms after the target was replaced", probe=replaced, extra=0.001),
            kh.Kill("5 ms after the target was replaced", probe=replaced, extra=0.005),
            kh.Kill("'written' line", line=1, pattern="written"),
        ]

    def state_problems(self, when: str) -> tuple[Problems, list[Path]]:
        problems: Problems = []
        data = self.target.read_bytes() if self.target.exists() else b""
        if data not in (self.old, self.new):
            count, error = parse_export(self.target, "bib")
            problems.append((f"target is neither the old nor the new file {when}",
                             f"{len(data)} bytes; {error or f'parses, {count} entries'}"))
        beside, temps = beside_problems(self.lib, self.target.parent, when)
        temps += [p for p in kh.files_on_disk(self.target.parent) if kh.is_temp(p) and p.parent == self.target.parent]
        return problems + beside, temps

    def after_kill(self, result: kh.RunResult) -> Problems:
        problems, _ = self.state_problems("after kill")
        return problems

    def rerun(self) -> Problems:
        problems: Problems = []
        done = self.cli("sync", "run")
        if done.returncode:
            kind = "false sync conflict" if "conflict" in done.stderr else "sync re-run failed"
            problems.append((kind, done.stderr.strip()[-300:]))
        status = self.cli("sync", "status")
        states = [line.split("\t")[1] for line in status.stdout.splitlines() if "\t" in line]
        if status.returncode or states != ["ok"]:
            problems.append(("sync status not ok after re-run", status.stdout.strip()[-300:]))
        if status.returncode or states != ["ok"]:
            # Say what the conflicts are (status only counts them).
            conflicts = self.cli("sync", "conflicts")
            if conflicts.stdout.strip():
                problems.append(("false sync conflict listed", conflicts.stdout.strip()[:300]))
        state, temps = self.state_problems("after re-run")
        problems += state
        if self.target.read_bytes() != self.new:
            problems.append(("re-run target differs from an uninterrupted sync", f"{self.target.stat().st_size} bytes"))
        problems += all_placed_problems(self.lib, self.target.parent, "after re-run")
        temps += kh.temps_under(self.lib / "sync")
        if temps:
            problems.append(("temp file left after re-run", f"{[p.relative_to(self.live).as_posix() for p in temps[:3]]}"))
        return problems


# -- 6. schema migration on open ---------------------------------------------------------------------------


class Migration(Operation):
    name = "migrate-v1-on-list"
    ITEMS = 3000

    def build(self) -> None:
        from senref.storage import migrations

        self.latest = migrations.LATEST
        self.stored = kh.make_v1_library(self.lib, self.ITEMS, outside_pdf=self.input / "linked.pdf")
        self.freeze()

    def args(self) -> list[str]:
        return ["list", "--limit", "3"]

    def backup_expectation(self) -> dict[str, Any]:
        # A copy made before any step: every item, at a version the library really was at before the newest.
        return {"items": self.ITEMS, "versions": tuple(range(1, self.latest))}

    def milestones(self) -> list[kh.Kill]:
        def backup(work: Path) -> Callable[[], bool]:
            """A pre-migration copy appears: `*.bak` beside the database or anything in backups/."""
            lib = work / "lib"
            return lambda: any(p.name.endswith(".bak") for p in lib.iterdir()) or any((lib / "backups").glob("*"))
        return [
            kh.Kill("the backup file appears", probe=backup),
            kh.Kill("0.5 ms after the backup file appears", probe=backup, extra=0.0005),
            kh.Kill("2 ms after the backup file appears", probe=backup, extra=0.002),
            kh.Kill("5 ms after the backup file appears", probe=backup, extra=0.005),
            kh.Kill("20 ms after the backup file appears", probe=backup, extra=0.02),
            kh.Kill("60 ms after the backup file appears", probe=backup, extra=0.06),
            kh.Kill("first line listed (migration done)", line=1, pattern="", stream="stdout"),
        ]

    def version(self) -> int:
        return int(self.query("PRAGMA user_version")[0][0])

    def after_kill(self, result: kh.RunResult) -> Problems:
        problems: Problems = []
        version = self.version()
        if version not in range(1, self.latest + 1):
            problems.append(("schema version undefined after kill", f"user_version {version}"))
        if self.count_items() != self.ITEMS:
            problems.append(("items lost in migration", f"{self.count_items()} of {self.ITEMS}"))
        return problems

    def rerun(self) -> Problems:
        done = self.cli(*self.args())
        problems: Problems = []
        if done.returncode or len(done.stdout.splitlines()) != 3:
            problems.append(("re-run failed", (done.stderr or done.stdout).strip()[-300:]))
        if self.version() != self.latest:
            problems.append(("not migrated after re-run", f"user_version {self.version()}"))
        flagged = int(self.query("SELECT COUNT(*) FROM items WHERE has_file = 1")[0][0]) if self.version() >= 2 else 0
        if self.count_items() != self.ITEMS or flagged != self.ITEMS:
            problems.append(("migration result wrong after re-run",
                             f"{self.count_items()} items, {flagged} with has_file (expected {self.ITEMS})"))
        if not kh.backup_files(self.lib)[0]:
            problems.append(("no pre-migration backup after re-run", "no *.bak beside library.sqlite, none in backups/"))
        return problems


# -- the campaign ----------------------------------------------------------------------------------------


def generic_checks(op: Operation, when: str) -> tuple[Problems, list[Path]]:
    problems = [(f"{kind} {when}", detail) for kind, detail in kh.db_problems(op.lib / "library.sqlite")]
    files, leftovers = kh.file_problems(op.lib, when)
    problems += files
    problems += kh.backup_problems(op.lib, **op.backup_expectation())
    return problems, leftovers


def check_after_kill(op: Operation, result: kh.RunResult, campaign: kh.Campaign, draw: int) -> Problems:
    problems, leftovers = generic_checks(op, "after kill")
    problems += op.after_kill(result)
    if leftovers:
        kinds = sorted({kh.leftover_kind(op.lib, p) for p in leftovers})
        campaign.leftovers.append(f"draw #{draw}: {len(leftovers)} ({', '.join(kinds)})")
    check = op.cli("check")
    if check.returncode:
        problems.append(("senref check fails after kill", " | ".join(check.stdout.strip().splitlines()[:3])
                         or check.stderr.strip()[-200:]))
    # Whatever the kill left under files/ must be gone once the library has been opened again.
    _, now = kh.file_problems(op.lib, "after the next open")
    problems += kh.leftover_problems(op.lib, sorted(set(leftovers) | set(now)), "not removed by the next open")
    backup_temps = kh.backup_files(op.lib)[1]
    problems += op.rerun()
    after, leftovers = generic_checks(op, "after re-run")
    problems += after + kh.leftover_problems(op.lib, leftovers, "after re-run")
    left = [p for p in backup_temps if p.exists()] + [p for p in kh.backup_files(op.lib)[1] if p not in backup_temps]
    if left:
        problems.append(("partial backup temp left in backups/ after re-run",
                         f"{[f'{p.name} ({p.stat().st_size} bytes)' for p in left[:2]]}"))
    return problems


#: Kill runs in flight at once, each in its own copy of the state (fsync waits overlap; same total work).
SLOTS = 2


def measure_once(op: Operation) -> tuple[float, subprocess.CompletedProcess[str], bytes | None]:
    op.reset()
    t0 = time.monotonic()
    done = kh.run(op.argv(), op.env(), op.live, timeout=op.timeout)
    elapsed = time.monotonic() - t0
    assert done.returncode == 0, f"{op.name}: the uninterrupted run failed: {done.stderr[-800:]}"
    return elapsed, done, op.fingerprint()


def run_campaign(make: Callable[[Path], Operation], root: Path) -> kh.Campaign:
    """Build the state, measure, check a run without kill, then kill until KILLS kills landed."""
    import random

    started = time.monotonic()
    ops = [make(root / f"slot-{n}") for n in range(SLOTS)]
    name = ops[0].name
    rng = random.Random(f"{SEED}:{name}")
    campaign = kh.Campaign(name, SEED)
    with cf.ThreadPoolExecutor(SLOTS) as pool:
        list(pool.map(lambda op: op.build(), ops))
        # Uninterrupted runs, both slots at once (the conditions the kills run in): their median
        # duration scales the delays; each slot's first result is its reference, its second must match.
        first = list(pool.map(measure_once, ops))
        for op, (_, done, _) in zip(ops, first, strict=True):
            op.reference(done)
        second = list(pool.map(measure_once, ops))
        for (_, _, fp1), (_, _, fp2) in zip(first, second, strict=True):
            assert fp1 == fp2, f"{name}: two uninterrupted runs from the same state differ; 'old or new' would mean nothing"
        campaign.duration = statistics.median([m[0] for m in first + second])
        # The same operation once more on a complete run, checked like a re-run after a kill.
        op = ops[0]
        problems, leftovers = generic_checks(op, "(no kill)")
        problems += kh.leftover_problems(op.lib, leftovers, "(no kill)")
        problems += op.rerun()
        problems2, leftovers = generic_checks(op, "(no kill, after re-run)")
        campaign.control = problems + problems2 + kh.leftover_problems(op.lib, leftovers, "(no kill, after re-run)")

        # The milestones (in a seeded order), then delays drawn in [0, 1.1 x duration].
        queue = ops[0].milestones()
        rng.shuffle(queue)
        span = 1.1 * campaign.duration

        def attempt(op: Operation, kill: kh.Kill, draw: int) -> kh.KillRecord | None:
            op.reset()
            result = kh.run_killed(op.argv(), op.env(), kill, op.live, timeout=op.timeout)
            if not result.killed:
                assert result.returncode == 0, f"{name}: run ended with {result.returncode}: {result.stderr[-500:]}"
                return None
            record = kh.KillRecord(draw, kill, result)
            try:
                record.violations = check_after_kill(op, result, campaign, draw)
            except Exception as exc:  # a check that cannot even run is a finding too, not a harness crash
                record.violations = [("check could not run", f"{type(exc).__name__}: {exc}")]
            if record.violations and not any(r.violations for r in campaign.records):
                op.keep(f"first-failing-draw-{draw:03d}")
            return record

        free = list(ops)
        running: dict[cf.Future[kh.KillRecord | None], tuple[Operation, kh.Kill]] = {}
        draws = 0
        while True:
            while free and len(campaign.records) + len(running) < KILLS and draws < KILLS * 3:
                draws += 1
                kill = queue.pop(0) if queue else kh.Kill("random delay", delay=rng.uniform(0, span))
                op = free.pop()
                running[pool.submit(attempt, op, kill, draws)] = (op, kill)
            if not running:
                break
            finished, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                op, kill = running.pop(future)
                free.append(op)
                record = future.result()
                if record is None:
                    campaign.finished_first.append(kill)
                else:
                    campaign.records.append(record)
    campaign.records.sort(key=lambda r: r.index)
    campaign.notes = [n for op in ops for n in op.notes]
    campaign.seconds = time.monotonic() - started
    return campaign


OPERATIONS = ["import-big", "import-with-files", "add-dois", "export-rdf", "export-bib", "sync", "migration"]
FIGURES: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def print_seed_and_figures() -> Any:
    print(f"\nkill-at-random: seed {SEED} (replay with SENREF_KILL_SEED={SEED}), {KILLS} kills per operation")
    yield
    if FIGURES:
        print("\nkill-at-random figures:\n" + "\n".join(FIGURES))


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_sigkill_at_random_moments_leaves_the_library_whole(tmp_path: Path, operation: str) -> None:
    root = tmp_path / operation
    if operation == "add-dois":
        with kh.ReplayServer(AddBatch.DOIS, pdf_pad=40_000) as server:
            campaign = run_campaign(lambda slot: AddBatch(slot, server), root)
    elif operation.startswith("export-"):
        campaign = run_campaign(lambda slot: ExportWithFiles(slot, operation.split("-")[1]), root)
    else:
        op = {"import-big": ImportBig, "import-with-files": ImportWithFiles, "sync": SyncRun,
              "migration": Migration}[operation]
        campaign = run_campaign(op, root)
    report = campaign.report()
    print("\n" + report)
    FIGURES.append(campaign.summary())
    kh.write_figures(campaign)
    assert campaign.kills >= KILLS, f"only {campaign.kills} kills landed while the command ran"
    assert not campaign.control and campaign.held == campaign.kills, report


def test_generated_pdf_passes_senrefs_check(tmp_path: Path) -> None:
    from senref.sources.pdf import check_pdf

    for pad in (0, 24_000):
        path = tmp_path / f"p{pad}.pdf"
        path.write_bytes(kh.minimal_pdf("Therapy-induced senescence", pad=pad))
        assert check_pdf(path) is None
    assert len(kh.minimal_pdf("x")) < 700


def test_the_checks_see_the_damage_they_are_for(tmp_path: Path) -> None:
    """The harness must not pass by being blind: plant each kind of damage and see it reported."""
    from senref.core.library import Library

    lib = seed_library(tmp_path / "lib", item("Senescence after doxorubicin"))
    with Library.open(lib, create=False, autotag=False) as library:
        key = next(library.iter_items()).key
        att = library.store_file(key, kh.minimal_pdf("stored"), filename="paper.pdf")
    stored = lib / att.path
    assert kh.file_problems(lib, "now") == ([], [])
    assert kh.db_problems(lib / "library.sqlite") == []

    orphan = lib / "files" / "ZZZZZZZZ" / "lost.pdf"
    orphan.parent.mkdir()
    orphan.write_bytes(b"%PDF-1.4 lost")
    temp = stored.parent / ".paper.pdf.4242-x1.part"
    temp.write_bytes(b"%PDF-1.4 half")
    _, leftovers = kh.file_problems(lib, "now")
    assert {kh.leftover_kind(lib, p) for p in leftovers} == {"orphan file", "temp file"}
    assert sorted(k for k, _ in kh.leftover_problems(lib, leftovers, "x")) == ["orphan file under files/ x",
                                                                               "temp file under files/ x"]

    stored.write_bytes(stored.read_bytes()[:-10])
    assert [k for k, _ in kh.file_problems(lib, "now")[0]] == ["file differs from its row now"]
    stored.unlink()
    assert [k for k, _ in kh.file_problems(lib, "now")[0]] == ["missing file now"]

    out = tmp_path / "out"
    copy = out / "files" / att.key / "paper.pdf"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(kh.minimal_pdf("stored")[:100])
    assert [k for k, _ in beside_problems(lib, out, "x")[0]] == ["attachment beside the export incomplete x"]

    conn = sqlite3.connect(lib / "library.sqlite")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    db = (lib / "library.sqlite").read_bytes()
    (lib / "backups").mkdir(exist_ok=True)  # senref may have made a real one on close: it must pass
    (lib / "backups" / "library-000000-20260101T000000Z.sqlite").write_bytes(db[: len(db) // 2])
    (lib / "library.sqlite.v1-20260101T000000.bak").write_bytes(b"")
    (lib / "backups" / ".partial-x.sqlite").write_bytes(db[:4096])
    problems = kh.backup_problems(lib)
    assert len(problems) == 2 and {k for k, _ in problems} == {"partial backup"}, problems
    assert [p.name for p in kh.backup_files(lib)[1]] == [".partial-x.sqlite"]

    conn = sqlite3.connect(lib / "library.sqlite")
    conn.execute("INSERT INTO attachments (key, item_id, link_mode, date_added) VALUES ('QQQQQQQQ', 999, 'linked_url', '')")
    conn.commit()
    conn.close()
    assert [k for k, _ in kh.db_problems(lib / "library.sqlite")] == ["foreign_key_check not empty"]


def test_kills_land_where_they_are_told(tmp_path: Path) -> None:
    script = "import sys, time\nfor n in range(50):\n    print(f'step {n}', file=sys.stderr, flush=True)\n    time.sleep(0.02)\n"
    argv = [sys.executable, "-c", script]
    env = dict(os.environ)
    by_delay = kh.run_killed(argv, env, kh.Kill("t", delay=0.3), tmp_path)
    assert by_delay.killed and 0.25 < by_delay.elapsed < 1.0
    by_line = kh.run_killed(argv, env, kh.Kill("l", line=5, pattern="step"), tmp_path)
    assert by_line.killed and by_line.stderr.count("step") in range(5, 8)
    marker = tmp_path / "marker"
    touch = "import time, pathlib\ntime.sleep(0.2)\npathlib.Path('marker').touch()\ntime.sleep(5)\n"
    by_probe = kh.run_killed([sys.executable, "-c", touch], env, kh.Kill("p", probe=lambda w: marker.exists), tmp_path)
    assert by_probe.killed and marker.exists() and by_probe.elapsed < 2
    late = kh.run_killed([sys.executable, "-c", "pass"], env, kh.Kill("late", delay=3), tmp_path)
    assert not late.killed and late.returncode == 0

"""How long until a BibTeX target is current again after a one-item edit, in a 100,000-item library.

    python -m bench.bench_sync [-n 100000] [--folder DIR]

Prints: library build, first full export, a no-change check, and for one-item edits the time from
the edit's commit to the renamed target file, in this process (warm) and in a fresh one (cold).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import build
from senref.core.library import Library
from senref.sync.engine import SyncEngine
from senref.sync.targets import Target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    root = args.folder or Path(tempfile.mkdtemp(prefix="senref-bench-sync-"))
    lib_dir, out = root / "lib", root / "out"
    out.mkdir(parents=True, exist_ok=True)
    if not (lib_dir / "library.sqlite").exists():
        print(f"building {args.n} items: {build(lib_dir, args.n, autotag=False):.1f} s", flush=True)
    lib = Library.open(lib_dir, autotag=False)
    engine = SyncEngine(lib)
    target = next((t for t in engine.targets.load() if t.format == "bibtex"), None) or \
        engine.targets.add(Target(path=str(out / "library.bib"), format="bibtex"))
    start = time.perf_counter()
    outcome = engine.sync(target)
    print(f"first sync: {outcome.count} items, {outcome.rendered} rendered, {time.perf_counter() - start:.2f} s, "
          f"{target.file.stat().st_size / 1e6:.1f} MB", flush=True)
    start = time.perf_counter()
    outcome = engine.sync(target)
    print(f"nothing changed: written={outcome.written} in {time.perf_counter() - start:.2f} s", flush=True)
    keys = lib.keys(target.scope.query())
    timings = []
    for n in range(args.edits):
        key = keys[(n * 7919) % len(keys)]
        item = lib.get_item(key)
        item.fields["title"] = f"Edited title {n} {time.time()}"
        start = time.perf_counter()
        lib.update_item(item)
        outcome = engine.sync(target)
        timings.append(time.perf_counter() - start)
        assert outcome.written and outcome.rendered == 1, outcome
    print("one-item edit -> current BibTeX (warm, same process): "
          + ", ".join(f"{t:.2f}" for t in timings) + f" s; max {max(timings):.2f} s", flush=True)
    item = lib.get_item(keys[0])
    item.fields["title"] = f"Edited cold {time.time()}"
    lib.update_item(item)
    lib.close()
    code = ("import sys, time; t = time.perf_counter(); from senref.core.library import Library; "
            "from senref.sync.engine import SyncEngine; lib = Library.open(sys.argv[1], autotag=False); "
            "e = SyncEngine(lib); o = e.sync(e.targets.load()[0]); "
            "print(f'{o.rendered} {time.perf_counter() - t:.2f}')")
    result = subprocess.run([sys.executable, "-c", code, str(lib_dir)], capture_output=True, text=True, check=True)
    rendered, seconds = result.stdout.split()
    print(f"one-item edit -> current BibTeX (cold: fresh process, manifest from disk): {seconds} s "
          f"({rendered} rendered)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

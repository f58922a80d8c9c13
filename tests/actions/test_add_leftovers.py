"""A download temp a killed add left behind goes on the next add, even one that downloads nothing."""

from __future__ import annotations

from pathlib import Path

from senref.actions.add import add_inputs
from senref.core.library import Library
from senref.core.settings import load_settings


def test_a_stale_download_temp_is_removed_by_an_add_that_fetches_nothing(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib", autotag=False)
    downloads = library.folder / "downloads"
    downloads.mkdir()
    stale = downloads / ".pdf-999999999-abcd.part"  # a pid no process has
    stale.write_bytes(b"%PDF-1.4 half a download")
    live = downloads / ".pdf-1-efgh.part"  # pid 1 always runs: a download in progress elsewhere stays
    live.write_bytes(b"%PDF-1.4 in progress")
    report = add_inputs(library, load_settings(), ["no identifier here"])
    assert [o.status for o in report.outcomes] == ["failed"]
    assert not stale.exists() and live.exists()
    library.close()

"""check-integrity keeps each status with its notice, asks only what was not asked recently, and warns in citations."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from senref.actions.bibliography import cite
from senref.actions.integrity import check_integrity
from senref.core.library import Library
from senref.core.model import Item
from senref.core.query import ItemQuery
from senref.core.settings import load_settings


@dataclass
class Notice:
    kind: str
    notice_doi: str
    date: str
    source: str
    url: str = ""
    label: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Result:
    status: str
    notices: list[Notice] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class FakeChecker:
    """What the sources would say, by DOI; counts what it was asked."""

    def __init__(self, answers: dict[str, Result]) -> None:
        self.answers, self.asked = answers, []

    def check(self, identifiers: dict[str, str]) -> Result:
        self.asked.append(identifiers["doi"])
        return self.answers.get(identifiers["doi"], Result("ok"))


def library_of_three(folder: Path) -> tuple[Library, list[str]]:
    library = Library.open(folder, autotag=False)
    keys = []
    for n, doi in enumerate(("10.1016/s0140-6736(20)31180-6", "10.1016/j.cellsig.2012.01.015", "10.1093/jnci/djab064")):
        item = Item(fields={"title": f"Work {n} on senescence", "date": "2020"})
        item.set_identifier("doi", doi)
        keys.append(library.save_item(item, tag=False).key)
    return library, keys


RETRACTED = Result("retracted", [Notice("retracted", "10.1016/s0140-6736(20)31324-6", "2020-06-05", "retraction-watch",
                                        "https://doi.org/10.1016/s0140-6736(20)31324-6")])
CORRECTED = Result("corrected", [Notice("corrected", "10.1016/j.cellsig.2013.01.001", "2013-02-01", "crossref")])


def test_each_status_is_kept_with_its_notice_and_listed(tmp_path: Path) -> None:
    library, keys = library_of_three(tmp_path / "lib")
    checker = FakeChecker({"10.1016/s0140-6736(20)31180-6": RETRACTED, "10.1016/j.cellsig.2012.01.015": CORRECTED})
    report = check_integrity(library, load_settings(), checker=checker)
    assert report.summary() == "1 newly retracted item; 1 newly corrected item (3 checked)"
    record = library.get_item(keys[0]).extras["integrity"]
    assert record["status"] == "retracted" and record["notices"][0]["source"] == "retraction-watch"
    assert library.keys(ItemQuery(integrity=["retracted"])) == [keys[0]]
    assert sorted(library.keys(ItemQuery(integrity=["retracted", "corrected"]))) == sorted(keys[:2])
    assert library.keys(ItemQuery(integrity=["ok"])) == [keys[2]]
    library.close()


def test_a_second_check_asks_only_what_is_old_and_changes_nothing_that_did_not(tmp_path: Path) -> None:
    library, _keys = library_of_three(tmp_path / "lib")
    checker = FakeChecker({"10.1016/s0140-6736(20)31180-6": RETRACTED})
    now = datetime(2026, 12, 1, tzinfo=UTC)
    check_integrity(library, load_settings(), checker=checker, now=now)
    versions = library.item_versions()
    again = check_integrity(library, load_settings(), checker=checker, now=now + timedelta(days=3))
    assert again.checked == 0 and again.skipped == 3 and len(checker.asked) == 3
    later = check_integrity(library, load_settings(), checker=checker, now=now + timedelta(days=40))
    assert later.checked == 3 and later.summary().startswith("nothing new")
    assert library.item_versions() == versions  # nothing new: no item rewritten (no sync churn)
    library.close()


def test_offline_is_not_ok_and_is_asked_again_next_time(tmp_path: Path) -> None:
    library, keys = library_of_three(tmp_path / "lib")
    offline = FakeChecker({doi: Result("unknown", errors=["crossref: connection refused"])
                           for doi in ("10.1016/s0140-6736(20)31180-6", "10.1016/j.cellsig.2012.01.015",
                                       "10.1093/jnci/djab064")})
    report = check_integrity(library, load_settings(), checker=offline)
    assert "integrity" not in library.get_item(keys[0]).extras
    assert any("connection refused" in w for w in report.warnings)
    assert report.summary() == "nothing new (3 asked, 0 answered: offline? they are asked again next time)"
    again = check_integrity(library, load_settings(), checker=FakeChecker({}))
    assert again.checked == 3  # none was recorded as checked while offline
    later = datetime.now(UTC) + timedelta(days=40)  # all due again, and the sources are away
    away = check_integrity(library, load_settings(), checker=offline, now=later)
    assert away.summary().endswith(f"offline? they are asked again next time; the last answered check was on "
                                   f"{datetime.now(UTC).date().isoformat()})")
    library.close()


def test_a_bibliography_with_a_retracted_work_warns(tmp_path: Path) -> None:
    library, keys = library_of_three(tmp_path / "lib")
    check_integrity(library, load_settings(), checker=FakeChecker({"10.1016/s0140-6736(20)31180-6": RETRACTED}))
    report = cite(library, load_settings(), keys=keys)
    assert [w for w in report.warnings if w.startswith("retracted:")] == [
        "retracted: Work 0 on senescence (2020-06-05, retraction-watch; https://doi.org/10.1016/s0140-6736(20)31324-6)"]
    library.close()
    listed = subprocess.run([sys.executable, "-m", "senref", "--library", str(tmp_path / "lib"), "list",
                             "--integrity", "retracted"], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and "Work 0 on senescence" in listed.stdout and "Work 1" not in listed.stdout
    cited = subprocess.run([sys.executable, "-m", "senref", "--library", str(tmp_path / "lib"), "cite", keys[0]],
                           capture_output=True, text=True, timeout=60)
    assert cited.returncode == 0 and "retracted: Work 0" in cited.stderr and "Work 0" in cited.stdout
    bad = subprocess.run([sys.executable, "-m", "senref", "--library", str(tmp_path / "lib"), "list",
                          "--integrity", "dubious"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "unknown integrity status" in bad.stderr


def test_a_partial_answer_adds_notices_but_never_clears_one(tmp_path: Path) -> None:
    library, keys = library_of_three(tmp_path / "lib")
    first = datetime(2026, 12, 1, tzinfo=UTC)
    check_integrity(library, load_settings(), checker=FakeChecker({"10.1016/s0140-6736(20)31180-6": RETRACTED}),
                    now=first)
    partial = FakeChecker({doi: Result("ok", errors=["crossref: 503"]) for doi in (
        "10.1016/s0140-6736(20)31180-6", "10.1016/j.cellsig.2012.01.015", "10.1093/jnci/djab064")})
    check_integrity(library, load_settings(), checker=partial, now=first + timedelta(days=40))
    assert library.get_item(keys[0]).extras["integrity"]["status"] == "retracted"
    again = check_integrity(library, load_settings(), checker=FakeChecker({}), now=first + timedelta(days=41))
    assert again.checked == 3  # the partial answers were not recorded as checks: all are due again
    library.close()


def test_an_export_names_flagged_items_and_can_say_so_in_their_note(tmp_path: Path) -> None:
    from senref.actions.export import export_items

    library, keys = library_of_three(tmp_path / "lib")
    check_integrity(library, load_settings(), checker=FakeChecker({"10.1016/s0140-6736(20)31180-6": RETRACTED}))
    plain = export_items(library, load_settings(), ItemQuery(), tmp_path / "plain.bib", "bibtex")
    assert [w.split(":")[0] for w in plain.warnings] == ["retracted"]
    assert "Retracted" not in (tmp_path / "plain.bib").read_text(encoding="utf-8")
    noted = export_items(library, load_settings(), ItemQuery(), tmp_path / "noted.bib", "bibtex", integrity_note=True)
    text = (tmp_path / "noted.bib").read_text(encoding="utf-8")
    assert noted.warnings == plain.warnings
    assert text.count("note = {Retracted: Work 0 on senescence") == 1
    export_items(library, load_settings(), ItemQuery(), tmp_path / "noted.json", "csljson", integrity_note=True)
    assert '"note": "Retracted: Work 0 on senescence' in (tmp_path / "noted.json").read_text(encoding="utf-8")
    assert "extra" not in library.get_item(keys[0]).fields  # the library's record is as it was
    library.close()

"""`senref check-integrity --all` over Crossref's recorded answers for a retracted and a corrected work, then
`senref cite` on the retracted one: the statuses, their notices, and the warning (issue 18's must-show)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from senref.core.library import Library
from senref.core.model import Item

RECORDED = {  # DOI -> the file holding Crossref's /works answer for it, and what the check must find
    "10.1016/s0140-6736(97)11096-0": ("works_10.1016_s0140-6736(97)11096-0_updated-by_retraction-watch__citeguard.json",
                                      "retracted"),
    "10.1016/j.cellsig.2012.01.015": ("snapshot_works_10.1016_j.cellsig.2012.01.015_correction__researcher.json",
                                      "corrected"),
    "10.1016/j.micpro.2020.103768": ("snapshot_works_10.1016_j.micpro.2020.103768_retracted__researcher.json",
                                     "retracted"),
}


def _body(path: Path) -> dict[str, Any]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    if "response_body" in raw:  # a snapshot: the recorded answer inside
        body = raw["response_body"]
        return json.loads(body) if isinstance(body, str) else dict(body)
    return dict(raw)


def test_check_integrity_marks_the_recorded_works_and_cite_warns(shared_dir: Path, httpserver: HTTPServer,
                                                                 tmp_path: Path) -> None:
    folder = shared_dir / "fixtures" / "crossref-updates"
    answers = {doi: _body(folder / name) for doi, (name, _status) in RECORDED.items()}

    def works(request: Request) -> Response:
        wanted = request.args.get("filter", "")
        if wanted.startswith("updates:"):  # notices pointing at a DOI: none recorded
            empty = {"status": "ok", "message": {"items": [], "total-results": 0}}
            return Response(json.dumps(empty), content_type="application/json")
        if wanted.startswith("doi:"):  # a batch: the works list Crossref answers, holding the recorded records
            dois = [d.removeprefix("doi:").lower() for d in wanted.split(",")]
            items = [answers[d]["message"] for d in dois if d in answers]
            listed = {"status": "ok", "message": {"items": items, "total-results": len(items)}}
            return Response(json.dumps(listed), content_type="application/json")
        doi = unquote(request.path.split("/works/", 1)[1]).lower()
        if doi not in answers:
            return Response("Resource not found.", status=404)
        return Response(json.dumps(answers[doi]), content_type="application/json")

    httpserver.expect_request(re.compile(r"^/works.*")).respond_with_handler(works)
    library_folder = tmp_path / "lib"
    keys = {}
    with Library.open(library_folder, autotag=False) as library:
        for doi in RECORDED:
            item = Item(fields={"title": f"Recorded work {doi}"})
            item.set_identifier("doi", doi)
            keys[doi] = library.save_item(item, tag=False).key
    env = {**os.environ, "SENREF_CROSSREF_URL": httpserver.url_for("").rstrip("/"), "SENREF_EMAIL": "lab@example.org"}
    run = subprocess.run([sys.executable, "-m", "senref", "--library", str(library_folder), "check-integrity", "--all"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "2 newly retracted items" in run.stderr and "1 newly corrected item" in run.stderr
    with Library.open(library_folder, autotag=False) as library:
        for doi, (_name, status) in RECORDED.items():
            record = library.get_item(keys[doi]).extras["integrity"]
            assert record["status"] == status, doi
            notice = next(n for n in record["notices"] if n["kind"] == status)
            assert notice["notice_doi"] and notice["source"] in ("crossref", "retraction-watch"), notice
    wakefield = keys["10.1016/s0140-6736(97)11096-0"]
    cited = subprocess.run([sys.executable, "-m", "senref", "--library", str(library_folder), "cite", wakefield],
                           capture_output=True, text=True, env=env, timeout=120)
    assert cited.returncode == 0 and "retracted: Recorded work" in cited.stderr and "retraction-watch" in cited.stderr

"""A local replay of Crossref's /works and HAL's search API, and a small fetcher with add_texts' shape.

The GUI tests use it to drive the window's real background path (worker threads, HTTP over the
loopback, library saves, change events) independently of the sources package's internals.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from senref.actions.add import AddOutcome, AddReport
from senref.core.extract import group_works
from senref.core.library import Library
from senref.core.model import Creator, Item
from senref.core.settings import Settings
from senref.demo import simple_pdf

FLAGSHIP_DOI = "10.1093/jnci/djab064"
FLAGSHIP_HAL = "inserm-03547029"
FLAGSHIP_TITLE = "Therapy-Induced Senescence: Opportunities to Improve Anticancer Therapy"


def _crossref_work(doi: str) -> dict[str, Any] | None:
    if doi == FLAGSHIP_DOI:
        return {"DOI": doi, "type": "journal-article", "title": [FLAGSHIP_TITLE],
                "container-title": ["JNCI: Journal of the National Cancer Institute"],
                "issued": {"date-parts": [[2021, 10]]}, "volume": "113", "issue": "10", "page": "1285-1298",
                "author": [{"given": "Pataje G.", "family": "Prasanna"}, {"given": "C. Norman", "family": "Coleman"}]}
    match = re.fullmatch(r"10\.5555/batch\.(\d+)", doi)
    if match:
        n = int(match.group(1))
        return {"DOI": doi, "type": "journal-article", "title": [f"Batch record {n} on senescence"],
                "container-title": ["Aging Cell"], "issued": {"date-parts": [[2000 + n % 25]]},
                "author": [{"given": "Ana", "family": f"Author{n}"}]}
    return None


def serve_records(server: HTTPServer) -> None:
    def works(request: Request) -> Response:
        doi = request.path.split("/works/", 1)[1].lower()
        work = _crossref_work(doi)
        if work is None:
            return Response("Resource not found.", status=404, content_type="text/plain")
        return Response(json.dumps({"status": "ok", "message": work}), content_type="application/json")

    def hal_search(request: Request) -> Response:
        query = request.args.get("q", "")
        docs = []
        if FLAGSHIP_HAL in query or FLAGSHIP_DOI in query:
            docs.append({"halId_s": FLAGSHIP_HAL, "doiId_s": FLAGSHIP_DOI, "title_s": [FLAGSHIP_TITLE],
                         "fileMain_s": server.url_for("/files/flagship.pdf")})
        body = {"response": {"numFound": len(docs), "start": 0, "docs": docs}}
        return Response(json.dumps(body), content_type="application/json")

    pdf = simple_pdf(["Therapy-Induced Senescence", "open-access copy served by the test replay"])
    server.expect_request(re.compile(r"^/works/.+")).respond_with_handler(works)
    server.expect_request("/search/").respond_with_handler(hal_search)
    server.expect_request("/files/flagship.pdf").respond_with_data(pdf, content_type="application/pdf")


class ReplayFetcher:
    """`fetch(library, texts, collection=, pdf=, settings=, progress=, should_stop=)` over the replay.

    The window runs it in a worker process (a copy of it, pickled): each call notes its inputs in
    *log*, a JSON line per call, so the test can see what was asked.
    """

    def __init__(self, settings: Settings, log: Path | None = None) -> None:
        self.settings = settings
        self.session = requests.Session()
        self.log = log

    @property
    def asked(self) -> list[list[str]]:
        """The inputs of each call so far, oldest first."""
        if self.log is None or not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    @property
    def calls(self) -> int:
        return len(self.asked)

    def __call__(self, library: Library, texts: list[str], *, collection: str | None, pdf: bool,
                 settings: Settings, progress: Callable[[int, int, str], None],
                 should_stop: Callable[[], bool]) -> AddReport:
        if self.log is not None:
            with self.log.open("a", encoding="utf-8") as log:
                log.write(json.dumps(list(texts)) + "\n")
        works = [w for text in texts for w in group_works(text)]
        report = AddReport()
        for done, work in enumerate(works):
            if should_stop():
                report.cancelled = True
                break
            try:
                item, pdf_url = self._fetch(work.identifiers)
            except LookupError as exc:
                outcome = AddOutcome(work.label, "failed", reason=str(exc))
            else:
                result = library.save_item(item, collections=[collection] if collection else [], source="replay")
                outcome = AddOutcome(work.label, "added" if result.created else "merged", result.key, item.title)
                if pdf and pdf_url and result.created:
                    data = self.session.get(pdf_url, timeout=5).content
                    library.store_file(result.key, data, filename="article.pdf", content_type="application/pdf",
                                       source="hal")
                    outcome.pdf = "hal"
                elif result.created:
                    outcome.pdf_reasons = ["no open-access copy in the replay"]
            report.outcomes.append(outcome)
            progress(done + 1, len(works), outcome.line())
        return report

    def _fetch(self, ids: dict[str, str]) -> tuple[Item, str | None]:
        root = self.settings.url("hal_api")
        hal_doc = None
        if "hal" in ids or "doi" in ids:
            q = f"halId_s:{ids['hal']}" if "hal" in ids else f'doiId_s:"{ids["doi"]}"'
            docs = self.session.get(f"{root}/search/", params={"q": q, "wt": "json"}, timeout=5).json()
            hal_doc = (docs["response"]["docs"] or [None])[0]
        doi = ids.get("doi") or (hal_doc or {}).get("doiId_s")
        item = Item()
        if doi:
            response = self.session.get(f"{self.settings.url('crossref')}/works/{doi}", timeout=5)
            if response.status_code == 404:
                raise LookupError(f"no record for {doi}")
            work = response.json()["message"]
            item.fields.update(title=work["title"][0], publicationTitle=work["container-title"][0],
                               date=str(work["issued"]["date-parts"][0][0]))
            item.creators = [Creator("author", a["given"], a["family"]) for a in work["author"]]
            item.set_identifier("doi", doi)
        elif hal_doc is None:
            raise LookupError("not found")
        if hal_doc:
            item.set_identifier("hal", hal_doc["halId_s"])
            item.fields.setdefault("title", hal_doc["title_s"][0])
        return item, (hal_doc or {}).get("fileMain_s")


def serve_in_process(conn: Any) -> None:
    """Run the replay on a server of its own process (multiprocessing target): sends its URL, serves until told to stop.

    A server thread in the window's process takes the interpreter lock for every request it answers;
    the real services answer from elsewhere, and so does this replay when the window's timing is measured.
    """
    server = HTTPServer(host="127.0.0.1", port=0)
    serve_records(server)
    server.start()
    try:
        conn.send(server.url_for("").rstrip("/"))
        conn.recv()  # anything, or EOF when the test process goes
    except EOFError:
        pass
    finally:
        server.stop()

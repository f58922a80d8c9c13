"""`senref watch run` / `inbox` and `senref versions` as a user runs them: subprocesses against a local server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from senref.core.library import Library
from senref.core.model import Item
from senref.core.query import ItemQuery
from senref.topics.tagger import get_tagger

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def senref(library: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "senref", "--library", str(library), *args], capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=120)


def test_watch_run_fills_the_inbox_tagged_and_a_second_run_adds_nothing(httpserver: HTTPServer,
                                                                        tmp_path: Path) -> None:
    def search(request: Request) -> Response:
        page = "europepmc_search_page1.json" if request.args.get("cursorMark") == "*" else "europepmc_search_page2.json"
        return Response((FIXTURES / "watch" / page).read_bytes(), content_type="application/json")
    httpserver.expect_request("/search").respond_with_handler(search)
    folder = tmp_path / "lib"
    with Library.open(folder, tagger=get_tagger()) as library:
        review = Item(fields={"title": "Therapy-induced senescence in cancer", "date": "2021"})
        review.set_identifier("doi", "10.1093/jnci/djab064")
        library.save_item(review)
    env = {"SENREF_EUROPEPMC_URL": httpserver.url_for("").rstrip("/"), "SENREF_EMAIL": "lab@example.org"}
    listed = senref(folder, "watch", "list", env=env)
    assert listed.returncode == 0 and listed.stdout.startswith("tis\teuropepmc\tTherapy-induced senescence\tnever run")
    first = senref(folder, "watch", "run", env=env)
    assert first.returncode == 0, first.stderr
    assert "3 new papers in the Inbox, 1 already in the library" in first.stderr
    inbox = senref(folder, "inbox", "list", env=env).stdout.splitlines()
    assert len(inbox) == 3 and all(line.split("\t")[3] for line in inbox)  # each carries TIS topic tags
    second = senref(folder, "watch", "run", env=env)
    assert "0 new papers in the Inbox, 4 already in the library" in second.stderr
    key = inbox[0].split("\t")[0]
    assert senref(folder, "inbox", "dismiss", key, env=env).returncode == 0
    assert len(senref(folder, "inbox", "list", env=env).stdout.splitlines()) == 2
    with Library.open(folder) as library:
        dois = [library.get_item(k).identifiers.get("doi") for k in library.keys(ItemQuery())]
        assert len(dois) == len(set(dois))  # nothing twice


def test_versions_update_and_undo_from_the_cli(httpserver: HTTPServer, tmp_path: Path) -> None:
    own = FIXTURES / "versions"
    doi = "10.1101/2020.11.02.365213"
    httpserver.expect_request(f"/crossref/works/{doi}").respond_with_data(
        (own / "crossref_works_preprint.json").read_bytes(), content_type="application/json")
    httpserver.expect_request(f"/biorxiv/pubs/biorxiv/{doi}/na/json").respond_with_data(
        (own / "biorxiv_pubs_preprint.json").read_bytes(), content_type="application/json")
    folder = tmp_path / "lib"
    with Library.open(folder, autotag=False) as library:
        preprint = Item(item_type="preprint", fields={"title": "A TIS preprint", "citationKey": "prasanna2020tis"})
        preprint.set_identifier("doi", doi)
        key = library.save_item(preprint, tag=False).key
        library.add_note(key, "<p>notes</p>")
        article = Item(fields={"title": "Therapy-induced senescence in cancer", "date": "2021"})
        article.set_identifier("doi", "10.1093/jnci/djab064")
        article_key = library.save_item(article, tag=False).key
    root = httpserver.url_for("").rstrip("/")
    env = {"SENREF_CROSSREF_URL": f"{root}/crossref", "SENREF_BIORXIV_URL": f"{root}/biorxiv",
           "SENREF_EMAIL": "lab@example.org"}
    looked = senref(folder, "versions", env=env)
    assert looked.returncode == 0, looked.stderr
    assert looked.stdout.startswith(f"{key}\tdoi:10.1093/jnci/djab064") and "1 linked to an article" in looked.stderr
    updated = senref(folder, "versions", "--update", key, env=env)
    assert updated.returncode == 0 and f"{article_key} is now cited in place of {key}" in updated.stderr
    token = updated.stderr.rsplit("--undo ", 1)[1].split(")")[0]
    assert f"{key}\t10.1093/jnci/djab064\tupdated to {article_key}" in senref(folder, "versions", "--list", env=env).stdout
    with Library.open(folder) as library:
        assert [n.html for n in library.get_item(article_key).notes] == ["<p>notes</p>"]
    undone = senref(folder, "versions", "--undo", token, env=env)
    assert undone.returncode == 0 and f"{key} is the cited item again" in undone.stderr
    with Library.open(folder) as library:
        assert [n.html for n in library.get_item(key).notes] == ["<p>notes</p>"]
        assert library.get_item(key).fields["citationKey"] == "prasanna2020tis"

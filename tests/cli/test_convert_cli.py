"""`senref convert` run as a subprocess: a file to a file, no library opened, one clear line on bad input."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import ok, senref

BIB = ("@article{coleman2021, title={Therapy-Induced Senescence in Cancer}, author={Coleman, C. Norman},\n"
       "  journal={JNCI}, year={2021}, doi={10.1093/jnci/djab064}}\n"
       "@article{saleh2019, title={Senolytics after chemotherapy}, author={Saleh, Tareq}, year={2019}}\n")


def write_bib(tmp_path: Path) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    return path


def test_convert_to_a_file_opens_no_library(tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "out.ris"
    result = senref("convert", str(write_bib(tmp_path)), "-o", str(out), home=home)
    assert result.returncode == 0, result.stderr
    assert "2 items converted from BibTeX to RIS" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.count("TY  - JOUR") == 2 and "DO  - 10.1093/jnci/djab064" in text
    assert not home.exists() or not list(home.rglob("library.sqlite*"))


def test_convert_to_standard_output_in_the_named_format(tmp_path: Path) -> None:
    items = json.loads(ok("convert", str(write_bib(tmp_path)), "--format", "csljson", home=tmp_path / "home"))
    assert sorted(entry["title"] for entry in items) == ["Senolytics after chemotherapy",
                                                        "Therapy-Induced Senescence in Cancer"]


def test_convert_names_the_other_writer_an_extension_could_mean(tmp_path: Path) -> None:
    result = senref("convert", str(write_bib(tmp_path)), "-o", str(tmp_path / "out.json"), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert "--format csljson" in result.stderr


def test_convert_refuses_its_own_input_and_leaves_it_whole(tmp_path: Path) -> None:
    bib = write_bib(tmp_path)
    result = senref("convert", str(bib), "-o", str(bib), "--format", "ris", home=tmp_path / "home")
    assert result.returncode == 2 and "input file" in result.stderr and "Traceback" not in result.stderr
    assert bib.read_text(encoding="utf-8") == BIB


def test_convert_of_an_unreadable_file_is_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\xff\x10 nothing bibliographic\n")
    result = senref("convert", str(junk), "-o", str(tmp_path / "out.ris"), home=tmp_path / "home")
    assert result.returncode == 2 and "not a format senref reads" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.ris").exists()


def test_convert_skipped_entries_are_named_by_line_and_exit_1(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{ok1, title={One}, year={2020}}\n\n@article{bad, title={Two\n", encoding="utf-8")
    result = senref("convert", str(bib), "-o", str(tmp_path / "out.ris"), home=tmp_path / "home")
    assert result.returncode == 1
    assert f"{bib}: line " in result.stderr
    assert "TI  - One" in (tmp_path / "out.ris").read_text(encoding="utf-8")

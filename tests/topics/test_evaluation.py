"""Precision and recall of the topic tagger on the labelled evaluation set (eval_set.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from senref.topics.tagger import Tagger
from senref.topics.vocabulary import load_vocabulary

EVAL_SET = Path(__file__).with_name("eval_set.toml")
MIN_PRECISION = 0.9
MIN_RECALL = 0.8


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def expand(labels: list[str]) -> set[str]:
    """Labels plus every ancestor ("TIS/Radiation-induced" also means "TIS")."""
    out = set()
    for label in labels:
        parts = label.split("/")
        out.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    return out


def load_set() -> list[dict]:
    data = tomllib.loads(EVAL_SET.read_text(encoding="utf-8"))
    codes = data["codes"]
    papers = data["paper"]
    for paper in papers:
        paper["labels"] = expand([codes[c] for c in paper["topics"]])
    return papers


def evaluate(tagger: Tagger, papers: list[dict], level: str = "top") -> dict[str, Score]:
    """Per-topic scores; `level="top"` compares top-level topics only, "all" every topic."""
    scores: dict[str, Score] = {}
    names = [n for n in tagger.names if level == "all" or "/" not in n]
    for name in names:
        scores[name] = Score()
    for paper in papers:
        found = set(tagger.suggest({"title": paper["title"], "abstract": paper.get("abstract", ""),
                                    "keywords": paper.get("keywords", [])}))
        for name in names:
            want, got = name in paper["labels"], name in found
            score = scores[name]
            if want and got:
                score.tp += 1
            elif got:
                score.fp += 1
                score.false_alarms.append(paper["id"])
            elif want:
                score.fn += 1
                score.misses.append(paper["id"])
    return scores


def report(scores: dict[str, Score]) -> str:
    lines = [f"{'topic':45s} {'prec':>6s} {'recall':>6s} {'tp':>4s} {'fp':>4s} {'fn':>4s}"]
    for name, s in scores.items():
        lines.append(f"{name:45s} {s.precision:6.2f} {s.recall:6.2f} {s.tp:4d} {s.fp:4d} {s.fn:4d}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    # The built-in vocabulary only: a user's topics.toml must not change the measured figures.
    return Tagger(load_vocabulary(include_user=False))


def test_eval_set_is_large_and_mixed() -> None:
    papers = load_set()
    decoys = [p for p in papers if not p["labels"]]
    assert len(papers) >= 150
    assert len(decoys) >= 40, "the set needs non-TIS decoys to measure precision"
    assert len({p["id"] for p in papers}) == len(papers)


def test_precision_and_recall_per_top_level_topic(tagger: Tagger) -> None:
    scores = evaluate(tagger, load_set())
    table = report(scores)
    print("\n" + table)  # shown with -s or -rA; the assertion message below carries it in any case
    failing = {n: s for n, s in scores.items() if s.precision < MIN_PRECISION or s.recall < MIN_RECALL}
    detail = "\n".join(f"{n}: false alarms {s.false_alarms}, misses {s.misses}" for n, s in failing.items())
    assert not failing, f"below precision {MIN_PRECISION} / recall {MIN_RECALL}:\n{table}\n{detail}"

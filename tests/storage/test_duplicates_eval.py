"""The whole path on the evaluation set: every record saved into one library (automatic merges only on
proof), then the stored likely duplicates, against the labels of tests/fixtures/duplicates."""

from __future__ import annotations

import itertools
from pathlib import Path

from senref.actions.duplicates import find_duplicates, list_duplicates
from senref.core.library import Library
from tests.unit.test_dupscore_eval import eval_labels, eval_records, figures, pair, record_item, true_pairs


def test_saving_the_evaluation_set_merges_only_true_duplicates_and_lists_the_others(tmp_path: Path) -> None:
    labels = eval_labels()
    truth = true_pairs(labels)
    lib = Library.open(tmp_path / "lib", autotag=False)
    try:
        holders: dict[str, list[str]] = {}  # item key -> records saved into it
        for record in eval_records():
            result = lib.save_item(record_item(record))
            holders.setdefault(result.key, []).append(record["id"])
        merged = {pair(a, b) for ids in holders.values() for a, b in itertools.combinations(ids, 2)}
        proven = {pair(a, b) for g in labels["duplicates"] for sub in [g, *g.get("proven_subgroups", [])]
                  if sub.get("proof") for a, b in itertools.combinations(sub["ids"], 2)}
        saved_pairs = {pair(c.a, c.b) for c in lib.duplicate_candidates()}
        report = find_duplicates(lib)
        scanned_pairs = {pair(c.a, c.b) for c in lib.duplicate_candidates()}
        listed = _record_pairs(scanned_pairs, holders)
        recall, precision = figures(listed | merged, truth)
        print(f"\nautomatic merges: {len(merged)} record pairs, precision {figures(merged, truth)[1]:.3f}, "
              f"{len(merged & proven)}/{len(proven)} provable pairs merged")
        print(f"likely duplicates listed: {len(listed)} record pairs; with the merged ones recall {recall:.3f}, "
              f"precision {precision:.3f}; {len(report.groups)} groups among {report.scanned} items")
        assert merged <= truth, sorted(merged - truth)
        assert recall >= 0.95 and precision >= 0.9
        # Saving already found what the scan finds, but for pairs one of whose items a later automatic
        # merge filled in (the save scored the record as it was then).
        print(f"found while saving: {len(scanned_pairs & saved_pairs)}/{len(scanned_pairs)} of the scan's pairs")
        assert len(scanned_pairs & saved_pairs) >= 0.9 * len(scanned_pairs)
        assert len(list_duplicates(lib).groups) == len(report.groups)
    finally:
        lib.close()


def _record_pairs(item_pairs: set[tuple[str, str]], holders: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {pair(a, b) for x, y in item_pairs for a in holders.get(x, []) for b in holders.get(y, [])}


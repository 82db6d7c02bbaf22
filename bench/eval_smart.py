"""`make eval-smart`: score the SMART engine against the labelled goal set.

Prints per-criterion precision, recall and F1 and per-slot exact-match accuracy on the
train and held-out splits of tests/domain/cases/smart/goals.jsonl. The held-out split is
fixed by a hash of each statement (see the cases README) and is never used for tuning;
``--errors`` lists mismatches on the train split only. Two more columns: the held-out
statements that come from the seeds or published pages (no variants written for the set),
and fresh.jsonl, written after the rules were frozen.

    .venv/bin/python bench/eval_smart.py [--errors]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from milepost.domain import smart  # noqa: E402

CASES = ROOT / "tests" / "domain" / "cases" / "smart" / "goals.jsonl"
# Written and labelled after the rules were frozen; run once, never tuned on.
FRESH = CASES.with_name("fresh.jsonl")
# Dates without a year in the labelled set resolve against this day.
TODAY = dt.date(2026, 1, 5)

# Criterion name -> (label key, value counted as the positive class).
CRITERIA: dict[str, tuple[str, bool]] = {
    "specific": ("specific", True),
    "measurable": ("measurable", True),
    "time_bound": ("time_bound", True),
    "negative_wording": ("positive", False),
}
SLOTS = ("measure", "baseline", "target", "comparator", "days", "date")


@dataclass(frozen=True)
class Case:
    id: str
    split: str
    text: str
    labels: dict[str, Any]
    source: str = ""

    @property
    def published(self) -> bool:
        """From the seeds or a published page, not a variant written for the set."""
        return not self.source.startswith("variant")


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    n: int


def load_cases(path: Path = CASES) -> list[Case]:
    cases: list[Case] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            cases.append(
                Case(row["id"], row["split"], row["text"], row["labels"], row.get("source", ""))
            )
    return cases


def predict(case: Case) -> dict[str, Any]:
    a = smart.analyse(case.text, today=TODAY)
    st = a.structure
    return {
        "specific": a.criteria.specific.met,
        "measurable": a.criteria.measurable.met,
        "time_bound": a.criteria.time_bound.met,
        "positive": a.positive.met,
        "measure": st.measure,
        "baseline": st.baseline,
        "target": st.target,
        "comparator": st.comparator,
        "days": st.deadline.days if st.deadline else None,
        "date": st.deadline.date.isoformat() if st.deadline and st.deadline.date else None,
    }


def _same(slot: str, gold: Any, got: Any) -> bool:
    if slot == "measure" and isinstance(gold, str) and isinstance(got, str):
        return gold.lower() == got.lower()
    if isinstance(gold, int | float) and isinstance(got, int | float):
        return float(gold) == float(got)
    return bool(gold == got)


def criterion_scores(pairs: list[tuple[bool, bool]]) -> Scores:
    """Precision/recall/F1 where each pair is (gold is positive, predicted positive)."""
    tp = sum(1 for g, p in pairs if g and p)
    fp = sum(1 for g, p in pairs if not g and p)
    fn = sum(1 for g, p in pairs if g and not p)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, len(pairs))


def evaluate(cases: list[Case]) -> dict[str, dict[str, Any]]:
    """{'criteria': {name: Scores}, 'slots': {slot: accuracy}, 'n': count} for these cases."""
    predictions = [(case, predict(case)) for case in cases]
    criteria: dict[str, Scores] = {}
    for name, (key, positive_class) in CRITERIA.items():
        pairs = [
            (case.labels[key] == positive_class, got[key] == positive_class)
            for case, got in predictions
        ]
        criteria[name] = criterion_scores(pairs)
    slots: dict[str, float] = {}
    for slot in SLOTS:
        hits = sum(1 for case, got in predictions if _same(slot, case.labels[slot], got[slot]))
        slots[slot] = hits / len(predictions) if predictions else 1.0
    return {"criteria": criteria, "slots": slots, "n": {"cases": len(cases)}}


def _table(results: dict[str, dict[str, dict[str, Any]]]) -> str:
    splits = list(results)
    lines = [f"{'criterion':<18}" + "".join(f"{s + ' P/R/F1':>30}" for s in splits)]
    for name in CRITERIA:
        row = f"{name:<18}"
        for split in splits:
            sc: Scores = results[split]["criteria"][name]
            row += f"{sc.precision:>14.3f}{sc.recall:>8.3f}{sc.f1:>8.3f}"
        lines.append(row)
    lines.append("")
    lines.append(f"{'slot (exact)':<18}" + "".join(f"{s + ' accuracy':>30}" for s in splits))
    for slot in SLOTS:
        lines.append(f"{slot:<18}" + "".join(f"{results[s]['slots'][slot]:>30.3f}" for s in splits))
    counts = ", ".join(f"{s}: {results[s]['n']['cases']} statements" for s in splits)
    lines.append("")
    lines.append(counts)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--errors", action="store_true", help="list train-split mismatches")
    args = parser.parse_args(argv)
    cases = load_cases()
    by_split = {
        "train": [c for c in cases if c.split == "train"],
        "heldout": [c for c in cases if c.split == "heldout"],
        "heldout-published": [c for c in cases if c.split == "heldout" and c.published],
        "fresh": load_cases(FRESH),
    }
    results = {split: evaluate(group) for split, group in by_split.items()}
    print(_table(results))
    if args.errors:
        print("\ntrain-split mismatches:")
        for case in by_split["train"]:
            got = predict(case)
            wrong = [
                f"{k}: gold={case.labels[k]!r} got={got[k]!r}"
                for k in ("specific", "measurable", "time_bound", "positive", *SLOTS)
                if not _same(k, case.labels[k], got[k])
            ]
            if wrong:
                print(f"- {case.id} {case.text}\n    " + "\n    ".join(wrong))
    return 0


if __name__ == "__main__":
    sys.exit(main())

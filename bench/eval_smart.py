"""`make eval-smart`: score the SMART engine against the labelled goal sets.

First and foremost the published corpus (tests/domain/cases/smart/published/): statements other
people published, on sites split into a tuning part and a held-out part by a hash of the site's
name (bench/smart_corpus.py). Its table gives, per criterion, precision, recall, F1 and the
counts behind them, and per slot the accuracy on the statements whose label has a value, with
the spurious values the engine gave where the label has none. ``--errors`` lists mismatches of
the tuning sites only; held-out statements are only ever counted.

Then the older team-labelled set:

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

from bench import smart_corpus as corpus  # noqa: E402
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


# The engine names units for display ("%", "per week"); the rubric names them in words
# ("percent", "times per week"). Compared after this renaming only: what was extracted is
# unchanged.
RUBRIC_UNITS = {
    "%": "percent",
    "per day": "times per day",
    "per week": "times per week",
    "per month": "times per month",
    "lb": "pounds",
    "lbs": "pounds",
    "kg": "kilograms",
    "hrs": "hours",
    "mins": "minutes",
}


def rubric_unit(unit: str | None) -> str | None:
    return RUBRIC_UNITS.get(unit, unit) if unit else None


def predict_published(text: str) -> dict[str, Any]:
    a = smart.analyse(text, today=TODAY)
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
        "direction": st.direction,
        "unit": rubric_unit(st.unit),
        "days": st.deadline.days if st.deadline else None,
    }


def published_results(
    statements: list[corpus.Statement], labels: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    rows = [(s, labels[s.id], predict_published(s.text)) for s in statements if s.id in labels]
    scores: dict[str, Any] = {"statements": len(rows), "sites": len({s.site for s, _, _ in rows})}
    for name, (key, positive_class) in CRITERIA.items():
        scores[name] = corpus.criterion_score(
            (gold[key] == positive_class, got[key] == positive_class) for _, gold, got in rows
        )
    for field in corpus.SLOT_FIELDS:
        scores[field] = corpus.slot_score(
            field, ((gold[field], got[field]) for _, gold, got in rows)
        )
    return scores


def published_table(results: dict[str, dict[str, Any]]) -> str:
    splits = list(results)
    lines = ["Published corpus: statements other people wrote, split by site"]
    lines.append(
        "  "
        + ", ".join(
            f"{s}: {results[s]['statements']} statements from {results[s]['sites']} sites"
            for s in splits
        )
    )
    head = f"  {'criterion':<17}" + "".join(
        f"{s + '  P     R     F1   tp/fp/fn/tn':>44}" for s in splits
    )
    lines.append(head)
    for name in CRITERIA:
        row = f"  {name:<17}"
        for s in splits:
            c: corpus.CriterionScore = results[s][name]
            counts = f"{c.tp}/{c.fp}/{c.fn}/{c.tn}"
            row += f"{c.precision:>14.3f}{c.recall:>6.3f}{c.f1:>6.3f}{counts:>18}"
        lines.append(row)
    lines.append("")
    head = f"  {'slot':<17}" + "".join(f"{s + '  right/labelled  spurious':>44}" for s in splits)
    lines.append(head)
    for field in corpus.SLOT_FIELDS:
        row = f"  {field:<17}"
        for s in splits:
            sl: corpus.SlotScore = results[s][field]
            share = f"{sl.right}/{sl.labelled}"
            row += f"{sl.accuracy_on_labelled:>14.3f}{share:>14}{sl.spurious:>16}"
        lines.append(row)
    return "\n".join(lines)


def agreement_table(first: dict[str, Any], second: dict[str, Any]) -> str:
    rows = corpus.agreement(first, second)
    if not rows or rows[0].n == 0:
        return ""
    lines = [f"Agreement of the two labelling passes ({rows[0].n} statements both labelled)"]
    lines.append(f"  {'field':<12}{'agree':>10}{'kappa':>8}")
    for r in rows:
        kappa = "  n/a" if r.kappa is None else f"{r.kappa:>8.3f}"
        lines.append(f"  {r.field:<12}{f'{r.agree}/{r.n}':>10}{kappa:>8}")
    return "\n".join(lines)


def published_errors(statements: list[corpus.Statement], labels: dict[str, Any]) -> None:
    print("\ntuning-site mismatches (held-out sites are never listed):")
    for s in statements:
        if s.split != "tune" or s.id not in labels:
            continue
        gold, got = labels[s.id], predict_published(s.text)
        wrong = [
            f"{k}: gold={gold[k]!r} got={got[k]!r}"
            for k in corpus.LABEL_FIELDS
            if k not in ("unit", "direction") and not corpus.same_slot(k, gold[k], got[k])
        ]
        if wrong:
            print(f"- {s.id} [{s.site}] {s.text}\n    " + "\n    ".join(wrong))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--errors", action="store_true", help="list train-split mismatches")
    parser.add_argument(
        "--published-errors",
        action="store_true",
        help="list mismatches on the published corpus's tuning sites",
    )
    parser.add_argument(
        "--tune-only",
        action="store_true",
        help="print only the tuning sites' column (what whoever tunes the rules looks at)",
    )
    args = parser.parse_args(argv)
    statements = corpus.load_statements()
    labels = corpus.load_labels()
    if statements and labels:
        published = {
            split: published_results([s for s in statements if s.split == split], labels)
            for split in (("tune",) if args.tune_only else corpus.SPLITS)
            if any(s.split == split and s.id in labels for s in statements)
        }
        print(published_table(published))
        if args.tune_only:
            if args.published_errors:
                published_errors(statements, labels)
            return 0
        kappa = agreement_table(
            corpus.load_labels("labels-first"), corpus.load_labels("labels-second")
        )
        if kappa:
            print()
            print(kappa)
        if args.published_errors:
            published_errors(statements, labels)
            return 0
        print()
        print("Team-labelled set (tests/domain/cases/smart/goals.jsonl, fresh.jsonl)")
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

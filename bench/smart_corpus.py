"""The published-goal corpus: statements other people wrote, their labels, the split by site.

Files (tests/domain/cases/smart/published/, see its README):

- ``statements.jsonl``: ``{"id", "text", "url", "site", "source", "topic", "kind"}``, verbatim
  as published; ``source`` is the site, or one name for sites that copy the same pages;
- ``labels-first.jsonl``: the first labelling pass, every statement;
- ``labels-second.jsonl``: the independent second pass (a rater who saw only the rubric and the
  text), a sample;
- ``labels.jsonl``: the labels the evaluation uses: the first pass with every disagreement with the
  second settled by the rubric.

Each labels file holds ``{"id", "labels": {...}}`` with the rubric's fields (LABEL_FIELDS).

The split is by **site**: a site's statements are all held out or all available for tuning,
decided by a hash of its source's name alone (``split_for``), fixed before the engine was run on
any of them. Sites that copy one another's pages share a source, so a copy never lands on the
other side of the split. Statements marked ``"split": "fresh"`` came later, from sites new to the
corpus; they were scored blind after tuning round 2 and then joined the tuning sites for round 3
(decision 0212). Statements marked ``"split": "fresh-2"`` came after that, from sites new again;
they are never tuned on.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "domain" / "cases" / "smart" / "published"

BOOLEAN_FIELDS = ("specific", "measurable", "time_bound", "positive")
SLOT_FIELDS = ("measure", "baseline", "target", "comparator", "direction", "unit", "days")
LABEL_FIELDS = BOOLEAN_FIELDS + SLOT_FIELDS

# Four sites in ten are held out.
HELDOUT_BUCKETS = 4

# Fresh rounds already scored blind once and since given to tuning (decision 0212).
TUNED_FRESH_ROUNDS = frozenset({"fresh", "fresh-2", "fresh-3", "fresh-4", "fresh-5", "fresh-6"})
# Later rounds keep their statements and their one labelling pass in files of their own.
FRESH_ROUND_FILES = (
    "fresh2-statements.jsonl",
    "fresh3-statements.jsonl",
    "fresh4-statements.jsonl",
    "fresh5-statements.jsonl",
    "fresh6-statements.jsonl",
    "fresh7-statements.jsonl",
)
# Columns the evaluation prints, in order.
SPLITS = ("tune", "heldout", "fresh-7")


def split_for(site: str) -> str:
    """'heldout' or 'tune', from the site's name alone."""
    bucket = int(hashlib.sha256(site.strip().lower().encode("utf-8")).hexdigest()[:8], 16) % 10
    return "heldout" if bucket < HELDOUT_BUCKETS else "tune"


@dataclass(frozen=True)
class Statement:
    id: str
    text: str
    url: str
    site: str
    source: str
    topic: str = ""
    kind: str = ""
    fixed_split: str = ""

    @property
    def split(self) -> str:
        """'tune', 'heldout', or 'fresh-3': statements collected later from sites new to the
        corpus, never tuned on and scored once per round. A fresh round that has been scored
        and then given to tuning counts as 'tune'."""
        if self.fixed_split in TUNED_FRESH_ROUNDS:
            return "tune"
        return self.fixed_split or split_for(self.source)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def load_statements(folder: Path = CORPUS) -> list[Statement]:
    return [
        Statement(
            row["id"],
            row["text"],
            row["url"],
            row["site"],
            row.get("source") or row["site"],
            row.get("topic", ""),
            row.get("kind", ""),
            row.get("split", ""),
        )
        for file in ("statements.jsonl", *FRESH_ROUND_FILES)
        for row in _jsonl(folder / file)
    ]


def load_labels(name: str = "labels", folder: Path = CORPUS) -> dict[str, dict[str, Any]]:
    """A labelling pass. The fresh-2 and fresh-3 statements have one pass only (labelled blind
    to the engine by one rater), so it is part of the first pass and of the settled labels."""
    files = [f"{name}.jsonl"]
    if name in ("labels", "labels-first"):
        files += [file.replace("statements", "labels") for file in FRESH_ROUND_FILES]
    return {row["id"]: row["labels"] for file in files for row in _jsonl(folder / file)}


# ---------------------------------------------------------------- agreement


def cohen_kappa(pairs: Sequence[tuple[object, object]]) -> float | None:
    """Cohen's kappa of two raters' categories over the same items (None: no items, or
    both raters gave one and the same category throughout, where kappa is undefined)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[c] * second.get(c, 0) for c in first) / (n * n)
    if expected == 1.0:
        return None
    return (observed - expected) / (1 - expected)


def _category(field: str, value: object) -> object:
    if field == "measure" and isinstance(value, str):
        return value.strip().lower()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value)
    return value


@dataclass(frozen=True)
class Agreement:
    field: str
    n: int
    agree: int
    kappa: float | None


def agreement(
    first: Mapping[str, Mapping[str, Any]], second: Mapping[str, Mapping[str, Any]]
) -> list[Agreement]:
    """Per field: items both rated, how many agree, Cohen's kappa."""
    ids = sorted(set(first) & set(second))
    rows: list[Agreement] = []
    for field in LABEL_FIELDS:
        pairs = [
            (_category(field, first[i].get(field)), _category(field, second[i].get(field)))
            for i in ids
        ]
        rows.append(
            Agreement(field, len(pairs), sum(1 for a, b in pairs if a == b), cohen_kappa(pairs))
        )
    return rows


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True)
class CriterionScore:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn


def criterion_score(pairs: Iterable[tuple[bool, bool]]) -> CriterionScore:
    """Each pair: (gold is the positive class, prediction is the positive class)."""
    tp = fp = fn = tn = 0
    for gold, got in pairs:
        if gold and got:
            tp += 1
        elif got:
            fp += 1
        elif gold:
            fn += 1
        else:
            tn += 1
    return CriterionScore(tp, fp, fn, tn)


@dataclass(frozen=True)
class SlotScore:
    labelled: int  # items whose gold value is not null
    right: int  # of those, predicted exactly
    spurious: int  # gold null, something predicted
    exact: int  # every item: predicted == gold (null == null counts)
    n: int

    @property
    def accuracy_on_labelled(self) -> float:
        return self.right / self.labelled if self.labelled else 1.0

    @property
    def exact_rate(self) -> float:
        return self.exact / self.n if self.n else 1.0


def same_slot(field: str, gold: object, got: object) -> bool:
    return _category(field, gold) == _category(field, got)


def slot_score(field: str, pairs: Iterable[tuple[object, object]]) -> SlotScore:
    labelled = right = spurious = exact = n = 0
    for gold, got in pairs:
        n += 1
        same = same_slot(field, gold, got)
        exact += same
        if gold is None:
            spurious += got is not None
        else:
            labelled += 1
            right += same
    return SlotScore(labelled, right, spurious, exact, n)

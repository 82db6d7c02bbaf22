"""Relevance by meaning: the SMART engine's Relevant criterion on published (goal, factors) pairs.

The pairs (tests/domain/cases/relevance/, see its README) come from published case formulations
and care plans, labelled by a rater who never saw the engine. The concept map was written from
its published sources before any pair was looked at (decision 0215). Pairs are split by the
site their goal's case came from, with the same hash as the SMART corpus (``split_for``): the
"tune" sites' mismatches may be read to improve the map, the "heldout" sites are only counted.

Printed beside the engine: the baseline of a shared word alone (what relevance was before
related terms and concepts), in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import smart_corpus as corpus  # noqa: E402
from milepost.domain import smart  # noqa: E402
from milepost.domain.smart.criteria import _terms  # noqa: E402

FOLDER = ROOT / "tests" / "domain" / "cases" / "relevance"


@dataclass(frozen=True)
class Pair:
    id: str
    site: str
    kind: str
    goal: str
    factors: tuple[str, ...]
    relevant: bool

    @property
    def split(self) -> str:
        return corpus.split_for(self.site)


def load_pairs(folder: Path = FOLDER) -> list[Pair]:
    sites = {}
    for line in (folder / "cases.jsonl").read_text(encoding="utf-8").splitlines():
        if line:
            row = json.loads(line)
            sites[row["case"]] = row["site"]
    pairs = []
    for line in (folder / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
        if line:
            row = json.loads(line)
            pairs.append(
                Pair(
                    row["id"],
                    sites[row["case"]],
                    row["kind"],
                    row["goal"],
                    tuple(row["factors"]),
                    bool(row["relevant"]),
                )
            )
    return pairs


def engine(pair: Pair) -> bool:
    context = smart.GoalContext(formulation_factors=pair.factors)
    return smart.analyse(pair.goal, context).criteria.relevant.met is True


def shared_word(pair: Pair) -> bool:
    goal = _terms(pair.goal)
    return any(goal & _terms(factor) for factor in pair.factors)


def score(pairs: list[Pair], predict: Callable[[Pair], bool]) -> corpus.CriterionScore:
    return corpus.criterion_score((p.relevant, predict(p)) for p in pairs)


def _row(label: str, s: corpus.CriterionScore) -> str:
    return (
        f"  {label:<28}{s.precision:>6.3f}{s.recall:>7.3f}{s.f1:>7.3f}"
        f"{f'{s.tp}/{s.fp}/{s.fn}/{s.tn}':>16}"
    )


def table(pairs: list[Pair]) -> str:
    lines = [
        "Relevance on published (goal, linked factors) pairs, split by site",
        f"  {'':<28}{'P':>6}{'R':>7}{'F1':>7}{'tp/fp/fn/tn':>16}",
    ]
    for split in ("tune", "heldout"):
        group = [p for p in pairs if p.split == split]
        sites = len({p.site for p in group})
        lines.append(f"  {split}: {len(group)} pairs from {sites} sites")
        lines.append(_row("concept map (engine)", score(group, engine)))
        lines.append(_row("baseline: a shared word", score(group, shared_word)))
        for kind in ("own-case", "cross-case", "near-miss"):
            some = [p for p in group if p.kind == kind]
            if some:
                right = sum(engine(p) == p.relevant for p in some)
                lines.append(f"    {kind:<26}{right}/{len(some)} right")
    return "\n".join(lines)


def errors(pairs: list[Pair]) -> None:
    print("\ntuning-site mismatches (held-out sites are never listed):")
    for p in pairs:
        if p.split == "tune" and engine(p) != p.relevant:
            why = smart.analyse(p.goal, smart.GoalContext(formulation_factors=p.factors))
            print(f"- {p.id} [{p.kind}] gold={p.relevant} goal={p.goal!r}")
            print(f"    factors={list(p.factors)!r}\n    engine: {why.criteria.relevant.why}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--errors", action="store_true", help="list tuning-site mismatches")
    args = parser.parse_args(argv)
    pairs = load_pairs()
    print(table(pairs))
    if args.errors:
        errors(pairs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

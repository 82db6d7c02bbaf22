"""The drafting assistant on published case vignettes (`make eval-assistant`).

Each vignette (bench/data/assistant_vignettes.json: a verbatim excerpt, its URL and labels)
is drafted offline as the presenting problem, with no scores and no client's words, as a
clinician pasting a case summary would. Reported: the share of drafted goals that the SMART
engine finds Specific, Measurable and Time-bound; the precision (and recall) of the suggested
maintaining factors and of the interventions' approaches against the labels; the share of
drafts whose instrument fits the problem; the areas found; and risk handled as labelled
(quoted when the excerpt speaks of it, never drafted from silence).

Two raters labelled the vignettes independently (the first rater's labels are each
vignette's ``first_rater``; the second's are in assistant_vignettes_rater2.json, with the
codebook that rater saw). Printed first: their agreement per field (for the set-valued fields,
Cohen's kappa over each code's presence across the vignettes, pooled over the codebook's codes,
and the mean Jaccard index of the two sets; for risk, kappa). Then the assistant's figures
against the first rater's, the second rater's and the settled labels (decision 1110).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.smart_corpus import cohen_kappa  # noqa: E402
from milepost.domain import drafting, library  # noqa: E402
from milepost.domain.plans import MAINTAINING  # noqa: E402

DATA = ROOT / "bench" / "data" / "assistant_vignettes.json"
RATER2 = ROOT / "bench" / "data" / "assistant_vignettes_rater2.json"
OUT = ROOT / "var" / "bench" / "assistant.json"
TODAY = dt.date(2026, 12, 7)
SET_FIELDS = ("areas", "instruments", "maintaining", "approaches")
LABEL_FIELDS = (*SET_FIELDS, "risk")

Labels = Mapping[str, Any]


def load() -> list[dict[str, Any]]:
    """The vignettes, each with its settled labels at the top level."""
    vignettes: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))["vignettes"]
    return vignettes


def load_rater2() -> dict[str, Any]:
    """The second rater's file: ``about``, ``codebook`` and ``labels`` (one per vignette)."""
    rater2: dict[str, Any] = json.loads(RATER2.read_text(encoding="utf-8"))
    return rater2


def label_sets(
    vignettes: Sequence[Mapping[str, Any]], rater2: Mapping[str, Any]
) -> dict[str, dict[str, Labels]]:
    """The three label sets by vignette id: first rater, second rater, settled."""
    second = {row["id"]: row for row in rater2["labels"]}
    return {
        "first rater": {v["id"]: v["first_rater"] for v in vignettes},
        "second rater": {v["id"]: second[v["id"]] for v in vignettes},
        "settled": {v["id"]: {f: v[f] for f in LABEL_FIELDS} for v in vignettes},
    }


# ---------------------------------------------------------------- agreement


@dataclass(frozen=True)
class FieldAgreement:
    field: str
    vignettes: int
    same: int  # vignettes whose two labels are identical
    kappa: float | None  # pooled over (vignette, code) presence; for risk, over vignettes
    jaccard: float | None  # mean over vignettes; None for risk


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b|; two empty sets agree fully."""
    return len(a & b) / len(a | b) if a | b else 1.0


def agreement(
    first: Mapping[str, Labels], second: Mapping[str, Labels], codebook: Mapping[str, Any]
) -> list[FieldAgreement]:
    """Per field, the two raters' agreement over the vignettes both labelled.

    A set-valued field's kappa treats each (vignette, code) as one yes/no item, over the
    codebook's codes for the field and any other code either rater used, pooled into one
    table; the mean Jaccard index is taken over the vignettes.
    """
    ids = sorted(set(first) & set(second))
    rows = []
    for field in SET_FIELDS:
        codes = {e["code"] for e in codebook.get(field, [])}
        codes |= {c for i in ids for c in (*first[i][field], *second[i][field])}
        pairs = [
            (code in first[i][field], code in second[i][field])
            for i in ids
            for code in sorted(codes)
        ]
        sets = [(set(first[i][field]), set(second[i][field])) for i in ids]
        rows.append(
            FieldAgreement(
                field,
                len(ids),
                sum(a == b for a, b in sets),
                cohen_kappa(pairs),
                sum(jaccard(a, b) for a, b in sets) / len(sets) if sets else None,
            )
        )
    risk = [(bool(first[i]["risk"]), bool(second[i]["risk"])) for i in ids]
    rows.append(
        FieldAgreement("risk", len(ids), sum(a == b for a, b in risk), cohen_kappa(risk), None)
    )
    return rows


def disagreements(vignettes: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """How the settled disagreements went: kept as the first rater, as the second."""
    settled = [s for v in vignettes for s in v["settled"]]
    return {
        "settled": len(settled),
        "as the first rater": sum(s["settled"] == s["first"] for s in settled),
        "as the second rater": sum(s["settled"] == s["second"] for s in settled),
    }


# ---------------------------------------------------------------- the assistant


def drafted(v: Mapping[str, Any]) -> dict[str, Any]:
    """What the assistant drafts from the excerpt alone."""
    intake = drafting.parse_intake({"presenting_problem": v["excerpt"]})
    d = drafting.draft(intake, today=TODAY)
    texts = " ".join(g.statement + " " + o.statement for g in d.goals for o in g.objectives)
    return {
        "id": v["id"],
        "areas": list(d.areas),
        "factors": sorted({f.rule for f in d.factors if f.kind == MAINTAINING}),
        "approaches": [
            library.get(x.library_id).approach
            for g in d.goals
            for o in g.objectives
            for x in o.interventions
            if x.library_id
        ],
        "instruments": sorted(
            {g.target.instrument for g in d.goals if g.target and g.target.instrument}
        ),
        "goals": len(d.goals),
        "smt": sum(
            all(
                g.analysis["criteria"][k]["met"] is True
                for k in ("specific", "measurable", "time_bound")
            )
            for g in d.goals
        ),
        "risk_mentioned": d.risk.mentioned,
        "denies_drafted": "denies" in texts.lower(),
    }


def judge(d: Mapping[str, Any], labels: Labels) -> dict[str, Any]:
    """One draft scored against one rater's labels."""
    fit = (
        all(i in labels["instruments"] for i in d["instruments"])
        if d["instruments"]
        else "none" in labels["instruments"]
    )
    return {
        **d,
        "area_hits": sum(a in labels["areas"] for a in d["areas"]),
        "factor_hits": sum(f in labels["maintaining"] for f in d["factors"]),
        "factor_labels": len(labels["maintaining"]),
        "factor_found": sum(f in d["factors"] for f in labels["maintaining"]),
        "approach_hits": sum(a in labels["approaches"] for a in d["approaches"]),
        "instrument_fit": fit,
        "risk_ok": d["risk_mentioned"] == labels["risk"],
    }


def _share(hits: int, total: int) -> str:
    return f"{hits}/{total} = {hits / total:.0%}" if total else "n/a"


def summary(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    total = {
        k: sum(int(r[k]) for r in rows)
        for k in (
            "area_hits",
            "factor_hits",
            "factor_labels",
            "factor_found",
            "approach_hits",
            "goals",
            "smt",
        )
    }
    return {
        "vignettes": len(rows),
        "goals_smt": _share(total["smt"], total["goals"]),
        "factor_precision": _share(total["factor_hits"], sum(len(r["factors"]) for r in rows)),
        "factor_recall": _share(total["factor_found"], total["factor_labels"]),
        "intervention_precision": _share(
            total["approach_hits"], sum(len(r["approaches"]) for r in rows)
        ),
        "instrument_fit": _share(sum(r["instrument_fit"] for r in rows), len(rows)),
        "area_precision": _share(total["area_hits"], sum(len(r["areas"]) for r in rows)),
        "drafts_with_no_area": sum(not r["areas"] for r in rows),
        "risk_as_labelled": _share(sum(r["risk_ok"] for r in rows), len(rows)),
        "denies_drafted": sum(r["denies_drafted"] for r in rows),
    }


# ---------------------------------------------------------------- report


def _kappa(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def main() -> int:
    vignettes = load()
    rater2 = load_rater2()
    sets = label_sets(vignettes, rater2)
    drafts = [drafted(v) for v in vignettes]
    rows = [judge(d, sets["settled"][d["id"]]) for d in drafts]

    print("Per vignette, against the settled labels")
    print(
        "| vignette | areas | instrument (fit) | maintaining factors (hits) "
        "| interventions (hits) | goals S+M+T |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        areas = ", ".join(r["areas"]) or "-"
        used = ", ".join(r["instruments"]) or "none"
        fit = "yes" if r["instrument_fit"] else "no"
        factors = ", ".join(r["factors"]) or "-"
        print(
            f"| {r['id']} | {areas} | {used} ({fit}) | {factors} "
            f"({r['factor_hits']}/{len(r['factors'])}) "
            f"| {r['approach_hits']}/{len(r['approaches'])} | {r['smt']}/{r['goals']} |"
        )

    agreed = agreement(sets["first rater"], sets["second rater"], rater2["codebook"])
    print()
    print("Inter-rater agreement (first rater against second rater)")
    print("| field | vignettes labelled the same | Cohen's kappa | mean Jaccard |")
    print("|---|---|---|---|")
    for a in agreed:
        pooled = " (pooled over codes)" if a.jaccard is not None else ""
        mean = "-" if a.jaccard is None else f"{a.jaccard:.2f}"
        print(f"| {a.field} | {a.same}/{a.vignettes} | {_kappa(a.kappa)}{pooled} | {mean} |")
    settled = disagreements(vignettes)
    print(
        f"\n{settled['settled']} code-level disagreements settled: "
        f"{settled['as the first rater']} as the first rater had it, "
        f"{settled['as the second rater']} as the second."
    )

    summaries = {
        name: summary([judge(d, labels[d["id"]]) for d in drafts]) for name, labels in sets.items()
    }
    print()
    print("The assistant against each label set")
    print("| measure | " + " | ".join(summaries) + " |")
    print("|---|" + "---|" * len(summaries))
    for key in summaries["settled"]:
        print(f"| {key} | " + " | ".join(str(s[key]) for s in summaries.values()) + " |")

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "summary": summaries["settled"],
                "by_labels": summaries,
                "agreement": [a.__dict__ for a in agreed],
                "settled": settled,
                "rows": rows,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The drafting assistant on published case vignettes (`make eval-assistant`).

Each vignette (bench/data/assistant_vignettes.json: a verbatim excerpt, its URL and labels)
is drafted offline as the presenting problem, with no scores and no client's words, as a
clinician pasting a case summary would. Reported: the share of drafted goals that the SMART
engine finds Specific, Measurable and Time-bound; the precision (and recall) of the suggested
maintaining factors and of the interventions' approaches against the labels; the share of
drafts whose instrument fits the problem; the areas found; and risk handled as labelled
(quoted when the excerpt speaks of it, never drafted from silence).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from milepost.domain import drafting, library  # noqa: E402
from milepost.domain.plans import MAINTAINING  # noqa: E402

DATA = ROOT / "bench" / "data" / "assistant_vignettes.json"
OUT = ROOT / "var" / "bench" / "assistant.json"
TODAY = dt.date(2026, 12, 7)


def load() -> list[dict[str, Any]]:
    vignettes: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))["vignettes"]
    return vignettes


def judge(v: dict[str, Any]) -> dict[str, Any]:
    intake = drafting.parse_intake({"presenting_problem": v["excerpt"]})
    d = drafting.draft(intake, today=TODAY)
    factors = sorted({f.rule for f in d.factors if f.kind == MAINTAINING})
    approaches = [
        library.get(x.library_id).approach
        for g in d.goals
        for o in g.objectives
        for x in o.interventions
        if x.library_id
    ]
    instruments = sorted({g.target.instrument for g in d.goals if g.target and g.target.instrument})
    smt = [
        all(
            g.analysis["criteria"][k]["met"] is True
            for k in ("specific", "measurable", "time_bound")
        )
        for g in d.goals
    ]
    fit = (
        all(i in v["instruments"] for i in instruments)
        if instruments
        else "none" in v["instruments"]
    )
    texts = " ".join(g.statement + " " + o.statement for g in d.goals for o in g.objectives).lower()
    return {
        "id": v["id"],
        "areas": list(d.areas),
        "area_hits": sum(a in v["areas"] for a in d.areas),
        "factors": factors,
        "factor_hits": sum(f in v["maintaining"] for f in factors),
        "factor_labels": len(v["maintaining"]),
        "factor_found": sum(f in factors for f in v["maintaining"]),
        "approaches": approaches,
        "approach_hits": sum(a in v["approaches"] for a in approaches),
        "instruments": instruments,
        "instrument_fit": fit,
        "goals": len(d.goals),
        "smt": sum(smt),
        "risk_ok": d.risk.mentioned == v["risk"],
        "denies_drafted": "denies" in texts,
    }


def _share(hits: int, total: int) -> str:
    return f"{hits}/{total} = {hits / total:.0%}" if total else "n/a"


def main() -> int:
    rows = [judge(v) for v in load()]
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
    summary = {
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
    print()
    for key, value in summary.items():
        print(f"{key:>24}: {value}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"summary": summary, "rows": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

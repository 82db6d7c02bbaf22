"""`milepost draft --intake FILE [--json] [--today YYYY-MM-DD]`: draft a first plan.

FILE (``-`` for standard input) is a JSON object with ``presenting_problem``,
``client_words``, ``scores`` (a list of ``{instrument, total, date}``), ``diagnoses`` and
optionally ``formulation``, ``plan_date`` and ``review_interval_days``. Prints the drafted
formulation factors, CBT cycle, goals, objectives, interventions and targets, each with its
sources and its SMART analysis (one JSON object with --json). Bad input exits with code 2
and one line on stderr naming the field. No database: Django is never started.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from milepost.domain import drafting

EXIT_INVALID = 2


def _read(path: str) -> object:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise drafting.InvalidIntake("intake", f"cannot read {path}: not UTF-8 text") from None
    except OSError as exc:
        raise drafting.InvalidIntake(
            "intake", f"cannot read {path}: {exc.strerror or exc}"
        ) from None
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise drafting.InvalidIntake("intake", f"{path} is not JSON") from None


def _mark(met: bool | None) -> str:
    return {True: "yes", False: "no", None: "?"}[met]


def _sources(sources: list[dict[str, str]]) -> str:
    shown = []
    for s in sources:
        if s["kind"] == "intake":
            shown.append(f'{s["ref"]}: "{s["quote"][:70]}"')
        elif s["kind"] in ("score", "library", "diagnosis"):
            shown.append(f"{s['kind']} {s['ref']}")
    return "; ".join(shown) or "rule"


def summary(result: dict[str, Any]) -> str:
    """A readable outline of the draft."""
    lines = ["Formulation (suggested)"]
    for f in result["factors"]:
        kind = "maintaining" if f["kind"] == "perpetuating" else f["kind"]
        lines.append(f"  [{f['id']}] {kind}: {f['text']}  <- {_sources(f['source'])}")
    for c in result["cbt_cycle"]:
        lines.append(f"  cycle {c['part']}: {c['text']}")
    for g in result["goals"]:
        crit = g["analysis"]["criteria"]
        smart_marks = " ".join(f"{k[0].upper()}={_mark(v['met'])}" for k, v in crit.items())
        lines.append(f"Goal {g['id']}: {g['statement']}  [{smart_marks}]")
        lines.append(f"  client's words: {g['client_words'] or '(for the clinician)'}")
        lines.append(f"  targets factors: {', '.join(g['factors']) or '-'}")
        if g["target"]:
            lines.append("  target: " + "; ".join(g["target"]["reasons"]))
        for o in g["objectives"]:
            lines.append(f"  Objective {o['id']}: {o['statement']}")
            for x in o["interventions"]:
                lines.append(f"    Intervention {x['id']}: {x['modality']} ({x['frequency']})")
    lines.append("For the clinician")
    for n in result["for_clinician"]:
        lines.append(f"  {n['field']}: {n['message']}")
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    try:
        today = dt.date.today()
        if args.today:
            try:
                today = dt.date.fromisoformat(args.today)
            except ValueError:
                raise drafting.InvalidIntake("--today", "must be a date YYYY-MM-DD") from None
        intake = drafting.parse_intake(_read(args.intake))
    except drafting.InvalidIntake as exc:
        print(f"milepost draft: {exc}", file=sys.stderr)
        return EXIT_INVALID
    result = drafting.as_dict(drafting.draft(intake, today=today))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(summary(result))
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "draft",
        help="draft a first SMART plan from intake notes (no database)",
        description="Draft a first plan from intake notes. " + (__doc__ or "").split("\n\n")[1],
    )
    parser.add_argument(
        "--intake", metavar="FILE", required=True, help='the intake JSON ("-": stdin)'
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="the plan's day (default: today)")
    parser.set_defaults(handler=handle)

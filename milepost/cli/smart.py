"""`milepost smart "TEXT" [--json]` or `milepost smart --jsonl FILE`: check goal wording.

One statement prints the SMART criteria, positive wording, findings, the extracted target
and a suggested rewrite (one JSON object with --json, in the shape of DESIGN.md). With
--jsonl, FILE ("-" for standard input) holds one {"id": ..., "text": ...} object per line
(an optional "context" object adds what the clinician knows); one JSON object is printed
per line, in order, with the same id. Bad input exits with code 2 and one line on stderr
naming the line. No database: Django is never started.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from milepost.domain import smart

EXIT_INVALID = 2

_CONTEXT_FIELDS: dict[str, type | tuple[type, ...]] = {
    "baseline": (int, float),
    "instrument": str,
    "time_frame_days": int,
    "formulation_factors": list,
    "client_words": str,
    "endorsed": bool,
    "active_goals": int,
    "review_due": str,
}


class InputError(Exception):
    """Input the command cannot use; the message is the one line printed."""


def _date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what} must be a date YYYY-MM-DD, not {value!r}") from None


def parse_context(raw: object, where: str) -> smart.GoalContext | None:
    """A "context" object from a JSONL line -> GoalContext (None when absent)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InputError(f'{where}: "context" must be an object')
    values: dict[str, Any] = {}
    for key, value in raw.items():
        expected = _CONTEXT_FIELDS.get(key)
        if expected is None:
            known = ", ".join(_CONTEXT_FIELDS)
            raise InputError(f'{where}: unknown context field "{key}" (known: {known})')
        if value is None:
            continue
        bad_bool = isinstance(value, bool) and expected is not bool
        if bad_bool or not isinstance(value, expected):
            raise InputError(f'{where}: context field "{key}" has the wrong type')
        if key == "formulation_factors":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f'{where}: "formulation_factors" must be a list of strings')
            value = tuple(value)
        if key == "review_due" and isinstance(value, str):
            value = _date(value, f'{where}: "review_due"')
        values[key] = value
    return smart.GoalContext(**values)


def read_jsonl(path: str) -> list[tuple[object, str, smart.GoalContext | None]]:
    """Every (id, text, context) in the file, checked before anything is analysed."""
    try:
        content = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"cannot read {path}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    rows: list[tuple[object, str, smart.GoalContext | None]] = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path} line {number}"
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            raise InputError(f"{where}: not JSON ({reason})") from None
        if not isinstance(row, dict):
            raise InputError(f'{where}: expected an object with "id" and "text"')
        text = row.get("text")
        if not isinstance(text, str):
            problem = 'has no "text"' if "text" not in row else '"text" is not a string'
            raise InputError(f"{where}: {problem}")
        rows.append((row.get("id"), text, parse_context(row.get("context"), where)))
    return rows


def _mark(met: bool | None) -> str:
    return {True: "yes", False: "no", None: "?"}[met]


def summary(analysis: smart.Analysis) -> str:
    """A few human-readable lines."""
    c = analysis.criteria
    lines = [
        f"{label:<12}{_mark(item.met):<5}{item.why}"
        for label, item in (
            ("Specific", c.specific),
            ("Measurable", c.measurable),
            ("Achievable", c.achievable),
            ("Relevant", c.relevant),
            ("Time-bound", c.time_bound),
            ("Positive", analysis.positive),
        )
    ]
    st = smart.as_dict(analysis)["structure"]
    parts = [f"{key}={st[key]}" for key in ("measure", "baseline", "target", "comparator")]
    parts += [f"direction={st['direction']}", f"unit={st['unit']}"]
    deadline = st["deadline"]
    if deadline is not None:
        when = deadline["date"] or (f"{deadline['days']} days" if deadline["days"] else "review")
        parts.append(f'deadline="{deadline["text"]}" ({when})')
    lines.append("Target      " + " ".join(parts))
    for finding in analysis.findings:
        lines.append(f"{finding.severity.upper()} {finding.code}: {finding.message} {finding.fix}")
    if analysis.positive.reframe:
        lines.append(f"Reframe     {analysis.positive.reframe}")
    lines.append(f"Rewrite     {analysis.rewrite}")
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    try:
        today = _date(args.today, "--today") if args.today else dt.date.today()
        if (args.text is None) == (args.jsonl is None):
            raise InputError("give either TEXT or --jsonl FILE (not both)")
        rows = read_jsonl(args.jsonl) if args.jsonl is not None else [(None, args.text, None)]
    except InputError as exc:
        print(f"milepost smart: {exc}", file=sys.stderr)
        return EXIT_INVALID
    for row_id, text, context in rows:
        analysis = smart.analyse(text, context, today=today)
        if args.json or args.jsonl is not None:
            print(json.dumps(smart.as_dict(analysis, id=row_id), ensure_ascii=False))
        else:
            print(summary(analysis))
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "smart",
        help="check a goal's SMART wording (no database)",
        description="Check a goal or objective against SMART and common mistakes. "
        + (__doc__ or "").split("\n\n")[1],
    )
    parser.add_argument("text", nargs="?", help="the goal or objective statement")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--jsonl", metavar="FILE", help='analyse every {"id", "text"} line of FILE ("-": stdin)'
    )
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help="resolve dates against this day (default: today)"
    )
    parser.set_defaults(handler=handle)

"""`milepost change INSTRUMENT BEFORE AFTER [--json]`: change between two totals, no Django.

Reliable change uses the instrument's threshold from its data file (NHS Talking Therapies
6 points for PHQ-9, 4 for GAD-7); ``--threshold`` overrides it. Invalid input exits with
code 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from milepost.domain import instruments, progress
from milepost.domain.errors import DomainError, InvalidScore
from milepost.domain.instruments import Instrument

EXIT_INVALID = 2


def parse_total(name: str, text: str) -> int | float:
    """A total as given: a whole number stays an int (so JSON prints ``18``, not ``18.0``)."""
    value = text.strip()
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        raise InvalidScore(f"{name}: {text!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidScore(f"{name}: {text!r} is not a number")
    return number


def _yes_no(value: bool | None, yes: str, no: str, unknown: str) -> str:
    return unknown if value is None else (yes if value else no)


def summary(instrument: Instrument, result: progress.Change) -> str:
    sign = "+" if result.change > 0 else ""
    head = (
        f"{instrument.short_name} {result.before} → {result.after} ({sign}{result.change:g} points)"
    )
    if result.reliable_change is None:
        reliable = "no reliable-change threshold known for this instrument"
    else:
        words = {
            "improved": "Reliable improvement",
            "deteriorated": "Reliable deterioration",
            "none": "No reliable change",
        }
        reliable = f"{words[result.reliable_change]} (threshold {result.threshold:g})"
    lines = [head, reliable]
    if result.caseness_before is not None:
        lines.append(
            "Clinical range: "
            + _yes_no(result.caseness_before, "a case before", "not a case before", "")
            + ", "
            + _yes_no(result.caseness_after, "a case after", "not a case after", "")
        )
        lines.append(
            "Recovery: "
            + _yes_no(
                result.recovered, "recovered", "not recovered", "not applicable (not a case before)"
            )
            + (
                ""
                if result.reliable_recovery is None
                else "; reliable recovery: " + ("yes" if result.reliable_recovery else "no")
            )
        )
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    try:
        instrument = instruments.get(args.instrument)
        result = progress.change(
            instrument,
            parse_total("before", args.before),
            parse_total("after", args.after),
            threshold=args.threshold,
        )
    except DomainError as exc:
        print(f"milepost change: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        print(summary(instrument, result))
    return 0


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return int(value) if value.is_integer() else value


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "change",
        help="change between two totals: reliable change, caseness, recovery (no database)",
        description=(__doc__ or "").split("\n\n")[1],
    )
    parser.add_argument("instrument", help="instrument code or name, e.g. phq9, GAD-7")
    parser.add_argument("before", help="baseline (first) total")
    parser.add_argument("after", help="later (last) total")
    parser.add_argument(
        "--threshold",
        type=_threshold,
        default=None,
        help="reliable-change threshold in points (default: the instrument's)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=handle)

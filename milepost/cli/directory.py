"""`milepost directory search --state NY [--zip 10025 --miles 10] [--insurance NAME]
[--format in-person|telehealth] [--text "..."] [--json]`: the public directory's search.

The same validation as the search page (an unknown state, a ZIP code that does not exist,
an insurance no listing takes): exit code 2 and one line per problem on stderr, naming the
option. The words given with --text are read to match, printed nowhere and kept nowhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_INVALID = 2
_OPTIONS = {"zip": "--zip", "text": "--text", "age_group": "--age-group"}


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "directory", help="search the public therapist directory"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    search = actions.add_parser("search", help="ranked listings, each with its reasons")
    search.add_argument("--state", required=True, help="two-letter US state, e.g. NY")
    search.add_argument("--zip", default="", help="ZIP code, for in-person sessions nearby")
    search.add_argument("--miles", type=int, default=None, help="distance from --zip")
    search.add_argument("--insurance", default="", help="a payer, e.g. Aetna")
    search.add_argument("--format", choices=("in-person", "telehealth"), default="")
    search.add_argument("--focus", default="", help="a focus area, e.g. 'panic and agoraphobia'")
    search.add_argument("--modality", default="", help="an approach code, e.g. cbt")
    search.add_argument("--language", default="", help="a language code, e.g. es")
    search.add_argument("--age-group", dest="age_group", default="")
    search.add_argument("--fee", type=int, default=None, help="most you can pay per session")
    search.add_argument("--text", default="", help="what brings you here, in your own words")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.set_defaults(handler=run)


def _result(result: Any) -> dict[str, Any]:
    profile = result.profile
    return {
        "id": profile["public_id"],
        "name": profile["display_name"],
        "credentials": profile["credentials"],
        "licensed_in": list(result.states),
        "in_person": profile["in_person"],
        "telehealth": profile["telehealth"],
        "office": f"{profile['office_city']}, {profile['office_state']}"
        if profile["in_person"] and profile["office_city"]
        else None,
        "distance_miles": None
        if result.match.candidate.distance is None
        else round(result.match.candidate.distance, 1),
        "room": result.match.room.label,
        "confirmed_on": result.confirmed_on.isoformat() if result.confirmed_on else None,
        "confirmed_recently": result.match.freshness == "confirmed",
        "reasons": list(result.match.reasons),
    }


def run(args: argparse.Namespace) -> int:
    from milepost.cli.django_setup import setup

    setup()
    from milepost.directory import selectors
    from milepost.directory.forms import SearchForm

    data = {
        "state": args.state.strip().upper(),
        "zip": args.zip,
        "miles": "" if args.miles is None else str(args.miles),
        "format": args.format,
        "insurance": args.insurance,
        "focus": args.focus,
        "modality": args.modality,
        "language": args.language,
        "age_group": args.age_group,
        "fee": "" if args.fee is None else str(args.fee),
        "text": args.text,
    }
    form = SearchForm(data, payers=selectors.offered_payers())
    if not form.is_valid():
        for field, errors in form.errors.items():
            option = _OPTIONS.get(field, f"--{field}")
            for error in errors:
                print(f"milepost directory search: {option}: {error}", file=sys.stderr)
        return EXIT_INVALID
    results = [_result(r) for r in selectors.search(form.params())]
    if args.json:
        print(json.dumps({"results": results}, indent=2))
        return 0
    if not results:
        print("No listing matches all of these.")
    for n, r in enumerate(results, start=1):
        print(f"{n}. {r['name']}, {r['credentials']} — licensed in {', '.join(r['licensed_in'])}")
        print(f"   {' · '.join(r['reasons'])}")
    return 0

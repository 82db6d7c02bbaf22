"""`milepost directory search --state NY [--zip 10025 --miles 10] [--insurance NAME]
[--format in-person|telehealth] [--text "..."] [--page N] [--json]`: the public directory's
search, one page of results at a time (with how many there are in all).

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
    search.add_argument("--page", type=int, default=1, help="which page of results (from 1)")
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
    from milepost.directory.forms import PageForm, SearchForm

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
    paging = PageForm({"page": str(args.page)})
    problems = dict(form.errors) if not form.is_valid() else {}
    if not paging.is_valid():
        problems.update(paging.errors)
    if problems:
        for field, errors in problems.items():
            option = _OPTIONS.get(field, f"--{field}")
            for error in errors:
                print(f"milepost directory search: {option}: {error}", file=sys.stderr)
        return EXIT_INVALID
    page = selectors.search_page(form.params(), page=paging.number())
    results = [_result(r) for r in page.results]
    if args.json:
        summary = {"total": page.total, "page": page.number, "pages": page.pages}
        print(json.dumps({**summary, "results": results}, indent=2))
        return 0
    if not results:
        print("No listing matches all of these.")
    elif page.pages > 1:
        print(f"{page.total} found; page {page.number} of {page.pages}.")
    for n, r in enumerate(results, start=page.first):
        print(f"{n}. {r['name']}, {r['credentials']} — licensed in {', '.join(r['licensed_in'])}")
        print(f"   {' · '.join(r['reasons'])}")
    return 0

"""`milepost fhir import FILE --client CLIENT_ID --as EMAIL [--json]`: the web page's FHIR
import from the command line (docs/fhir.md).

The same import as the page, as the clinician named by --as (their access to the client is
checked and every read and write audited as theirs). With --json it prints
``{"saved": [{"instrument", "total", "authored"}], "skipped": [{"entry", "why"}],
"refused": [{"entry", "why"}]}``; warnings (a sender's total that differs from Milepost's
score, a patient the file does not include) go to standard error.

Exit codes: 0 when something was saved (or withdrawn), or everything was already recorded;
1 when nothing was saved for another reason (each entry's reason is printed); 2 when the
Bundle was refused (nothing saved; each problem names its entry and field), including a file
whose patient is not the client unless --mismatch-reason says why it is theirs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("fhir", help="FHIR import")
    actions = parser.add_subparsers(dest="fhir_command", metavar="ACTION", required=True)
    imports = actions.add_parser(
        "import", help="import a Bundle (or one QuestionnaireResponse/Observation) for a client"
    )
    imports.add_argument("file", metavar="FILE", help="the FHIR JSON file")
    imports.add_argument("--client", required=True, help="the client's Milepost id")
    imports.add_argument(
        "--as", dest="email", required=True, help="the e-mail of the clinician importing"
    )
    imports.add_argument(
        "--mismatch-reason",
        help="import although the file's patient is not the client, for this reason",
    )
    imports.add_argument("--json", action="store_true", help="print the result as JSON")
    imports.set_defaults(handler=run_import)


def _refused(args: argparse.Namespace, why: str, entry: int | None = None) -> int:
    if args.json:
        print(json.dumps({"saved": [], "skipped": [], "refused": [{"entry": entry, "why": why}]}))
    else:
        print(f"Refused: {why}", file=sys.stderr)
    return 2


def run_import(args: argparse.Namespace) -> int:
    from milepost.cli.django_setup import setup

    setup()
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404

    from milepost.accounts.models import User
    from milepost.audit.context import origin
    from milepost.clients.access import client_get_for_user
    from milepost.interop.fhir.import_ import (
        BundleImportError,
        PatientMismatch,
        bundle_import,
        refused_json,
    )
    from milepost.interop.uploads import MAX_BUNDLE_BYTES, TOO_LARGE

    path = Path(args.file)
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_BUNDLE_BYTES + 1)
    except OSError as error:
        return _refused(args, f"file: cannot be read ({error.strerror})")
    if len(content) > MAX_BUNDLE_BYTES:
        return _refused(args, f"file: {TOO_LARGE}")
    user = User.objects.filter(email__iexact=args.email, is_active=True).first()
    if user is None:
        return _refused(args, f"--as: no active user has the e-mail {args.email!r}")
    with origin("127.0.0.1", "milepost fhir import"):
        try:
            client = client_get_for_user(user, args.client, purpose="import")
            result = bundle_import(user, client, content, mismatch_reason=args.mismatch_reason)
        except (Http404, PermissionDenied):
            return _refused(
                args, f"--client: {args.email} cannot import for client {args.client!r}"
            )
        except BundleImportError as error:
            if args.json:
                print(json.dumps(refused_json(error)))
            else:
                for problem in error.errors:
                    print(f"Refused: {problem}", file=sys.stderr)
            return 2
        except PatientMismatch as mismatch:
            differences = "; ".join(str(d) for d in mismatch.match.differences)
            return _refused(
                args,
                f"the file's patient is not this client ({differences}): give "
                "--mismatch-reason to import it all the same",
            )
        except ValidationError as error:
            return _refused(args, "--mismatch-reason: " + " ".join(error.messages))
    for warning in result.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps(result.as_json()))
    else:
        for saved in result.saved:
            print(
                f"Saved entry {saved.entry}: {saved.short_name}, total {saved.total}, "
                f"{saved.authored.isoformat()}"
            )
        for index, why in result.skipped:
            print(f"Skipped entry {index}: {why}")
        print(
            f"{result.created} saved, {result.duplicates} already recorded, "
            f"{result.withdrawn} withdrawn, {len(result.skipped)} skipped."
        )
    return 0 if (result.created or result.withdrawn or result.duplicates) else 1

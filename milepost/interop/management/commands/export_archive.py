"""`manage.py export_archive --organization <public id> --output FILE`: the clinical
archive of a big practice, written by the server's operator outside a web request.

Whoever can run it has a shell on the server and its database, and so every record
already: it is the operator's, not a way around the records-custodian grant the web asks
for (docs/decisions/0606-records-custodian.md). It is audited with no actor."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from milepost.accounts.models import Organization
from milepost.audit.context import origin
from milepost.interop.access import OPERATOR, organization_records_for_operator
from milepost.interop.portability import archive_write
from milepost.lib.public_id import is_public_id


class Command(BaseCommand):
    help = (
        "Write one organization's whole archive (FHIR bundles, CSVs, notes, reviews, "
        "formulations, risk alerts, plan and progress PDFs) to a zip."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", required=True, help="The organization's public id.")
        parser.add_argument("--output", required=True, help="The zip file to write.")
        parser.add_argument(
            "--no-pdfs",
            action="store_true",
            help="Leave out the plan and progress PDFs (much faster).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        public_id = str(options["organization"]).strip()
        organization = (
            Organization.objects.filter(public_id=public_id).first()
            if is_public_id(public_id)
            else None
        )
        if organization is None:
            raise CommandError("--organization: no organization has this public id.")
        output = Path(options["output"])
        if output.exists() and output.is_dir():
            raise CommandError("--output: name a file, not a directory.")
        if not output.parent.exists():
            raise CommandError("--output: the folder does not exist.")
        partial = output.with_name(output.name + ".partial")
        with origin("127.0.0.1", "manage.py export_archive"):
            records = organization_records_for_operator(organization)
            with partial.open("wb") as out:
                manifest = archive_write(records, out, user=OPERATOR, pdfs=not options["no_pdfs"])
        partial.replace(output)
        counts = manifest["counts"]
        self.stdout.write(
            f"Wrote {output.name}: {counts['clients']} clients, "
            f"{counts['administrations']} administrations, {counts['observations']} observations, "
            f"{counts['session_notes']} session notes, {counts['plan_pdfs']} plan PDFs."
        )

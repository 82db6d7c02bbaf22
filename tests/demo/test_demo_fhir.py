"""The demo shows the FHIR import: Tom's PHQ-9s from his primary-care EHR came in through it
with the sender's identifiers, and the command docs/fhir.md gives ("Try the import on the
demo") does what the guide says, on the demo data."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from milepost.accounts.models import User
from milepost.cli import main
from milepost.clients.models import Client
from milepost.demo import data, fhir_import
from milepost.interop.fhir.import_ import REPLACED
from milepost.measures.models import Administration

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "fhir.md").read_text()


def _guide_block(language: str, containing: str) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", GUIDE, flags=re.DOTALL)
    [block] = [b for b in blocks if containing in b]
    return block


@pytest.mark.django_db
def test_tom_has_imported_scores_and_the_guides_command_works(capsys, monkeypatch):
    data.load()
    tom = Client.objects.get(given_name="Tom", family_name="Okafor")
    imported = tom.administrations.filter(sender_system=fhir_import.SENDER).order_by(
        "administered_at"
    )
    assert [(a.sender_id, a.total, a.source) for a in imported] == [
        ("qr-20251118", 5, "import"),
        ("qr-20260217", 7, "import"),
        ("qr-20260519", 8, "import"),
    ]
    alice = User.objects.get(email=f"alice@{data.DOMAIN}")
    http = HttpClient()
    http.force_login(alice)
    page = http.get(reverse("measures:client_measures", args=[tom.public_id]))
    assert b"qr-20260217" in page.content

    # The guide's command, as written, with Tom's id in place of CLIENT_ID.
    command = _guide_block("sh", "tom-phq9-amended.json").replace("\\\n", " ")
    argv = shlex.split(command.replace("CLIENT_ID", tom.public_id))
    assert argv[0].endswith("milepost")
    monkeypatch.chdir(ROOT)
    assert main(argv[1:]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(_guide_block("json", '"saved"'))
    earlier = Administration.objects.get(client=tom, sender_id="qr-20260519", total=8)
    assert earlier.entered_in_error_reason == REPLACED
    assert earlier.replaced_by is not None
    assert earlier.replaced_by.total == 9

    # Again: nothing new, exit code 0; and reloading the demo imports nothing twice.
    assert main(argv[1:]) == 0
    assert json.loads(capsys.readouterr().out)["saved"] == []
    data.load()
    assert tom.administrations.filter(sender_system=fhir_import.SENDER).count() == 4

"""The plan's and the progress report's PDF documents: rendered, read back as text and
as an image, and served only to the care team."""

from __future__ import annotations

import struct
import subprocess
import zlib
import zoneinfo
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from milepost.accounts import services as accounts
from milepost.audit.models import AuditEvent
from milepost.clients import services as clients
from milepost.plans import documents
from milepost.plans import services as plans
from milepost.plans.access import plan_get_for_user
from milepost.plans.models import TreatmentPlan
from tests.base import Personas, dana_plan
from tests.plans.test_versions import IN_16_WEEKS, signed

pytestmark = pytest.mark.django_db

PDFTOTEXT = "/usr/bin/pdftotext"
PDFTOPPM = "/usr/bin/pdftoppm"


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        [PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    # Layout mode pads columns with runs of spaces; one space is enough to search.
    return " ".join(result.stdout.split())


def _plan(p: Personas) -> TreatmentPlan:
    dp = signed(p)
    return plan_get_for_user(p.alice, p.dana_client.public_id, dp.plan.public_id)


def _day(day) -> str:
    return f"{day.day} {day:%b %Y}"


def _png_rows(png: bytes) -> tuple[int, int, int, list[bytes]]:
    """Width, height, bytes per pixel and the unfiltered rows of an 8-bit PNG (stdlib only)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up = previous[x]
            up_left = previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - up_left
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - up_left)
                nearest = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[x] = (line[x] + nearest) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, bpp, rows


class PlanDocumentTests:
    def test_it_states_everything_payers_look_for(self, personas, tmp_path):
        plan = _plan(personas)
        text = _text(documents.plan_pdf(plan, user=personas.alice), tmp_path)
        signature = plan.signatures.get()
        fingerprint = plan.content_hash[:12]
        for expected in [
            "Riverbend Therapy",
            "Dana Quillfeather",
            "born 1 Apr 1990",
            "Treatment plan version 1",
            "F32.1",
            "Major depressive disorder, single episode, moderate",
            "Sister",  # strengths
            "I want to feel like myself again",
            "Reduce PHQ-9 from 17 to 9 or below within 16 weeks",
            f"PHQ-9 ≤ 9 by {_day(IN_16_WEEKS)}",
            "Do 5 pleasurable activities a week by week 8",
            f"GAD-7 ≤ 7 by {_day(IN_16_WEEKS)}",
            "Baseline 12",
            "Behavioural activation",
            "Individual",
            "weekly",
            "50 min",
            "Alice Example",
            "PHQ-9 under 10 twice",  # discharge criteria
            signature.signer_name,
            _day(timezone.localtime(signature.signed_at)),
            timezone.localtime(signature.signed_at).strftime("%H:%M"),
            "Signed by re-entering the account password",
            fingerprint,
            "page 1 of",
        ]:
            assert expected in text, expected
        assert "DRAFT" not in text

    def test_it_carries_what_a_payer_checks(self, personas, tmp_path):
        p = personas
        clients.client_update(
            actor=p.alice, client=p.dana_client, sex="female", city="Albany", state="NY"
        )
        clients.coverage_set(
            actor=p.alice, client=p.dana_client, payer="Aetna", member_id="W184226731"
        )
        accounts.user_update(
            actor=None,
            user=p.alice,
            full_name=p.alice.full_name,
            credentials=p.alice.credentials,
            role="clinician",
            is_active=True,
            npi="1578902342",
            license_state="NY",
            license_type="LCSW",
            license_number="087452",
        )
        accounts.practice_details_set(
            actor=None, organization=p.org, tax_id="123456789", time_zone="Asia/Tokyo"
        )
        plans.formulation_update(
            actor=p.alice, client=p.dana_client, presenting_problems="Low mood since spring"
        )
        plan = _plan(p)
        text = _text(documents.plan_pdf(plan, user=p.alice), tmp_path)
        signed_at = plan.signatures.get().signed_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
        for expected in [
            "Sex Female",
            "Insurer Aetna",
            "Member id W184226731",
            "NPI 1578902342",
            "LCSW 087452 (NY)",
            "Tax id (EIN) 12-3456789",
            "Presenting problem Low mood since spring",
            "Current 17 on",  # the PHQ-9 goal: baseline and the latest value
            f"{signed_at:%H:%M} JST",  # the practice's time zone
            "The client has not signed this version.",
            "Frequency",  # a table header is never broken inside a word
        ]:
            assert expected in text, expected

    def test_a_draft_says_so_on_every_page(self, personas, tmp_path):
        dp = dana_plan(personas)
        plan = plan_get_for_user(personas.alice, personas.dana_client.public_id, dp.plan.public_id)
        text = _text(documents.plan_pdf(plan, user=personas.alice), tmp_path)
        assert "DRAFT — not signed" in text
        assert "Not signed" in text
        report = _text(documents.progress_pdf(plan, user=personas.alice), tmp_path)
        assert "DRAFT — not signed" in report
        assert "Not bound to a measure" in report

    def test_its_first_page_draws_something(self, personas, tmp_path):
        pdf_path = tmp_path / "plan.pdf"
        pdf_path.write_bytes(documents.plan_pdf(_plan(personas), user=personas.alice))
        subprocess.run(
            [
                PDFTOPPM,
                "-png",
                "-r",
                "50",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf_path),
                str(tmp_path / "p"),
            ],
            check=True,
        )
        (png_path,) = tmp_path.glob("p*.png")
        width, height, bpp, rows = _png_rows(png_path.read_bytes())
        assert (width, height) == (414, 585)  # A4 at 50 dpi
        inked = sum(1 for row in rows for x in range(0, len(row), bpp) if row[x] < 128)
        # Text over a good part of the page, not a blank or nearly blank one.
        assert inked > 2000


class ProgressDocumentTests:
    def test_it_gives_each_target_its_chart_and_words(self, personas, tmp_path):
        plan = _plan(personas)
        pdf = documents.progress_pdf(plan, user=personas.alice)
        text = _text(pdf, tmp_path)
        for expected in [
            "Progress report",
            "Dana Quillfeather",
            "Goal 1",
            "I want to feel like myself again",
            f"PHQ-9 ≤ 9 by {_day(IN_16_WEEKS)}",
            "Objective 1.1",
            "Latest",
            "Change",
            "On track?",
            plan.content_hash[:12],
            "page 1 of",
        ]:
            assert expected in text, expected
        # Dana's PHQ-9 of today is the goal's one value: its chart is drawn (an image).
        assert pdf.count(b"/Subtype /Image") + pdf.count(b"/Subtype /Form") >= 1


class PdfViewTests:
    def _url(self, p: Personas, name: str) -> str:
        dp = signed(p)
        return reverse(f"progress:{name}", args=[p.dana_client.public_id, dp.plan.public_id])

    @pytest.mark.parametrize(("name", "kind"), [("plan_pdf", "plan"), ("progress_pdf", "progress")])
    def test_it_downloads_without_the_client_name(self, personas, login_as, name, kind):
        response = login_as(personas.alice).get(self._url(personas, name))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{kind}-v1.pdf"'
        assert response["Cache-Control"] == "private, no-store"
        assert response.content.startswith(b"%PDF-")
        event = AuditEvent.objects.filter(action="plan.export_pdf").get()
        assert (event.actor, event.client, event.detail["kind"]) == (
            personas.alice,
            personas.dana_client,
            kind,
        )

    @pytest.mark.parametrize("outsider", ["frank", "charlie"])
    def test_an_outsider_gets_404(self, personas, login_as, outsider):
        url = self._url(personas, "plan_pdf")
        response = login_as(getattr(personas, outsider)).get(url)
        assert response.status_code == 404
        assert not AuditEvent.objects.filter(action="plan.export_pdf").exists()

    def test_the_progress_page_links_both_documents(self, personas, login_as):
        dp = signed(personas)
        args = [personas.dana_client.public_id, dp.plan.public_id]
        page = login_as(personas.alice).get(reverse("progress:plan", args=args)).content.decode()
        assert reverse("progress:progress_pdf", args=args) in page
        assert reverse("progress:plan_pdf", args=args) in page

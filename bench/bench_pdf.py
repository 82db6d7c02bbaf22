"""The signed plan and the progress report of a four-goal plan with charts, as PDFs.

The plan joins the demo's depression and PTSD plans (Dana's and Priya's: four goals, their
objectives, targets bound to PHQ-9, PCL-5 and weekly metrics) for one client with sixteen
weeks of weekly PHQ-9 and PCL-5 scores and the metrics' weekly values, signed by the
clinician. Each pass builds the document from the database, as the download does: reads,
progress, matplotlib SVG charts, the template, and WeasyPrint's layout and PDF writing.

The baseline is WeasyPrint alone turning a page of plain text into a PDF, run in the same
process: the fixed cost of one document. The ratio (median milliseconds, ours over the
baseline's) says how many plain pages one plan PDF costs, which stays comparable across
machines where the seconds do not.

Built through the services on a throwaway SQLite database (see bench/django_env.py).
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.django_env import setup  # noqa: E402
from bench.harness import Result, median_ms  # noqa: E402

if TYPE_CHECKING:
    from milepost.accounts.models import User
    from milepost.plans.models import TreatmentPlan

WEEKS = 16
REPEAT = 3


def _build() -> tuple[TreatmentPlan, User]:
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from milepost.accounts.models import User
    from milepost.clients import services as clients
    from milepost.demo import plans as demo_plans
    from milepost.demo.history import answers_for
    from milepost.domain import instruments
    from milepost.measures import services as measures
    from milepost.plans import versions

    call_command("demo", stdout=io.StringIO())
    clinician = User.objects.get(email="alice@demo.milepost.test")
    client = clients.client_create(
        actor=clinician,
        given_name="Bench",
        family_name="Fourgoals",
        date_of_birth=dt.date(1990, 1, 1),
    )
    dana, priya = demo_plans.DANA, demo_plans.PRIYA
    merged = demo_plans.DemoPlan(
        formulation=demo_plans.FormulationSpec(
            presenting_problems=dana.formulation.presenting_problems,
            situation=dana.formulation.situation,
            thoughts=dana.formulation.thoughts,
            emotions=dana.formulation.emotions,
            behaviours=dana.formulation.behaviours,
            factors=dana.formulation.factors + priya.formulation.factors,
        ),
        plan=demo_plans.PlanSpec(
            diagnoses=dana.plan.diagnoses + priya.plan.diagnoses,
            strengths=dana.plan.strengths,
            discharge_criteria=dana.plan.discharge_criteria,
            goals=dana.plan.goals + priya.plan.goals,
        ),
        series=dana.series + priya.series,
    )
    plan = demo_plans.load_plan(client, clinician, merged)
    if plan is None or plan.goals.count() != 4:
        raise RuntimeError("the benchmark plan should have four goals")
    today = timezone.localdate()
    for code, start, step in (("phq9", 19, 0.6), ("pcl5", 54, 1.5)):
        instrument = instruments.get(code)
        for week in range(WEEKS):
            day = today - dt.timedelta(weeks=WEEKS - 1 - week)
            when = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
            total = round(start - step * week)
            pinned = {9: 0} if code == "phq9" else {}
            measures.administration_submit(
                actor=clinician,
                client=client,
                instrument_code=code,
                answers=answers_for(instrument, total, pinned),
                administered_at=min(when, timezone.now()),
            )
    versions.plan_sign(
        actor=clinician,
        plan=plan,
        password=settings.DEMO_PASSWORD,
        override_reason="benchmark data",
    )
    plan.refresh_from_db()
    return plan, clinician


def _plain_page() -> str:
    paragraph = (
        "This paragraph stands for a page of plain text with no charts and no tables, "
        "set in the same fonts as the plan. "
    ) * 6
    return "<html><body>" + "".join(f"<p>{paragraph}</p>" for _ in range(8)) + "</body></html>"


def run() -> list[Result]:
    setup("bench_pdf")
    from weasyprint import HTML

    from milepost.plans import documents

    plan, clinician = _build()
    page = _plain_page()

    def plain() -> bytes:
        return HTML(string=page, base_url=None).write_pdf()

    return [
        median_ms(
            name="pdf: signed plan, 4 goals",
            fn=lambda: documents.plan_pdf(plan, user=clinician),
            baseline_name="weasyprint: one plain page",
            baseline_fn=plain,
            repeat=REPEAT,
        ),
        median_ms(
            name="pdf: progress report, 4 goals",
            fn=lambda: documents.progress_pdf(plan, user=clinician),
            baseline_name="weasyprint: one plain page",
            baseline_fn=plain,
            repeat=REPEAT,
        ),
    ]


if __name__ == "__main__":
    for result in run():
        print(result)

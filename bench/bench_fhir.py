"""The FHIR export of one client with two years of weekly scores, beside raw SQL for the same rows.

One client with 104 PHQ-9 and 104 GAD-7 administrations (one a week for two years), eight
weekly observations of a custom metric, and a signed plan of three goals bound to targets.
`client_bundle` reads through the access functions (audited), builds the Bundle (about 450
resources), validates it with the fhir.resources R4B models and audits the export; the
baseline fetches the same rows with hand-written SQL and writes them out with `json.dumps`,
doing nothing else. A third figure isolates the cost of the R4B validation. Median of 5
runs, interleaved.

Like bench_dashboard, the rows are bulk-created straight into the tables (benchmark data,
not clinical data), in a throwaway SQLite database unless another bench module of this
process already set Django up.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.django_env import setup  # noqa: E402
from bench.harness import Result, elapsed_ms  # noqa: E402
from bench.rows import scored_administration  # noqa: E402

if TYPE_CHECKING:
    from milepost.accounts.models import User
    from milepost.clients.models import Client

WEEKS = 104
OBSERVATIONS = 8
REPEAT = 5
EMAIL = "fhir-bench@example.org"
HASH = "0" * 64

RAW_SQL = [
    "SELECT * FROM clients_client WHERE id = %(client)s",
    "SELECT * FROM plans_treatmentplan WHERE client_id = %(client)s",
    """SELECT d.* FROM plans_diagnosis d JOIN plans_treatmentplan p ON p.id = d.plan_id
       WHERE p.client_id = %(client)s""",
    """SELECT g.* FROM plans_goal g JOIN plans_treatmentplan p ON p.id = g.plan_id
       WHERE p.client_id = %(client)s""",
    """SELECT t.* FROM plans_target t JOIN plans_goal g ON g.id = t.goal_id
       JOIN plans_treatmentplan p ON p.id = g.plan_id WHERE p.client_id = %(client)s""",
    """SELECT s.* FROM plans_signature s JOIN plans_treatmentplan p ON p.id = s.plan_id
       WHERE p.client_id = %(client)s""",
    "SELECT * FROM measures_administration WHERE client_id = %(client)s ORDER BY administered_at",
    "SELECT * FROM plans_observation WHERE client_id = %(client)s ORDER BY period_start",
]


def _build() -> tuple[User, Client]:
    from django.utils import timezone

    from milepost.accounts import services as accounts
    from milepost.accounts.models import Role, User
    from milepost.clients.models import CareTeamMember, Client
    from milepost.domain import instruments
    from milepost.measures.models import Administration
    from milepost.plans.models import (
        Diagnosis,
        Goal,
        Metric,
        Objective,
        Observation,
        Signature,
        Target,
        TreatmentPlan,
    )

    existing = User.objects.filter(email=EMAIL).first()
    if existing is not None:
        return existing, Client.objects.get(care_team__clinician=existing)
    org = accounts.organization_create(name="FHIR Bench Practice")
    clinician = accounts.user_create(
        actor=None, organization=org, email=EMAIL, full_name="Bench Clinician", role=Role.CLINICIAN
    )
    now = timezone.now()
    today = timezone.localdate()
    client = Client.objects.create(
        organization=org,
        given_name="Bench",
        family_name="Client",
        date_of_birth=dt.date(1980, 1, 1),
    )
    CareTeamMember.objects.create(client=client, clinician=clinician, is_primary=True)
    metric = Metric.objects.create(
        organization=org,
        name="Pleasurable activities",
        unit="activities",
        period="week",
        created_by=clinician,
    )
    plan = TreatmentPlan.objects.create(
        organization=org,
        client=client,
        version=1,
        status="signed",
        created_by=clinician,
        signed_at=now,
        content_hash=HASH,
        review_due_on=today + dt.timedelta(days=60),
    )
    Diagnosis.objects.create(plan=plan, code="F32.1", text="Major depressive disorder, moderate")
    Signature.objects.create(
        plan=plan,
        role="clinician",
        signer_name="Bench Clinician",
        method="password",
        content_hash=HASH,
    )
    phq9, gad7 = instruments.get("phq9"), instruments.get("gad7")
    rows = []
    for instrument, start in ((phq9, 20), (gad7, 16)):
        for week in range(WEEKS):
            rows.append(
                scored_administration(
                    org=org,
                    client=client,
                    clinician=clinician,
                    instrument=instrument,
                    total=max(2, start - week // 8),
                    at=now - dt.timedelta(weeks=WEEKS - week, hours=1),
                )
            )
    Administration.objects.bulk_create(rows)
    Observation.objects.bulk_create(
        Observation(
            organization=org,
            client=client,
            metric=metric,
            value=week % 6,
            period_start=today - dt.timedelta(weeks=OBSERVATIONS - week),
            entered_by=clinician,
        )
        for week in range(OBSERVATIONS)
    )
    due = today + dt.timedelta(days=90)
    for order, (code, value) in enumerate((("phq9", 9), ("gad7", 7), ("", 5)), start=1):
        goal = Goal.objects.create(plan=plan, order=order, statement=f"Goal {order}")
        objective = Objective.objects.create(goal=goal, statement=f"Objective {order}.1")
        common = {"comparator": "<=" if code else ">=", "target_value": value, "due_date": due}
        if code:
            Target.objects.create(goal=goal, instrument_code=code, direction="decrease", **common)
        else:
            Target.objects.create(goal=goal, metric=metric, direction="increase", **common)
        Target.objects.create(
            objective=objective,
            metric=metric,
            direction="increase",
            comparator=">=",
            target_value=3,
            due_date=due,
        )
    return clinician, client


def run() -> list[Result]:
    setup("bench_fhir")
    from django.db import connection

    from milepost.interop.access import ClientRecord, plan_versions_for_client
    from milepost.interop.fhir import export
    from milepost.measures.access import administrations_for_client
    from milepost.plans.access import observations_for_client

    clinician, client = _build()
    params = {"client": client.pk}

    def fhir() -> object:
        bundle = export.client_bundle(clinician, client)
        if len(bundle["entry"]) < 2 * 2 * WEEKS:
            raise RuntimeError(f"the bundle has {len(bundle['entry'])} entries")
        return json.dumps(bundle)

    def raw() -> object:
        with connection.cursor() as cursor:
            out = []
            for sql in RAW_SQL:
                cursor.execute(sql, params)
                out.append(cursor.fetchall())
        return json.dumps(out, default=str)

    record = ClientRecord(
        client=client,
        plans=plan_versions_for_client(clinician, client),
        administrations=administrations_for_client(clinician, client),
        observations=observations_for_client(clinician, client),
    )
    real_validate = export.validate_resource

    def build_only() -> object:
        export.validate_resource = lambda resource: None  # type: ignore[assignment,return-value]
        try:
            return export.record_bundle(record)
        finally:
            export.validate_resource = real_validate

    def build_and_validate() -> object:
        return export.record_bundle(record)

    for fn in (fhir, raw, build_only, build_and_validate):  # warm caches and the audit head
        fn()
    timed, baseline, built, validated = [], [], [], []
    for _ in range(REPEAT):
        timed.append(elapsed_ms(fhir))
        baseline.append(elapsed_ms(raw))
        built.append(elapsed_ms(build_only))
        validated.append(elapsed_ms(build_and_validate))
    value, base = statistics.median(timed), statistics.median(baseline)
    v_with, v_without = statistics.median(validated), statistics.median(built)
    return [
        Result(
            name=f"FHIR export, {2 * WEEKS} administrations",
            value=round(value, 1),
            unit="ms",
            baseline_name="raw SQL + json.dumps, same rows",
            baseline_value=round(base, 1),
            ratio=round(value / base, 2) if base else 0.0,
        ),
        Result(
            name="FHIR bundle build + R4B validation",
            value=round(v_with, 1),
            unit="ms",
            baseline_name="the same build, not validated",
            baseline_value=round(v_without, 1),
            ratio=round(v_with / v_without, 2) if v_without else 0.0,
        ),
    ]


if __name__ == "__main__":
    for result in run():
        print(result.as_dict())

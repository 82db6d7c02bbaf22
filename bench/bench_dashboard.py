"""The caseload dashboard for 500 clients: its time and queries, beside raw SQL for the same rows.

One clinician with 500 active clients, each with a signed plan of three goals bound to
targets (PHQ-9, GAD-7 and a self-monitoring metric), twenty questionnaires over twenty
weeks, eight weekly observations, signatures, and an open risk alert for one client in ten.
`caseload_dashboard` reads it all in a fixed number of queries and computes every target's
progress in Python; the baseline is hand-written SQL through `connection.cursor()` fetching
the same rows (clients and care teams, plans, signatures, targets, administrations,
observations, alert counts) and doing nothing with them. Median of 5 runs, interleaved.

The data is benchmark data, not clinical data: it is bulk-created straight into the tables,
outside the services (no validation, no audit events), which is fine for timing reads and
never a way to make real records. The database is a throwaway SQLite file, unless another
bench module of this process (bench_live_feedback) already set Django up: then its database
is reused, and the two modules' people never share an email address.
"""

from __future__ import annotations

import datetime as dt
import random
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

N_CLIENTS = 500
WEEKS = 10  # a PHQ-9 and a GAD-7 each week: 20 administrations per client
OBSERVATIONS = 8
REPEAT = 5
EMAIL = "dashboard-bench@example.org"
HASH = "0" * 64

# The same rows as the dashboard reads, in plain SQL (care-team clients only: the clinician
# supervises nobody). Each query names the clinician's active clients by a subquery, and the
# targets are those of the active goals of the clients' signed or draft plans.
_VISIBLE = """
    SELECT c.id FROM clients_client c JOIN clients_careteammember m ON m.client_id = c.id
    WHERE c.organization_id = %(org)s AND m.clinician_id = %(user)s AND c.status = 'active'
"""
_GOALS = """
    SELECT g.id FROM plans_goal g JOIN plans_treatmentplan p ON p.id = g.plan_id
    WHERE p.client_id IN ({visible}) AND p.status IN ('signed', 'draft') AND g.status = 'active'
"""
RAW_SQL = [
    """SELECT c.id, c.public_id, c.given_name, c.family_name, c.preferred_name, c.pronouns,
              c.status, u.full_name, m.is_primary
       FROM clients_client c
       JOIN clients_careteammember m ON m.client_id = c.id
       JOIN accounts_user u ON u.id = m.clinician_id
       WHERE c.id IN ({visible})
       ORDER BY c.family_name, c.given_name, m.is_primary DESC, m.added_at""",
    """SELECT id, public_id, client_id, version, status, review_due_on
       FROM plans_treatmentplan
       WHERE client_id IN ({visible}) AND status IN ('signed', 'draft')
       ORDER BY client_id, version DESC""",
    """SELECT s.plan_id, s.role FROM plans_signature s
       JOIN plans_treatmentplan p ON p.id = s.plan_id
       WHERE p.client_id IN ({visible}) AND p.status = 'signed'""",
    """SELECT t.id, t.instrument_code, t.metric_id, t.baseline, t.comparator, t.target_value,
              t.direction, t.due_date, COALESCE(g.plan_id, og.plan_id)
       FROM plans_target t
       LEFT JOIN plans_goal g ON g.id = t.goal_id
       LEFT JOIN plans_objective o ON o.id = t.objective_id
       LEFT JOIN plans_goal og ON og.id = o.goal_id
       WHERE t.goal_id IN ({goals})
          OR t.objective_id IN (SELECT id FROM plans_objective WHERE goal_id IN ({goals}))""",
    """SELECT client_id, instrument_code, total, band_label, administered_at
       FROM measures_administration
       WHERE client_id IN ({visible}) AND entered_in_error_at IS NULL AND total IS NOT NULL
       ORDER BY administered_at, id""",
    """SELECT client_id, metric_id, value, period_start FROM plans_observation
       WHERE client_id IN ({visible}) AND entered_in_error_at IS NULL""",
    """SELECT client_id, COUNT(*) FROM measures_riskalert
       WHERE client_id IN ({visible}) AND acknowledged_at IS NULL GROUP BY client_id""",
]
# Only these constant subqueries are spliced in; the values travel as parameters.
QUERIES = [sql.format(visible=_VISIBLE, goals=_GOALS.format(visible=_VISIBLE)) for sql in RAW_SQL]


def _build() -> User:
    """The clinician and their 500 clients (made once per database)."""
    from django.utils import timezone

    from milepost.accounts import services as accounts
    from milepost.accounts.models import Role, User
    from milepost.clients.models import CareTeamMember, Client
    from milepost.domain import instruments
    from milepost.measures.models import Administration, RiskAlert
    from milepost.plans.models import (
        Goal,
        Metric,
        Observation,
        Signature,
        Target,
        TreatmentPlan,
    )

    existing = User.objects.filter(email=EMAIL).first()
    if existing is not None:
        return existing
    rng = random.Random(20260601)
    org = accounts.organization_create(name="Dashboard Bench Practice")
    clinician = accounts.user_create(
        actor=None, organization=org, email=EMAIL, full_name="Bench Clinician", role=Role.CLINICIAN
    )
    metric = Metric.objects.create(
        organization=org,
        name="Pleasurable activities",
        unit="activities",
        period="week",
        created_by=clinician,
    )
    now = timezone.now()
    today = timezone.localdate()
    clients = Client.objects.bulk_create(
        Client(
            organization=org,
            given_name=f"Client{n}",
            family_name=f"Bench{n:04}",
            date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=n),
        )
        for n in range(N_CLIENTS)
    )
    CareTeamMember.objects.bulk_create(
        CareTeamMember(client=c, clinician=clinician, is_primary=True) for c in clients
    )
    plans = TreatmentPlan.objects.bulk_create(
        TreatmentPlan(
            organization=org,
            client=c,
            version=1,
            status="signed",
            created_by=clinician,
            signed_at=now,
            content_hash=HASH,
            review_due_on=today + dt.timedelta(days=n % 120 - 30),
        )
        for n, c in enumerate(clients)
    )
    signatures = [
        Signature(plan=p, role="clinician", signer_name="Bench Clinician", method="password")
        for p in plans
    ]
    signatures += [
        Signature(plan=p, role="client", signer_name="Client", method="in_session")
        for n, p in enumerate(plans)
        if n % 3
    ]
    for s in signatures:
        s.content_hash = HASH
    Signature.objects.bulk_create(signatures)
    goals = Goal.objects.bulk_create(
        Goal(plan=p, order=order, statement=f"Goal {order}") for p in plans for order in (1, 2, 3)
    )

    phq9, gad7 = instruments.get("phq9"), instruments.get("gad7")
    administrations, baselines = [], {}
    for client in clients:
        for instrument, start in ((phq9, rng.randint(12, 24)), (gad7, rng.randint(8, 18))):
            step = rng.choice((-1, -1, 0, 1))  # most improve; some stall or worsen
            baselines[(client.pk, instrument.code)] = start
            for week in range(WEEKS):
                administrations.append(
                    scored_administration(
                        org=org,
                        client=client,
                        clinician=clinician,
                        instrument=instrument,
                        total=max(0, min(instrument.total_max - 3, start + step * week)),
                        at=now - dt.timedelta(weeks=WEEKS - week, hours=1),
                    )
                )
    administrations = Administration.objects.bulk_create(administrations, batch_size=2000)
    RiskAlert.objects.bulk_create(
        RiskAlert(
            organization=org,
            client=a.client,
            administration=a,
            code="self-harm",
            severity="urgent",
            message="Bench alert",
        )
        for a in administrations[:: WEEKS * 2 * 10]  # one client in ten
    )
    Observation.objects.bulk_create(
        Observation(
            organization=org,
            client=c,
            metric=metric,
            value=rng.randint(0, 6),
            period_start=today - dt.timedelta(weeks=OBSERVATIONS - week),
            entered_by=clinician,
        )
        for c in clients
        for week in range(OBSERVATIONS)
    )
    targets = []
    for goal in goals:
        client_pk = goal.plan.client_id
        due = today + dt.timedelta(days=rng.randint(30, 180))
        if goal.order == 1:
            target = Target(goal=goal, instrument_code="phq9", comparator="<=", target_value=9)
            target.baseline = baselines[(client_pk, "phq9")]
        elif goal.order == 2:
            target = Target(goal=goal, instrument_code="gad7", comparator="<=", target_value=7)
            target.baseline = baselines[(client_pk, "gad7")]
        else:
            target = Target(goal=goal, metric=metric, comparator=">=", target_value=5, baseline=1)
        target.direction = "decrease" if goal.order < 3 else "increase"
        target.due_date = due
        target.confirmed = True
        targets.append(target)
    Target.objects.bulk_create(targets)
    return clinician


def run() -> list[Result]:
    setup("bench_dashboard")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from milepost.reports.dashboard import caseload_dashboard

    clinician = _build()
    params = {"org": clinician.membership.organization_id, "user": clinician.pk}

    def dashboard() -> object:
        result = caseload_dashboard(clinician, status="active")
        if len(result.rows) != N_CLIENTS:
            raise RuntimeError(f"the dashboard listed {len(result.rows)} clients")
        return result

    def raw() -> object:
        with connection.cursor() as cursor:
            rows = []
            for sql in QUERIES:
                cursor.execute(sql, params)
                rows.append(cursor.fetchall())
        return rows

    dashboard()  # warm both: caches, compiled statements, the audit chain head
    raw()
    with CaptureQueriesContext(connection) as dashboard_queries:
        dashboard()
    with CaptureQueriesContext(connection) as raw_queries:
        raw()
    timed: list[float] = []
    baseline: list[float] = []
    for _ in range(REPEAT):  # interleaved, so both see the same machine load
        timed.append(elapsed_ms(dashboard))
        baseline.append(elapsed_ms(raw))

    value, base = statistics.median(timed), statistics.median(baseline)
    n, m = len(dashboard_queries), len(raw_queries)
    return [
        Result(
            name=f"caseload dashboard, {N_CLIENTS} clients",
            value=round(value, 1),
            unit="ms",
            baseline_name="raw SQL, same rows",
            baseline_value=round(base, 1),
            ratio=round(value / base, 2) if base else 0.0,
        ),
        Result(
            name="caseload dashboard queries",
            value=n,
            unit="queries",
            baseline_name="raw SQL queries, same rows",
            baseline_value=m,
            ratio=round(n / m, 2) if m else 0.0,
        ),
    ]


if __name__ == "__main__":
    for result in run():
        print(result.as_dict())

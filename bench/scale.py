"""`make bench-scale`: the outcomes dashboard on a synthetic practice in PostgreSQL.

Separate from `make bench` (which stays quick). It makes (once; later runs reuse it) a
synthetic practice with `milepost.outcomes.synthetic` — by default 100,000 clients,
1,000,000 administrations and 300,000 goals — in its own PostgreSQL database
(`SCALE_DATABASE_URL`, default the `milepost_scale` database on the local server), rebuilds
the outcome facts, then measures:

- each outcome report (one per grouping: clinician, instrument, diagnosis group, programme,
  quarter), as `selectors.practice_report` builds it (its queries over the group counts, the
  groups' names, the rates and small cells), beside ONE hand-written SQL statement summing the
  same group-count rows the report reads (`hand_written`; tests/bench/test_scale.py checks it
  gives the report's figures), median of 25 interleaved runs; the check is ratio <= 2;
- the dashboard page as a supervisor reads it (HTTP through Django's test client, with its
  permission check, chart-free HTML and audit event), 20 requests per grouping: p95 <= 1 s;
- for scale, without a check: the chart and the CSV once each, the rebuild of the facts, the
  same figures aggregated over the fact tables themselves (what a page view would cost
  without the group counts, decision 1006), and a hand-written recovery-per-clinician query
  over the raw administrations (window functions).

`SCALE_CLIENTS`, `SCALE_ADMINISTRATIONS` and `SCALE_GOALS` choose a smaller practice; the
printout says which size was measured. Results go to var/bench/scale.json.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import Result, elapsed_ms, median_ms  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/milepost_scale"
REQUESTS = 20
REPEAT = 25


def _create_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _setup() -> None:
    url = os.environ.get("SCALE_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("bench-scale runs on PostgreSQL only (SCALE_DATABASE_URL)")
    _create_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    os.environ["ALLOWED_HOSTS"] = "testserver"  # Django's test client names this host
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _size() -> tuple[int, int, int]:
    return (
        int(os.environ.get("SCALE_CLIENTS", 100_000)),
        int(os.environ.get("SCALE_ADMINISTRATIONS", 1_000_000)),
        int(os.environ.get("SCALE_GOALS", 300_000)),
    )


def _practice(clients: int, administrations: int, goals: int) -> Any:
    """The synthetic practice of this size, made now unless an earlier run made it."""
    from milepost.accounts.models import Organization
    from milepost.measures.models import Administration
    from milepost.outcomes.synthetic import Size, generate

    seed = 1000 + clients % 997
    name = f"Synthetic practice {seed}"
    for organization in Organization.objects.filter(name=name):
        made = Administration.objects.filter(organization=organization).count()
        if organization.clients.count() == clients and made == administrations:
            print(f"reusing {name}: {clients:,} clients, {made:,} administrations")
            return organization
    started = time.perf_counter()
    made_practice = generate(
        Size(clients=clients, administrations=administrations, goals=goals),
        seed=seed,
        progress=lambda words: print(f"  {time.perf_counter() - started:7.1f} s  {words}"),
    )
    print(f"generated in {time.perf_counter() - started:.0f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return made_practice.organization


def _supervisor(organization: Any) -> Any:
    from django.contrib.auth.models import Permission

    from milepost.accounts.models import Role, User

    user = User.objects.filter(
        membership__organization=organization, membership__role=Role.SUPERVISOR
    ).first()
    assert user is not None
    user.user_permissions.add(Permission.objects.get(codename="view_practice_outcomes"))
    return user


GROUPINGS = ("clinician", "instrument", "diagnosis", "programme", "period")

# The report's figures written by hand in one statement over the SAME rows the report reads:
# the group counts the rebuild wrote (decision 1006), one grouping, summed per family and key.
# Grouped by instrument, reviews and clients belong to no instrument: like the report, their
# practice totals come from the per-quarter counts.
_HAND_WRITTEN = """
SELECT family, CASE WHEN group_by = %(group_by)s THEN key ELSE '' END AS group_key,
       SUM(n), SUM(a), SUM(b), SUM(c), SUM(d), SUM(e), SUM(x)
FROM outcomes_groupcount
WHERE organization_id = %(organization)s
  AND (group_by = %(group_by)s
       OR (%(group_by)s = 'instrument' AND group_by = 'period'
           AND family IN ('review', 'client')))
  {filters}
GROUP BY 1, 2
"""


def hand_written(organization_id: int, filters: Any) -> dict[tuple[str, str], tuple]:
    """Per (family, key): the sums n, a … e, x, as one hand-written SQL statement."""
    from django.db import connection

    params = {
        "organization": organization_id,
        "group_by": filters.group_by,
        "since": filters.since,
        "until": filters.until,
        "instrument": filters.instrument,
    }
    where = []
    if filters.since:
        where.append("AND period >= %(since)s")
    if filters.until:
        where.append("AND period <= %(until)s")
    if filters.instrument:
        where.append("AND (family NOT IN ('case', 'target') OR instrument_code = %(instrument)s)")
    with connection.cursor() as cursor:
        cursor.execute(_HAND_WRITTEN.format(filters=" ".join(where)), params)
        return {(row[0], row[1]): tuple(row[2:]) for row in cursor.fetchall()}


# For scale only (no check): the same figures aggregated over the fact tables themselves —
# what each page view would read without the group counts.
_FACTS = {
    "outcomes_case": """COUNT(*), COUNT(*) FILTER (WHERE at_caseness_start),
        COUNT(*) FILTER (WHERE recovered), COUNT(*) FILTER (WHERE improved),
        COUNT(*) FILTER (WHERE recovered AND improved), COUNT(*) FILTER (WHERE deteriorated)""",
    "outcomes_targetdue": "COUNT(*), COUNT(*) FILTER (WHERE met)",
    "outcomes_reviewdue": "COUNT(*), COUNT(*) FILTER (WHERE on_time)",
    "outcomes_clientfacts": """COUNT(*), SUM(days_to_first_measure),
        COUNT(*) FILTER (WHERE days_to_first_measure IS NOT NULL),
        SUM(administrations) FILTER (WHERE sessions > 0), SUM(sessions)""",
}


def _over_the_facts(organization_id: int, group_by: str) -> None:
    from django.db import connection

    from milepost.outcomes.selectors import GROUP_FIELDS

    column = GROUP_FIELDS[group_by]
    with connection.cursor() as cursor:
        for table, aggregates in _FACTS.items():
            by = column
            if group_by == "instrument" and table in ("outcomes_reviewdue", "outcomes_clientfacts"):
                by = ""
            if by:
                cursor.execute(
                    f"SELECT {by}, {aggregates} FROM {table} WHERE organization_id = %s GROUP BY 1",
                    [organization_id],
                )
            else:
                cursor.execute(
                    f"SELECT {aggregates} FROM {table} WHERE organization_id = %s",
                    [organization_id],
                )
            cursor.fetchall()


_RAW_RECOVERY = """
WITH scored AS (
    SELECT a.client_id, a.instrument_code, a.total,
           ROW_NUMBER() OVER (PARTITION BY a.client_id, a.instrument_code
                              ORDER BY a.administered_at, a.id) AS f,
           ROW_NUMBER() OVER (PARTITION BY a.client_id, a.instrument_code
                              ORDER BY a.administered_at DESC, a.id DESC) AS l
    FROM measures_administration a
    WHERE a.organization_id = %s AND a.instrument_code = 'phq9' AND a.total IS NOT NULL
      AND a.entered_in_error_at IS NULL
), pairs AS (
    SELECT client_id, MAX(total) FILTER (WHERE f = 1) AS first,
           MAX(total) FILTER (WHERE l = 1) AS last, COUNT(*) AS n
    FROM scored WHERE f = 1 OR l = 1 GROUP BY client_id
)
SELECT m.clinician_id, COUNT(*) FILTER (WHERE first >= 10),
       COUNT(*) FILTER (WHERE first >= 10 AND last < 10)
FROM pairs JOIN clients_careteammember m ON m.client_id = pairs.client_id AND m.is_primary
GROUP BY 1
"""


def run() -> tuple[list[Result], dict[str, object]]:
    from django.db import connection
    from django.test import Client as HttpClient
    from django.urls import reverse

    from milepost.outcomes.selectors import Filters, practice_report
    from milepost.outcomes.services import outcomes_refresh

    clients, administrations, goals = _size()
    organization = _practice(clients, administrations, goals)
    refresh_ms = elapsed_ms(lambda: outcomes_refresh(organization=organization))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    results: list[Result] = []
    facts_ms: dict[str, float] = {}
    for group_by in GROUPINGS:
        filters = Filters(group_by=group_by)  # type: ignore[arg-type]
        results.append(
            median_ms(
                name=f"outcome report by {group_by}",
                fn=partial(practice_report, organization, filters),
                baseline_name="hand-written SQL, same rows",
                baseline_fn=partial(hand_written, organization.pk, filters),
                # Milliseconds each, on a shared machine: many runs, so the median is steady.
                repeat=REPEAT,
            )
        )
        facts_ms[group_by] = round(
            statistics.median(
                elapsed_ms(partial(_over_the_facts, organization.pk, group_by)) for _ in range(3)
            ),
            1,
        )

    http = HttpClient()
    http.force_login(_supervisor(organization))
    url = reverse("outcomes:dashboard")
    timings: list[float] = []
    for group_by in GROUPINGS:
        assert http.get(url, {"group_by": group_by}).status_code == 200  # warm-up
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = http.get(url, {"group_by": group_by})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    p95 = statistics.quantiles(timings, n=20)[18]
    chart_ms = elapsed_ms(lambda: http.get(reverse("outcomes:dashboard_chart")))
    csv_ms = elapsed_ms(lambda: http.get(reverse("outcomes:dashboard_csv")))

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(_RAW_RECOVERY, [organization.pk])
            cursor.fetchall()

    raw_ms = elapsed_ms(raw)
    summary: dict[str, object] = {
        "clients": clients,
        "administrations": administrations,
        "goals": goals,
        "refresh_ms": round(refresh_ms),
        "dashboard_requests": len(timings),
        "dashboard_p95_ms": round(p95, 1),
        "dashboard_median_ms": round(statistics.median(timings), 1),
        "chart_ms": round(chart_ms, 1),
        "csv_ms": round(csv_ms, 1),
        "raw_recovery_by_clinician_ms": round(raw_ms, 1),
        "aggregate_over_the_facts_ms": facts_ms,
    }
    return results, summary


def main() -> int:
    _setup()
    results, summary = run()
    print(
        "\nEach report (selectors.practice_report: its statement, the groups' names, the rates "
        "and small cells) beside one hand-written SQL statement summing the same group-count "
        "rows it reads:"
    )
    print(f"\n{'benchmark':<34} {'ms':>10} {'baseline':<30} {'ms':>10} {'ratio':>7}  check")
    failed = False
    for r in results:
        ok = r.ratio <= 2
        failed |= not ok
        print(
            f"{r.name:<34} {r.value:>10,.1f} {r.baseline_name:<30} {r.baseline_value:>10,.1f} "
            f"{r.ratio:>7.2f}  {'ok' if ok else 'FAIL (> 2)'}"
        )
    p95 = float(summary["dashboard_p95_ms"])  # type: ignore[arg-type]
    failed |= p95 > 1000
    print(
        f"\ndashboard p95 {p95:,.1f} ms over {summary['dashboard_requests']} requests "
        f"({'ok' if p95 <= 1000 else 'FAIL (> 1 s)'}); median {summary['dashboard_median_ms']} ms"
    )
    print(
        f"chart {summary['chart_ms']} ms, CSV {summary['csv_ms']} ms, rebuild of the facts "
        f"{summary['refresh_ms']:,} ms; raw recovery-by-clinician SQL over the administrations "
        f"{summary['raw_recovery_by_clinician_ms']} ms"
    )
    facts = summary["aggregate_over_the_facts_ms"]
    print(
        "for scale, no check: the same figures aggregated over the fact tables themselves "
        "(what a page view would cost without the group counts): "
        + ", ".join(f"by {k} {v:,.0f} ms" for k, v in facts.items())  # type: ignore[attr-defined]
    )
    print(
        f"size measured: {summary['clients']:,} clients, {summary['administrations']:,} "
        f"administrations, {summary['goals']:,} goals"
    )
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    payload = {"results": [r.as_dict() for r in results], "summary": summary}
    (out / "scale.json").write_text(json.dumps(payload, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

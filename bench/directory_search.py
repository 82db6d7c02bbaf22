"""The directory search at scale: p50/p95 of `selectors.search_page` (one page of 20, with
its reasons and the total) over 100,000 synthetic listings on PostgreSQL, beside a plain SQL
query over the same listings.

    python bench/directory_search.py [--profiles 100000] [--queries 300] [--json]
                                     [--keep] [--reuse]

Runs on its own database, `milepost_bench_directory` (or DIRECTORY_BENCH_PG_DB) on the local
PostgreSQL server (DIRECTORY_BENCH_PG_URL, default the local one, user postgres), dropped and
created for each run (`--keep` leaves it for a `--reuse` run, which skips building it);
nothing else is touched. The listings come from bench/directory_rows.py.

Each query is drawn at random: a state (always), a ZIP code of that state within 10 or 25
miles in half of them (in person, or either format), an insurance in half, a focus area in a
third, and the person's own words in half (so the concept map, the library and the
full-text share all run); one in ten asks for the second page. The baseline is hand-written
SQL with the same hard rules (listed, practice listed, active, confirmed within 90 days,
licensed in the state, the insurance and focus facets, the office's bounding box) over the
listing tables themselves, fetching the same columns of every matching row and ranking
nothing: unchanged since the first measurement, so figures before and after compare.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_SERVER = os.environ.get("DIRECTORY_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("DIRECTORY_BENCH_PG_DB", "milepost_bench_directory")
if not re.fullmatch(r"[a-z_][a-z0-9_]*", PG_DATABASE):
    sys.exit("DIRECTORY_BENCH_PG_DB: use lower-case letters, digits and _ only")
WORDS = (
    "I get panic attacks on the subway",
    "I want to understand how my early experiences shape the way I relate to others",
    "I can't sleep and I feel low most days",
    "nightmares since the accident",
    "my partner and I argue all the time",
    "I drink too much on weekends",
)

BASELINE = """
SELECT p.id, p.public_id, p.display_name, p.credentials, p.pronouns, p.statement,
       p.in_person, p.telehealth, p.office_city, p.office_state, p.office_lat, p.office_lon,
       p.fee_min, p.fee_max, p.sliding_scale, p.capacity, p.next_opening, p.confirmed_at
FROM directory_profile p
JOIN directory_directorypractice d ON d.organization_id = p.organization_id AND d.listed
JOIN accounts_user u ON u.id = p.clinician_id AND u.is_active
WHERE p.listed AND p.confirmed_at >= %(oldest)s
  AND EXISTS (SELECT 1 FROM directory_licence l WHERE l.profile_id = p.id
              AND l.state = %(state)s AND l.expires_on >= %(today)s)
  {insurance}{focus}{near}
"""


def _database(*, reuse: bool) -> tuple[str, bool]:
    """The bench database's URL, and whether it already holds a directory to reuse."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (PG_DATABASE,)
        ).fetchone()
        if not (reuse and exists):
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    return f"{PG_SERVER}/{PG_DATABASE}", bool(reuse and exists)


def _queries(n: int, rng: random.Random) -> list[dict]:
    from bench.directory_rows import PAYERS, zips_by_state
    from milepost.domain.directory.rules import rules

    zips = zips_by_state()
    states = sorted(zips)
    out = []
    for _ in range(n):
        state = rng.choice(states)
        q: dict = {"state": state}
        if rng.random() < 0.5:
            q.update(zip_code=rng.choice(zips[state]), miles=rng.choice((10, 25)))
            q["fmt"] = rng.choice(("in-person", ""))
        if rng.random() < 0.5:
            q["insurance"] = rng.choice(PAYERS)
        if rng.random() < 0.33:
            q["focus"] = rng.choice(rules().focus_areas)
        if rng.random() < 0.5:
            q["text"] = rng.choice(WORDS)
        out.append(q)
    return out


def _baseline(q: dict) -> int:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from milepost.domain.directory import geo

    params: dict = {
        "state": q["state"],
        "today": timezone.localdate(),
        "oldest": timezone.now() - dt.timedelta(days=91),
    }
    insurance = focus = near = ""
    if q.get("insurance"):
        insurance = (
            " AND EXISTS (SELECT 1 FROM directory_facet f WHERE f.profile_id = p.id"
            " AND f.kind = 'payer' AND f.value = %(insurance)s)"
        )
        params["insurance"] = q["insurance"]
    if q.get("focus"):
        focus = (
            " AND EXISTS (SELECT 1 FROM directory_facet g WHERE g.profile_id = p.id"
            " AND g.kind = 'focus' AND g.value = %(focus)s)"
        )
        params["focus"] = q["focus"]
    if q.get("zip_code"):
        place = geo.place(q["zip_code"])
        assert place is not None
        lat0, lat1, lon0, lon1 = geo.bounding_box(place.lat, place.lon, q["miles"])
        params.update(lat0=lat0, lat1=lat1, lon0=lon0, lon1=lon1)
        box = (
            "p.in_person AND p.office_lat BETWEEN %(lat0)s AND %(lat1)s"
            " AND p.office_lon BETWEEN %(lon0)s AND %(lon1)s"
        )
        near = f" AND ({box})" if q.get("fmt") == "in-person" else f" AND (({box}) OR p.telehealth)"
    with connection.cursor() as cursor:
        cursor.execute(BASELINE.format(insurance=insurance, focus=focus, near=near), params)
        return len(cursor.fetchall())


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", action="store_true", help="leave the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database")
    args = parser.parse_args()

    url, reused = _database(reuse=args.reuse)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.directory_rows import generate
    from milepost.directory import selectors
    from milepost.directory.models import Profile

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    if not reused:
        generate(args.profiles)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built = time.perf_counter() - started
    args.profiles = Profile.objects.count()

    rng = random.Random(20261207)
    queries = _queries(args.queries, rng)
    pages = random.Random(7)
    numbers = [2 if pages.random() < 0.1 else 1 for _ in queries]
    for q in queries[:20]:  # warm caches: the ZIP table, the library, the planner
        selectors.search_page(selectors.Search(**q))
        _baseline(q)
    ours: list[float] = []
    plain: list[float] = []
    shown: list[int] = []
    totals: list[int] = []
    for q, number in zip(queries, numbers, strict=True):  # interleaved: the same machine
        t = time.perf_counter()
        page = selectors.search_page(selectors.Search(**q), page=number)
        ours.append((time.perf_counter() - t) * 1000)
        shown.append(len(page.results))
        totals.append(page.total)
        t = time.perf_counter()
        _baseline(q)
        plain.append((time.perf_counter() - t) * 1000)
    result = {
        "profiles": args.profiles,
        "queries": len(queries),
        "build_seconds": round(built, 1),
        "search_p50_ms": round(_p(ours, 50), 1),
        "search_p95_ms": round(_p(ours, 95), 1),
        "plain_sql_p50_ms": round(_p(plain, 50), 1),
        "plain_sql_p95_ms": round(_p(plain, 95), 1),
        "mean_shown": round(statistics.mean(shown), 1),
        "mean_total": round(statistics.mean(totals), 1),
    }
    connection.close()
    if not args.keep:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
    print(json.dumps(result, indent=2) if args.json else result)
    return 0


if __name__ == "__main__":
    sys.exit(main())

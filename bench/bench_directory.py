"""The public directory's search at 100,000 listings on PostgreSQL, beside plain SQL.

Runs bench/directory_search.py in its own process (it needs its own PostgreSQL database;
the other benchmarks share a throwaway SQLite one) and reports p95 in milliseconds. The
target is p95 ≤ 100 ms. Without a reachable PostgreSQL server it reports nothing and says so.
DIRECTORY_BENCH_PROFILES sets the number of listings (default 100,000).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.harness import Result

ROOT = Path(__file__).resolve().parent.parent


def run() -> list[Result]:
    profiles = os.environ.get("DIRECTORY_BENCH_PROFILES", "100000")
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "directory_search.py"),
            "--profiles",
            profiles,
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"bench_directory: skipped (needs the local PostgreSQL): {last}", file=sys.stderr)
        return []
    found = json.loads(completed.stdout)
    name = f"directory search p95, {int(found['profiles']):,} listings"
    return [
        Result(
            name=name,
            value=found["search_p95_ms"],
            unit="ms (p95, PostgreSQL)",
            baseline_name="plain SQL, same rows, p95",
            baseline_value=found["plain_sql_p95_ms"],
            ratio=round(found["search_p95_ms"] / found["plain_sql_p95_ms"], 3)
            if found["plain_sql_p95_ms"]
            else 0.0,
        )
    ]

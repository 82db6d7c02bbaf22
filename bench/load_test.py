"""`make load-test`: 50 concurrent users for 60 s against gunicorn on loopback, on SQLite
and on PostgreSQL — questionnaires arriving through the API while clinicians reload their
caseload dashboards and a supervisor reads the outcomes dashboard — and then the same on a
small cluster: two gunicorn processes, a task worker (which runs the outcome refreshes the
supervisor asks for) and PostgreSQL (docs/deployment.md). A benchmark, not a test: it prints
throughput and latency, and checks afterwards that there were no errors, that every accepted
submission was stored exactly once, that the audit chain is intact and, on the cluster, that
every outcome refresh the worker ran succeeded. Exit status 1 when a check fails.

    .venv/bin/python bench/load_test.py [--seconds 60] [--users 50]
        [--database sqlite|postgresql|cluster]   (repeatable; default: all three)

`cluster` is PostgreSQL with two web processes (each user of the load picks one, as a proxy
without sticky sessions would) and one `manage.py db_worker`.

PostgreSQL: a throwaway database `milepost_load` (or LOAD_PG_DATABASE) on the server
LOAD_PG_URL names (default: the local one, user postgres), dropped and created for each run.
Nothing else is touched.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("LOAD_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("LOAD_PG_DATABASE", "milepost_load")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _database_url(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder}/load.sqlite3"
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    return f"{PG_SERVER}/{PG_DATABASE}"


def _run_python(env: dict[str, str], *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load" / "setup_data.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _stats(prefix: Path) -> dict[str, dict[str, float]]:
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = {
                "requests": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50_ms": float(row["50%"]),
                "p99_ms": float(row["99%"]),
            }
    return rows


def run_one(kind: str, *, seconds: int, users: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="milepost-load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": _database_url(kind, folder),
        "MILEPOST_VAR_DIR": str(folder),  # collected static files, as production serves them
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        "LOG_LEVEL": "ERROR",
        "DB_CONN_MAX_AGE": "60" if kind == "postgresql" else "0",
    }
    setup = _run_python(env, "setup")
    before = _run_python(env, "count")
    webs = 2 if kind == "cluster" else 1
    ports = [_free_port() for _ in range(webs)]
    processes = [
        subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--workers",
                "3" if webs == 1 else "2",
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "error",
            ],
            env=env,
            cwd=ROOT,
        )
        for port in ports
    ]
    if kind == "cluster":
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "0.5"], env=env, cwd=ROOT
            )
        )
    hosts = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for port in ports:
            _wait_for(port)
        prefix = folder / "stats"
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "load" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{seconds}s",
                "--host",
                hosts[0],
                "--csv",
                str(prefix),
                "--only-summary",
                # Users finish the request in flight when time is up, so every submission
                # the server stored has its answer counted.
                "--stop-timeout",
                "60",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            env={
                **env,
                "LOAD_SETUP": json.dumps(setup),
                "LOAD_LEDGER": str(folder / "ledger.json"),
                "LOAD_HOSTS": ",".join(hosts) if webs > 1 else "",
            },
            cwd=ROOT,
            check=True,
        )
        if kind == "cluster":
            time.sleep(5)  # the worker finishes the refreshes still queued
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    after = _run_python(env, "count", str(before["last_id"]), str(folder / "ledger.json"))
    stats = _stats(prefix)
    posted = stats["POST administration"]
    accepted = int(posted["requests"] - posted["failures"])
    stored = after["administrations"] - before["administrations"]
    total = stats["Aggregated"]
    return {
        "database": kind,
        "seconds": seconds,
        "users": users,
        "requests": int(total["requests"]),
        "failures": int(total["failures"]),
        "throughput_rps": round(total["rps"], 1),
        "p50_ms": total["p50_ms"],
        "p99_ms": total["p99_ms"],
        "submissions_sent": after["sent"],
        "submissions_accepted": accepted,
        "submissions_accepted_in_ledger": after["accepted"],
        "submissions_stored": stored,
        "accepted_not_stored_exactly_once": after["accepted_not_stored_once"],
        "stored_not_sent": after["stored_not_sent"],
        "duplicate_submissions": after["duplicate_submissions"],
        "caseload_p99_ms": stats.get("GET caseload", {}).get("p99_ms"),
        "outcomes_p99_ms": stats.get("GET outcomes", {}).get("p99_ms"),
        "web_processes": webs,
        "outcome_refreshes_succeeded": after["outcome_refreshes_succeeded"],
        "outcome_refreshes_not_succeeded": after["outcome_refreshes_not_succeeded"],
        "submit_p99_ms": posted["p99_ms"],
        "audit_chain_ok": after["audit_ok"],
        "audit_events": after["audit_events"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "cluster"], action="append")
    args = parser.parse_args()
    results = [
        run_one(kind, seconds=args.seconds, users=args.users)
        for kind in (args.database or ["sqlite", "postgresql", "cluster"])
    ]
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(results, indent=2) + "\n")
    ok = True
    for r in results:
        checks = {
            "no errors": r["failures"] == 0,
            # Stored rows beyond the accepted ones are requests still in flight when the
            # clock ran out: sent, stored, their answer never read. Each must have been sent.
            "every accepted submission stored exactly once": (
                r["accepted_not_stored_exactly_once"] == 0 and r["duplicate_submissions"] == 0
            ),
            "nothing stored that was not sent": r["stored_not_sent"] == 0,
            "audit chain intact": r["audit_chain_ok"],
        }
        if r["database"] == "cluster":
            checks[
                f"every outcome refresh asked for ran and succeeded "
                f"({r['outcome_refreshes_succeeded']} did)"
            ] = r["outcome_refreshes_not_succeeded"] == 0
        ok = ok and all(checks.values())
        print(
            f"{r['database']:<11} {r['users']} users, {r['seconds']} s: {r['requests']} requests, "
            f"{r['throughput_rps']} req/s, p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms "
            f"(caseload p99 {r['caseload_p99_ms']} ms, outcomes p99 {r['outcomes_p99_ms']} ms, "
            f"submit p99 {r['submit_p99_ms']} ms); {r['web_processes']} web process(es); "
            f"{r['failures']} failures; {r['submissions_sent']} submissions sent, "
            f"{r['submissions_accepted_in_ledger']} answered 201 before the clock ran out, "
            f"{r['submissions_stored']} stored "
            f"({r['accepted_not_stored_exactly_once']} accepted not stored exactly once, "
            f"{r['stored_not_sent']} stored unsent, {r['duplicate_submissions']} duplicated); "
            "audit chain "
            f"{'intact' if r['audit_chain_ok'] else 'BROKEN'} ({r['audit_events']} events)"
        )
        for name, passed in checks.items():
            print(f"  {'ok  ' if passed else 'FAIL'} {name}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

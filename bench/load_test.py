"""`make load-test`: 50 concurrent users for 60 s against gunicorn on loopback, on SQLite
and on PostgreSQL — questionnaires arriving through the API while clinicians reload their
caseload dashboards and a supervisor reads the outcomes dashboard — and then the set-up of
docs/deployment.md on loopback (`cluster`): HAProxy (deploy/haproxy.cfg) in front of two
gunicorn processes, a task worker, and a PostgreSQL primary with a streaming read replica
that the outcome reports read from; there, clients sign in to the portal and send their
questionnaires through its forms while the supervisor reads the outcomes dashboard. A
benchmark, not a test: it prints throughput and latency, then checks that there were no
errors, that every accepted submission was stored exactly once and nothing unsent was
stored, that the audit chain is intact and, on the cluster, that every outcome refresh the
worker ran succeeded, that the proxy spread the requests over both web processes, and that
the reports were read from the replica, which kept up with the primary. Exit status 1 when a
check fails.

    .venv/bin/python bench/load_test.py [--seconds 60] [--users 50]
        [--database sqlite|postgresql|cluster]   (repeatable; default: all three)

PostgreSQL (`postgresql`): a throwaway database `milepost_load` (or LOAD_PG_DATABASE) on the
server LOAD_PG_URL names (default: the local one, user postgres), dropped and created for
each run. The cluster brings its own PostgreSQL: a primary made with initdb and a replica
made from it with pg_basebackup, both in a temporary folder, on free loopback ports, run as
the `postgres` user when the test runs as root (PostgreSQL refuses root), and removed
afterwards; the programs come from `pg_config --bindir` (or LOAD_PG_BINDIR). HAProxy comes
from Debian (requirements/debian.txt). Nothing else is touched.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("LOAD_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("LOAD_PG_DATABASE", "milepost_load")
#: Clients who sign in to the portal in the cluster run, four questionnaires each.
PORTAL_CLIENTS = 60


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


# ------------------------------------------------------------ the cluster's own PostgreSQL


def _program(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"the cluster load test needs {name}: install {package} (Debian)")
    return found


def _pg_program(name: str) -> str:
    bindir = (
        os.environ.get("LOAD_PG_BINDIR")
        or subprocess.run(
            [_program("pg_config", "postgresql"), "--bindir"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    return str(Path(bindir) / name)


def _as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its programs as `postgres`."""
    if os.geteuid() != 0:
        return args
    return [_program("runuser", "util-linux"), "-u", "postgres", "--", *args]


def _pg(*args: str) -> None:
    subprocess.run(_as_postgres(list(args)), check=True, capture_output=True, text=True)


@contextmanager
def _postgres_pair(folder: Path) -> Iterator[tuple[str, str]]:
    """A PostgreSQL primary and a streaming hot-standby replica of it, on free loopback ports,
    their data under ``folder``; yields the URLs of a `milepost` database on each."""
    import psycopg

    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    primary, replica = folder / "primary", folder / "replica"
    primary_port, replica_port = _free_port(), _free_port()
    _pg(_pg_program("initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "-E",
        "UTF8", "--locale=C", "--no-sync")  # fmt: skip
    with open(primary / "postgresql.conf", "a", encoding="utf-8") as conf:
        # Loopback only; its sockets in the folder. Streaming replication needs nothing more:
        # wal_level=replica, max_wal_senders and hot_standby are PostgreSQL's defaults, and
        # initdb's pg_hba.conf lets loopback replication connections in (trust, loopback).
        conf.write(f"\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{folder}'\n")
    started: list[Path] = []
    try:
        _pg(_pg_program("pg_ctl"), "-D", str(primary), "-l", str(folder / "primary.log"),
            "-o", f"-p {primary_port}", "-w", "-t", "60", "start")  # fmt: skip
        started.append(primary)
        server = f"postgres://postgres@127.0.0.1:{primary_port}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE milepost")
        # The replica: a base backup of the primary, -R for standby.signal and the
        # connection it streams from; then a second postgres on its own port.
        _pg(_pg_program("pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary_port), "-U",
            "postgres", "-D", str(replica), "-R", "-X", "stream", "--checkpoint=fast")  # fmt: skip
        _pg(_pg_program("pg_ctl"), "-D", str(replica), "-l", str(folder / "replica.log"),
            "-o", f"-p {replica_port}", "-w", "-t", "60", "start")  # fmt: skip
        started.append(replica)
        with psycopg.connect(f"postgres://postgres@127.0.0.1:{replica_port}/milepost") as conn:
            in_recovery = conn.execute("SELECT pg_is_in_recovery()").fetchone()
            if not in_recovery or not in_recovery[0]:
                raise RuntimeError("the replica is not a standby")
        yield (
            f"{server}/milepost",
            f"postgres://postgres@127.0.0.1:{replica_port}/milepost",
        )
    finally:
        for data in reversed(started):
            subprocess.run(
                _as_postgres([_pg_program("pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                capture_output=True,
                check=False,
            )


def _caught_up(primary_url: str, replica_url: str, seconds: float = 60) -> dict[str, object]:
    """Wait until the replica has replayed everything the primary wrote; then compare what
    each holds, and how often the replica read the outcome reports' group counts."""
    import psycopg

    with psycopg.connect(primary_url) as primary, psycopg.connect(replica_url) as replica:
        row = primary.execute("SELECT pg_current_wal_lsn()::text").fetchone()
        assert row is not None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            done = replica.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [row[0]]
            ).fetchone()
            replica.rollback()
            if done and done[0]:
                break
            time.sleep(0.5)
        counts = {}
        for table in ("measures_administration", "audit_auditevent", "outcomes_groupcount"):
            on_primary = primary.execute(f"SELECT count(*) FROM {table}").fetchone()
            on_replica = replica.execute(f"SELECT count(*) FROM {table}").fetchone()
            counts[table] = (
                on_primary[0] if on_primary else -1,
                on_replica[0] if on_replica else -2,
            )
        scans = replica.execute(
            "SELECT COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0) FROM pg_stat_user_tables "
            "WHERE relname = 'outcomes_groupcount'"
        ).fetchone()
        standby = replica.execute("SELECT pg_is_in_recovery()").fetchone()
    return {
        "replica_in_recovery": bool(standby and standby[0]),
        "replica_same_rows": all(a == b for a, b in counts.values()),
        "rows_primary_replica": {k: list(v) for k, v in counts.items()},
        "replica_group_count_scans": scans[0] if scans else 0,
    }


def _proxy_stats(port: int) -> dict[str, dict[str, int]]:
    """HAProxy's per-server counters: requests sent to each web process, 5xx answers."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats;csv", timeout=10) as response:
        text = response.read().decode().lstrip("# ")
    out = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["pxname"] in ("web", "milepost"):
            out[f"{row['pxname']}/{row['svname']}"] = {
                "requests": int(row["stot"] or 0),
                "5xx": int(row["hrsp_5xx"] or 0),
            }
    return out


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


def _gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(workers),
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


def _locust(env: dict[str, str], *, host: str, users: int, seconds: int, prefix: Path,
            classes: list[str]) -> None:  # fmt: skip
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
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            # Users finish the request in flight when time is up, so every submission the
            # server stored has its answer counted.
            "--stop-timeout",
            "120",
            "--loglevel",
            "WARNING",
            "--exit-code-on-error",
            "0",
            *classes,
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )


def run_one(kind: str, *, seconds: int, users: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="milepost-load-"))
    try:
        with ExitStack() as stack:
            cluster = kind == "cluster"
            if cluster:
                pg_folder = Path(tempfile.mkdtemp(prefix="milepost-pg-"))
                stack.callback(shutil.rmtree, pg_folder, ignore_errors=True)
                primary_url, replica_url = stack.enter_context(_postgres_pair(pg_folder))
            else:
                primary_url, replica_url = _database_url(kind, folder), ""
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "DATABASE_URL": primary_url,
                "MILEPOST_VAR_DIR": str(folder),  # collected static files, as in production
                "ALLOWED_HOSTS": "127.0.0.1",
                "DEBUG": "false",
                "LOG_LEVEL": "ERROR",
                "DB_CONN_MAX_AGE": "0" if kind == "sqlite" else "60",
            }
            setup = _run_python(
                env, "setup", *(["--portal", str(PORTAL_CLIENTS)] if cluster else [])
            )
            before = _run_python(env, "count")
            return _measure(
                kind, env, setup, before, folder, seconds=seconds, users=users,
                primary_url=primary_url, replica_url=replica_url,
            )  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _measure(kind: str, env: dict[str, str], setup: dict, before: dict, folder: Path, *,
             seconds: int, users: int, primary_url: str, replica_url: str) -> dict:  # fmt: skip
    """Start the processes, run the load, stop them, and gather what the checks need."""
    cluster = kind == "cluster"
    web_env = dict(env)
    if cluster:
        # The outcome reports read from the replica (milepost/outcomes/routers.py); behind the
        # proxy, the audit trail records the address it forwards.
        web_env |= {"REPLICA_DATABASE_URL": replica_url, "BEHIND_HTTPS_PROXY": "true"}
    ports = [_free_port() for _ in range(2 if cluster else 1)]
    processes = [_gunicorn(web_env, port, 2 if cluster else 3) for port in ports]
    proxy_port = stats_port = 0
    if cluster:
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "0.5"],
                env=web_env,
                cwd=ROOT,
            )
        )
        proxy_port, stats_port = _free_port(), _free_port()
        processes.append(
            subprocess.Popen(
                [_program("haproxy", "haproxy"), "-db", "-f", str(ROOT / "deploy" / "haproxy.cfg")],
                env={
                    **os.environ,
                    "MILEPOST_PROXY_BIND": f"127.0.0.1:{proxy_port}",
                    "MILEPOST_PROXY_STATS": f"127.0.0.1:{stats_port}",
                    "MILEPOST_WEB1": f"127.0.0.1:{ports[0]}",
                    "MILEPOST_WEB2": f"127.0.0.1:{ports[1]}",
                },
            )
        )
    prefix = folder / "stats"
    proxy: dict[str, dict[str, int]] = {}
    try:
        for port in [*ports, *([proxy_port] if cluster else [])]:
            _wait_for(port)
        host = f"http://127.0.0.1:{proxy_port if cluster else ports[0]}"
        classes = [
            "PortalUser" if cluster else "QuestionnaireUser",
            "DashboardUser",
            "OutcomesUser",
        ]
        _locust(
            {**env, "LOAD_SETUP": json.dumps(setup), "LOAD_LEDGER": str(folder / "ledger.json")},
            host=host, users=users, seconds=seconds, prefix=prefix, classes=classes,
        )  # fmt: skip
        if cluster:
            time.sleep(5)  # the worker finishes the refreshes still queued
            proxy = _proxy_stats(stats_port)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    after = _run_python(env, "count", str(before["last_id"]), str(folder / "ledger.json"))
    stats = _stats(prefix)
    total = stats["Aggregated"]
    result: dict = {
        "database": kind,
        "seconds": seconds,
        "users": users,
        "requests": int(total["requests"]),
        "failures": int(total["failures"]),
        "throughput_rps": round(total["rps"], 1),
        "p50_ms": total["p50_ms"],
        "p99_ms": total["p99_ms"],
        "caseload_p99_ms": stats.get("GET caseload", {}).get("p99_ms"),
        "outcomes_p99_ms": stats.get("GET outcomes", {}).get("p99_ms"),
        "web_processes": len(ports),
        "audit_chain_ok": after["audit_ok"],
        "audit_events": after["audit_events"],
        "outcome_refreshes_succeeded": after["outcome_refreshes_succeeded"],
        "outcome_refreshes_not_succeeded": after["outcome_refreshes_not_succeeded"],
    }
    if cluster:
        result |= {
            "portal_questionnaires_sent": after["portal_sent"],
            "portal_questionnaires_accepted": after["portal_accepted"],
            "portal_questionnaires_stored": after["portal_stored"],
            "accepted_not_stored_exactly_once": after["portal_accepted_not_stored_once"],
            "duplicate_submissions": after["portal_stored_twice"],
            "stored_not_sent": after["portal_stored_not_sent"],
            "submit_p99_ms": stats.get("POST portal send", {}).get("p99_ms"),
            "answer_p99_ms": stats.get("POST portal answer", {}).get("p99_ms"),
            "outcomes_reads": int(
                stats.get("GET outcomes", {}).get("requests", 0)
                - stats.get("GET outcomes", {}).get("failures", 0)
            ),
            "proxy": proxy,
            **_caught_up(primary_url, replica_url),
        }
    else:
        posted = stats["POST administration"]
        result |= {
            "submissions_sent": after["sent"],
            "submissions_accepted": int(posted["requests"] - posted["failures"]),
            "submissions_accepted_in_ledger": after["accepted"],
            "submissions_stored": after["administrations"] - before["administrations"],
            "accepted_not_stored_exactly_once": after["accepted_not_stored_once"],
            "stored_not_sent": after["stored_not_sent"],
            "duplicate_submissions": after["duplicate_submissions"],
            "submit_p99_ms": posted["p99_ms"],
        }
    return result


def _checks(r: dict) -> dict[str, bool]:
    checks = {
        "no errors": r["failures"] == 0,
        # Stored rows beyond the accepted ones are requests still in flight when the clock
        # ran out: sent, stored, their answer never read. Each must have been sent.
        "every accepted submission stored exactly once": (
            r["accepted_not_stored_exactly_once"] == 0 and r["duplicate_submissions"] == 0
        ),
        "nothing stored that was not sent": r["stored_not_sent"] == 0,
        "audit chain intact": r["audit_chain_ok"],
    }
    if r["database"] == "cluster":
        proxy = r["proxy"]
        servers = [v for k, v in proxy.items() if k.startswith("web/web")]
        checks |= {
            f"portal questionnaires sent and stored ({r['portal_questionnaires_accepted']})": (
                r["portal_questionnaires_accepted"] > 0
            ),
            f"every outcome refresh asked for ran and succeeded "
            f"({r['outcome_refreshes_succeeded']} did)": r["outcome_refreshes_not_succeeded"] == 0,
            "the proxy spread the requests over both web processes, none answered 5xx": (
                len(servers) == 2
                and all(v["requests"] > 0 for v in servers)
                and all(v["5xx"] == 0 for v in proxy.values())
            ),
            # One statement per report (report_sql.py): a scan of the group counts each.
            f"every outcomes page read its report from the replica ({r['outcomes_reads']} pages, "
            f"{r['replica_group_count_scans']} reads there)": (
                0 < r["outcomes_reads"] <= r["replica_group_count_scans"]
            ),
            "the replica is a standby and caught up with the primary": (
                r["replica_in_recovery"] and r["replica_same_rows"]
            ),
        }
    return checks


def _line(r: dict) -> str:
    common = (
        f"{r['database']:<11} {r['users']} users, {r['seconds']} s: {r['requests']} requests, "
        f"{r['throughput_rps']} req/s, p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms "
        f"(caseload p99 {r['caseload_p99_ms']} ms, outcomes p99 {r['outcomes_p99_ms']} ms, "
        f"submit p99 {r['submit_p99_ms']} ms); {r['web_processes']} web process(es); "
        f"{r['failures']} failures; "
    )
    if r["database"] == "cluster":
        servers = ", ".join(
            f"{k.removeprefix('web/')} {v['requests']}"
            for k, v in r["proxy"].items()
            if k.startswith("web/web")
        )
        detail = (
            f"{r['portal_questionnaires_sent']} portal questionnaires sent, "
            f"{r['portal_questionnaires_accepted']} thanked for before the clock ran out, "
            f"{r['portal_questionnaires_stored']} stored; requests through the proxy to {servers}; "
            f"rows primary/replica {r['rows_primary_replica']}; "
        )
    else:
        detail = (
            f"{r['submissions_sent']} submissions sent, "
            f"{r['submissions_accepted_in_ledger']} answered 201 before the clock ran out, "
            f"{r['submissions_stored']} stored; "
        )
    return (
        common
        + detail
        + f"({r['accepted_not_stored_exactly_once']} accepted not stored exactly once, "
        f"{r['stored_not_sent']} stored unsent, {r['duplicate_submissions']} duplicated); "
        f"audit chain {'intact' if r['audit_chain_ok'] else 'BROKEN'} ({r['audit_events']} events)"
    )


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
        checks = _checks(r)
        ok = ok and all(checks.values())
        print(_line(r))
        for name, passed in checks.items():
            print(f"  {'ok  ' if passed else 'FAIL'} {name}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

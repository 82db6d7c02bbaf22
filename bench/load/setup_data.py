"""Data for the load test, written into the database DATABASE_URL names (a throwaway one).

The demo practice, 40 more clients on Alice's caseload, an API token for each of the ten
load clinicians, and their logins; prints the facts the locustfile needs as JSON.
Run by bench/load_test.py in its own process, before the server starts.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

EXTRA_CLIENTS = 40


def _ledger_check(after_id: int, path: str) -> dict[str, int]:
    """Match the run's stored rows to the submissions the load sent and had accepted."""
    import datetime as dt
    from collections import Counter

    from milepost.measures.models import Administration

    with open(path, encoding="utf-8") as handle:
        ledger = json.load(handle)
    stored = Counter(
        Administration.objects.filter(id__gt=after_id).values_list("administered_at", flat=True)
    )
    accepted = [dt.datetime.fromisoformat(t) for t in ledger["accepted"]]
    sent = {dt.datetime.fromisoformat(t) for t in ledger["sent"]}
    return {
        "sent": len(sent),
        "accepted": len(accepted),
        "stored": sum(stored.values()),
        "accepted_not_stored_once": sum(1 for t in accepted if stored[t] != 1),
        "stored_not_sent": sum(n for t, n in stored.items() if t not in sent),
    }


def count(after_id: int, ledger: str = "") -> int:
    """Administrations (the last id, how many), submissions stored twice since `after_id`
    (the same client and time: each submission of the run has its own time), the audit chain."""
    from django.db.models import Count, Max

    from milepost.audit.services import audit_verify
    from milepost.measures.models import Administration

    rows = Administration.objects.count()
    last = Administration.objects.aggregate(last=Max("id"))["last"] or 0
    duplicates = (
        Administration.objects.filter(id__gt=after_id)
        .values("client_id", "administered_at")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    chain = audit_verify()
    matched = _ledger_check(after_id, ledger) if ledger else {}
    from django_tasks_db.models import DBTaskResult

    tasks = {
        "outcome_refreshes_succeeded": DBTaskResult.objects.filter(
            task_path__endswith="refresh_outcomes", status="SUCCESSFUL"
        ).count(),
        "outcome_refreshes_not_succeeded": DBTaskResult.objects.filter(
            task_path__endswith="refresh_outcomes"
        )
        .exclude(status="SUCCESSFUL")
        .count(),
    }
    print(
        json.dumps(
            {
                "administrations": rows,
                "last_id": last,
                "duplicate_submissions": duplicates,
                "audit_ok": chain.ok,
                "audit_events": chain.checked,
                **matched,
                **tasks,
            }
        )
    )
    return 0


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if sys.argv[1:2] == ["count"]:
        return count(int(sys.argv[2]) if len(sys.argv) > 2 else 0, *sys.argv[3:4])
    from django.conf import settings
    from django.core.management import call_command

    from milepost.accounts.models import User
    from milepost.api.services import api_token_create
    from milepost.clients import services as clients
    from milepost.clients.access import visible_clients

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("demo", stdout=io.StringIO())
    alice = User.objects.get(email="alice@demo.milepost.test")
    for n in range(EXTRA_CLIENTS):
        clients.client_create(
            actor=alice,
            given_name=f"Load{n}",
            family_name="Client",
            date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=n),
        )
    clinicians = [alice, User.objects.get(email="bob@demo.milepost.test")]
    tokens = []
    for user in clinicians:
        _, secret = api_token_create(actor=user, name="load test")
        ids = list(visible_clients(user).values_list("public_id", flat=True))
        tokens.append({"token": secret, "clients": ids})
    print(
        json.dumps(
            {
                "tokens": tokens,
                "logins": [u.email for u in clinicians],
                # The demo supervisor holds the outcomes permission (demo/outcomes.py).
                "outcomes_login": "sam@demo.milepost.test",
                "password": settings.DEMO_PASSWORD,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

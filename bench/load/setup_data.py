"""Data for the load test, written into the database DATABASE_URL names (a throwaway one).

The demo practice, 40 more clients on Alice's caseload, an API token for each of the load
clinicians, and their logins; with `setup --portal N`, N more clients of Alice's who sign in
to the portal, each asked for four weekly questionnaires due today (PHQ-9, GAD-7, CORE-10,
AUDIT-C), everything through the services. Prints the facts the locustfile needs as JSON.
Run by bench/load_test.py in its own process, before the servers start.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

EXTRA_CLIENTS = 40
PORTAL_INSTRUMENTS = ("phq9", "gad7", "core10", "auditc")


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


def _portal_check(after_id: int, path: str) -> dict[str, int]:
    """Match the portal questionnaires the load sent (one per assignment, each due once
    today) to the administrations the portal stored for them."""
    from collections import Counter

    from milepost.measures.models import Administration, Source

    with open(path, encoding="utf-8") as handle:
        ledger = json.load(handle)
    sent, accepted = set(ledger.get("portal_sent", [])), ledger.get("portal_accepted", [])
    stored = Counter(
        Administration.objects.filter(id__gt=after_id, source=Source.PORTAL).values_list(
            "assignment__public_id", flat=True
        )
    )
    return {
        "portal_sent": len(sent),
        "portal_accepted": len(accepted),
        "portal_stored": sum(stored.values()),
        "portal_accepted_not_stored_once": sum(1 for a in accepted if stored[a] != 1),
        "portal_stored_twice": sum(1 for n in stored.values() if n > 1),
        "portal_stored_not_sent": sum(n for a, n in stored.items() if a not in sent),
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
    matched = (
        {**_ledger_check(after_id, ledger), **_portal_check(after_id, ledger)} if ledger else {}
    )
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


def _portal_clients(alice: Any, count: int) -> list[dict[str, Any]]:
    """``count`` clients of Alice's with a portal login and four questionnaires due today."""
    from django.conf import settings
    from django.utils import timezone

    from milepost.accounts import services as accounts
    from milepost.accounts.models import Role
    from milepost.clients import services as clients
    from milepost.domain import instruments
    from milepost.measures.assignments import assignment_create

    organization = alice.membership.organization
    today = timezone.localdate()
    out = []
    for n in range(count):
        email = f"portal{n}@load.milepost.test"
        client = clients.client_create(
            actor=alice,
            given_name=f"Portal{n}",
            family_name="Client",
            date_of_birth=dt.date(1970, 1, 1) + dt.timedelta(days=n),
        )
        user = accounts.user_create(
            actor=None,
            organization=organization,
            email=email,
            full_name=f"Portal{n} Client",
            role=Role.CLIENT,
            password=settings.DEMO_PASSWORD,
        )
        clients.client_portal_link(actor=alice, client=client, portal_user=user)
        asked = []
        for code in PORTAL_INSTRUMENTS:
            assignment = assignment_create(
                actor=alice, client=client, instrument_code=code, schedule="weekly", start_on=today
            )
            instrument = instruments.get(code)
            asked.append(
                {
                    "id": assignment.public_id,
                    "items": len(instrument.items),
                    # Answered "not at all" by the load: an urgent answer would end on the
                    # crisis screen and raise a risk alert, which is not what is measured.
                    "urgent": sorted(
                        {f.item for f in instrument.flags if f.severity == "urgent" and f.item}
                    ),
                }
            )
        out.append({"email": email, "assignments": asked})
    return out


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if sys.argv[1:2] == ["count"]:
        return count(int(sys.argv[2]) if len(sys.argv) > 2 else 0, *sys.argv[3:4])
    portal = int(sys.argv[3]) if sys.argv[2:3] == ["--portal"] else 0
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
    portal_accounts = _portal_clients(alice, portal)
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
                "portal": portal_accounts,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The outcomes dashboard: who may open it, small cells, CSV, chart, drill-down, bad input,
the refresh task, and an audit event for each."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from milepost.audit.models import AuditEvent
from milepost.clients.models import CareTeamMember, Client
from milepost.measures.models import Administration
from milepost.outcomes.models import Case
from milepost.outcomes.services import outcomes_refresh

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("outcomes:dashboard")
CSV_URL = reverse("outcomes:dashboard_csv")
CHART = reverse("outcomes:dashboard_chart")
GROUP = reverse("outcomes:group")
REFRESH = reverse("outcomes:refresh")


def grant(*users):
    permission = Permission.objects.get(codename="view_practice_outcomes")
    for user in users:
        user.user_permissions.add(permission)


def login(client, user):
    client.force_login(user)
    return client


def _scores(p, clinician, pairs, *, family="Outcome"):
    """One client per (first, last) PHQ-9 pair on ``clinician``'s team."""
    start = timezone.now() - dt.timedelta(days=60)
    for n, (first, last) in enumerate(pairs):
        client = Client.objects.create(
            organization=p.org,
            given_name="Case",
            family_name=f"{family} {n}",
            date_of_birth=dt.date(1980, 1, 1),
        )
        CareTeamMember.objects.create(client=client, clinician=clinician, is_primary=True)
        for k, total in enumerate((first, last)):
            Administration.objects.create(
                organization=p.org,
                client=client,
                instrument_code="phq9",
                answers=[0] * 9,
                total=total,
                answered=9,
                administered_at=start + dt.timedelta(days=28 * k),
                entered_by=clinician,
            )


@pytest.fixture
def practice(personas):
    p = personas
    # Alice: 6 cases (3 reliably recovered); Frank: 3 cases, too few to show.
    _scores(p, p.alice, [(15, 5)] * 3 + [(15, 14)] * 3)
    _scores(p, p.frank, [(20, 4)] * 3, family="Small")
    outcomes_refresh(organization=p.org)
    return p


@pytest.mark.parametrize("name", ["alice", "frank", "dana", "charlie"])
def test_only_supervisors_and_admins_reach_it(client, practice, name):
    user = getattr(practice, name)
    grant(user)
    assert login(client, user).get(DASHBOARD).status_code == 403


@pytest.mark.parametrize("name", ["sam", "erin"])
def test_supervisors_and_admins_need_the_permission(client, practice, name):
    user = getattr(practice, name)
    login(client, user)
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(CSV_URL).status_code == 403
    grant(user)
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    assert b"Outcomes" in page.content


def test_small_groups_are_hidden_and_the_total_shows(client, practice):
    grant(practice.sam)
    report = login(client, practice.sam).get(DASHBOARD).context["report"]
    rows = {r.label: r for r in report.rows}
    alice = rows[practice.alice.display_name]
    assert alice.cases == 6
    assert alice.recovery == 50
    assert alice.reliable_recovery == 50
    frank = rows[practice.frank.display_name]
    assert frank.cases is None
    assert frank.recovery is None
    # Dana's single PHQ-9 makes no case: 9 cases in the practice.
    assert report.total.cases == 9
    assert report.total.reliable_improvement == pytest.approx(100 * 6 / 9)


@override_settings(OUTCOMES_MINIMUM_CELL=3)
def test_the_minimum_is_configurable(client, practice):
    grant(practice.sam)
    report = login(client, practice.sam).get(DASHBOARD).context["report"]
    frank = next(r for r in report.rows if r.label == practice.frank.display_name)
    assert frank.cases == 3
    assert frank.recovery == 100


def test_never_clinical_text_or_client_names(client, practice):
    grant(practice.erin)
    login(client, practice.erin)
    for url in (DASHBOARD, CSV_URL):
        body = client.get(url).content.decode()
        assert "Quillfeather" not in body
        assert "Outcome 0" not in body
        assert "Low mood" not in body


def test_csv_has_a_row_per_group_and_the_total(client, practice):
    grant(practice.erin)
    response = login(client, practice.erin).get(CSV_URL, {"group_by": "clinician"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["group", "cases", "recovery_percent"]
    by_group = {r[0]: r for r in rows[1:]}
    assert by_group[practice.alice.display_name][1:3] == ["6", "50.0"]
    assert by_group[practice.frank.display_name][1] == "suppressed"
    assert by_group["Practice"][1] == "9"


def test_chart_is_an_svg_image(client, practice):
    grant(practice.sam)
    response = login(client, practice.sam).get(CHART, {"group_by": "clinician"})
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.lstrip().startswith("<?xml")
    assert "Recovery" in svg
    assert "fewer than 5 cases" in svg


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "nonsense"}, "group_by"),
        ({"instrument": "phq99"}, "instrument"),
        ({"since": "2026-13-01"}, "since"),
        ({"since": "2026-06-01", "until": "2026-01-01"}, "until"),
    ],
)
def test_bad_filters_name_the_field(client, practice, params, field):
    grant(practice.sam)
    response = login(client, practice.sam).get(DASHBOARD, params)
    assert response.status_code == 400
    assert field in response.context["form"].errors


def test_every_read_is_audited(client, practice):
    grant(practice.sam)
    login(client, practice.sam)
    client.get(DASHBOARD, {"group_by": "diagnosis"})
    client.get(CSV_URL)
    client.get(CHART)
    formats = list(
        AuditEvent.objects.filter(action="outcomes.report", actor=practice.sam).values_list(
            "detail__format", flat=True
        )
    )
    assert sorted(formats) == ["chart", "csv", "page"]


def test_drill_down_lists_only_clients_the_supervisor_may_see(client, practice):
    grant(practice.sam)
    key = practice.alice.public_id
    page = login(client, practice.sam).get(GROUP, {"group_by": "clinician", "key": key})
    assert page.status_code == 200
    assert len(page.context["rows"]) == 6
    frank = login(client, practice.sam).get(
        GROUP, {"group_by": "clinician", "key": practice.frank.public_id}
    )
    # Sam does not supervise Frank: none of his clients is within reach.
    assert frank.context["rows"] == []
    reads = AuditEvent.objects.filter(action="client.outcomes", actor=practice.sam).count()
    assert reads == 6
    assert AuditEvent.objects.filter(action="outcomes.drilldown").count() == 2


def test_an_admin_drills_down_to_no_client(client, practice):
    grant(practice.erin)
    page = login(client, practice.erin).get(
        GROUP, {"group_by": "clinician", "key": practice.alice.public_id}
    )
    assert page.status_code == 200
    assert page.context["rows"] == []
    assert "Outcome 0" not in page.content.decode()


def test_a_group_that_is_not_answers_404(client, practice):
    grant(practice.sam)
    login(client, practice.sam)
    assert client.get(GROUP, {"group_by": "clinician", "key": "nobody"}).status_code == 404
    assert client.get(GROUP, {"group_by": "period", "key": "soon"}).status_code == 404
    assert client.get(GROUP, {"group_by": "clinician"}).status_code == 400


def test_refresh_queues_the_task_and_the_worker_rebuilds(client, practice, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    grant(practice.sam)
    Case.objects.all().delete()
    response = login(client, practice.sam).post(REFRESH)
    assert response.status_code == 302
    task = DBTaskResult.objects.get(task_path__endswith="refresh_outcomes")
    assert task.args_kwargs["args"] == [practice.org.public_id]
    assert AuditEvent.objects.filter(action="outcomes.refresh_request").exists()
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    # The worker recycles connections between tasks; inside a test's transaction, keep it.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert Case.objects.filter(organization=practice.org).count() == 9


def test_the_permission_is_granted_to_supervisors_and_admins_only(personas):
    from django.core.management import CommandError, call_command

    call_command("grant_outcomes", personas.sam.email, stdout=io.StringIO())
    assert personas.sam.has_perm("outcomes.view_practice_outcomes")
    assert AuditEvent.objects.filter(action="outcomes.permission_grant").count() == 1
    with pytest.raises(CommandError, match="supervisor or a practice admin"):
        call_command("grant_outcomes", personas.alice.email)
    with pytest.raises(CommandError, match="email"):
        call_command("grant_outcomes", "nobody@example.org")


def test_grouped_by_programme_with_its_drill_down(client, practice):
    from milepost.clients import services as clients

    programme = clients.programme_create(actor=practice.sam, name="Adult anxiety clinic")
    for c in Client.objects.filter(family_name__startswith="Outcome"):
        clients.client_programme_set(actor=practice.alice, client=c, programme=programme)
    outcomes_refresh(organization=practice.org)
    grant(practice.sam)
    login(client, practice.sam)
    report = client.get(DASHBOARD, {"group_by": "programme"}).context["report"]
    rows = {r.label: r for r in report.rows}
    assert rows["Adult anxiety clinic"].cases == 6
    assert rows["No programme"].cases is None  # Frank's three: too few to show
    assert report.total.cases == 9
    response = client.get(CSV_URL, {"group_by": "programme"})
    by_group = {r[0]: r for r in csv.reader(io.StringIO(response.content.decode()))}
    assert by_group["Adult anxiety clinic"][1] == "6"
    assert by_group["No programme"][1] == "suppressed"
    drill = client.get(GROUP, {"group_by": "programme", "key": programme.public_id})
    assert len(drill.context["rows"]) == 6
    # Frank's clients, in no programme, are not Sam's to see.
    assert client.get(GROUP, {"group_by": "programme", "key": "-"}).context["rows"] == []
    assert client.get(GROUP, {"group_by": "programme", "key": "nope"}).status_code == 404

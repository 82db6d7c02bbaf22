from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from milepost.accounts.models import Organization, User
from milepost.audit.services import audit_verify
from milepost.cli import main
from milepost.clients.models import Client, Coverage
from milepost.demo import data
from milepost.domain import demographics


@pytest.fixture(scope="module", autouse=True)
def _demo_loaded_once(module_world):
    """The demo practice, loaded once per module and worker inside the module's transaction
    (tests/conftest.py, module_world); each test reads it in a savepoint of its own. The
    tests that load it again check that a second load adds nothing."""
    data.load()


@pytest.mark.django_db
class DemoDataTests:
    def test_it_loads_the_practice_staff_and_four_clients(self):
        organization = Organization.objects.get(name=data.ORGANIZATION_NAME)
        current = Client.objects.filter(organization=organization).exclude(status="discharged")
        assert current.count() == 4
        roles = {u.email.split("@")[0]: u.membership.role for u in User.objects.all()}
        assert roles == {
            "alice": "clinician",
            "bob": "clinician",
            "sam": "supervisor",
            "erin": "admin",
            "dana": "client",
            "frank": "clinician",
        }

    def test_payers_find_demographics_coverage_npis_and_the_practice_details(self):
        organization = Organization.objects.get(name=data.ORGANIZATION_NAME)
        assert (organization.tax_id, organization.time_zone) == ("12-3456789", "America/New_York")
        # The discharged past clients (demo/outcomes.py) are there for the outcomes only.
        for client in Client.objects.filter(organization=organization).exclude(status="discharged"):
            assert client.sex in {"female", "male"}
            assert client.postal_code
            assert Coverage.objects.get(client=client).member_id
        for key in ("alice", "bob", "sam"):
            user = User.objects.get(email=f"{key}@{data.DOMAIN}")
            assert demographics.npi_problem(user.npi) is None
            assert user.license_state == "NY"
            assert user.license_number

    def test_frank_is_invited_and_nobody_knows_a_password_for_him(self):
        from milepost.invites.models import StaffInvitation

        frank = User.objects.get(email="frank@demo.milepost.test")
        assert not frank.has_usable_password()
        invitation = StaffInvitation.objects.get(user=frank)
        assert invitation.accepted_at is None

    def test_loading_twice_changes_nothing(self):
        counts = (User.objects.count(), Client.objects.count())
        data.load()
        assert (User.objects.count(), Client.objects.count()) == counts

    def test_the_audit_chain_is_intact_afterwards(self):
        data.load()
        result = audit_verify()
        assert result.ok
        assert result.checked > 10

    def test_the_printed_login_reaches_alices_caseload(self, client):
        call_command("demo")
        _role, email, password = data.demo_logins()[0]
        assert email.startswith("alice@")
        response = client.post(
            reverse("login"), {"username": email, "password": password}, follow=True
        )
        assert response.redirect_chain[-1][0] == reverse("reports:caseload")
        for name in (b"Whitfield", b"Hale", b"Okafor"):
            assert name in response.content
        # Priya is bob's client only; alice does not see her.
        assert b"Natarajan" not in response.content

    def test_the_supervisor_sees_every_demo_client(self, client):
        sam = User.objects.get(email=f"sam@{data.DOMAIN}")
        client.force_login(sam)
        response = client.get(reverse("reports:caseload"))
        for name in (b"Whitfield", b"Hale", b"Natarajan", b"Okafor"):
            assert name in response.content

    def test_sam_and_erin_see_the_outcomes_with_alices_figures(self, client):
        for key in ("sam", "erin"):
            client.force_login(User.objects.get(email=f"{key}@{data.DOMAIN}"))
            response = client.get(reverse("outcomes:dashboard"))
            assert response.status_code == 200
            alice = next(r for r in response.context["report"].rows if r.label.startswith("Alice"))
            assert alice.cases >= 14  # seven past clients on two instruments, and more
            assert alice.recovery is not None
            assert alice.reliable_deterioration is not None
            assert b"Brightwater" not in response.content

    def test_the_past_clients_plans_give_goals_met_and_reviews_on_time(self, client):
        """Each of the twelve past clients had a signed plan with a PHQ-9 target (9 or
        below) and, but for Dev and Kai, a review on time (demo/outcomes.py)."""
        client.force_login(User.objects.get(email=f"sam@{data.DOMAIN}"))
        rows = {
            r.label.split(",")[0]: r
            for r in client.get(reverse("outcomes:dashboard")).context["report"].rows
        }
        # Last PHQ-9s of 9 or below: Ana, Ben, Cleo, Finn of Alice's seven; Hugo, Jude, Lena
        # of Bob's five.
        assert rows["Alice Moreno"].goal_attainment == pytest.approx(100 * 4 / 7)
        assert rows["Bob Lindqvist"].goal_attainment == pytest.approx(60)
        # Alice's eight reviews due: her seven past clients' and Tom's, overdue (demo/versions).
        assert rows["Alice Moreno"].review_timeliness == pytest.approx(75)
        assert rows["Bob Lindqvist"].review_timeliness == pytest.approx(80)

    def test_sam_and_erin_see_the_outcomes_by_programme(self, client):
        from milepost.clients.models import Programme

        data.load()
        assert Programme.objects.count() == 4  # loading twice adds none
        for key in ("sam", "erin"):
            client.force_login(User.objects.get(email=f"{key}@{data.DOMAIN}"))
            response = client.get(reverse("outcomes:dashboard"), {"group_by": "programme"})
            rows = {r.label: r for r in response.context["report"].rows}
            for name in ("Adult anxiety clinic", "Depression pathway"):
                assert rows[name].cases >= 10
                assert rows[name].recovery is not None
            assert rows["Couples service"].cases is None  # one past client: too few to show
        dana = Client.objects.get(given_name="Dana", family_name="Whitfield")
        assert dana.programme is not None
        assert dana.programme.name == "Depression pathway"

    def test_the_cli_loads_it_and_prints_the_logins(self, capsys):
        assert main(["demo"]) == 0
        out = capsys.readouterr().out
        assert "alice@demo.milepost.test" in out
        assert "erin@demo.milepost.test" in out

    def test_the_demo_admin_holds_no_custodian_grant_and_exports_no_clinical_text(self, client):
        """README: Erin never sees a clinical record. She is the demo's only admin, so she
        may grant herself the records-custodian role to try the clinical archive (decision
        0606); until then the practice export holds no client and no clinical text."""
        import io
        import zipfile

        from milepost.accounts.custodian import self_grant_allowed

        erin = User.objects.get(email=f"erin@{data.DOMAIN}")
        assert not erin.membership.is_custodian
        assert self_grant_allowed(erin)
        client.force_login(erin)
        response = client.post(
            reverse("portability:clinical_archive"), {"password": settings.DEMO_PASSWORD}
        )
        assert response.status_code == 403
        response = client.post(reverse("portability:archive"), {"password": settings.DEMO_PASSWORD})
        assert response["Content-Type"] == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        everything = b"".join(archive.read(n) for n in archive.namelist())
        for name in (b"Whitfield", b"Hale", b"Natarajan", b"Okafor", b"Dana"):
            assert name not in everything
        for c in Client.objects.all():
            assert c.public_id.encode() not in everything

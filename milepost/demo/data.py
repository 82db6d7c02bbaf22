"""The demo practice: four staff and four clients modelled on the seed documents' examples.

Loading is idempotent: people are found by email and clients by their demo key, so
running it twice changes nothing. Everything is written through the services, so the
demo data has a complete audit trail like real data. Later features extend `load`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from milepost.accounts import services as accounts
from milepost.accounts.models import Organization, Role, User
from milepost.accounts.services import practice_profile_set
from milepost.clients import services as clients
from milepost.clients.models import Client, Coverage
from milepost.demo.directory import load_directory
from milepost.demo.fhir_import import load_fhir_import
from milepost.demo.history import load_history
from milepost.demo.invites import load_invites, load_staff_invite
from milepost.demo.notes import load_notes
from milepost.demo.outcomes import load_outcomes
from milepost.demo.plans import load_plans
from milepost.demo.portal_plans import load_portal_plans
from milepost.demo.portal_questionnaires import load_portal_questionnaires
from milepost.demo.smart_apps import load_smart_app
from milepost.demo.versions import load_versions

ORGANIZATION_NAME = "Riverside Counseling (demo)"
PAYER_PROFILE = "medicaid-90"
DOMAIN = "demo.milepost.test"


@dataclass(frozen=True)
class DemoPerson:
    key: str
    full_name: str
    role: Role
    credentials: str = ""
    # NPI (valid check digit; made up, not a real provider's) and state licence.
    npi: str = ""
    license: tuple[str, str, str] = ("", "", "")  # state, type, number

    @property
    def email(self) -> str:
        return f"{self.key}@{DOMAIN}"


STAFF = (
    DemoPerson(
        "alice", "Alice Moreno", Role.CLINICIAN, "LCSW", "1578902342", ("NY", "LCSW", "087452")
    ),
    DemoPerson(
        "bob", "Bob Lindqvist", Role.CLINICIAN, "LMHC", "1654321094", ("NY", "LMHC", "004213")
    ),
    DemoPerson(
        "sam",
        "Sam Okonkwo",
        Role.SUPERVISOR,
        "PhD, Licensed Psychologist",
        "1482736455",
        ("NY", "Psychologist", "019876"),
    ),
    DemoPerson("erin", "Erin Walsh", Role.ADMIN),
)

# What payers need of the practice (docs/decisions/0802). The EIN is made up.
PRACTICE_DETAILS = {
    "address_line": "200 Lark Street, Suite 3",
    "city": "Albany",
    "state": "NY",
    "postal_code": "12210",
    "phone": "(518) 555-0100",
    "tax_id": "12-3456789",
    "time_zone": "America/New_York",
}


@dataclass(frozen=True)
class DemoClient:
    """A client modelled on one of the seed examples; `team` lists staff keys, primary first."""

    given_name: str
    family_name: str
    date_of_birth: dt.date
    pronouns: str
    referral_reason: str
    team: tuple[str, ...]
    portal_key: str | None = None
    # Sex for insurance (FHIR administrative-gender), gender identity, phone and address.
    demographics: tuple[tuple[str, str], ...] = ()
    # The insurance coverage (member ids are made up); subscribers other than the client.
    coverage: tuple[tuple[str, str], ...] = ()


CLIENTS = (
    DemoClient(
        "Dana",
        "Whitfield",
        dt.date(1989, 3, 14),
        "she/her",
        "Low mood and withdrawal since a job loss last spring; spends much of the day in bed; "
        "PHQ-9 of 18 at intake (depression example from the seed guide).",
        ("alice",),
        portal_key="dana",
        demographics=(
            ("sex", "female"),
            ("gender_identity", "Woman"),
            ("phone", "(518) 555-0131"),
            ("address_line", "14 Dove Street"),
            ("city", "Albany"),
            ("state", "NY"),
            ("postal_code", "12210"),
        ),
        coverage=(
            ("payer", "Aetna"),
            ("plan_name", "Choice POS II"),
            ("member_id", "W184226731"),
            ("group_id", "0865421"),
            ("relationship", "self"),
        ),
    ),
    DemoClient(
        "Marcus",
        "Hale",
        dt.date(1994, 8, 2),
        "he/him",
        "Panic attacks about three times a week; has stopped grocery shopping alone "
        "(panic with agoraphobia example).",
        ("alice", "bob"),
        demographics=(
            ("sex", "male"),
            ("gender_identity", "Man"),
            ("phone", "(518) 555-0178"),
            ("address_line", "9 Quail Street, Apt 2"),
            ("city", "Albany"),
            ("state", "NY"),
            ("postal_code", "12206"),
        ),
        coverage=(
            ("payer", "Empire BlueCross BlueShield"),
            ("plan_name", "HealthPlus PPO"),
            ("member_id", "YLH773920184"),
            ("group_id", "200145"),
            ("relationship", "spouse"),
            ("subscriber_name", "Jordan Hale"),
        ),
    ),
    DemoClient(
        "Priya",
        "Natarajan",
        dt.date(1981, 11, 27),
        "she/her",
        "Nightmares and avoidance of highway driving after a collision; PCL-5 of 52 at intake "
        "(trauma example).",
        ("bob",),
        demographics=(
            ("sex", "female"),
            ("phone", "(518) 555-0152"),
            ("address_line", "31 Western Avenue"),
            ("city", "Albany"),
            ("state", "NY"),
            ("postal_code", "12203"),
        ),
        coverage=(
            ("payer", "Fidelis Care"),
            ("plan_name", "Medicaid Managed Care"),
            ("member_id", "FC5519023"),
            ("relationship", "self"),
        ),
    ),
    DemoClient(
        "Tom",
        "Okafor",
        dt.date(2001, 5, 9),
        "they/them",
        "Feels uncomfortable in groups and avoids social gatherings; wants to feel at ease "
        "with friends and at work (social anxiety example).",
        ("alice",),
        demographics=(
            ("sex", "male"),
            ("gender_identity", "Non-binary"),
            ("phone", "(518) 555-0119"),
            ("address_line", "5 Madison Place"),
            ("city", "Albany"),
            ("state", "NY"),
            ("postal_code", "12202"),
        ),
        coverage=(
            ("payer", "UnitedHealthcare"),
            ("plan_name", "Choice Plus"),
            ("member_id", "948201775"),
            ("group_id", "717350"),
            ("relationship", "child"),
            ("subscriber_name", "Grace Okafor"),
        ),
    ),
)


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, email, password) for the printed demo logins."""
    password = settings.DEMO_PASSWORD
    rows = [(p.role.label, p.email, password) for p in STAFF]
    rows.append(("Client (portal)", f"dana@{DOMAIN}", password))
    return rows


def _person(organization: Organization, person: DemoPerson) -> User:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = accounts.user_create(
            actor=None,
            organization=organization,
            email=person.email,
            full_name=person.full_name,
            role=person.role,
            password=settings.DEMO_PASSWORD,
            credentials=person.credentials,
        )
    if person.npi and not user.npi:
        state, kind, number = person.license
        accounts.user_update(
            actor=None,
            user=user,
            full_name=user.full_name,
            credentials=user.credentials,
            role=person.role,
            is_active=True,
            npi=person.npi,
            license_state=state,
            license_type=kind,
            license_number=number,
        )
    return user


@transaction.atomic
def load() -> Organization:
    organization = Organization.objects.filter(name=ORGANIZATION_NAME).first()
    if organization is None:
        organization = accounts.organization_create(name=ORGANIZATION_NAME)
    # A Medicaid practice: the compliance report then shows Tom's late review (PL-14).
    practice_profile_set(actor=None, organization=organization, payer_profile=PAYER_PROFILE)
    # Demo logins stay password-only; two-factor sign-in is there to try, not required.
    accounts.practice_mfa_set(actor=None, organization=organization, mfa_required=False)
    accounts.practice_details_set(actor=None, organization=organization, **PRACTICE_DETAILS)
    staff = {p.key: _person(organization, p) for p in STAFF}
    for clinician in ("alice", "bob"):
        if not staff["sam"].supervisees.filter(clinician=staff[clinician]).exists():
            accounts.supervision_add(
                actor=None, supervisor=staff["sam"], clinician=staff[clinician]
            )

    for spec in CLIENTS:
        client = Client.objects.filter(
            organization=organization, given_name=spec.given_name, family_name=spec.family_name
        ).first()
        if client is None:
            primary = staff[spec.team[0]]
            client = clients.client_create(
                actor=primary,
                given_name=spec.given_name,
                family_name=spec.family_name,
                date_of_birth=spec.date_of_birth,
                pronouns=spec.pronouns,
                email=f"{spec.given_name.lower()}.client@{DOMAIN}",
                referral_reason=spec.referral_reason,
                **dict(spec.demographics),
            )
            for key in spec.team[1:]:
                clients.care_team_add(actor=primary, client=client, clinician=staff[key])
        if spec.coverage and not Coverage.objects.filter(client=client).exists():
            clients.coverage_set(actor=staff[spec.team[0]], client=client, **dict(spec.coverage))
        if spec.portal_key and client.portal_user_id is None:
            portal_user = _person(
                organization,
                DemoPerson(spec.portal_key, f"{spec.given_name} {spec.family_name}", Role.CLIENT),
            )
            clients.client_portal_link(
                actor=staff[spec.team[0]], client=client, portal_user=portal_user
            )
        load_history(client, staff[spec.team[0]])
        load_plans(client, staff[spec.team[0]])
        load_versions(client, staff[spec.team[0]], staff["sam"])
        load_notes(client, staff[spec.team[0]])
        load_portal_questionnaires(client, staff[spec.team[0]])
        load_portal_plans(client, staff[spec.team[0]])
        if spec.given_name == "Tom":
            load_fhir_import(client, staff[spec.team[0]])
    load_invites(organization, staff["alice"])
    load_staff_invite(organization, staff["erin"])
    load_smart_app(staff["erin"])
    load_outcomes(organization, staff)
    load_directory(organization, staff)
    return organization

"""Use cases of the public directory. Each checks the actor, validates, writes in one
transaction and records an audit event.

- A practice admin turns the practice's listing on or off and keeps its payer list.
- A clinician (or supervisor) writes their own listing, licences and room; nobody else
  edits it.
- Anyone may send a referral ("Contact this therapist"); only the clinician it names
  accepts or declines it. Accepting creates the client, files the person's own words as
  their first goal proposal and sends the portal invitation, all or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from milepost.accounts.access import require_membership
from milepost.accounts.models import Organization, Role, User
from milepost.audit.services import audit_record
from milepost.clients import services as clients
from milepost.clients.models import Client
from milepost.directory.models import (
    DirectoryPractice,
    Facet,
    FacetKind,
    Licence,
    Payer,
    Profile,
    Referral,
    ReferralStatus,
    SearchRow,
)
from milepost.domain import demographics
from milepost.domain.directory import geo
from milepost.domain.directory.rules import rules
from milepost.invites import services as invites
from milepost.lib.models import apply_changes
from milepost.lib.validation import clean_text, raise_errors
from milepost.portal import services as portal

STATEMENT_MAX = 1500
MESSAGE_MAX = 2000
NAME_MAX = 150
CONTACT_MAX = 200
MAX_CAPACITY = 200
MAX_FEE = 2000
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
PHOTO_SIDE = 400
# One address may send this many referrals an hour; one contact one a day per therapist.
SENDER_LIMIT_PER_HOUR = 5
REPEAT_WINDOW = dt.timedelta(days=1)


def _clinician(actor: User) -> None:
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)


def _admin(actor: User) -> Organization:
    return require_membership(actor, Role.ADMIN).organization


def _audit(
    action: str, actor: User | None, organization: Organization, obj: Any, **detail: Any
) -> None:
    audit_record(
        action=action,
        actor=actor,
        organization=organization,
        object_type=type(obj)._meta.model_name or "",
        object_id=getattr(obj, "public_id", "") or str(obj.pk),
        detail=detail or None,
    )


# --------------------------------------------------------------------------- search rows

# The listing's columns a search row copies (decision 1210).
_ROW_FIELDS = (
    "id",
    "clinician_id",
    "public_id",
    "display_name",
    "in_person",
    "telehealth",
    "office_lat",
    "office_lon",
    "fee_min",
    "sliding_scale",
    "capacity",
    "next_opening",
    "confirmed_at",
    "facet_keys",
    "search_text",
)


# A listing column the row names otherwise (its own public id it has none of).
_ROW_NAMES = {"public_id": "listing_public_id"}


def _search_rows(profiles: list[dict[str, Any]]) -> list[SearchRow]:
    expiry: dict[int, dict[str, dt.date]] = {}
    for row in (
        Licence.objects.filter(profile_id__in=[p["id"] for p in profiles])
        .values("profile_id", "state")
        .annotate(last=Max("expires_on"))
    ):
        expiry.setdefault(row["profile_id"], {})[row["state"]] = row["last"]
    return [
        SearchRow(
            profile_id=p["id"],
            state=state,
            expires_on=last,
            **{_ROW_NAMES.get(k, k): v for k, v in p.items() if k != "id"},
        )
        for p in profiles
        for state, last in sorted(expiry.get(p["id"], {}).items())
    ]


def _shown() -> Any:
    return Profile.objects.filter(listed=True, organization__directory__listed=True)


@transaction.atomic
def search_rows_sync(profile: Profile) -> None:
    """Rewrite the listing's search rows from its profile, licences and practice. Every
    service that changes one of those calls it; so does anything that writes a listing's
    columns directly (the demo's history). Not shown, no rows."""
    SearchRow.objects.filter(profile_id=profile.pk).delete()
    SearchRow.objects.bulk_create(
        _search_rows(list(_shown().filter(pk=profile.pk).values(*_ROW_FIELDS)))
    )


def search_rows_rebuild(*, batch: int = 5000) -> int:
    """Every listing's search rows anew (the benchmark's bulk-made directory); returns how
    many rows were written."""
    written = 0
    with transaction.atomic():
        SearchRow.objects.all().delete()
        ids = list(_shown().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            profiles = list(Profile.objects.filter(pk__in=chunk).values(*_ROW_FIELDS))
            written += len(SearchRow.objects.bulk_create(_search_rows(profiles), batch_size=batch))
    return written


# --------------------------------------------------------------------------- the practice


@transaction.atomic
def practice_listing_set(*, actor: User, listed: bool) -> DirectoryPractice:
    organization = _admin(actor)
    practice, _ = DirectoryPractice.objects.select_for_update().get_or_create(
        organization=organization
    )
    if practice.listed != bool(listed):
        practice.listed = bool(listed)
        practice.changed_at = timezone.now()
        practice.save(update_fields=["listed", "changed_at"])
        for profile in Profile.objects.filter(organization=organization):
            search_rows_sync(profile)
        _audit("directory.practice_listed", actor, organization, practice, listed=practice.listed)
    return practice


@transaction.atomic
def practice_outcome_matching_set(*, actor: User, use: bool) -> DirectoryPractice:
    """Whether the practice's intake ranks clinicians for a referral by their measured
    outcomes too (decision 1220): the practice admin's choice, off by default, audited."""
    organization = _admin(actor)
    practice, _ = DirectoryPractice.objects.select_for_update().get_or_create(
        organization=organization
    )
    if practice.outcome_matching != bool(use):
        practice.outcome_matching = bool(use)
        practice.save(update_fields=["outcome_matching"])
        _audit(
            "directory.outcome_matching",
            actor,
            organization,
            practice,
            use=practice.outcome_matching,
        )
    return practice


@transaction.atomic
def payer_add(*, actor: User, name: object) -> Payer:
    organization = _admin(actor)
    errors: dict[str, str] = {}
    text = " ".join(clean_text(errors, "name", name, required=True, max_length=100).split())
    raise_errors(errors)
    if Payer.objects.filter(organization=organization, name__iexact=text).exists():
        raise ValidationError({"name": f"{text} is already on the practice's list."})
    payer = Payer.objects.create(organization=organization, name=text)
    _audit("directory.payer_add", actor, organization, payer)
    return payer


@transaction.atomic
def payer_remove(*, actor: User, payer: Payer) -> None:
    organization = _admin(actor)
    if payer.organization_id != organization.pk:
        raise PermissionDenied
    held = Facet.objects.filter(
        profile__organization=organization, kind=FacetKind.PAYER, value=payer.name
    )
    profiles = list(Profile.objects.filter(pk__in=held.values("profile_id")))
    held.delete()
    for profile in profiles:  # their facet keys and text no longer name the payer
        facets = _facets_of(profile)
        profile.search_text = _search_text(profile, facets)
        profile.facet_keys = facet_keys(facets)
        profile.save(update_fields=["search_text", "facet_keys"])
        search_rows_sync(profile)
    _audit("directory.payer_remove", actor, organization, payer)
    payer.delete()


# --------------------------------------------------------------------------- the listing


@transaction.atomic
def profile_ensure(*, actor: User) -> Profile:
    """The actor's own listing, started (unlisted) from their account if they have none.
    The other services call it inside their own transaction, so a refused change starts
    no listing either."""
    _clinician(actor)
    profile = Profile.objects.select_for_update().filter(clinician=actor).first()
    if profile is None:
        profile = Profile.objects.create(
            organization=actor.membership.organization,
            clinician=actor,
            display_name=actor.full_name,
            credentials=actor.credentials,
        )
        _audit("directory.profile_create", actor, profile.organization, profile)
    return profile


def _choices(
    errors: dict[str, str], field: str, values: Iterable[object], allowed: Iterable[str]
) -> list[str]:
    known = set(allowed)
    chosen = [str(v) for v in values]
    unknown = [v for v in chosen if v not in known]
    if unknown:
        errors[field] = f"Choose from the list ({unknown[0][:40]!r} is not on it)."
    return sorted(set(chosen) & known)


def facet_keys(facets: dict[FacetKind, list[str]]) -> str:
    return "".join(f"|{kind}:{value}|" for kind, values in facets.items() for value in values)


def _facets_of(profile: Profile) -> dict[FacetKind, list[str]]:
    found: dict[FacetKind, list[str]] = {kind: [] for kind in FacetKind}
    for kind, value in profile.facets.order_by("kind", "value").values_list("kind", "value"):
        found[FacetKind(kind)].append(value)
    return found


def _search_text(profile: Profile, facets: dict[FacetKind, list[str]]) -> str:
    labels = {
        FacetKind.MODALITY: rules().modalities,
        FacetKind.LANGUAGE: rules().languages,
        FacetKind.AGE: rules().age_groups,
        FacetKind.POPULATION: rules().populations,
    }
    words = [profile.display_name, profile.credentials, profile.statement]
    for kind, values in facets.items():
        table = labels.get(kind, {})
        words += [table.get(v, v) for v in values]
    return "\n".join(w for w in words if w)


@transaction.atomic
def profile_update(
    *,
    actor: User,
    listed: bool,
    display_name: object,
    credentials: object = "",
    pronouns: object = "",
    statement: object = "",
    fee_min: int | None = None,
    fee_max: int | None = None,
    sliding_scale: bool = False,
    in_person: bool = False,
    telehealth: bool = False,
    office_line: object = "",
    office_city: object = "",
    office_zip: object = "",
    focus_areas: Iterable[object] = (),
    modalities: Iterable[object] = (),
    languages: Iterable[object] = (),
    age_groups: Iterable[object] = (),
    populations: Iterable[object] = (),
    payers: Iterable[object] = (),
) -> Profile:
    """Save the clinician's own listing; every field's problem is named at once."""
    profile = profile_ensure(actor=actor)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "listed": bool(listed),
        "display_name": clean_text(
            errors, "display_name", display_name, required=True, max_length=NAME_MAX
        ),
        "credentials": clean_text(errors, "credentials", credentials, max_length=100),
        "pronouns": clean_text(errors, "pronouns", pronouns, max_length=40),
        "statement": clean_text(errors, "statement", statement, max_length=STATEMENT_MAX),
        "sliding_scale": bool(sliding_scale),
        "in_person": bool(in_person),
        "telehealth": bool(telehealth),
        "office_line": clean_text(errors, "office_line", office_line, max_length=200),
        "office_city": clean_text(errors, "office_city", office_city, max_length=100),
        "office_zip": clean_text(errors, "office_zip", office_zip, max_length=10),
        "fee_min": fee_min,
        "fee_max": fee_max,
    }
    for field in ("fee_min", "fee_max"):
        fee = values[field]
        if fee is not None and not (0 <= fee <= MAX_FEE):
            errors[field] = f"Enter a fee between 0 and {MAX_FEE} dollars."
    if fee_min is not None and fee_max is not None and fee_min > fee_max:
        errors["fee_max"] = "The highest fee cannot be below the lowest."
    place = None
    if values["office_zip"] and "office_zip" not in errors:
        problem = geo.zip_problem(values["office_zip"])
        if problem:
            errors["office_zip"] = problem
        else:
            place = geo.place(values["office_zip"])
    if values["in_person"] and not values["office_zip"] and "office_zip" not in errors:
        errors["office_zip"] = "In-person sessions need the office's ZIP code."
    if values["listed"] and not (values["in_person"] or values["telehealth"]):
        errors["telehealth"] = "A listing offers in-person sessions, telehealth or both."
    practice_payers = set(
        Payer.objects.filter(organization=profile.organization).values_list("name", flat=True)
    )
    facets = {
        FacetKind.FOCUS: _choices(errors, "focus_areas", focus_areas, rules().focus_areas),
        FacetKind.MODALITY: _choices(errors, "modalities", modalities, rules().modalities),
        FacetKind.LANGUAGE: _choices(errors, "languages", languages, rules().languages),
        FacetKind.AGE: _choices(errors, "age_groups", age_groups, rules().age_groups),
        FacetKind.POPULATION: _choices(errors, "populations", populations, rules().populations),
        FacetKind.PAYER: _choices(errors, "payers", payers, practice_payers),
    }
    raise_errors(errors)
    if place is not None:
        values.update(
            office_zip=place.zip_code,
            office_state=place.state,
            office_lat=place.lat,
            office_lon=place.lon,
        )
    else:
        values.update(office_state="", office_lat=None, office_lon=None)
    changed = apply_changes(profile, values)
    profile.search_text = _search_text(profile, facets)
    profile.facet_keys = facet_keys(facets)
    profile.updated_at = timezone.now()
    profile.save()
    before = {(f.kind, f.value) for f in profile.facets.all()}
    after = {(kind, value) for kind, chosen in facets.items() for value in chosen}
    if before != after:
        profile.facets.all().delete()
        Facet.objects.bulk_create(
            Facet(profile=profile, kind=kind, value=value) for kind, value in sorted(after)
        )
        changed.append("facets")
    search_rows_sync(profile)
    _audit("directory.profile_update", actor, profile.organization, profile, fields=changed)
    return profile


def _photo_bytes(upload: Any) -> bytes:
    """A square-bounded JPEG without EXIF or other metadata, or ValidationError."""
    size = getattr(upload, "size", None)
    if size is None or size > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": "Choose a photo under 5 MB."})
    try:
        with Image.open(upload) as image:
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise ValidationError({"photo": "The photo has too many pixels."})
            if image.format not in ("JPEG", "PNG", "WEBP"):
                raise ValidationError({"photo": "Choose a JPEG, PNG or WebP photo."})
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError({"photo": "This file is not a photo we can read."}) from None
    upright.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
    # A new image from the pixels alone: no EXIF, GPS, ICC or comments survive.
    clean = Image.new("RGB", upright.size)
    clean.paste(upright)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


@transaction.atomic
def profile_photo_set(*, actor: User, upload: Any) -> Profile:
    _clinician(actor)
    photo = _photo_bytes(upload)
    profile = profile_ensure(actor=actor)
    profile.photo = photo
    profile.updated_at = timezone.now()
    profile.save(update_fields=["photo", "updated_at"])
    _audit("directory.photo_set", actor, profile.organization, profile)
    return profile


@transaction.atomic
def profile_photo_remove(*, actor: User) -> Profile:
    profile = profile_ensure(actor=actor)
    profile.photo = None
    profile.save(update_fields=["photo"])
    _audit("directory.photo_remove", actor, profile.organization, profile)
    return profile


@transaction.atomic
def licence_add(
    *,
    actor: User,
    state: object,
    kind: object,
    number: object,
    expires_on: object,
) -> Licence:
    _clinician(actor)
    errors: dict[str, str] = {}
    code = clean_text(errors, "state", state, required=True, max_length=2).upper()
    if code and "state" not in errors and (problem := demographics.state_problem(code)):
        errors["state"] = problem
    kind_text = clean_text(errors, "kind", kind, required=True, max_length=40)
    number_text = clean_text(errors, "number", number, required=True, max_length=40)
    if not isinstance(expires_on, dt.date):
        errors["expires_on"] = "Enter the date the licence expires."
    elif expires_on < timezone.localdate():
        errors["expires_on"] = "This licence has expired: enter the renewed one."
    raise_errors(errors)
    assert isinstance(expires_on, dt.date)
    profile = profile_ensure(actor=actor)
    licence = Licence.objects.create(
        profile=profile, state=code, kind=kind_text, number=number_text, expires_on=expires_on
    )
    search_rows_sync(profile)
    _audit("directory.licence_add", actor, profile.organization, licence, state=code)
    return licence


@transaction.atomic
def licence_remove(*, actor: User, licence: Licence) -> None:
    _clinician(actor)
    if licence.profile.clinician_id != actor.pk:
        raise PermissionDenied
    _audit("directory.licence_remove", actor, licence.profile.organization, licence)
    licence.delete()
    search_rows_sync(licence.profile)


@transaction.atomic
def availability_confirm(*, actor: User, capacity: object, next_opening: object) -> Profile:
    """The clinician confirms their room: the capacity they can carry and their next opening.
    The date of this confirmation is what the listing shows and what keeps it listed."""
    _clinician(actor)
    errors: dict[str, str] = {}
    if not isinstance(capacity, int) or isinstance(capacity, bool):
        errors["capacity"] = "Enter how many clients you can see, as a whole number."
    elif not 0 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = f"Enter a number of clients from 0 to {MAX_CAPACITY}."
    if next_opening is not None and not isinstance(next_opening, dt.date):
        errors["next_opening"] = "Enter a date, or leave it empty."
    raise_errors(errors)
    assert isinstance(capacity, int)
    assert next_opening is None or isinstance(next_opening, dt.date)
    profile = profile_ensure(actor=actor)
    profile.capacity = capacity
    profile.next_opening = next_opening
    profile.confirmed_at = timezone.now()
    profile.save(update_fields=["capacity", "next_opening", "confirmed_at"])
    search_rows_sync(profile)
    _audit("directory.room_confirm", actor, profile.organization, profile, capacity=capacity)
    return profile


# --------------------------------------------------------------------------- referrals


def sender_key(address: str) -> str:
    """A keyed hash of the sender's network address: enough to count their referrals, not
    enough to recover the address."""
    key = str(settings.SECRET_KEY).encode("utf-8")
    return hmac.new(key, b"directory-sender:" + address.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def referral_create(
    *,
    profile: Profile,
    name: object,
    contact: object,
    message: object,
    consent: object,
    sender: str,
) -> Referral:
    """A person asks the clinician to contact them. Nothing is saved unless all is valid."""
    errors: dict[str, str] = {}
    name_text = clean_text(errors, "name", name, required=True, max_length=NAME_MAX)
    contact_text = clean_text(errors, "contact", contact, required=True, max_length=CONTACT_MAX)
    message_text = clean_text(errors, "message", message, max_length=MESSAGE_MAX)
    if consent is not True:
        errors["consent"] = "Tick the box so the therapist may contact you."
    raise_errors(errors)
    now = timezone.now()
    recent = Referral.objects.filter(sender_key=sender, created_at__gte=now - dt.timedelta(hours=1))
    if recent.count() >= SENDER_LIMIT_PER_HOUR:
        raise ValidationError(
            "You have sent several requests in the last hour. Please wait an hour and try again."
        )
    if Referral.objects.filter(
        profile=profile,
        contact__iexact=contact_text,
        created_at__gte=now - REPEAT_WINDOW,
    ).exists():
        raise ValidationError(
            {"contact": "This therapist already has your request from today; they will reply."}
        )
    referral = Referral.objects.create(
        organization=profile.organization,
        profile=profile,
        name=name_text,
        contact=contact_text,
        message=message_text,
        consent=True,
        sender_key=sender,
    )
    _audit("referral.create", None, profile.organization, referral)
    return referral


def _decidable(actor: User, referral: Referral) -> Referral:
    _clinician(actor)
    locked = Referral.objects.select_for_update().select_related("profile").get(pk=referral.pk)
    if locked.profile.clinician_id != actor.pk:
        raise PermissionDenied
    if locked.status != ReferralStatus.NEW:
        raise ValidationError(
            {"referral": f"This referral is already {locked.get_status_display().lower()}."}
        )
    return locked


@transaction.atomic
def referral_accept(
    *,
    actor: User,
    referral: Referral,
    given_name: object,
    family_name: object,
    date_of_birth: object,
    email: object,
    fallback_base_url: str,
) -> Client:
    """The clinician takes the person on: the client is created with the clinician as
    primary, the person's message becomes their first goal proposal in their own words, and
    the portal invitation goes to `email` (if given). Any failure, the e-mail's included,
    undoes it all."""
    referral = _decidable(actor, referral)
    if not isinstance(date_of_birth, dt.date):
        raise ValidationError({"date_of_birth": "Enter the date of birth."})
    client = clients.client_create(
        actor=actor,
        given_name=str(given_name),
        family_name=str(family_name),
        date_of_birth=date_of_birth,
        email=str(email or ""),
        referral_reason="Contacted through the practice's directory listing.",
    )
    if referral.message:
        portal.goal_proposal_from_referral(actor=actor, client=client, text=referral.message)
    if email:
        invites.invitation_send(
            actor=actor, client=client, email=str(email), fallback_base_url=fallback_base_url
        )
    referral.status = ReferralStatus.ACCEPTED
    referral.decided_by = actor
    referral.decided_at = timezone.now()
    referral.client = client
    referral.save(update_fields=["status", "decided_by", "decided_at", "client"])
    audit_record(
        action="referral.accept",
        actor=actor,
        organization=referral.organization,
        client=client,
        object_type="referral",
        object_id=referral.public_id,
    )
    return client


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral) -> Referral:
    referral = _decidable(actor, referral)
    referral.status = ReferralStatus.DECLINED
    referral.decided_by = actor
    referral.decided_at = timezone.now()
    referral.save(update_fields=["status", "decided_by", "decided_at"])
    _audit("referral.decline", actor, referral.organization, referral)
    return referral

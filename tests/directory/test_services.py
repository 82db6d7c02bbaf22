from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from milepost.audit.models import AuditEvent
from milepost.directory import selectors, services
from milepost.directory.models import DirectoryPractice, Facet, FacetKind, Profile, SearchRow
from tests.directory.helpers import in_a_year, listed

pytestmark = pytest.mark.django_db


def test_only_the_practice_admin_opts_the_practice_in(personas):
    with pytest.raises(PermissionDenied):
        services.practice_listing_set(actor=personas.alice, listed=True)
    services.practice_listing_set(actor=personas.erin, listed=True)
    assert DirectoryPractice.objects.get(organization=personas.org).listed
    assert AuditEvent.objects.filter(action="directory.practice_listed").exists()


def test_a_payer_is_on_the_list_once(personas):
    services.payer_add(actor=personas.erin, name="Aetna")
    with pytest.raises(ValidationError) as error:
        services.payer_add(actor=personas.erin, name=" aetna ")
    assert "name" in error.value.message_dict


def test_removing_a_payer_removes_it_from_every_listing(personas):
    made = listed(personas)
    payer = made.alice.organization.payers.get(name="Aetna")
    services.payer_remove(actor=personas.erin, payer=payer)
    assert not Facet.objects.filter(kind=FacetKind.PAYER, value="Aetna").exists()
    # The search's rows follow: the insurance filter no longer finds alice.
    made.alice.refresh_from_db()
    assert "Aetna" not in made.alice.facet_keys + made.alice.search_text
    assert not selectors.search(selectors.Search(state="NY", insurance="Aetna"))


def test_the_search_rows_follow_the_listing(personas):
    made = listed(personas)
    rows = SearchRow.objects.filter(profile=made.alice)
    assert sorted(rows.values_list("state", flat=True)) == ["NJ", "NY"]
    services.licence_remove(actor=personas.alice, licence=made.alice_ny)
    assert list(rows.values_list("state", flat=True)) == ["NJ"]
    services.availability_confirm(actor=personas.alice, capacity=7, next_opening=None)
    assert rows.get().capacity == 7
    services.profile_update(actor=personas.alice, listed=False, display_name="A", telehealth=True)
    assert not rows.exists()
    services.profile_update(actor=personas.alice, listed=True, display_name="A", telehealth=True)
    assert rows.get().display_name == "A"
    services.practice_listing_set(actor=personas.erin, listed=False)
    assert not SearchRow.objects.exists()
    services.practice_listing_set(actor=personas.erin, listed=True)
    assert SearchRow.objects.count() == 2  # alice in NJ, bob in NY
    assert services.search_rows_rebuild() == 2


def test_a_clinician_edits_only_their_own_listing(personas):
    made = listed(personas)
    services.profile_update(actor=personas.bob, listed=True, display_name="X", telehealth=True)
    made.alice.refresh_from_db()
    made.bob.refresh_from_db()
    assert (made.alice.display_name, made.bob.display_name) == ("Alice Example", "X")
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=personas.erin, listed=True, display_name="X")


def test_a_refused_change_starts_no_listing(personas):
    with pytest.raises(ValidationError):
        services.licence_add(
            actor=personas.frank, state="ZZ", kind="LPC", number="1", expires_on=in_a_year()
        )
    with pytest.raises(ValidationError):
        services.profile_update(actor=personas.frank, listed=True, display_name="")
    assert not Profile.objects.filter(clinician=personas.frank).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"focus_areas": ["astrology"]}, "focus_areas"),
        ({"modalities": ["hypnosis"]}, "modalities"),
        ({"payers": ["Not A Payer Of This Practice"]}, "payers"),
        ({"languages": ["xx"]}, "languages"),
        ({"in_person": True, "office_zip": ""}, "office_zip"),
        ({"in_person": True, "office_zip": "00000"}, "office_zip"),
        ({"telehealth": False, "in_person": False}, "telehealth"),
        ({"fee_min": 200, "fee_max": 100}, "fee_max"),
        ({"statement": "x" * 10_000}, "statement"),
        ({"display_name": "  "}, "display_name"),
    ],
)
def test_bad_listing_input_names_the_field_and_saves_nothing(personas, values, field):
    profile = services.profile_ensure(actor=personas.alice)
    before = profile.updated_at
    arguments = {"listed": True, "display_name": "Alice", "telehealth": True, **values}
    with pytest.raises(ValidationError) as error:
        services.profile_update(actor=personas.alice, **arguments)
    assert field in error.value.message_dict
    profile.refresh_from_db()
    assert profile.updated_at == before


def test_an_office_zip_places_the_office(personas):
    made = listed(personas)
    made.alice.refresh_from_db()
    assert made.alice.office_state == "NY"
    assert made.alice.office_lat == pytest.approx(40.7975)


@pytest.mark.parametrize(
    ("state", "expires", "field"),
    [
        ("ZZ", 10, "state"),
        ("NY", -1, "expires_on"),  # expired yesterday
        ("", 10, "state"),
    ],
)
def test_a_licence_must_be_real_and_current(personas, state, expires, field):
    services.profile_ensure(actor=personas.alice)
    with pytest.raises(ValidationError) as error:
        services.licence_add(
            actor=personas.alice,
            state=state,
            kind="LCSW",
            number="1",
            expires_on=timezone.localdate() + dt.timedelta(days=expires),
        )
    assert field in error.value.message_dict


def test_a_licence_expiring_today_is_accepted(personas):
    profile = services.profile_ensure(actor=personas.alice)
    services.licence_add(
        actor=personas.alice,
        state="ny",
        kind="LCSW",
        number="1",
        expires_on=timezone.localdate(),
    )
    assert profile.licences.get().state == "NY"


@pytest.mark.parametrize(("capacity", "ok"), [(0, True), (200, True), (201, False), (-1, False)])
def test_capacity_edges(personas, capacity, ok):
    profile = services.profile_ensure(actor=personas.alice)
    if ok:
        services.availability_confirm(actor=personas.alice, capacity=capacity, next_opening=None)
        profile.refresh_from_db()
        assert (profile.capacity, profile.confirmed_at is not None) == (capacity, True)
    else:
        with pytest.raises(ValidationError):
            services.availability_confirm(
                actor=personas.alice, capacity=capacity, next_opening=None
            )


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (1200, 800), "teal")
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    exif[0x8298] = "Copyright Someone"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"a comment")
    return out.getvalue()


def test_a_photo_is_resized_and_stripped_of_metadata(personas):
    profile = services.profile_ensure(actor=personas.alice)
    upload = SimpleUploadedFile("me.jpg", _jpeg_with_exif(), content_type="image/jpeg")
    services.profile_photo_set(actor=personas.alice, upload=upload)
    profile.refresh_from_db()
    assert profile.photo is not None
    stored = bytes(profile.photo)
    assert b"SecretCameraMaker" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert max(image.size) == services.PHOTO_SIDE
        assert not image.getexif()
        assert "comment" not in image.info


@pytest.mark.parametrize(
    "content", [b"not an image at all", b"GIF89a" + b"\x00" * 50, b"\x89PNG\r\n\x1a\nbroken"]
)
def test_a_file_that_is_not_a_photo_is_refused(personas, content):
    profile = services.profile_ensure(actor=personas.alice)
    upload = SimpleUploadedFile("x.jpg", content, content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        services.profile_photo_set(actor=personas.alice, upload=upload)
    assert "photo" in error.value.message_dict
    profile.refresh_from_db()
    assert profile.photo is None

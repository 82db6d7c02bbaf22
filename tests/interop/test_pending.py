"""The upload kept while a clinician confirms an import: for one user, one client, one
session, a limited time; the token itself is never stored."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from milepost.interop.models import PendingImport
from milepost.interop.pending import PENDING_MINUTES, pending_drop, pending_keep, pending_take

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(personas):
    session = SessionStore()
    token = pending_keep(
        session=session, user=personas.alice, client=personas.dana_client, content=b"{}"
    )
    return session, token


def test_the_same_user_session_and_client_get_the_file_back(personas, kept):
    session, token = kept
    assert (
        pending_take(session=session, user=personas.alice, client=personas.dana_client, token=token)
        == b"{}"
    )


def test_the_token_is_stored_only_as_its_hash(kept):
    _, token = kept
    row = PendingImport.objects.get()
    assert token not in row.token_hash
    assert len(row.token_hash) == 64


@pytest.mark.parametrize("who", ["bob", "frank", "dana"])
def test_another_user_with_the_session_and_token_gets_nothing(personas, kept, who):
    session, token = kept
    assert (
        pending_take(
            session=session, user=getattr(personas, who), client=personas.dana_client, token=token
        )
        is None
    )


def test_another_session_with_the_token_gets_nothing(personas, kept):
    _, token = kept
    assert (
        pending_take(
            session=SessionStore(), user=personas.alice, client=personas.dana_client, token=token
        )
        is None
    )


def test_another_client_gets_nothing(personas, kept):
    session, token = kept
    assert (
        pending_take(
            session=session, user=personas.alice, client=personas.chris_client, token=token
        )
        is None
    )


def test_it_expires_and_expired_files_are_purged(personas, kept):
    session, token = kept
    later = timezone.now() + dt.timedelta(minutes=PENDING_MINUTES, seconds=1)
    with mock.patch("milepost.interop.pending.timezone.now", return_value=later):
        assert (
            pending_take(
                session=session, user=personas.alice, client=personas.dana_client, token=token
            )
            is None
        )
        pending_keep(
            session=SessionStore(), user=personas.bob, client=personas.dana_client, content=b"[]"
        )
    assert list(PendingImport.objects.values_list("content", flat=True)) == [b"[]"]


def test_dropping_forgets_it(personas, kept):
    session, token = kept
    pending_drop(session=session, user=personas.alice, client=personas.dana_client)
    assert not PendingImport.objects.exists()
    assert (
        pending_take(session=session, user=personas.alice, client=personas.dana_client, token=token)
        is None
    )

"""Invitation tokens never reach a log: the request logger and the server's request lines
see "/invite/[token]/" (milepost/invites/logs.py)."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from milepost.invites.logs import redact, redact_record
from tests.invites.helpers import new_client, token_from_outbox
from tests.phi_logs import CAPTURE

TOKEN = "Zq3-made_up_but_token_shaped_0123456789abcd"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Gone: /invite/abc123/", "Gone: /invite/[token]/"),
        ('"GET /invite/abc123/ HTTP/1.1" 410 12', '"GET /invite/[token]/ HTTP/1.1" 410 12'),
        ("POST /invite/abc123/?x=1", "POST /invite/[token]/?x=1"),
        (
            "see https://portal.example.org/invite/abc123/",
            "see https://portal.example.org/invite/[token]/",
        ),
        ("/invite/abc123", "/invite/[token]"),
        # The clinicians' routes carry a client id, never a token: kept as they are.
        ("Forbidden: /clients/k3j4/invite/", "Forbidden: /clients/k3j4/invite/"),
        ("Not Found: /clients/k3j4/invite/revoke/", "Not Found: /clients/k3j4/invite/revoke/"),
        # A name in a query string (the API refuses it, after the line is logged).
        (
            '"GET /api/v1/clients?search=Quillfeather HTTP/1.1" 400 99',
            '"GET /api/v1/clients?search=[redacted] HTTP/1.1" 400 99',
        ),
        (
            "GET /api/v1/clients?status=active&search=Dana%20Q",
            "GET /api/v1/clients?status=active&search=[redacted]",
        ),
        ("GET /x?Q=Dana&status=active", "GET /x?Q=[redacted]&status=active"),
        ("GET /api/v1/clients?status=active", "GET /api/v1/clients?status=active"),
    ],
)
def test_redact(line, expected):
    assert redact(line) == expected


@pytest.mark.django_db
def test_an_unusable_link_is_logged_without_its_token(client, caplog):
    caplog.set_level(logging.INFO, logger="django.request")
    response = client.get(reverse("invites:accept", kwargs={"token": TOKEN}))
    assert response.status_code == 410
    # Django logged the 4xx (so the check below is not vacuous), with the token redacted.
    assert "Gone: /invite/[token]/" in caplog.text
    assert TOKEN not in caplog.text
    assert not any(TOKEN in line for line in CAPTURE.lines)


@pytest.mark.django_db
def test_a_real_token_never_reaches_the_logs(personas, login_as, caplog):
    caplog.set_level(logging.DEBUG)
    from milepost.invites import services

    services.invitation_send(
        actor=personas.alice,
        client=new_client(personas),
        email="eli.client@example.net",
        fallback_base_url="http://testserver/",
    )
    token = token_from_outbox()
    http = login_as(None)
    url = reverse("invites:accept", kwargs={"token": token})
    http.get(url)
    http.post(url, {"password": "short", "password_again": "short"})
    http.post(url, {"password": "lantern orchard pebble 42", "password_again": "x"})
    assert (
        http.post(
            url,
            {
                "password": "lantern orchard pebble 42",
                "password_again": "lantern orchard pebble 42",
            },
        ).status_code
        == 302
    )
    assert http.get(url).status_code == 410
    assert caplog.records, "nothing was logged: the check would prove nothing"
    assert token not in caplog.text
    # django-axes keeps each sign-in's path in its access log: the token is not there either.
    from axes.models import AccessLog

    paths = list(AccessLog.objects.values_list("path_info", flat=True))
    assert paths == ["/invite/[token]/"]


def test_the_servers_request_lines_are_redacted(caplog):
    caplog.set_level(logging.INFO, logger="django.server")
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /invite/{TOKEN}/ HTTP/1.1", "200", "1234"
    )
    assert TOKEN not in caplog.text
    assert '"GET /invite/[token]/ HTTP/1.1" 200 1234' in caplog.text


def _request_record(status: int, path: str) -> logging.LogRecord:
    from django.test import RequestFactory

    request = RequestFactory().get(path)
    logger = logging.getLogger("django.request")
    level = logging.ERROR if status >= 500 else logging.WARNING
    return logger.makeRecord(
        logger.name,
        level,
        __file__,
        1,
        "%s: %s",
        ("Gone" if status < 500 else "Internal Server Error", request.path),
        None,
        extra={"status_code": status, "request": request},
    )


@pytest.mark.parametrize("status", [410, 500])
def test_a_request_record_carries_no_token_in_its_args_or_request(status):
    from milepost.invites.logs import TokenFilter

    record = _request_record(status, f"/invite/{TOKEN}/")
    assert TokenFilter().filter(record) is True
    assert TOKEN not in record.getMessage()
    assert TOKEN not in repr(record.args)
    # The request (mail_admins and error trackers read its path and META) is dropped.
    assert getattr(record, "request", "missing") is None
    assert getattr(record, "status_code", None) == status


def test_a_request_record_with_a_name_in_its_query_loses_its_request():
    record = _request_record(400, "/api/v1/clients?search=Quillfeather")
    redact_record(record)
    assert getattr(record, "request", "missing") is None


def test_a_request_record_of_another_path_keeps_its_request():
    from milepost.invites.logs import TokenFilter

    record = _request_record(404, "/clients/k3j4/invite/")
    TokenFilter().filter(record)
    assert getattr(record, "request", None) is not None
    assert record.getMessage() == "Gone: /clients/k3j4/invite/"


@pytest.mark.parametrize("status", [410, 500])
def test_mail_admins_never_sees_the_token(status, settings):
    from django.core import mail
    from django.utils.log import AdminEmailHandler

    settings.ADMINS = ["ops@example.org"]
    settings.DEBUG = False
    handler = AdminEmailHandler(include_html=True)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        record = _request_record(status, f"/invite/{TOKEN}/")
        logger.handle(record)
    finally:
        logger.removeHandler(handler)
    assert mail.outbox, "mail_admins sent nothing: the check would prove nothing"
    for message in mail.outbox:
        assert TOKEN not in message.subject
        assert TOKEN not in str(message.body)
        alternatives = getattr(message, "alternatives", [])
        assert all(TOKEN not in str(content) for content, _ in alternatives)


@pytest.mark.django_db
def test_a_real_410_leaves_the_token_out_of_the_record(client, caplog):
    caplog.set_level(logging.INFO, logger="django.request")
    client.get(reverse("invites:accept", kwargs={"token": TOKEN}))
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert getattr(record, "request", None) is None
    assert TOKEN not in repr(vars(record))


@pytest.mark.django_db
def test_a_staff_invitations_link_never_reaches_the_logs(personas, login_as, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="django.request")
    admin = login_as(personas.erin)
    admin.post(
        reverse("staff_invites:user_create"),
        {"full_name": "Gwen Example", "email": "gwen@example.org", "role": "clinician"},
    )
    first = token_from_outbox()
    from milepost.accounts.models import User

    gwen = User.objects.get(email="gwen@example.org")
    admin.post(reverse("staff_invites:resend", kwargs={"user_id": gwen.public_id}))
    token = token_from_outbox()
    http = login_as(None)
    http.get(reverse("invites:accept", kwargs={"token": first}))  # revoked: 410, logged
    url = reverse("invites:accept", kwargs={"token": token})
    http.post(url, {"password": "short", "password_again": "short"})
    password = "lantern orchard pebble 42"
    assert http.post(url, {"password": password, "password_again": password}).status_code == 302
    assert http.get(url).status_code == 410
    assert "Gone: /invite/[token]/" in caplog.text, "nothing was logged: it would prove nothing"
    for secret in (first, token):
        assert secret not in caplog.text
        assert not any(secret in line for line in CAPTURE.lines)
    from axes.models import AccessLog

    paths = list(AccessLog.objects.values_list("path_info", flat=True))
    assert "/invite/[token]/" in paths  # the new member's sign-in, its path redacted
    assert not any(first in path or token in path for path in paths)

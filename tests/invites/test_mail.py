"""A deployment's console mailer prints no one-time link."""

from __future__ import annotations

import io

from django.core.mail import EmailMessage

from milepost.invites.mail import RedactingConsoleBackend

LINKS = (
    "https://milepost.example.org/invite/Zm9vYmFyYmF6cXV4cXV1eHF1dXpxdXV6cXV1enE/",
    "https://milepost.example.org/accounts/password/reset/MTI/cdmb3k-5a1f0e3c2b1a/",
)


def _printed(body: str) -> str:
    stream = io.StringIO()
    backend = RedactingConsoleBackend(stream=stream)
    backend.send_messages([EmailMessage("Your invitation", body, "a@b.c", ["d@e.f"])])
    return stream.getvalue()


def test_invitation_and_reset_links_are_redacted():
    printed = _printed("Open this link:\n" + "\n".join(LINKS) + "\nThanks")
    assert "Open this link" in printed
    assert "[token]" in printed
    for link in LINKS:
        assert link not in printed
    assert "Zm9vYmFy" not in printed
    assert "cdmb3k" not in printed


def test_a_long_body_is_redacted_too():
    printed = _printed(("word " * 400) + "\n" + LINKS[0])
    assert "Zm9vYmFy" not in printed

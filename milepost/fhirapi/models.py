"""What SMART on FHIR adds to django-oauth-toolkit's applications, grants and tokens.

The OAuth 2 records themselves (Application, Grant, AccessToken, RefreshToken) are
django-oauth-toolkit's (decision 0920). Beside them: each app's SMART registration (its
launch URL and, for a backend service, its public keys), the EHR launches a clinician
starts, and the patient a grant and a token are bound to. No row holds a client's name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from milepost.lib.fields import PublicIdField

APPLICATION = "oauth2_provider.Application"


class SmartApp(models.Model):
    """A registered SMART app: an app a clinician launches, or a backend service.

    A practice admin registers it (decision 0930). A backend service authenticates with a
    JWT signed by a key of `jwks` (a JSON Web Key Set of public keys) and acts for the
    application's user, a clinician or supervisor of the practice, once that person has
    approved it: it reads what they may read, and its reads are audited as theirs. A
    revoked app keeps its row (the audit trail names it) but gets no token.
    """

    public_id = PublicIdField()
    application = models.OneToOneField(APPLICATION, on_delete=models.CASCADE, related_name="smart")
    organization = models.ForeignKey(
        "accounts.Organization", null=True, on_delete=models.PROTECT, related_name="+"
    )
    launch_uri = models.URLField(blank=True, help_text="Where an EHR launch opens the app.")
    jwks = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A backend service works only once the person it acts for has approved it.
    approved_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.application.name)

    @property
    def is_backend(self) -> bool:
        return bool(self.jwks)

    @property
    def usable(self) -> bool:
        """Whether the app may be given a token now."""
        return self.revoked_at is None and (not self.is_backend or self.approved_at is not None)

    @property
    def key_ids(self) -> list[str]:
        return [str(k.get("kid", "")) for k in (self.jwks or {}).get("keys", [])]


class Launch(models.Model):
    """An EHR launch: a clinician opened an app on one client's record. The app sends the
    opaque `launch` value back when it asks for authorisation; it is good once, briefly."""

    token_hash = models.CharField(max_length=64, unique=True)
    app = models.ForeignKey(SmartApp, on_delete=models.CASCADE, related_name="launches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"launch of {self.app_id} at {self.created_at:%Y-%m-%d %H:%M}"


class GrantContext(models.Model):
    """The patient an authorisation code was issued for (EHR launch or the picker)."""

    grant = models.OneToOneField(
        "oauth2_provider.Grant", on_delete=models.CASCADE, related_name="smart_context"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"context of grant {self.grant_id}"


class TokenContext(models.Model):
    """The patient an access token is bound to: every read is limited to that record."""

    access_token = models.OneToOneField(
        "oauth2_provider.AccessToken", on_delete=models.CASCADE, related_name="smart_context"
    )
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"context of token {self.access_token_id}"


class UsedAssertion(models.Model):
    """A client assertion's `jti`, kept until it expires, so that none is accepted twice."""

    app = models.ForeignKey(SmartApp, on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["app", "jti"], name="fhirapi_assertion_once")
        ]

    def __str__(self) -> str:
        return f"assertion {self.jti[:12]}"

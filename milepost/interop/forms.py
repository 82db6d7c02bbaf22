from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from milepost.accounts.models import User
from milepost.interop.fhir.import_ import MISMATCH_REASON_MAX
from milepost.interop.uploads import MAX_BUNDLE_BYTES, TOO_LARGE


class BundleUploadForm(forms.Form):
    bundle = forms.FileField(
        label="FHIR Bundle (.json)",
        help_text=(
            "A Bundle of QuestionnaireResponses and/or Observations (or one of them on its "
            "own), e.g. exported from another system or from Milepost; at most "
            f"{MAX_BUNDLE_BYTES // (1024 * 1024)} MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".json,application/json,application/fhir+json"}
        ),
    )

    @classmethod
    def refusing(cls, *messages: str) -> BundleUploadForm:
        """The form showing `messages` on the bundle field, for an upload never read (or
        a kept one: interop/pending.py)."""
        form = cls(data=QueryDict(), files=MultiValueDict())
        form.full_clean()
        form.errors.clear()  # not "This field is required.": the file was sent, and refused
        for message in messages:
            form.add_error("bundle", message)
        return form

    def clean_bundle(self) -> bytes:
        """The file's content (never more than the limit is read)."""
        upload = self.cleaned_data["bundle"]
        name = (upload.name or "").lower()
        if not name.endswith(".json"):
            raise forms.ValidationError("Choose a .json file.")
        # Read at most one byte past the limit, whatever size the upload claims to have.
        data = upload.read(MAX_BUNDLE_BYTES + 1)
        if len(data) > MAX_BUNDLE_BYTES:
            raise forms.ValidationError(TOO_LARGE)
        return bytes(data)


class MismatchConfirmForm(forms.Form):
    """Import a Bundle whose Patient is not the client: an explicit tick and a reason.

    `pending` is the opaque token of the kept upload (interop/pending.py); the reason's
    length is the service's rule (fhir/import_.py), so it holds for every caller.
    """

    pending = forms.CharField(widget=forms.HiddenInput, max_length=100)
    confirm = forms.BooleanField(
        label="Import into this client anyway",
        error_messages={
            "required": "Tick this box to import a file whose patient is not this client."
        },
    )
    reason = forms.CharField(
        label="Why this file belongs to this client",
        max_length=MISMATCH_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "E.g. the client's family name changed, or the other system has a wrong birth "
            "date. It is kept on the audit trail."
        ),
    )


class JobConfirmForm(forms.Form):
    """The same confirmation for a background import: the job keeps the file."""

    confirm = MismatchConfirmForm.base_fields["confirm"]
    reason = MismatchConfirmForm.base_fields["reason"]


class ArchiveForm(forms.Form):
    """Exporting the practice is re-authenticated, as signing a plan is.

    `locked` (the session has failed too often, see interop/step_up.py) refuses the
    password unchecked; `password_refused` tells the view a wrong one was tried.
    """

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Enter the password you sign in with.",
    )

    def __init__(
        self, user: User, *args: Any, locked: str = "", kind: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if kind == "clinical":
            self.fields["password"].help_text = (
                "The clinical archive holds every clinical record: enter the password you "
                "sign in with."
            )
        self.user = user
        self.locked = locked
        self.password_refused = False

    def clean_password(self) -> str:
        if self.locked:
            raise forms.ValidationError(self.locked)
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            self.password_refused = True
            raise forms.ValidationError("That is not your password.")
        return str(password)

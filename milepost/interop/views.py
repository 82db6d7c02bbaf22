"""FHIR download and import for a client's care team; the practice archives for its admins
(the clinical one for its records custodians only, decision 0606).

Thin views: access → use case → response. Downloads are `private, no-store` and named by
public ids only (decision 0012: no names in URLs or file names).
"""

from __future__ import annotations

import json
import tempfile
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from milepost.accounts import mfa
from milepost.accounts.access import is_records_custodian, practice_custodians
from milepost.accounts.forms import StepUpCodeMixin
from milepost.accounts.models import User
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.access import client_get_for_user
from milepost.clients.models import Client
from milepost.interop.access import (
    CLINICAL,
    NON_CLINICAL,
    import_job_for_user,
    organization_records_for_admin,
    practice_summary_for_admin,
)
from milepost.interop.fhir import export
from milepost.interop.fhir.export import client_bundle
from milepost.interop.fhir.import_ import (
    BundleImportError,
    ImportResult,
    PatientMismatch,
    bundle_import,
    bundle_patient_check,
    practice_zone,
)
from milepost.interop.forms import (
    ArchiveForm,
    BundleUploadForm,
    JobConfirmForm,
    MismatchConfirmForm,
)
from milepost.interop.jobs import (
    BACKGROUND_BYTES,
    import_job_confirm,
    import_job_start,
    runs_in_background,
)
from milepost.interop.pending import PENDING_MINUTES, pending_drop, pending_keep, pending_take
from milepost.interop.portability import (
    archive_file_name,
    archive_write,
    practice_archive_file_name,
    practice_archive_write,
)
from milepost.interop.step_up import (
    LOCKOUT,
    MAX_FAILURES,
    archive_lock_message,
    archive_refusal_record,
    archive_step_up_passed,
    clinical_refusal_record,
)
from milepost.interop.uploads import TOO_LARGE, BundleSizeLimit, too_large
from milepost.lib.forms import add_service_errors

FHIR_JSON = export.FHIR_JSON


class _ArchiveStepUpForm(StepUpCodeMixin, ArchiveForm):
    """The password, and a fresh authenticator code when the admin has one (step-up; the
    clinical archive is only offered to those who have one)."""

    def __init__(
        self,
        user: User,
        *args: Any,
        locked: str = "",
        kind: str = NON_CLINICAL,
        **kwargs: Any,
    ) -> None:
        if kind == CLINICAL:
            kwargs.setdefault("auto_id", "id_clinical_%s")  # beside the other form on one page
        super().__init__(user, *args, locked=locked, kind=kind, **kwargs)
        self.add_step_up_code(user)


@require_safe
@policy(Policy.CLINICAL)
def client_fhir(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    """The client's record as one FHIR Bundle (JSON): a collection, or with
    ``?type=transaction`` a transaction Bundle a FHIR server takes in one request."""
    user = request.user
    client = client_get_for_user(user, client_id, purpose="export")
    transaction = request.GET.get("type") == "transaction"
    bundle = client_bundle(user, client, transaction=transaction)
    response = HttpResponse(json.dumps(bundle, ensure_ascii=False), content_type=FHIR_JSON)
    name = f"fhir-{'transaction-' if transaction else ''}{client.public_id}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@policy(Policy.CLINICAL)
@csrf_exempt  # checked by _client_fhir_import, once the upload handlers are in place
def client_fhir_import(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    """Upload a Bundle of questionnaire responses from another system.

    The size limit holds before and while the body is read: a request that says it is too
    big is answered without reading it, and one that turns out too big stops being read at
    the limit (interop/uploads.py). Django reads the body for its CSRF check, so that check
    runs in the inner view, after the limit is installed.
    """
    if request.method != "POST":
        return _client_fhir_import(request, client_id)
    if too_large(request):
        return _import_page(request, client_id, refused=TOO_LARGE)
    limit = BundleSizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _client_fhir_import(request, client_id, limit=limit)


GONE = (
    "The file you chose before is no longer kept (it is kept for {minutes} minutes, for you "
    "and this client only, until it is imported): choose it again."
)


def _import_page(
    request: SignedInRequest,
    client_id: str,
    *,
    refused: str = "",
    limit: BundleSizeLimit | None = None,
) -> HttpResponse:
    user = request.user
    posting = request.method == "POST" and not refused
    client = client_get_for_user(user, client_id, purpose="import" if posting else "view")
    if posting and limit is not None:
        request.FILES  # noqa: B018  (read the body now, through the limit)
        if limit.exceeded:
            refused = TOO_LARGE
            posting = False
    if posting and "pending" in request.POST:
        return _confirm_page(request, client)
    if refused:
        form = BundleUploadForm.refusing(refused)
    else:
        form = BundleUploadForm(
            request.POST if posting else None, request.FILES if posting else None
        )
    page: dict[str, Any] = {}
    if posting and form.is_valid():
        content = form.cleaned_data["bundle"]
        if runs_in_background(content):
            # The request never waits for a large import: the worker runs it.
            pending_drop(session=request.session, user=user, client=client)
            job = import_job_start(actor=user, client=client, content=content)
            return redirect("interop:client_fhir_import_job", client.public_id, job.public_id)
        try:
            page["result"] = _shown(client, bundle_import(user, client, content))
        except BundleImportError as error:
            _show_errors(form, error)
        except PatientMismatch as mismatch:
            # Nothing was saved; the file waits for the clinician's decision.
            token = pending_keep(session=request.session, user=user, client=client, content=content)
            page["mismatch"] = mismatch.match
            page["mismatch_result"] = mismatch.result
            page["confirm_form"] = MismatchConfirmForm(initial={"pending": token})
            form = BundleUploadForm()
        else:
            pending_drop(session=request.session, user=user, client=client)
            form = BundleUploadForm()
    return _render(request, client, form, **page)


def _confirm_page(request: SignedInRequest, client: Client) -> HttpResponse:
    """The clinician's answer to "this file names someone else": import it anyway, with a
    reason, from the file kept at upload."""
    user = request.user
    confirm_form = MismatchConfirmForm(request.POST)
    content = pending_take(
        session=request.session, user=user, client=client, token=request.POST.get("pending")
    )
    if content is None:
        return _render(
            request,
            client,
            BundleUploadForm.refusing(GONE.format(minutes=PENDING_MINUTES)),
        )
    if confirm_form.is_valid():
        try:
            result = bundle_import(
                user, client, content, mismatch_reason=confirm_form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(confirm_form, error)
        except BundleImportError as error:
            pending_drop(session=request.session, user=user, client=client)
            return _render(request, client, BundleUploadForm.refusing(*_problems(error)))
        else:
            pending_drop(session=request.session, user=user, client=client)
            return _render(request, client, BundleUploadForm(), result=_shown(client, result))
    # Asked again: the differences as the kept file gives them.
    match, facts = bundle_patient_check(client, content)
    return _render(
        request,
        client,
        BundleUploadForm(),
        mismatch=match,
        mismatch_result=facts,
        confirm_form=confirm_form,
    )


def _problems(error: BundleImportError) -> list[str]:
    shown = [str(problem) for problem in error.errors[:20]]
    if len(error.errors) > 20:
        shown.append(f"… and {len(error.errors) - 20} more problems.")
    return shown


def _show_errors(form: BundleUploadForm, error: BundleImportError) -> None:
    for message in _problems(error):
        form.add_error("bundle", message)


def _shown(client: Client, result: ImportResult) -> dict[str, Any]:
    return result.summary(practice_zone(client))


def _render(
    request: SignedInRequest, client: Client, form: BundleUploadForm, **page: Any
) -> HttpResponse:
    return render(
        request,
        "interop/import.html",
        {
            "client": client,
            "form": form,
            "pending_minutes": PENDING_MINUTES,
            "background_kb": BACKGROUND_BYTES // 1024,
            **page,
        },
    )


# How often the progress page of a background import reloads itself, in seconds.
REFRESH_SECONDS = 2


@require_http_methods(["GET", "HEAD", "POST"])
@policy(Policy.CLINICAL)
def client_fhir_import_job(
    request: SignedInRequest, client_id: str, job_id: str
) -> HttpResponseBase:
    """A background import: its progress while it runs (the page reloads itself), then
    what was saved, skipped and refused; held, the confirmation its patient needs."""
    user = request.user
    client = client_get_for_user(user, client_id, purpose="import")
    job = import_job_for_user(user, client, job_id)
    confirm_form = JobConfirmForm()
    if request.method == "POST":
        confirm_form = JobConfirmForm(request.POST)
        if confirm_form.is_valid():
            import_job_confirm(actor=user, job=job, reason=confirm_form.cleaned_data["reason"])
            return redirect("interop:client_fhir_import_job", client.public_id, job.public_id)
    return render(
        request,
        "interop/import_job.html",
        {
            "client": client,
            "job": job,
            "result": job.result if job.status in ("done", "mismatch") else None,
            "confirm_form": confirm_form,
            "refresh": REFRESH_SECONDS if job.running else 0,
        },
    )


@csrf_protect
def _client_fhir_import(
    request: SignedInRequest, client_id: str, *, limit: BundleSizeLimit | None = None
) -> HttpResponse:
    return _import_page(request, client_id, limit=limit)


# Why the clinical archive refuses someone, before any password is asked (decision 0606).
CLINICAL_REFUSALS = {
    "not_custodian": (
        "Only a records custodian may export the clinical archive, and you do not hold the "
        "grant. A practice admin grants it by name on Practice users; the practice archive "
        "without clinical text is yours to export above."
    ),
    "no_authenticator": (
        "The clinical archive needs two-factor sign-in, even where the practice does not "
        "require it: set up an authenticator app first (Two-factor sign-in), then come back."
    ),
    "session_not_verified": (
        "Sign in with the code from your authenticator app first: this session has given "
        "the password only."
    ),
}


def _clinical_refusal(user: User) -> str:
    """The reason the clinical archive refuses this user and session; "" when it does not."""
    if not is_records_custodian(user):
        return "not_custodian"
    if not mfa.is_enrolled(user):
        return "no_authenticator"
    if not user.is_verified():  # type: ignore[attr-defined]
        return "session_not_verified"
    return ""


def _archive_page(
    request: SignedInRequest,
    *,
    form: _ArchiveStepUpForm | None = None,
    clinical_form: _ArchiveStepUpForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    refusal = _clinical_refusal(user)
    locked = archive_lock_message(request.session)
    return render(
        request,
        "interop/archive.html",
        {
            "form": form or _ArchiveStepUpForm(user, locked=locked),
            "clinical_form": None
            if refusal
            else clinical_form or _ArchiveStepUpForm(user, locked=locked, kind=CLINICAL),
            "clinical_refusal": CLINICAL_REFUSALS.get(refusal, ""),
            "refusal_code": refusal,
            "custodians": practice_custodians(user),
            "max_failures": MAX_FAILURES,
            "lockout_minutes": int(LOCKOUT.total_seconds() // 60),
        },
        status=status,
    )


def _step_up(request: SignedInRequest, kind: str) -> _ArchiveStepUpForm | None:
    """The posted step-up form, or None when it passed (the failures counted and audited)."""
    user = request.user
    locked = archive_lock_message(request.session)
    form = _ArchiveStepUpForm(user, request.POST, locked=locked, kind=kind)
    if form.is_valid():
        archive_step_up_passed(request.session)
        return None
    if locked or form.password_refused:
        archive_refusal_record(actor=user, session=request.session, locked=bool(locked), kind=kind)
        if not locked and (now_locked := archive_lock_message(request.session)):
            form.add_error("password", now_locked)
    return form


def _zip_response(write: Any, filename: str) -> FileResponse:
    # Spooled to disk past 32 MB; the response closes it once sent.
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
    write(spool)
    spool.seek(0)
    response = FileResponse(
        spool, as_attachment=True, filename=filename, content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@policy(Policy.ORG_ADMIN)
def archive(request: SignedInRequest) -> HttpResponseBase:
    """The export page; posted, the practice archive without clinical text (any practice
    admin, after their password and, when they have an authenticator, a fresh code)."""
    if request.method != "POST":
        return _archive_page(request)
    form = _step_up(request, NON_CLINICAL)
    if form is not None:
        return _archive_page(request, form=form)
    summary = practice_summary_for_admin(request.user)
    return _zip_response(
        lambda out: practice_archive_write(summary, out), practice_archive_file_name(summary)
    )


@policy(Policy.ORG_ADMIN)
def clinical_archive(request: SignedInRequest) -> HttpResponseBase:
    """The whole organization as one zip: a records custodian only, signed in with a second
    factor, after their password and a fresh code (an audited read of every client's
    record). Anyone else is refused with the reason, and the refusal is audited."""
    user = request.user
    refusal = _clinical_refusal(user)
    if refusal:
        if request.method == "POST":
            clinical_refusal_record(actor=user, reason=refusal)
        return _archive_page(request, status=403)
    if request.method != "POST":
        return _archive_page(request)
    form = _step_up(request, CLINICAL)
    if form is not None:
        return _archive_page(request, clinical_form=form)
    records = organization_records_for_admin(user)
    return _zip_response(
        lambda out: archive_write(records, out, user=user), archive_file_name(records)
    )

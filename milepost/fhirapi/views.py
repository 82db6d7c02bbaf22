"""The FHIR REST API (read, search, QuestionnaireResponse create), its CapabilityStatement
and SMART configuration, and the SMART authorisation pages.

The FHIR endpoints take an OAuth 2 bearer token only (no session, so no CSRF), answer FHIR
JSON, and answer every error as an OperationOutcome naming what was wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider import views as oauth_views
from oauth2_provider.forms import AllowForm

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.access import caseload_for_user, client_get_for_user
from milepost.clients.models import Client
from milepost.fhirapi import access, capability, oauth, resources, services
from milepost.interop.fhir.export import practitioner
from milepost.interop.fhir.import_ import BundleImportError, PatientMismatch, bundle_import

FHIR_JSON = "application/fhir+json"
MAX_BODY = 1_000_000


def _json(body: dict[str, Any], status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )
    response["X-Content-Type-Options"] = "nosniff"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def outcome(status: int, code: str, message: str, expression: str = "") -> HttpResponse:
    issue: dict[str, Any] = {"severity": "error", "code": code, "diagnostics": message}
    if expression:
        issue["expression"] = [expression]
    body = {"resourceType": "OperationOutcome", "issue": [issue]}
    headers = {"WWW_Authenticate": 'Bearer realm="fhir"'} if status == 401 else {}
    return _json(body, status, **headers)


FhirView = Callable[..., HttpResponse]


def fhir_endpoint(view: FhirView) -> Callable[..., HttpResponseBase]:
    """Bearer token, errors as OperationOutcome; the policy is PUBLIC because the token,
    not the session, says who calls (each read then applies the access rules)."""

    @policy(Policy.PUBLIC)
    @csrf_exempt
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            caller = access.caller_for_request(request)
            return view(request, caller, *args, **kwargs)
        except access.Unauthorised as error:
            return outcome(401, "login", str(error))
        except PermissionDenied:
            return outcome(403, "forbidden", "This token may not read or write that.")
        except Http404:
            return outcome(404, "not-found", "No such resource, or not one this token may read.")
        except resources.SearchError as error:
            return outcome(400, "invalid", str(error), error.parameter)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _check_type(resource_type: str) -> None:
    if resource_type not in resources.TYPES:
        raise Http404


def _require_scope(caller: access.Caller, resource_type: str, interaction: str) -> None:
    if not caller.may(resource_type, interaction):
        raise PermissionDenied


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:metadata")).removesuffix("/metadata")


# ---------------------------------------------------------------- read and search


def _resources_of(
    caller: access.Caller, clients: list[Client], resource_type: str
) -> list[dict[str, Any]]:
    today = timezone.localdate()
    found = []
    for client in clients:
        record = access.record_for_caller(caller, client, types=[resource_type])
        found += [
            r
            for r in resources.server_resources(record, today=today)
            if r["resourceType"] == resource_type
        ]
    return found


def _read(caller: access.Caller, resource_type: str, resource_id: str) -> dict[str, Any]:
    if resource_type == "Questionnaire":
        for q in resources.questionnaires():
            if q["id"] == resource_id:
                return q
        raise Http404
    if resource_type == "Patient":
        client = access.client_for_caller(caller, resource_id)
        return _resources_of(caller, [client], "Patient")[0]
    client = access.owner_for_caller(caller, resource_type, resource_id)
    for r in _resources_of(caller, [client], resource_type):
        if r["id"] == resource_id:
            return r
    raise Http404


def _practitioner(caller: access.Caller, resource_id: str) -> dict[str, Any]:
    """A clinician or supervisor of the caller's practice. Their own (an id_token's
    fhirUser) with the fhirUser scope; anyone's with a scope that reads Practitioner."""
    own = resource_id == caller.user.public_id and "fhirUser" in caller.scopes
    if not own:
        _require_scope(caller, "Practitioner", "read")
    return practitioner(access.practitioner_for_caller(caller, resource_id))


@fhir_endpoint
def resource_read(
    request: HttpRequest, caller: access.Caller, resource_type: str, resource_id: str
) -> HttpResponse:
    """GET [base]/[type]/[id]."""
    if resource_type in resources.READ_ONLY_TYPES:
        if request.method != "GET":
            return outcome(405, "not-supported", f"{resource_type}/[id] answers GET only.")
        return _json(_practitioner(caller, resource_id))
    _check_type(resource_type)
    if request.method != "GET":
        return outcome(405, "not-supported", f"{resource_type}/[id] answers GET only.")
    _require_scope(caller, resource_type, "read")
    return _json(_read(caller, resource_type, resource_id))


@fhir_endpoint
def resource_type(request: HttpRequest, caller: access.Caller, resource_type: str) -> HttpResponse:
    """GET [base]/[type]?params (search, paged); POST [base]/QuestionnaireResponse (create)."""
    if resource_type in resources.READ_ONLY_TYPES:
        return outcome(405, "not-supported", f"{resource_type} answers read by id only.")
    _check_type(resource_type)
    if request.method == "POST" and resource_type == "QuestionnaireResponse":
        return _create_response(request, caller)
    if request.method != "GET":
        return outcome(405, "not-supported", f"{resource_type} answers GET (search) only.")
    _require_scope(caller, resource_type, "search")
    params = request.GET
    resources.check_params(resource_type, params)
    limit = resources.count(params)
    start = resources.offset(params)
    wanted = resources.patient_id(params)
    if resource_type == "Questionnaire":
        found = resources.questionnaires()
    elif wanted is not None:
        found = _resources_of(caller, [access.client_for_caller(caller, wanted)], resource_type)
    else:
        found = _resources_of(caller, access.clients_for_caller(caller), resource_type)
    found = [r for r in found if resources.matches(r, params)]
    base = _base(request)
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(found),
        "link": resources.page_links(
            f"{base}/{resource_type}", params, count=limit, start=start, total=len(found)
        ),
        "entry": [
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in found[start : start + limit]
        ],
    }
    if not bundle["entry"]:
        del bundle["entry"]
    return _json(bundle)


def _create_response(request: HttpRequest, caller: access.Caller) -> HttpResponse:
    """POST a QuestionnaireResponse: saved through the FHIR import, as an upload is."""
    _require_scope(caller, "QuestionnaireResponse", "create")
    if len(request.body) > MAX_BODY:
        return outcome(413, "too-long", f"The body is over {MAX_BODY:,} bytes.")
    try:
        resource = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return outcome(400, "structure", "The body is not JSON.")
    if not isinstance(resource, dict) or resource.get("resourceType") != "QuestionnaireResponse":
        return outcome(400, "structure", "Send one QuestionnaireResponse.", "resourceType")
    subject = resource.get("subject")
    ref = subject.get("reference") if isinstance(subject, dict) else None
    if caller.patient is not None and not ref:
        ref = f"Patient/{caller.patient.public_id}"
    if not isinstance(ref, str) or not ref.startswith("Patient/"):
        return outcome(
            400, "required", "subject must reference the Patient as Patient/[id].", "subject"
        )
    client = access.client_for_caller(caller, ref.removeprefix("Patient/"))
    # The import reads a Bundle: the response becomes its one entry, for the client the
    # token may read (its subject, checked above, is that client).
    resource = {k: v for k, v in resource.items() if k != "subject"}
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": resource}]}
    try:
        result = bundle_import(caller.user, client, bundle)
    except BundleImportError as error:
        return _import_refused(error)
    except PatientMismatch:
        return outcome(409, "conflict", "The response names another patient.", "subject")
    except ValidationError as error:
        return outcome(400, "invalid", "; ".join(error.messages))
    if not result.administrations:
        return outcome(
            200 if result.duplicates else 422,
            "duplicate" if result.duplicates else "processing",
            "Already recorded: nothing new was saved."
            if result.duplicates
            else "Nothing was saved: " + "; ".join(w for _, w in result.skipped)[:500],
        )
    new_id = result.administrations[0]
    body = _read(caller, "QuestionnaireResponse", new_id)
    return _json(body, 201, Location=f"{_base(request)}/QuestionnaireResponse/{new_id}")


def _import_refused(error: BundleImportError) -> HttpResponse:
    issues = []
    for problem in getattr(error, "errors", [])[:20]:
        field = str(getattr(problem, "field", ""))
        issues.append(
            {
                "severity": "error",
                "code": "invalid",
                "diagnostics": str(getattr(problem, "message", problem)),
                **({"expression": [field]} if field else {}),
            }
        )
    if not issues:
        issues = [{"severity": "error", "code": "invalid", "diagnostics": str(error)[:500]}]
    return _json({"resourceType": "OperationOutcome", "issue": issues}, 400)


# ---------------------------------------------------------------- discovery


@policy(Policy.PUBLIC)
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement (no token needed: a client reads it to find how to sign in)."""
    return _json(
        capability.capability_statement(
            _base(request), _oauth_urls(request), oidc=oauth.oidc_enabled()
        )
    )


def _plain_json(body: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


@policy(Policy.PUBLIC)
def smart_configuration(request: HttpRequest) -> HttpResponse:
    return _plain_json(
        capability.smart_configuration(_oauth_urls(request), oidc=oauth.oidc_enabled())
    )


_OIDC_OFF = {"error": "not_found", "error_description": "OpenID Connect is off on this server."}


@policy(Policy.PUBLIC)
def openid_configuration(request: HttpRequest) -> HttpResponse:
    """`<issuer>/.well-known/openid-configuration` (the issuer is the server's root)."""
    if not oauth.oidc_enabled():
        return _plain_json(_OIDC_OFF, 404)
    return _plain_json(capability.openid_configuration(_oauth_urls(request)))


_jwks_view = oauth_views.JwksInfoView.as_view()
_userinfo_view = oauth_views.UserInfoView.as_view()


@policy(Policy.PUBLIC)
def jwks(request: HttpRequest) -> HttpResponseBase:
    """The public key that verifies id_tokens (the toolkit's view). Its caching headers go:
    like every answer, it is never stored (a new key is seen at once)."""
    if not oauth.oidc_enabled():
        return _plain_json(_OIDC_OFF, 404)
    response = _jwks_view(request)
    del response["Cache-Control"]
    return response


@policy(Policy.PUBLIC)
@csrf_exempt
def userinfo(request: HttpRequest) -> HttpResponseBase:
    """OpenID Connect's userinfo (the toolkit's view): `sub` and, with the fhirUser scope,
    `fhirUser`, for a bearer token that holds `openid`."""
    if not oauth.oidc_enabled():
        return _plain_json(_OIDC_OFF, 404)
    return _userinfo_view(request)


def _oauth_urls(request: HttpRequest) -> dict[str, str]:
    return {
        "authorize": request.build_absolute_uri(reverse("fhir:authorize")),
        "token": request.build_absolute_uri(reverse("fhir:token")),
        "revoke": request.build_absolute_uri(reverse("fhir:revoke")),
        "jwks": request.build_absolute_uri(reverse("fhir:jwks")),
        "userinfo": request.build_absolute_uri(reverse("fhir:userinfo")),
        "issuer": oauth.issuer(request),
    }


# ---------------------------------------------------------------- authorisation


class SmartAllowForm(AllowForm):
    launch = forms.CharField(widget=forms.HiddenInput(), required=False)
    aud = forms.CharField(widget=forms.HiddenInput(), required=False)
    patient = forms.ChoiceField(label="Client", required=False)


class SmartAuthorizationView(oauth_views.AuthorizationView):
    """django-oauth-toolkit's consent page, with SMART's launch context: an EHR launch's
    `launch` names the client; `launch/patient` without one shows the caseload to pick
    from. The page is a signed-in page like any other, so the sign-in and its second
    factor (MfaMiddleware) come first."""

    template_name = "fhirapi/authorize.html"
    form_class = SmartAllowForm
    smart_client: Client | None = None

    def _scopes(self) -> list[str]:
        raw = self.request.POST.get("scope") or self.request.GET.get("scope") or ""
        return raw.split()

    def _launch(self) -> str:
        return self.request.POST.get("launch") or self.request.GET.get("launch") or ""

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_initial()
        initial["launch"] = self._launch()
        initial["aud"] = self.request.GET.get("aud", "")
        return initial

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        if self._picks_patient():
            clients = caseload_for_user(self.request.user)
            form.fields["patient"].choices = [("", "Choose a client")] + [
                (c.public_id, c.display_name) for c in clients
            ]
        else:
            del form.fields["patient"]
        return form

    def _picks_patient(self) -> bool:
        return "launch/patient" in self._scopes() and not self._launch()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        problem = self._aud_problem()
        if problem:
            return render(request, "fhirapi/authorize_error.html", {"problem": problem}, status=400)
        if self._launch() and self._launch_client() is None:
            return render(
                request,
                "fhirapi/authorize_error.html",
                {"problem": "This launch has expired or was used already: launch the app again."},
                status=400,
            )
        return super().get(request, *args, **kwargs)

    def _aud_problem(self) -> str:
        aud = self.request.GET.get("aud")
        base = _base(self.request)
        if aud is None:
            return "The app did not say which FHIR server it wants (aud)."
        if aud.rstrip("/") != base:
            return "The app asked for another FHIR server (aud) than this one."
        return ""

    def _launch_client(self) -> Client | None:
        client_id = self.request.POST.get("client_id") or self.request.GET.get("client_id") or ""
        return access.launch_client(self.request.user, client_id, self._launch())

    def form_valid(self, form: Any) -> HttpResponse:
        if form.cleaned_data.get("allow"):
            if self._launch():
                self.smart_client = self._launch_client()
                if self.smart_client is None:
                    form.add_error(None, "This launch has expired: launch the app again.")
                    return self.form_invalid(form)
                services.launch_use(actor=self.request.user, value=self._launch())
            elif self._picks_patient():
                chosen = form.cleaned_data.get("patient")
                if not chosen:
                    form.add_error("patient", "Choose the client whose record the app may open.")
                    return self.form_invalid(form)
                self.smart_client = client_get_for_user(
                    self.request.user,
                    chosen,
                    purpose="fhir_launch",
                )
        return super().form_valid(form)

    def create_authorization_response(
        self, request: HttpRequest, scopes: str, credentials: dict[str, Any], allow: bool
    ) -> Any:
        wants_context = {"launch", "launch/patient"} & set(str(scopes).split())
        if allow and wants_context and self.smart_client is None:
            raise PermissionDenied
        credentials = {**credentials, "smart_client": self.smart_client}
        return super().create_authorization_response(request, scopes, credentials, allow)


authorize = policy(Policy.CLINICAL)(SmartAuthorizationView.as_view())


def _refuse_nul(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A NUL byte in any field is answered as OAuth's invalid_request (RFC 6749 5.2) before the
    library reads the database with it: PostgreSQL refuses NUL in text and would answer 500."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        fields = [*request.POST.lists(), *request.GET.lists()]
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in fields):
            body = {"error": "invalid_request", "error_description": "a field holds a NUL byte"}
            return HttpResponse(json.dumps(body), status=400, content_type="application/json")
        return view(request, *args, **kwargs)

    return wrapped


token = policy(Policy.PUBLIC)(csrf_exempt(_refuse_nul(oauth_views.TokenView.as_view())))
revoke = policy(Policy.PUBLIC)(csrf_exempt(_refuse_nul(oauth_views.RevokeTokenView.as_view())))


@policy(Policy.CLINICAL)
def launch(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    """A clinician opens a SMART app on a client's record (the EHR launch)."""
    client = client_get_for_user(request.user, client_id, purpose="view")
    apps = access.smart_apps_for_user(request.user)
    if request.method == "POST":
        chosen = next((a for a in apps if a.public_id == request.POST.get("app")), None)
        if chosen is None:
            return render(
                request,
                "fhirapi/launch.html",
                {"client": client, "apps": apps, "error": "Choose one of the apps below."},
                status=400,
            )
        value = services.launch_start(actor=request.user, client=client, app=chosen)
        query = urlencode({"iss": _base(request), "launch": value})
        return HttpResponseRedirect(f"{chosen.launch_uri}?{query}")
    return render(request, "fhirapi/launch.html", {"client": client, "apps": apps})

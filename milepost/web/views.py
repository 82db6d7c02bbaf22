"""The shell around the apps: the home page that sends each role where it works, and errors."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from milepost.accounts.access import membership_of
from milepost.accounts.models import Role
from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest


@policy(Policy.AUTHENTICATED)
def home(request: SignedInRequest) -> HttpResponseBase:
    membership = membership_of(request.user)
    if membership is None:
        return render(request, "web/no_membership.html", status=403)
    if membership.role == Role.ADMIN:
        return redirect("accounts:users")
    if membership.role == Role.CLIENT:
        return redirect("portal:home")
    return redirect("reports:caseload")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=403)

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from milepost.accounts import password_views
from milepost.accounts import views as account_views
from milepost.fhirapi import views as fhir_views

urlpatterns = [
    path("", include("milepost.web.urls")),
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", account_views.logout, name="logout"),
    path(
        "accounts/password/change/",
        password_views.PasswordChange.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        password_views.PasswordChangeDone.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", password_views.PasswordReset.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        password_views.PasswordResetSent.as_view(),
        name="password_reset_sent",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        password_views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        password_views.PasswordResetComplete.as_view(),
        name="password_reset_complete",
    ),
    # Before accounts' routes: "users/new/" must not be read as a user id.
    path("practice/", include("milepost.invites.staff_urls")),
    path("practice/", include("milepost.accounts.urls")),
    path("practice/", include("milepost.reports.audit_urls")),
    path("practice/", include("milepost.clients.practice_urls")),
    path("practice/", include("milepost.drafting.practice_urls")),
    path("clients/", include("milepost.reports.dashboard_urls")),
    path("clients/", include("milepost.clients.urls")),
    path("clients/", include("milepost.measures.urls")),
    path("clients/", include("milepost.plans.urls")),
    path("clients/", include("milepost.plans.progress_urls")),
    path("clients/", include("milepost.notes.urls")),
    path("clients/", include("milepost.drafting.urls")),
    path("clients/", include("milepost.interop.urls")),
    path("clients/", include("milepost.invites.clinician_urls")),
    path("clients/", include("milepost.portal.clinician_urls")),
    path("practice/", include("milepost.reports.compliance_urls")),
    path("practice/", include("milepost.outcomes.urls")),
    path("practice/", include("milepost.interop.practice_urls")),
    path("practice/", include("milepost.fhirapi.practice_urls")),
    path("api/v1/", include("milepost.api.urls")),
    path("account/tokens/", include("milepost.api.token_urls")),
    path("account/apps/", include("milepost.fhirapi.account_urls")),
    path("fhir/", include("milepost.fhirapi.urls")),
    path(
        ".well-known/smart-configuration",
        fhir_views.smart_configuration,
        name="smart_configuration",
    ),
    path(
        ".well-known/openid-configuration",
        fhir_views.openid_configuration,
        name="openid_configuration",
    ),
    path("portal/", include("milepost.portal.urls")),
    path("portal/", include("milepost.portal.questionnaire_urls")),
    path("help/", include("milepost.portal.public_urls")),
    path("invite/", include("milepost.invites.urls")),
    path("find/", include("milepost.directory.urls")),
    path("django-admin/", admin.site.urls),
]

handler403 = "milepost.web.views.permission_denied"
handler404 = "milepost.web.views.page_not_found"
handler500 = "milepost.web.views.server_error"

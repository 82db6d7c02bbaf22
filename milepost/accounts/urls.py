from __future__ import annotations

from django.urls import path

from milepost.accounts import passkey_views, views

app_name = "accounts"
urlpatterns = [
    path("users/", views.users, name="users"),
    # users/new/ (adding a user, by invitation) is milepost/invites/staff_urls.py's.
    path("users/<str:user_id>/", views.user_edit, name="user_edit"),
    path("users/<str:user_id>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<str:user_id>/reset-two-factor/", views.user_mfa_reset, name="user_mfa_reset"),
    path(
        "users/<str:user_id>/custodian/grant/",
        views.user_custodian_grant,
        name="user_custodian_grant",
    ),
    path(
        "users/<str:user_id>/custodian/revoke/",
        views.user_custodian_revoke,
        name="user_custodian_revoke",
    ),
    path("settings/", views.practice_settings, name="practice_settings"),
    # Two-factor sign-in, for everyone who signs in (clients too).
    path("mfa/", views.mfa_overview, name="mfa"),
    path("mfa/suggestion/dismiss/", views.mfa_banner_dismiss, name="mfa_banner_dismiss"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("mfa/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
    # Passkeys: the JSON steps the package's scripts call, and removing one.
    path("mfa/passkeys/remove/", views.passkey_remove, name="passkey_remove"),
    path(
        "mfa/passkeys/register/begin/",
        passkey_views.passkey_register_begin,
        name="passkey_register_begin",
    ),
    path(
        "mfa/passkeys/register/complete/",
        passkey_views.passkey_register_complete,
        name="passkey_register_complete",
    ),
    path(
        "mfa/passkeys/verify/begin/",
        passkey_views.passkey_verify_begin,
        name="passkey_verify_begin",
    ),
    path(
        "mfa/passkeys/verify/complete/",
        passkey_views.passkey_verify_complete,
        name="passkey_verify_complete",
    ),
]

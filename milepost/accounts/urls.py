from __future__ import annotations

from django.urls import path

from milepost.accounts import views

app_name = "accounts"
urlpatterns = [
    path("users/", views.users, name="users"),
    # users/new/ (adding a user, by invitation) is milepost/invites/staff_urls.py's.
    path("users/<str:user_id>/", views.user_edit, name="user_edit"),
    path("users/<str:user_id>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<str:user_id>/reset-two-factor/", views.user_mfa_reset, name="user_mfa_reset"),
    path("settings/", views.practice_settings, name="practice_settings"),
    # Two-factor sign-in, for everyone who signs in (clients too).
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("mfa/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
]

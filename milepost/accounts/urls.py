from __future__ import annotations

from django.urls import path

from milepost.accounts import views

app_name = "accounts"
urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<str:user_id>/", views.user_edit, name="user_edit"),
]

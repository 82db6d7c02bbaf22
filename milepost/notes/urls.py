from __future__ import annotations

from django.urls import path

from milepost.notes import views

app_name = "notes"
C = "<str:client_id>/notes"
N = f"{C}/<str:note_id>"
urlpatterns = [
    path(f"{C}/", views.note_list, name="list"),
    path(f"{C}/new/", views.note_new, name="new"),
    path(f"{N}/", views.note_detail, name="detail"),
    path(f"{N}/entered-in-error/", views.note_entered_in_error, name="entered_in_error"),
]

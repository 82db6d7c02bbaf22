from __future__ import annotations

from django.urls import path

from milepost.measures import views

app_name = "measures"
urlpatterns = [
    path("<str:client_id>/measures/", views.client_measures, name="client_measures"),
    path("<str:client_id>/measures/<str:instrument>/new/", views.administer, name="administer"),
    path("<str:client_id>/measures/<str:instrument>/chart.svg", views.chart, name="chart"),
    path(
        "<str:client_id>/measures/entries/<str:administration_id>/entered-in-error/",
        views.entered_in_error,
        name="entered_in_error",
    ),
    path("<str:client_id>/measures/assign/", views.assignment_create, name="assignment_create"),
    path(
        "<str:client_id>/measures/assigned/<str:assignment_id>/end/",
        views.assignment_end,
        name="assignment_end",
    ),
    path(
        "<str:client_id>/measures/assigned/<str:assignment_id>/next-session/",
        views.assignment_next_session,
        name="assignment_next_session",
    ),
    path("<str:client_id>/alerts/<str:alert_id>/", views.alert_acknowledge, name="alert"),
]

from __future__ import annotations

from django.urls import path

from milepost.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("goals/", views.goals, name="goals"),
    path("goals/charts/<str:portal_target_id>.svg", views.goal_chart, name="goal_chart"),
    path("goals/propose/", views.propose, name="propose"),
    path("goals/proposals/<str:proposal_id>/", views.proposal, name="proposal"),
    path("plan/", views.plan, name="plan"),
    path("plan/endorse/", views.endorse, name="endorse"),
    path("plan/change/", views.change_request, name="change_request"),
    path("log/", views.log, name="log"),
    path("log/entries/<str:log_entry_id>/remove/", views.log_entry_remove, name="log_remove"),
    path("journal/", views.journal, name="journal"),
    path("journal/<str:journal_entry_id>/share/", views.journal_share, name="journal_share"),
]

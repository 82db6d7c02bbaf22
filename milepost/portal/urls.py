from __future__ import annotations

from django.urls import path

from milepost.portal.views import goals, home, journal, logs, plan, proposals, session

app_name = "portal"
urlpatterns = [
    path("", home.home, name="home"),
    path("goals/", goals.goals, name="goals"),
    path("goals/charts/<str:portal_target_id>.svg", goals.goal_chart, name="goal_chart"),
    path("goals/propose/", proposals.propose, name="propose"),
    path("goals/proposals/<str:proposal_id>/", proposals.proposal, name="proposal"),
    path("plan/", plan.plan, name="plan"),
    path("plan/endorse/", plan.endorse, name="endorse"),
    path("plan/change/", plan.change_request, name="change_request"),
    path("log/", logs.log, name="log"),
    path("log/entries/<str:log_entry_id>/remove/", logs.log_entry_remove, name="log_remove"),
    path("journal/", journal.journal, name="journal"),
    path("journal/<str:journal_entry_id>/share/", journal.journal_share, name="journal_share"),
    path("journal/draft/", session.draft, name="journal_draft"),
    path("drafts/<slug:form>/", session.draft, name="draft"),
    path("session/stay/", session.stay_signed_in, name="stay_signed_in"),
]

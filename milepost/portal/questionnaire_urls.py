from __future__ import annotations

from django.urls import path

from milepost.portal.views import questionnaires

app_name = "portal_questionnaires"
urlpatterns = [
    path("questionnaires/", questionnaires.questionnaire_list, name="list"),
    path("questionnaires/<str:assignment_id>/", questionnaires.questionnaire_start, name="start"),
    path(
        "questionnaires/<str:assignment_id>/questions/<str:question>/",
        questionnaires.questionnaire_question,
        name="question",
    ),
    path(
        "questionnaires/<str:assignment_id>/review/",
        questionnaires.questionnaire_review,
        name="review",
    ),
    path(
        "questionnaires/<str:assignment_id>/support/",
        questionnaires.crisis_during,
        name="crisis_during",
    ),
    path("support/", questionnaires.crisis, name="crisis"),
]

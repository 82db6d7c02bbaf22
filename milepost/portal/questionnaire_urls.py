from __future__ import annotations

from django.urls import path

from milepost.portal import questionnaire_views as views

app_name = "portal_questionnaires"
urlpatterns = [
    path("questionnaires/", views.questionnaire_list, name="list"),
    path("questionnaires/<str:assignment_id>/", views.questionnaire_start, name="start"),
    path(
        "questionnaires/<str:assignment_id>/questions/<str:question>/",
        views.questionnaire_question,
        name="question",
    ),
    path("questionnaires/<str:assignment_id>/review/", views.questionnaire_review, name="review"),
    path("questionnaires/<str:assignment_id>/support/", views.crisis_during, name="crisis_during"),
    path("support/", views.crisis, name="crisis"),
]

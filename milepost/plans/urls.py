from __future__ import annotations

from django.urls import path

from milepost.plans import views

app_name = "plans"
C = "<str:client_id>"
P = f"{C}/plans/<str:plan_id>"
G = f"{C}/goals/<str:goal_id>"
O = f"{C}/objectives/<str:objective_id>"  # noqa: E741
I = f"{C}/interventions/<str:intervention_id>"  # noqa: E741
urlpatterns = [
    path(f"{C}/formulation/", views.formulation_edit, name="formulation"),
    path(f"{C}/formulation/factors/new/", views.factor_add, name="factor_add"),
    path(f"{C}/formulation/factors/<str:factor_id>/", views.factor_edit, name="factor_edit"),
    path(f"{C}/observations/", views.observations, name="observations"),
    path(f"{C}/plan/", views.plan_current, name="current"),
    path(f"{C}/plan/new/", views.plan_start, name="start"),
    path(f"{P}/", views.plan_editor, name="editor"),
    path(f"{P}/details/", views.plan_details, name="details"),
    path(f"{P}/diagnoses/new/", views.diagnosis_add, name="diagnosis_add"),
    path(
        f"{P}/diagnoses/<str:diagnosis_id>/remove/",
        views.diagnosis_remove,
        name="diagnosis_remove",
    ),
    path(f"{P}/sign/", views.plan_sign, name="sign"),
    path(f"{P}/cosign/", views.plan_cosign, name="cosign"),
    path(f"{P}/endorse/", views.plan_endorse, name="endorse"),
    path(f"{P}/amend/", views.plan_amend, name="amend"),
    path(f"{P}/compare/", views.plan_compare, name="compare"),
    path(f"{P}/review/", views.plan_review, name="review"),
    path(f"{P}/goals/new/", views.goal_new, name="goal_new"),
    path(f"{P}/smart/", views.smart_check, name="smart"),
    path(f"{P}/library/", views.library_browse, name="library"),
    path(f"{P}/library/insert/", views.library_insert, name="library_insert"),
    path(f"{G}/", views.goal_edit, name="goal"),
    path(f"{G}/move/", views.goal_move, name="goal_move"),
    path(f"{G}/remove/", views.goal_remove, name="goal_remove"),
    path(f"{G}/target/", views.goal_target, name="goal_target"),
    path(f"{G}/target/remove/", views.goal_target_remove, name="goal_target_remove"),
    path(f"{G}/objectives/new/", views.objective_add, name="objective_add"),
    path(f"{O}/", views.objective_edit, name="objective"),
    path(f"{O}/move/", views.objective_move, name="objective_move"),
    path(f"{O}/remove/", views.objective_remove, name="objective_remove"),
    path(f"{O}/target/", views.objective_target, name="objective_target"),
    path(f"{O}/target/remove/", views.objective_target_remove, name="objective_target_remove"),
    path(f"{O}/interventions/new/", views.intervention_add, name="intervention_add"),
    path(f"{I}/", views.intervention_edit, name="intervention"),
    path(f"{I}/remove/", views.intervention_remove, name="intervention_remove"),
]

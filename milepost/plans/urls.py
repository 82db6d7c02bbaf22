from __future__ import annotations

from django.urls import path

from milepost.plans.views import (
    editor,
    formulation,
    goals,
    interventions,
    library,
    objectives,
    observations,
    versions,
)

app_name = "plans"
C = "<str:client_id>"
P = f"{C}/plans/<str:plan_id>"
G = f"{C}/goals/<str:goal_id>"
O = f"{C}/objectives/<str:objective_id>"  # noqa: E741
I = f"{C}/interventions/<str:intervention_id>"  # noqa: E741
urlpatterns = [
    path(f"{C}/formulation/", formulation.formulation_edit, name="formulation"),
    path(f"{C}/formulation/factors/new/", formulation.factor_add, name="factor_add"),
    path(f"{C}/formulation/factors/<str:factor_id>/", formulation.factor_edit, name="factor_edit"),
    path(f"{C}/observations/", observations.observations, name="observations"),
    path(f"{C}/plan/", editor.plan_current, name="current"),
    path(f"{C}/plan/new/", editor.plan_start, name="start"),
    path(f"{P}/", editor.plan_editor, name="editor"),
    path(f"{P}/details/", editor.plan_details, name="details"),
    path(f"{P}/diagnoses/new/", editor.diagnosis_add, name="diagnosis_add"),
    path(
        f"{P}/diagnoses/<str:diagnosis_id>/remove/",
        editor.diagnosis_remove,
        name="diagnosis_remove",
    ),
    path(f"{P}/sign/", versions.plan_sign, name="sign"),
    path(f"{P}/cosign/", versions.plan_cosign, name="cosign"),
    path(f"{P}/endorse/", versions.plan_endorse, name="endorse"),
    path(f"{P}/amend/", versions.plan_amend, name="amend"),
    path(f"{P}/compare/", versions.plan_compare, name="compare"),
    path(f"{P}/review/", versions.plan_review, name="review"),
    path(f"{P}/goals/new/", goals.goal_new, name="goal_new"),
    path(f"{P}/smart/", goals.smart_check, name="smart"),
    path(f"{P}/library/", library.library_browse, name="library"),
    path(f"{P}/library/insert/", library.library_insert, name="library_insert"),
    path(f"{G}/", goals.goal_edit, name="goal"),
    path(f"{G}/move/", goals.goal_move, name="goal_move"),
    path(f"{G}/remove/", goals.goal_remove, name="goal_remove"),
    path(f"{G}/target/", goals.goal_target, name="goal_target"),
    path(f"{G}/target/remove/", goals.goal_target_remove, name="goal_target_remove"),
    path(f"{G}/target/rebind/", goals.goal_target_rebind, name="goal_target_rebind"),
    path(f"{G}/objectives/new/", objectives.objective_add, name="objective_add"),
    path(f"{O}/", objectives.objective_edit, name="objective"),
    path(f"{O}/move/", objectives.objective_move, name="objective_move"),
    path(f"{O}/remove/", objectives.objective_remove, name="objective_remove"),
    path(f"{O}/target/", objectives.objective_target, name="objective_target"),
    path(f"{O}/target/remove/", objectives.objective_target_remove, name="objective_target_remove"),
    path(f"{O}/target/rebind/", objectives.objective_target_rebind, name="objective_target_rebind"),
    path(f"{O}/interventions/new/", interventions.intervention_add, name="intervention_add"),
    path(f"{I}/", interventions.intervention_edit, name="intervention"),
    path(f"{I}/remove/", interventions.intervention_remove, name="intervention_remove"),
]

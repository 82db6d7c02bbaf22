"""The client's formulation: the presenting problems, the CBT cycle and the 5 Ps factors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from milepost.accounts.policies import Policy, policy
from milepost.accounts.requests import SignedInRequest
from milepost.clients.access import client_get_for_user
from milepost.clients.models import Client
from milepost.lib.concurrency import SEEN, token
from milepost.lib.forms import add_service_errors
from milepost.plans import services
from milepost.plans.access import factor_get_for_user, formulation_for_client
from milepost.plans.forms import FactorForm, FormulationForm
from milepost.plans.models import FactorKind


@policy(Policy.CLINICAL)
def formulation_edit(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    user = request.user
    client = client_get_for_user(
        user, client_id, purpose="edit" if request.method == "POST" else "view"
    )
    formulation = formulation_for_client(user, client)
    initial = {
        name: getattr(formulation, name, "") if formulation else ""
        for name in services.FORMULATION_FIELDS
    }
    if formulation is not None:
        initial[SEEN] = token(formulation)
    form = FormulationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        seen = data.pop(SEEN, "")
        try:
            services.formulation_update(actor=user, client=client, seen=seen, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Formulation saved.")
            return redirect("plans:formulation", client_id=client.public_id)
    return _formulation_page(request, client, formulation, form=form)


def _formulation_page(
    request: HttpRequest,
    client: Client,
    formulation: Any,
    *,
    form: FormulationForm | None = None,
    factor_form: FactorForm | None = None,
    editing: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    editing = editing or {}
    rows = [
        {
            "factor": f,
            "kind": editing["kind"] if editing.get("id") == f.public_id else f.kind,
            "text": editing["text"] if editing.get("id") == f.public_id else f.text,
            "seen": editing["seen"] if editing.get("id") == f.public_id else token(f),
            "errors": editing["errors"] if editing.get("id") == f.public_id else [],
        }
        for f in (formulation.factors.all() if formulation else [])
    ]
    groups = [
        (kind, label, [r for r in rows if r["factor"].kind == kind])
        for kind, label in FactorKind.choices
    ]
    return render(
        request,
        "plans/formulation.html",
        {
            "client": client,
            "form": form or FormulationForm(),
            "factor_form": factor_form or FactorForm(initial={"kind": FactorKind.PERPETUATING}),
            "groups": groups,
            "kinds": FactorKind.choices,
        },
        status=status,
    )


@require_POST
@policy(Policy.CLINICAL)
def factor_add(request: SignedInRequest, client_id: str) -> HttpResponseBase:
    user = request.user
    client = client_get_for_user(user, client_id, purpose="edit")
    factor_form = FactorForm(request.POST)
    if factor_form.is_valid():
        try:
            data = {k: v for k, v in factor_form.cleaned_data.items() if k != SEEN}
            services.formulation_factor_add(actor=user, client=client, **data)
        except ValidationError as error:
            add_service_errors(factor_form, error)
        else:
            messages.success(request, "Factor added.")
            return redirect(reverse("plans:formulation", args=[client.public_id]) + "#factors")
    formulation = formulation_for_client(user, client)
    initial = {n: getattr(formulation, n, "") for n in services.FORMULATION_FIELDS}
    return _formulation_page(
        request, client, formulation, form=FormulationForm(initial=initial), factor_form=factor_form
    )


@require_POST
@policy(Policy.CLINICAL)
def factor_edit(request: SignedInRequest, client_id: str, factor_id: str) -> HttpResponseBase:
    user = request.user
    factor = factor_get_for_user(user, client_id, factor_id, purpose="edit")
    form = FactorForm(request.POST)
    if form.is_valid():
        try:
            data = dict(form.cleaned_data)
            seen = data.pop(SEEN, "")
            services.formulation_factor_update(actor=user, factor=factor, seen=seen, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Factor saved.")
            return redirect(
                reverse("plans:formulation", args=[client_id]) + f"#f-{factor.public_id}"
            )
    # Back to the page with the factor open, what was typed in it, and why it was refused.
    client = factor.formulation.client
    formulation = formulation_for_client(user, client)
    initial = {n: getattr(formulation, n, "") for n in services.FORMULATION_FIELDS}
    editing = {
        "id": factor.public_id,
        "kind": form.data.get("kind", factor.kind),
        "text": form.data.get("text", factor.text),
        "seen": form.data.get(SEEN, ""),
        "errors": [
            f"{form.fields[k].label if k in form.fields else 'Factor'}: {e}"
            for k, errs in form.errors.items()
            for e in errs
        ],
    }
    return _formulation_page(
        request, client, formulation, form=FormulationForm(initial=initial), editing=editing
    )

"""The drafting assistant is reachable on a demo client's draft plan (Marcus: panic)."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from milepost.accounts.models import User
from milepost.demo import data
from milepost.plans.models import PlanStatus, TreatmentPlan

pytestmark = pytest.mark.django_db


def test_marcus_draft_plan_opens_the_assistant_with_his_presenting_problems():
    data.load()
    plan = TreatmentPlan.objects.get(client__given_name="Marcus", status=PlanStatus.DRAFT)
    http = HttpClient()
    http.force_login(User.objects.get(email__startswith="alice"))
    editor = http.get(reverse("plans:editor", args=[plan.client.public_id, plan.public_id]))
    url = reverse("drafting:assistant", args=[plan.client.public_id, plan.public_id])
    assert url.encode() in editor.content
    page = http.get(url)
    assert page.status_code == 200
    problem = page.context["form"].initial["presenting_problem"]
    assert "panic" in problem.lower()
    drafted = http.post(url, {"presenting_problem": problem, "client_words": "", "do": "draft"})
    assert drafted.status_code == 200
    assert "panic" in drafted.context["draft_json"]["areas"]
    assert b"Graded in-vivo exposure" in drafted.content

"""Functional impairment: what a payer's medical-necessity review reads beside the presenting
problem (issue 16; decision 0804). Written on a draft, signed with it, carried to the next
version, printed and exported."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from milepost.domain import plan_versions
from milepost.interop.fhir import export
from milepost.plans import documents, services, versions
from milepost.plans.selectors import plan_to_domain
from tests.base import PASSWORD, dana_plan
from tests.plans.test_documents import _text
from tests.plans.test_versions import complete

pytestmark = pytest.mark.django_db

IMPAIRMENT = "Off work for six weeks; in bed until noon most days."


def test_it_is_written_on_a_draft_and_named_when_too_long(personas):
    dp = dana_plan(personas)
    services.plan_update(actor=personas.alice, plan=dp.plan, functional_impairment=IMPAIRMENT)
    dp.plan.refresh_from_db()
    assert dp.plan.functional_impairment == IMPAIRMENT
    with pytest.raises(ValidationError) as caught:
        services.plan_update(
            actor=personas.alice, plan=dp.plan, functional_impairment="x" * 100_000
        )
    assert "functional_impairment" in caught.value.error_dict


def test_an_empty_impairment_leaves_an_old_fingerprint_as_it_was(personas):
    dp = complete(personas)
    before = plan_versions.content(plan_to_domain(dp.plan))
    assert "functional_impairment" not in before  # versions signed before it existed
    services.plan_update(actor=personas.alice, plan=dp.plan, functional_impairment=IMPAIRMENT)
    dp.plan.refresh_from_db()
    after = plan_versions.content(plan_to_domain(dp.plan))
    assert after["functional_impairment"] == IMPAIRMENT


def test_it_is_signed_printed_carried_to_the_next_version_and_exported(personas, tmp_path):
    dp = complete(personas)
    services.plan_update(actor=personas.alice, plan=dp.plan, functional_impairment=IMPAIRMENT)
    versions.plan_sign(actor=personas.alice, plan=dp.plan, password=PASSWORD)
    dp.plan.refresh_from_db()
    text = " ".join(_text(documents.plan_pdf(dp.plan, user=personas.alice), tmp_path).split())
    assert "Functional impairment" in text
    assert "Off work for six weeks" in text
    draft = versions.plan_amend(actor=personas.alice, plan=dp.plan, reason="Review")
    assert draft.functional_impairment == IMPAIRMENT
    bundle = json.dumps(export.client_bundle(personas.alice, personas.dana_client))
    assert f"Functional impairment: {IMPAIRMENT}" in bundle

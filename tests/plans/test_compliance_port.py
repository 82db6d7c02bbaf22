"""Plans asks for compliance findings through its port; reports registers the builder."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from milepost.plans import compliance as port
from milepost.reports import compliance as builder


def test_reports_registers_its_builder_when_django_starts():
    assert port._builder is builder


def test_without_a_builder_signing_cannot_skip_the_checks(monkeypatch):
    monkeypatch.setattr(port, "_builder", None)
    with pytest.raises(ImproperlyConfigured, match=r"milepost\.reports"):
        port.compliance_errors(object())  # type: ignore[arg-type]
    with pytest.raises(ImproperlyConfigured):
        port.compliance_for(object(), user=object())  # type: ignore[arg-type]

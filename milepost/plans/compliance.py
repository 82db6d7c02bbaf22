"""A shim: the plan editor (plans/views.py) and the signing service (plans/versions.py) import
the compliance linter from here while plans/views.py and plans/services.py are being split.

A version's ComplianceRecord reads session notes and administrations, so it is built in
milepost.reports.compliance, above notes (docs/decisions/0013-layers-and-read-models.md).
This import runs from plans up to reports; pyproject.toml lists it as a known exception
to the layers until those callers get the linter another way and this module goes.
"""

from __future__ import annotations

from milepost.reports.compliance import compliance_errors, compliance_for

__all__ = ["compliance_errors", "compliance_for"]

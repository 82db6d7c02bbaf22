"""Loading the demo twice creates no plan part, metric, observation or audit event anew.

Apart from tests/demo/test_demo_plans.py, whose tests share one loaded demo: this one starts
from an empty database, so its first load is a real first load."""

from __future__ import annotations

import pytest

from milepost.demo import data
from tests.demo.test_demo_plans import _counts


@pytest.mark.django_db
def test_loading_twice_creates_nothing_new():
    data.load()
    counts = _counts()
    assert counts["plans"] > 0
    data.load()
    assert _counts() == counts

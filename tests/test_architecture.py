"""What docs/architecture.md says of views holds for every view module: a view reads through
an app's access.py or selectors and writes through its services, never through a model's
manager (`.objects`) itself."""

from __future__ import annotations

import re
from pathlib import Path

MILEPOST = Path(__file__).resolve().parents[1] / "milepost"
MANAGER = re.compile(r"\.objects\b|\._default_manager\b")


def _view_modules() -> list[Path]:
    found = [
        path
        for path in MILEPOST.rglob("*.py")
        if "migrations" not in path.parts
        and (path.name == "views.py" or path.name.endswith("_views.py") or "views" in path.parts)
    ]
    return sorted(found)


def test_there_are_view_modules_to_read():
    names = {p.relative_to(MILEPOST).as_posix() for p in _view_modules()}
    assert len(names) >= 10
    assert "accounts/views.py" in names


def test_no_view_module_queries_a_model_manager():
    offenders = [
        f"{path.relative_to(MILEPOST)}:{number}"
        for path in _view_modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if MANAGER.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []


def test_the_pattern_finds_a_manager_call():
    assert MANAGER.search("plan = TreatmentPlan.objects.get(pk=1)")
    assert not MANAGER.search("objects_for(user)")

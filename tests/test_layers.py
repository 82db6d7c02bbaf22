"""No import cycle between Milepost's top-level apps (docs/decisions/0013).

`lint-imports` checks the order of the layers (pyproject.toml); this checks the rule under
it inside the suite, with no database: no app imports, directly or through others, an app
that imports it back. Imports inside functions count; imports only a type checker runs
(under `if TYPE_CHECKING:`) do not. The exceptions are the layers contract's
`ignore_imports`, read from pyproject.toml so that there is one list, and each must still
be a real import, so an exception is struck off once its import is gone.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent

Import = tuple[str, str]  # (importer, imported), both module names


def known_exceptions() -> set[Import]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [layers] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    pairs = (line.split("->") for line in layers.get("ignore_imports", []))
    return {(importer.strip(), imported.strip()) for importer, imported in pairs}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("milepost", exclude_type_checking_imports=True, cache_dir=None)


def app_of(module: str) -> str:
    """`milepost.plans.views` -> `plans`; `milepost.backup` -> `backup`."""
    return module.split(".")[1]


def imports_between_apps(graph: grimp.ImportGraph, skip: set[Import]) -> dict[Import, list[Import]]:
    """(importing app, imported app) -> the module imports that make that edge."""
    edges: dict[Import, list[Import]] = defaultdict(list)
    for module in graph.modules:
        if module == "milepost":
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            if imported == "milepost" or (module, imported) in skip:
                continue
            if app_of(module) != app_of(imported):
                edges[app_of(module), app_of(imported)].append((module, imported))
    return edges


def apps_in_cycles(edges: dict[Import, list[Import]]) -> set[str]:
    """The apps that reach themselves again by following imports."""
    below: dict[str, set[str]] = defaultdict(set)
    for importer, imported in edges:
        below[importer].add(imported)

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        todo = list(below[start])
        while todo:
            app = todo.pop()
            if app not in seen:
                seen.add(app)
                todo.extend(below[app])
        return seen

    return {app for app in list(below) if app in reachable(app)}


def test_no_app_imports_an_app_that_imports_it_back(graph):
    edges = imports_between_apps(graph, skip=known_exceptions())
    cycling = apps_in_cycles(edges)
    culprits = {
        f"{a} -> {b}: {sorted(modules)[:3]}"
        for (a, b), modules in edges.items()
        if a in cycling and b in cycling
    }
    assert not cycling, "import cycle between apps:\n" + "\n".join(sorted(culprits))


def test_every_known_exception_is_still_a_real_import(graph):
    for importer, imported in sorted(known_exceptions()):
        assert graph.direct_import_exists(importer=importer, imported=imported), (
            f"{importer} no longer imports {imported}: strike it from ignore_imports"
        )


def test_the_check_finds_a_cycle_when_there_is_one():
    edges = {
        ("plans", "clients"): [("milepost.plans.views", "milepost.clients.access")],
        ("clients", "plans"): [("milepost.clients.views", "milepost.plans.models")],
        ("notes", "plans"): [("milepost.notes.access", "milepost.plans.models")],
    }
    assert apps_in_cycles(edges) == {"plans", "clients"}

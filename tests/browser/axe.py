"""Accessibility checks in the browser tests: axe-core (from the npm registry, installed by
`make install-dev` into node_modules/) runs inside the page Playwright has open.

    assert_accessible(page)   # fails listing every serious or critical WCAG 2.x A/AA violation

The script is evaluated through the DevTools protocol, which the page's Content-Security-
Policy does not govern, so pages are checked under their real policy.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")


@cache
def _source() -> str:
    if not AXE.exists():
        raise RuntimeError("axe-core is missing: run `make install-dev` (it runs npm install)")
    return AXE.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """Every serious or critical violation on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        TAGS,
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def assert_accessible(page, where: str = "") -> None:
    found = violations(page)
    lines = [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in found
    ]
    label = where or page.url
    assert not found, f"axe found {len(found)} violation(s) on {label}:\n" + "\n".join(lines)

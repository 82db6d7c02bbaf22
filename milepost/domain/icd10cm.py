"""The ICD-10-CM code set: does a code exist, what is it called, may it be billed.

Source: the CMS/NCHS ICD-10-CM tabular list and code list as shipped by the PyPI package
`simple-icd-10-cm` (pinned in requirements/base.txt; its data files are the April 2026
release: `code-list-April-2026.txt`, `icd10c-tabular-April-1-2026.xml`). See
docs/decisions/0801-icd10cm-code-set.md. A code is billable when it is a leaf of the
tabular list (no more specific code below it); chapters and blocks ("F30-F39") are not codes.

The package parses its tables when first imported (a few seconds, once per process), so it
is imported on first use, not when this module is.

Pure Python: no Django.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from types import ModuleType

from milepost.domain.plans import normalise_icd10cm

CODE_SET = "ICD-10-CM, CMS/NCHS April 2026 release (simple-icd-10-cm 1.5.0)"


@dataclass(frozen=True)
class CodeInfo:
    """One code of the set as Milepost uses it."""

    code: str  # with the dot, e.g. F32.1
    description: str
    billable: bool


@functools.cache
def _code_set() -> ModuleType:
    with warnings.catch_warnings():
        # The package reads its tables with importlib.resources.read_text (deprecated).
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm

    return simple_icd_10_cm


def lookup(code: str) -> CodeInfo | None:
    """The code set's entry for `code` (any spelling normalise_icd10cm accepts), or None
    when the code is not in the set (or is a chapter or block, which are not codes)."""
    try:
        clean = normalise_icd10cm(code)
    except ValueError:
        return None
    cm = _code_set()
    if not cm.is_valid_item(clean) or cm.is_chapter_or_block(clean):
        return None
    return CodeInfo(code=clean, description=cm.get_description(clean), billable=cm.is_leaf(clean))


def more_specific(code: str, limit: int = 6) -> list[str]:
    """A few of the codes one level below a category, to suggest ("F32.0, F32.1, …")."""
    info = lookup(code)
    if info is None or info.billable:
        return []
    return [str(child) for child in _code_set().get_children(info.code)[:limit]]

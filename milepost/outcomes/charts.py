"""The dashboard's chart: each group's recovery, reliable improvement and reliable
deterioration as horizontal bars beside the practice's rate, as SVG (matplotlib).

House style of measures/charts.py: readable in black and white (the three bars differ by
fill and hatching as well as shade, and are labelled in words), reproducible bytes, and
served from its own URL as an image so matplotlib's inline styles never meet the page's
Content-Security-Policy. A suppressed group shows the words "fewer than N", not a bar.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("svg")

from matplotlib import rcParams
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from milepost.outcomes.selectors import Report

rcParams["svg.hashsalt"] = "milepost"
rcParams["svg.fonttype"] = "none"
rcParams["font.family"] = ["DejaVu Sans", "sans-serif"]
rcParams["text.parse_math"] = False

_INK = "#1d2a2e"
_DPI = 96
#: (attribute, label, fill, hatch): dark solid, light hatched, white cross-hatched.
_SERIES = (
    ("recovery", "Recovery", "#1f5f5b", ""),
    ("reliable_improvement", "Reliable improvement", "#a9c7c4", "///"),
    ("reliable_deterioration", "Reliable deterioration", "#ffffff", "xxx"),
)
_MAX_GROUPS = 30


def outcome_chart_svg(report: Report) -> str:
    rows = report.rows[:_MAX_GROUPS]
    height = 1.4 + 0.62 * max(len(rows), 1)
    figure = Figure(figsize=(7.5, height), dpi=_DPI)
    axes = figure.add_subplot()
    bar = 0.26
    for index, row in enumerate(rows):
        y = len(rows) - 1 - index
        shown = False
        for offset, (name, _label, fill, hatch) in enumerate(_SERIES):
            value = getattr(row, name)
            if value is None:
                continue
            shown = True
            axes.barh(
                y + (1 - offset) * bar,
                value,
                height=bar,
                color=fill,
                hatch=hatch,
                edgecolor=_INK,
                linewidth=0.6,
            )
            axes.text(value + 1, y + (1 - offset) * bar, f"{value:.0f}%", va="center", fontsize=7)
        if not shown:
            axes.text(1, y, f"fewer than {report.minimum} cases", va="center", fontsize=8)
    handles = []
    for offset, (name, label, fill, hatch) in enumerate(_SERIES):
        practice = getattr(report.total, name)
        handles.append(Patch(facecolor=fill, hatch=hatch, edgecolor=_INK, label=label))
        if practice is not None:
            axes.axvline(practice, color=_INK, linestyle=("--", ":", "-.")[offset], linewidth=0.9)
    axes.set_yticks(range(len(rows)), [r.label for r in reversed(rows)], fontsize=8)
    axes.set_xlim(0, 105)
    axes.set_xlabel("% of cases (lines: the practice)", fontsize=8, color=_INK)
    axes.tick_params(axis="x", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=3,
        fontsize=8,
        frameon=False,
    )
    if not rows:
        axes.text(50, 0, "No cases yet", ha="center", va="center")
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()

"""Score charts as SVG (matplotlib): the same drawing serves the web page and, later, the PDF.

Severity bands are shaded in greys that survive black-and-white printing, the caseness
cut-off is a dashed line, and a target (once a goal is bound to the instrument) is a
solid line ending at its due date. Pages load the SVG as an image from its own URL, so
matplotlib's inline styles never meet the page's Content-Security-Policy.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("svg")

from matplotlib import dates as mdates
from matplotlib import rcParams
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from milepost.domain.instruments import Instrument

# Reproducible SVG (no random ids, no creation date) so identical data gives identical bytes.
rcParams["svg.hashsalt"] = "milepost"
rcParams["svg.fonttype"] = "none"
rcParams["font.family"] = ["DejaVu Sans", "sans-serif"]

_BAND_GREYS = ("#ffffff", "#f1f1ef", "#e2e2df", "#d0d0cc", "#bdbdb8", "#a9a9a4")
_INK = "#1d2a2e"
_LINE = "#1f5f5b"


@dataclass(frozen=True)
class Target:
    value: float
    due: dt.date | None = None
    label: str = "Target"


def score_chart_svg(
    instrument: Instrument,
    points: Sequence[tuple[dt.datetime, float]],
    *,
    target: Target | None = None,
    width: float = 7.0,
    height: float = 3.2,
) -> str:
    """The chart of one client's totals on one instrument, as an SVG document."""
    figure = Figure(figsize=(width, height), dpi=96)
    axes = figure.add_subplot()
    low, high = instrument.total_min, instrument.total_max
    pad = (high - low) * 0.03

    for index, band in enumerate(instrument.bands):
        grey = _BAND_GREYS[min(index, len(_BAND_GREYS) - 1)]
        top = band.max + 1 if band.max < high else high + pad
        axes.axhspan(band.min, top, color=grey, zorder=0, linewidth=0)
        axes.text(
            1.01,
            (band.min + min(band.max + 1, high)) / 2,
            band.label,
            transform=axes.get_yaxis_transform(),
            fontsize=7,
            color=_INK,
            va="center",
        )

    cutoff = instrument.caseness_cutoff
    if cutoff is not None:
        axes.axhline(cutoff, color=_INK, linestyle=(0, (4, 3)), linewidth=1, zorder=2)
        axes.text(
            0.005,
            cutoff,
            f" clinical cut-off {cutoff}",
            transform=axes.get_yaxis_transform(),
            fontsize=7,
            color=_INK,
            va="bottom",
        )

    dates = [float(mdates.date2num(when)) for when, _ in points]
    values = [value for _, value in points]
    if points:
        axes.plot(dates, values, color=_LINE, marker="o", markersize=5, linewidth=2, zorder=4)
        for x, value in zip(dates, values, strict=True):
            axes.annotate(
                f"{value:g}",
                (x, value),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=7,
                color=_INK,
            )

    if target is not None:
        start = dates[0] if dates else float(mdates.date2num(dt.datetime.now(tz=dt.UTC)))
        end = (
            float(mdates.date2num(dt.datetime.combine(target.due, dt.time(12), tzinfo=dt.UTC)))
            if target.due
            else (dates[-1] if dates else start)
        )
        axes.plot([start, end], [target.value, target.value], color=_INK, linewidth=1.5, zorder=3)
        if target.due:
            axes.axvline(end, color=_INK, linestyle=":", linewidth=1, zorder=3)
        axes.text(
            end,
            target.value,
            f" {target.label} {target.value:g}",
            fontsize=7,
            color=_INK,
            va="bottom",
            ha="right",
        )

    axes.set_ylim(low - pad, high + pad)
    axes.set_ylabel(f"{instrument.short_name} total", fontsize=8, color=_INK)
    axes.tick_params(labelsize=7, colors=_INK)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b\n%Y"))
    axes.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))
    if not points:
        axes.text(
            0.5,
            0.5,
            "No scores yet",
            transform=axes.transAxes,
            ha="center",
            fontsize=10,
            color=_INK,
        )
        axes.set_xticks([])
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    direction = "Higher is worse" if instrument.higher_is_worse else "Higher is better"
    axes.set_title(
        f"{instrument.short_name} — {direction.lower()}", fontsize=9, color=_INK, loc="left"
    )
    figure.subplots_adjust(left=0.09, right=0.8, top=0.88, bottom=0.2)

    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()

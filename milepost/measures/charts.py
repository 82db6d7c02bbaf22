"""Charts as SVG (matplotlib): the same drawing serves the web page and, later, the PDF.

Two charts share one set of drawing helpers: an instrument's totals over time
(`score_chart_svg`, the measures page) and one plan target's values against its target
line and due date (`target_chart_svg`, the plan's progress page).

Everything must read in black and white: severity bands are shaded in greys that survive
printing, and every line differs by its dash style, width or marker as well as its shade
(values solid with dots, target solid and thinner, cut-off and due date dashed, trend
dotted), each labelled in words on the chart. Pages load the SVG as an image from its own
URL, so matplotlib's inline styles never meet the page's Content-Security-Policy.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("svg")

from matplotlib import dates as mdates
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PIL import Image

from milepost.domain.instruments import Instrument
from milepost.domain.plans import Target as PlanTarget
from milepost.domain.progress import Projection

# Reproducible SVG (no random ids, no creation date) so identical data gives identical bytes.
rcParams["svg.hashsalt"] = "milepost"
rcParams["svg.fonttype"] = "none"
rcParams["font.family"] = ["DejaVu Sans", "sans-serif"]
# Labels quote what people typed (a metric's unit): "$" is a dollar, never TeX maths.
rcParams["text.parse_math"] = False

_BAND_GREYS = ("#ffffff", "#f1f1ef", "#e2e2df", "#d0d0cc", "#bdbdb8", "#a9a9a4")
_INK = "#1d2a2e"
_LINE = "#1f5f5b"
_TREND = "#5b6669"
_DPI = 96

_COMPARATOR_SIGNS = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "=": "="}


@dataclass(frozen=True)
class Target:
    value: float
    due: dt.date | None = None
    label: str = "Target"


# ---------------------------------------------------------------- shared drawing


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(width, height), dpi=_DPI)
    return figure, figure.add_subplot()


def _pad(instrument: Instrument) -> float:
    return (instrument.total_max - instrument.total_min) * 0.03


def _draw_bands(axes: Axes, instrument: Instrument) -> None:
    """The severity bands as grey shades, each named at the right-hand edge."""
    high = instrument.total_max
    pad = _pad(instrument)
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


def _draw_cutoff(axes: Axes, instrument: Instrument) -> None:
    """The caseness cut-off as a dashed line, named at the left."""
    cutoff = instrument.caseness_cutoff
    if cutoff is None:
        return
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


# How much of the y range a value's label takes above or below its dot (7 pt of offset and
# a 7 pt line of text on a chart about 220 pt high).
_LABEL_SHARE = 0.075


def label_side(value: float, lines: Sequence[float], *, low: float, high: float) -> str:
    """Where a value's label goes so that no horizontal line (cut-off, target) runs through
    it: "above" the dot if that space is clear, else "below", else "right" of the dot."""
    room = (high - low) * _LABEL_SHARE
    if not any(value < y <= value + room for y in lines):
        return "above"
    if not any(value - room <= y < value for y in lines):
        return "below"
    return "right"


_SIDES = {
    "above": {"xytext": (0, 7), "ha": "center", "va": "bottom"},
    "below": {"xytext": (0, -7), "ha": "center", "va": "top"},
    "right": {"xytext": (6, 0), "ha": "left", "va": "center"},
}


def _draw_values(
    axes: Axes,
    xs: Sequence[float],
    values: Sequence[float],
    labels: Sequence[str] | None = None,
    *,
    lines: Sequence[float] = (),
    y_range: tuple[float, float] = (0.0, 1.0),
) -> None:
    """The values as a solid line with dots, each dot labelled (by default, its value) on
    the side no horizontal line of the chart crosses (`lines`, in a y range `y_range`)."""
    if not xs:
        return
    axes.plot(xs, values, color=_LINE, marker="o", markersize=5, linewidth=2, zorder=4)
    texts = labels if labels is not None else [f"{value:g}" for value in values]
    low, high = y_range
    for x, value, text in zip(xs, values, texts, strict=True):
        side = _SIDES[label_side(value, lines, low=low, high=high)]
        axes.annotate(
            text,
            (x, value),
            textcoords="offset points",
            fontsize=7,
            color=_INK,
            zorder=6,
            **side,  # type: ignore[arg-type]
        )


def _instrument_y_axis(axes: Axes, instrument: Instrument) -> None:
    pad = _pad(instrument)
    axes.set_ylim(instrument.total_min - pad, instrument.total_max + pad)
    axes.set_ylabel(f"{instrument.short_name} total", fontsize=8, color=_INK)


def _date_axis(axes: Axes, *, max_ticks: int = 8) -> None:
    axes.tick_params(labelsize=7, colors=_INK)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%-d %b\n%Y"))
    axes.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=2, maxticks=max_ticks))


def _no_values(axes: Axes, words: str) -> None:
    axes.text(0.5, 0.5, words, transform=axes.transAxes, ha="center", fontsize=10, color=_INK)


def _open_frame(axes: Axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _title(axes: Axes, text: str) -> None:
    axes.set_title(text, fontsize=9, color=_INK, loc="left")


def _instrument_title(instrument: Instrument) -> str:
    direction = "Higher is worse" if instrument.higher_is_worse else "Higher is better"
    return f"{instrument.short_name} — {direction.lower()}"


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _x(day: dt.date) -> float:
    return float(mdates.date2num(day))


# ---------------------------------------------------------------- an instrument's totals


def score_chart_svg(
    instrument: Instrument,
    points: Sequence[tuple[dt.datetime, float]],
    *,
    target: Target | None = None,
    width: float = 7.0,
    height: float = 3.2,
) -> str:
    """The chart of one client's totals on one instrument, as an SVG document."""
    figure, axes = _figure(width, height)
    _draw_bands(axes, instrument)
    _draw_cutoff(axes, instrument)

    dates = [_x(when) for when, _ in points]
    pad = _pad(instrument)
    lines = [
        y for y in (instrument.caseness_cutoff, target.value if target else None) if y is not None
    ]
    _draw_values(
        axes,
        dates,
        [value for _, value in points],
        lines=lines,
        y_range=(instrument.total_min - pad, instrument.total_max + pad),
    )

    if target is not None:
        start = dates[0] if dates else _x(dt.datetime.now(tz=dt.UTC))
        end = (
            _x(dt.datetime.combine(target.due, dt.time(12), tzinfo=dt.UTC))
            if target.due
            else (dates[-1] if dates else start)
        )
        axes.plot([start, end], [target.value, target.value], color=_INK, linewidth=1.5, zorder=3)
        if target.due:
            axes.axvline(end, color=_INK, linestyle=":", linewidth=1, zorder=3)
        # Named on the side where it is met (below when higher is worse), clear of the
        # cut-off just above a PHQ-9 target of 9.
        below = bool(instrument.higher_is_worse)
        axes.annotate(
            f"{target.label} {target.value:g}",
            (end, target.value),
            textcoords="offset points",
            xytext=(-3, -3 if below else 3),
            fontsize=7,
            color=_INK,
            va="top" if below else "bottom",
            ha="right",
            zorder=6,
        )

    _instrument_y_axis(axes, instrument)
    _date_axis(axes)
    if dates:
        # One score, or scores days apart, still get a readable stretch of time: at least
        # four weeks, starting a little before the first.
        first, last = min(dates), max(dates)
        if target is not None and target.due:
            last = max(last, _x(dt.datetime.combine(target.due, dt.time(12), tzinfo=dt.UTC)))
        span = max(last - first, 28.0)
        axes.set_xlim(first - span * 0.05, first + span * 1.05)
    if not points:
        _no_values(axes, "No scores yet")
        axes.set_xticks([])
    _open_frame(axes)
    _title(axes, _instrument_title(instrument))
    figure.subplots_adjust(left=0.09, right=0.8, top=0.88, bottom=0.2)
    return _svg(figure)


# ---------------------------------------------------------------- one plan target

#: The size of `target_chart_svg` in CSS pixels, for the page's <img width height>.
TARGET_CHART_SIZE = (672, 336)
#: The portal's size: a phone shows it about at its own size, so its 7-point labels stay
#: readable at 390 px wide (issue 16), where the staff chart would shrink them by half.
PHONE_CHART_SIZE = (360, 300)


def target_label(target: PlanTarget) -> str:
    """The words on the target line: "Target ≤ 9"."""
    sign = _COMPARATOR_SIGNS.get(target.comparator, target.comparator)
    return f"Target {sign} {target.target_value:g}"


def due_label(due: dt.date) -> str:
    """The words on the due-date line: "Due 23 Mar" (the axis below gives the year)."""
    return f"Due {due.day} {due:%b}"


def metric_axis_label(target: PlanTarget) -> str:
    """A custom metric's axis: its unit and period, "activities per week"."""
    unit = target.unit or "value"
    return f"{unit} per {target.period}" if target.period else unit


def _draw_trend(
    axes: Axes, projection: Projection, *, first: dt.date, due: dt.date, low: float, high: float
) -> None:
    """The projection's least-squares line, dotted, from the first value to the due date.

    The domain's line is intercept + slope × (days since the first value). A line that
    leaves the chart's range before the due date stops at its edge, so that its label
    stays on the chart; only a line that reaches the due date names its value there.
    """
    assert projection.slope_per_week is not None
    assert projection.projected is not None
    slope = projection.slope_per_week / 7
    at_first = projection.projected - slope * (due - first).days
    end_day, end_value = float((due - first).days), projection.projected
    label = f"trend {projection.projected:.3g}"
    if not low <= end_value <= high and slope != 0:
        bound = high if end_value > high else low
        end_day, end_value = (bound - at_first) / slope, bound
        label = "trend"
    axes.plot(
        [_x(first), _x(first) + end_day],
        [at_first, end_value],
        color=_TREND,
        linestyle=(0, (1, 2)),
        linewidth=1,
        zorder=3,
    )
    # Named on the open side of the line's end: above a rising line, below a falling one.
    rising = slope > 0
    axes.annotate(
        label,
        (_x(first) + end_day, end_value),
        textcoords="offset points",
        xytext=(-4, 3 if rising else -3),
        fontsize=7,
        color=_TREND,
        va="bottom" if rising else "top",
        ha="right",
        zorder=6,
    )


def target_chart_svg(
    target: PlanTarget, points: Sequence[tuple[dt.date, float]], **options: Any
) -> str:
    """The target chart (target_chart_figure) as an SVG document: the web page's."""
    return _svg(target_chart_figure(target, points, **options))


PRINT_DPI = 150


def target_chart_png(
    target: PlanTarget, points: Sequence[tuple[dt.date, float]], **options: Any
) -> bytes:
    """The target chart as a PNG at PRINT_DPI: the PDFs'. WeasyPrint embeds a PNG in a few
    milliseconds but lays out every label of an SVG as text (a third of a second a chart).

    The PNG is opaque RGB: WeasyPrint splits an alpha channel into a second image and
    compresses both again, which cost more than drawing the chart. Compression is light
    (level 1) for the same reason: WeasyPrint compresses the pixels once more anyway.
    """
    figure = target_chart_figure(target, points, **options)
    figure.set_dpi(PRINT_DPI)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    rgba = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    buffer = io.BytesIO()
    rgba.convert("RGB").save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def target_chart_figure(
    target: PlanTarget,
    points: Sequence[tuple[dt.date, float]],
    *,
    today: dt.date,
    instrument: Instrument | None = None,
    baseline_on: dt.date | None = None,
    projection: Projection | None = None,
    size: tuple[int, int] = TARGET_CHART_SIZE,
) -> Figure:
    """One goal's or objective's values over time against its target, as a figure.

    `points` are the values that count for the target, in any order. With an
    `instrument` the chart has its severity bands, cut-off and range; without, it is a
    custom metric's axis from 0 labelled with the unit and period. The baseline is an
    open square at `baseline_on` (where a dated baseline came from), else at the start.
    `projection` is the one the page's on-track verdict came from (TargetProgress): its
    least-squares line is drawn dotted from the first value to the due date, so the
    chart shows exactly the trend the words describe. `today` only places the chart in
    time when there are no values yet. `size` is in CSS pixels (PHONE_CHART_SIZE for the
    portal: fewer date ticks, wider margins).
    """
    width, height = (pixels / _DPI for pixels in size)
    narrow = size[0] < 480
    figure, axes = _figure(width, height)
    ordered = sorted(points, key=lambda point: point[0])
    xs = [_x(day) for day, _ in ordered]
    values = [value for _, value in ordered]
    due = target.due_date

    if instrument is not None:
        _draw_bands(axes, instrument)
        _draw_cutoff(axes, instrument)

    first = ordered[0][0] if ordered else (baseline_on or today)
    days = [first, *(day for day, _ in ordered)]
    if baseline_on is not None:
        days.append(baseline_on)
    if due is not None:
        days.append(due)
    start, end = _x(min(days)), _x(max(days))
    span = max(end - start, 14.0)
    # More room on the left: the baseline's name sits centred under the first value.
    lead, margin = span * 0.07, span * 0.04

    # The target: a solid line across the whole time span, named where it starts, on the
    # side where it is met (below "≤ 9", above "≥ 5"): the values approach from the other
    # side, and a PHQ-9 target of 9 keeps clear of the cut-off's name just above it.
    met_below = target.comparator in ("<=", "<") or (
        target.comparator == "=" and target.direction == "decrease"
    )
    axes.plot(
        [start - lead, end + margin],
        [target.target_value] * 2,
        color=_INK,
        linewidth=1.5,
        zorder=3,
    )
    axes.annotate(
        target_label(target),
        (start - lead, target.target_value),
        textcoords="offset points",
        xytext=(2, -3 if met_below else 3),
        fontsize=7,
        fontweight="bold",
        color=_INK,
        va="top" if met_below else "bottom",
        ha="left",
        zorder=6,
    )

    if due is not None:
        axes.axvline(_x(due), color=_INK, linestyle=(0, (5, 3)), linewidth=1, zorder=3)
        axes.annotate(
            due_label(due),
            (_x(due), 1.0),
            xycoords=("data", "axes fraction"),
            textcoords="offset points",
            xytext=(-3, -2),
            fontsize=7,
            color=_INK,
            va="top",
            ha="right",
            zorder=6,
        )

    if instrument is not None:
        pad = _pad(instrument)
        low, high = instrument.total_min - pad, instrument.total_max + pad
    else:
        low = 0.0
        high = max([*values, target.target_value, target.baseline or 0.0, 1.0]) * 1.18

    if (
        projection is not None
        and due is not None
        and projection.slope_per_week is not None
        and projection.projected is not None
        and ordered
    ):
        _draw_trend(axes, projection, first=first, due=due, low=low, high=high)

    labels = [f"{value:g}" for value in values]
    if target.baseline is not None:
        at = _x(baseline_on) if baseline_on is not None else start
        axes.plot(
            [at],
            [target.baseline],
            linestyle="none",
            marker="s",
            markersize=10,
            markerfacecolor="none",
            markeredgecolor=_INK,
            markeredgewidth=1.2,
            zorder=5,
        )
        # A baseline that is one of the values names that value ("baseline 17" over its
        # dot) rather than adding a second label beside it, which the next value's label
        # would run into.
        same = [i for i, x in enumerate(xs) if x == at and values[i] == target.baseline]
        if same:
            labels[same[0]] = f"baseline {target.baseline:g}"
        else:
            axes.annotate(
                f"baseline {target.baseline:g}",
                (at, target.baseline),
                textcoords="offset points",
                xytext=(0, -8),
                fontsize=7,
                color=_INK,
                va="top",
                ha="center",
                zorder=6,
            )

    lines = [target.target_value]
    if instrument is not None and instrument.caseness_cutoff is not None:
        lines.append(instrument.caseness_cutoff)
    _draw_values(axes, xs, values, labels, lines=lines, y_range=(low, high))

    axes.set_xlim(start - lead, end + margin)
    if instrument is not None:
        _instrument_y_axis(axes, instrument)
        title = _instrument_title(instrument)
    else:
        axes.set_ylim(low, high)
        axes.set_ylabel(metric_axis_label(target), fontsize=8, color=_INK)
        title = target.measure
    _date_axis(axes, max_ticks=4 if narrow else 8)
    if not ordered:
        _no_values(axes, "No values yet")
    _open_frame(axes)
    _title(axes, title)
    right = 0.8 if instrument is not None else 0.96
    if narrow:
        figure.subplots_adjust(left=0.16, right=right, top=0.9, bottom=0.16)
    else:
        figure.subplots_adjust(left=0.09, right=right, top=0.9, bottom=0.18)
    return figure

"""The chart of one plan target, drawn directly (no database, no request)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from milepost.domain import instruments
from milepost.domain.plans import Target
from milepost.domain.progress import Comparator, project
from milepost.measures import charts
from milepost.measures.charts import TARGET_CHART_SIZE, score_chart_svg, target_chart_svg

TODAY = dt.date(2026, 2, 20)
PHQ9 = instruments.get("phq9")
DEPRESSION = Target(
    measure="phq9",
    instrument=True,
    target_value=9,
    comparator="<=",
    direction="decrease",
    baseline=17,
    due_date=dt.date(2026, 3, 23),
)
ACTIVITIES = Target(
    measure="Pleasurable activities",
    instrument=False,
    target_value=5,
    comparator=">=",
    direction="increase",
    baseline=1,
    unit="activities",
    period="week",
    due_date=dt.date(2026, 4, 6),
)
SCORES = [(dt.date(2026, 1, 5), 17.0), (dt.date(2026, 1, 19), 14.0), (dt.date(2026, 2, 2), 11.0)]


def _texts(svg: str) -> list[str]:
    # Our own output, not untrusted input: the standard parser will do.
    root = ET.fromstring(svg)  # noqa: S314
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return [" ".join(t.split()) for t in root.itertext() if t.strip()]


def _chart(target: Target, points, **kwargs) -> str:
    projection = None
    if points and target.due_date is not None:
        comparator: Comparator = "<=" if target.comparator in ("<=", "<") else ">="
        projection = project(
            points, target=target.target_value, due=target.due_date, comparator=comparator
        )
    return target_chart_svg(target, points, today=TODAY, projection=projection, **kwargs)


class TargetChartTests:
    def test_an_instrument_has_its_bands_cutoff_target_and_due_date(self):
        texts = _texts(_chart(DEPRESSION, SCORES, instrument=PHQ9, baseline_on=SCORES[0][0]))
        for band in PHQ9.bands:
            assert band.label in texts
        assert "clinical cut-off 10" in texts
        assert "Target ≤ 9" in texts
        assert "Due 23 Mar" in texts
        assert "baseline 17" in texts
        assert "PHQ-9 total" in texts

    def test_a_metric_has_an_axis_from_zero_named_by_unit_and_period(self):
        points = [(dt.date(2026, 1, 5), 1.0), (dt.date(2026, 1, 12), 3.0)]
        svg = _chart(ACTIVITIES, points)
        texts = _texts(svg)
        assert "activities per week" in texts
        assert "Pleasurable activities" in texts
        assert "Target ≥ 5" in texts
        assert "Due 6 Apr" in texts
        assert not any(band.label in texts for band in PHQ9.bands)
        assert texts.count("0") == 1  # the axis starts at 0…
        assert not any(t.startswith("\u2212") for t in texts)  # …with no negative ticks

    @pytest.mark.parametrize("unit", ["$x^$", "$\\frac$", "a$b$c"])
    def test_a_unit_with_dollar_signs_is_text_not_maths(self, unit):
        # Found by review: matplotlib read "$…$" in a typed unit as TeX and failed.
        target = dataclasses.replace(ACTIVITIES, unit=unit)
        points = [(dt.date(2026, 1, 5), 1.0), (dt.date(2026, 1, 12), 3.0)]
        assert f"{unit} per week" in _texts(_chart(target, points))

    def test_two_values_draw_the_trend_and_one_value_does_not(self):
        assert any(t.startswith("trend") for t in _texts(_chart(DEPRESSION, SCORES[:2])))
        one = _texts(_chart(DEPRESSION, SCORES[:1], instrument=PHQ9))
        assert not any(t.startswith("trend") for t in one)
        assert "Target ≤ 9" in one
        assert "Due 23 Mar" in one

    def test_a_trend_that_leaves_the_chart_stops_at_its_edge(self):
        # 1 → 3 in a week heads far above 5 by April: the line ends at the top, unnamed.
        points = [(dt.date(2026, 1, 5), 1.0), (dt.date(2026, 1, 12), 3.0)]
        texts = _texts(_chart(ACTIVITIES, points))
        assert "trend" in texts
        assert not any(t.startswith("trend ") for t in texts)

    def test_no_values_say_so(self):
        texts = _texts(_chart(ACTIVITIES, []))
        assert "No values yet" in texts
        assert "Target ≥ 5" in texts

    def test_identical_input_gives_identical_bytes(self):
        start = SCORES[0][0]
        first = _chart(DEPRESSION, SCORES, instrument=PHQ9, baseline_on=start)
        again = _chart(DEPRESSION, SCORES[::-1], instrument=PHQ9, baseline_on=start)
        assert first == again
        assert "<dc:date>" not in first

    def test_its_size_is_the_one_the_page_gives_the_image(self):
        root = ET.fromstring(_chart(DEPRESSION, SCORES, instrument=PHQ9))  # noqa: S314
        width, height = TARGET_CHART_SIZE
        # matplotlib writes points (1/72 in) for a 96 dpi figure: same aspect ratio.
        assert float(root.attrib["width"].removesuffix("pt")) == width * 72 / 96
        assert float(root.attrib["height"].removesuffix("pt")) == height * 72 / 96


class ScoreChartTests:
    def test_the_score_chart_still_draws_bands_and_a_target(self):
        points = [(dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC), 17.0)]
        texts = _texts(
            score_chart_svg(PHQ9, points, target=charts.Target(9, dt.date(2026, 3, 23), "Target ≤"))
        )
        assert "Moderately severe" in texts
        assert "Target ≤ 9" in texts
        assert "PHQ-9 — higher is worse" in texts

    def test_one_score_gets_four_weeks_of_time_not_years(self):
        points = [(dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC), 18.0)]
        texts = _texts(score_chart_svg(PHQ9, points))
        years = {
            t.split()[-1] for t in texts if t.split()[-1].isdigit() and len(t.split()[-1]) == 4
        }
        assert years == {"2026"}
        assert any("Sep" in t for t in texts)


# value, lines, expected side (the y range 0-27: a label takes about 2 points of score)
@pytest.mark.parametrize(
    ("value", "lines", "side"),
    [
        (18.0, [10.0, 9.0], "above"),  # far from every line
        (9.0, [10.0], "below"),  # the cut-off just above: the label goes under the dot
        (10.0, [10.0], "above"),  # a line through the dot itself leaves the space above clear
        (9.0, [10.0, 8.0], "right"),  # lines just above and just below
        (7.9, [10.0], "above"),  # just outside the label's room (2.025 points)
        (8.0, [10.0], "below"),  # just inside it
    ],
)
def test_a_value_label_goes_where_no_line_crosses_it(value, lines, side):
    assert charts.label_side(value, lines, low=0.0, high=27.0) == side


def test_the_print_chart_is_an_opaque_rgb_png_at_print_resolution():
    # WeasyPrint splits an alpha channel into a second image and compresses both again.
    import io

    from PIL import Image

    png = charts.target_chart_png(DEPRESSION, SCORES, today=TODAY, instrument=PHQ9)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.mode == "RGB"
    width, height = TARGET_CHART_SIZE
    assert image.size == (
        round(width * charts.PRINT_DPI / 96),
        round(height * charts.PRINT_DPI / 96),
    )
    # The white page and the chart's dark ink are both there: it is not a blank image.
    colours = {tuple(colour) for _, colour in image.getcolors(maxcolors=1 << 20) or []}  # type: ignore[arg-type]
    assert (255, 255, 255) in colours
    assert min(sum(colour) for colour in colours) < 200

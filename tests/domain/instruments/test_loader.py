"""Loading and validating instrument data files."""

from __future__ import annotations

import copy
import tomllib
from importlib import resources
from typing import Any

import pytest

from milepost.domain import instruments
from milepost.domain.errors import DomainError, InvalidInstrumentData, UnknownInstrument
from milepost.domain.instruments.loader import check_unique_names, load_text, normalise_name, parse

from .cases import synthetic

DATA = resources.files("milepost.domain.instruments") / "data"
BUNDLED_FILES = sorted(e.name for e in DATA.iterdir() if e.name.endswith(".toml"))


def _raw(name: str) -> dict[str, Any]:
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


# --- every data file loads ---------------------------------------------------------------


@pytest.mark.parametrize("file_name", BUNDLED_FILES)
def test_every_data_file_loads_and_validates(file_name):
    instrument = parse(_raw(file_name), file_name)
    assert f"{instrument.code}.toml" == file_name
    assert instrument.items
    assert instrument.licence.bundle_ok
    assert instrument.scoring_source
    assert instrument.missing.source


def test_the_required_instruments_are_bundled():
    assert {"phq9", "gad7", "pcl5", "phq15", "auditc", "core10"} <= set(instruments.codes())
    assert [i.code for i in instruments.all_instruments()] == sorted(instruments.codes())


def test_all_instruments_is_cached_but_returns_a_fresh_list():
    first = instruments.all_instruments()
    first.clear()
    assert instruments.all_instruments()
    assert instruments.all_instruments()[0] is instruments.all_instruments()[0]


# The reference (instruments.md §7, §7.10) marks these restricted or "check first".
RESTRICTED = [
    "AUDIT",  # full 10-item AUDIT: © WHO, not for commercial use
    "Alcohol Use Disorders Identification Test",
    "BDI", "BDI-II", "Beck Depression Inventory",
    "HADS", "Hospital Anxiety and Depression Scale",
    "EQ-5D", "EQ-5D-5L", "MMSE", "Epworth", "ESS",
    "EPDS", "Edinburgh Postnatal Depression Scale",
    "C-SSRS", "Columbia Suicide Severity Rating Scale",
    "ORS", "SRS", "Outcome Rating Scale", "Session Rating Scale",
    "GBO", "Goal Based Outcomes",
    "WSAS", "K10", "Kessler Psychological Distress Scale", "WEMWBS", "SWEMWBS",
]  # fmt: skip


@pytest.mark.parametrize("name", RESTRICTED)
def test_no_restricted_instrument_is_bundled(name):
    bundled = {
        normalise_name(n)
        for i in instruments.all_instruments()
        for n in (i.code, i.short_name, i.name, *i.aliases)
    }
    assert normalise_name(name) not in bundled
    with pytest.raises(UnknownInstrument):
        instruments.get(name)


def test_audit_c_is_the_three_item_consumption_subset_not_the_full_audit():
    assert len(instruments.get("auditc").items) == 3


def test_a_file_whose_licence_forbids_bundling_is_refused():
    data = _raw("phq9.toml")
    data["licence"]["bundle_ok"] = False
    with pytest.raises(InvalidInstrumentData, match=r"phq9.toml: licence.bundle_ok: only"):
        parse(data, "phq9.toml")


# --- lookup --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("phq9", "phq9"),
        ("PHQ-9", "phq9"),
        ("PHQ9", "phq9"),
        ("phq 9", "phq9"),
        ("Patient Health Questionnaire-9", "phq9"),
        ("GAD-7", "gad7"),
        ("Generalised Anxiety Disorder 7", "gad7"),
        ("PCL-5", "pcl5"),
        ("PTSD Checklist for DSM-5", "pcl5"),
        ("PHQ-15", "phq15"),
        ("AUDIT-C", "auditc"),
        ("audit c", "auditc"),
    ],
)
def test_get_accepts_codes_short_names_and_aliases(name, code):
    assert instruments.get(name).code == code


@pytest.mark.parametrize("name", ["", "phq", "phq99", "gad-8", "bdi"])
def test_get_raises_a_domain_error_for_unknown_codes(name):
    with pytest.raises(UnknownInstrument, match="unknown instrument") as info:
        instruments.get(name)
    assert isinstance(info.value, DomainError)
    assert "phq9" in str(info.value)  # lists what is known


def test_public_attributes_of_phq9():
    phq9 = instruments.get("phq9")
    assert (phq9.code, phq9.short_name, phq9.name) == (
        "phq9",
        "PHQ-9",
        "Patient Health Questionnaire-9",
    )
    assert "PHQ9" in phq9.aliases
    assert (phq9.total_min, phq9.total_max) == (0, 27)
    assert phq9.higher_is_worse is True
    assert phq9.reliable_change == 6
    assert phq9.caseness_cutoff == 10
    assert phq9.mid == 5
    assert (phq9.loinc.panel, phq9.loinc.total) == ("44249-1", "44261-6")
    assert [b.min for b in phq9.bands] == [0, 5, 10, 15, 20]
    assert [i.loinc for i in phq9.items] == [
        "44250-9", "44255-8", "44259-0", "44254-1", "44251-7",
        "44258-2", "44252-5", "44253-3", "44260-8",
    ]  # fmt: skip
    assert [o.loinc_answer for o in phq9.items[0].options] == [
        "LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9",
    ]  # fmt: skip


def test_gad7_loinc_item_codes_are_the_non_sequential_published_ones():
    gad7 = instruments.get("gad7")
    assert [i.loinc for i in gad7.items] == [
        "69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7",
    ]  # fmt: skip
    assert (gad7.loinc.panel, gad7.loinc.total) == ("69737-5", "70274-6")
    assert (gad7.caseness_cutoff, gad7.reliable_change) == (8, 4)


def test_pcl5_clusters_and_configurable_cutoff():
    pcl5 = instruments.get("pcl5")
    assert {s.code: s.items for s in pcl5.subscales} == {
        "B": (1, 2, 3, 4, 5),
        "C": (6, 7),
        "D": (8, 9, 10, 11, 12, 13, 14),
        "E": (15, 16, 17, 18, 19, 20),
    }
    rule = pcl5.provisional_diagnosis
    assert rule is not None
    assert rule.count_rule is not None
    assert rule.cutoff == 33
    assert rule.count_rule.endorsed_at == 2
    assert [(r.group, r.at_least) for r in rule.count_rule.requirements] == [
        ("B", 1), ("C", 1), ("D", 2), ("E", 2),
    ]  # fmt: skip
    assert pcl5.bands == ()
    assert pcl5.loinc.panel is None  # UNVERIFIED in the reference, so not given
    assert pcl5.reliable_change == 10


def test_every_item_of_every_instrument_has_text_and_options():
    for instrument in instruments.all_instruments():
        for item in instrument.items:
            assert item.text.strip(), (instrument.code, item.number)
            assert item.options, (instrument.code, item.number)


def test_the_synthetic_test_instrument_loads():
    wb = synthetic()
    assert wb.higher_is_worse is False
    assert wb.items[1].reverse
    assert wb.items[3].values == {0, 2, 4}


# --- validation errors name the file and the field -----------------------------------------


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    """Set (or with value DELETE, remove) ``a.b[2].c`` in nested TOML data."""
    parts: list[str | int] = []
    for part in path.split("."):
        if "[" in part:
            name, index_text = part[:-1].split("[")
            parts += [name, int(index_text)]
        else:
            parts.append(part)
    target: Any = data
    for key in parts[:-1]:
        target = target[key]
    if value is DELETE:
        del target[parts[-1]]
    else:
        target[parts[-1]] = value


DELETE = object()

VALIDATION_CASES = [
    # (file, field path, new value, expected message)
    ("phq9.toml", "code", DELETE, "phq9.toml: code: is required"),
    ("phq9.toml", "code", "PHQ9", "phq9.toml: code: must be lower-case letters and digits"),
    ("phq9.toml", "name", 5, "phq9.toml: name: expected a string, got 5"),
    ("phq9.toml", "name", "  ", "phq9.toml: name: must not be empty"),
    ("phq9.toml", "higher_is_worse", "yes", "phq9.toml: higher_is_worse: expected true or false"),
    ("phq9.toml", "total_max", 30, "phq9.toml: total_min: the items allow 0\u201327"),
    ("phq9.toml", "total_min", "0", "phq9.toml: total_min: expected an integer"),
    ("phq9.toml", "items[2].number", 5, "phq9.toml: items[2].number: items must be numbered"),
    ("phq9.toml", "items[2].text", DELETE, "phq9.toml: items[2].text: is required"),
    ("phq9.toml", "items[2].key", "anhedonia", "phq9.toml: items: item keys must be unique"),
    ("phq9.toml", "items", [], "phq9.toml: items: at least one item is required"),
    ("phq9.toml", "items[0].sorce", "x", "phq9.toml: items[0].sorce: unknown field"),
    ("phq9.toml", "options[1].value", 0, "phq9.toml: options: answer values must be unique"),
    ("phq9.toml", "options[1].value", "1", "phq9.toml: options[1].value: expected an integer"),
    ("phq9.toml", "bands.levels[1].min", 6, "phq9.toml: bands.levels[1].min: bands must start"),
    ("phq9.toml", "bands.levels[1].min", 4, "expected 5, got 4"),  # overlap
    ("phq9.toml", "bands.levels[4].max", 26, "phq9.toml: bands.levels: the last band must end"),
    ("phq9.toml", "bands.levels[0].max", -1, "phq9.toml: bands.levels[0].max: -1 is below min"),
    ("phq9.toml", "bands.source", DELETE, "phq9.toml: bands.source: is required"),
    ("phq9.toml", "caseness.cutoff", 28, "phq9.toml: caseness.cutoff: 28 is outside the score"),
    ("phq9.toml", "caseness.sorce", "typo", "phq9.toml: caseness.sorce: unknown field"),
    ("phq9.toml", "change.reliable_change", -6, "phq9.toml: change.reliable_change: must be"),
    ("phq9.toml", "change.reliable_change_source", DELETE, "change.reliable_change_source: is req"),
    ("phq9.toml", "change.reliability", 1.5, "phq9.toml: change.reliability: must be between"),
    ("phq9.toml", "change.sd", DELETE, "phq9.toml: change.sd: reliability and sd go together"),
    ("phq9.toml", "change", DELETE, "phq9.toml: change: is required"),
    ("phq9.toml", "missing.rounding", "bankers", "phq9.toml: missing.rounding: must be one of"),
    ("phq9.toml", "missing.method", "impute", "phq9.toml: missing.method: must be one of"),
    ("phq9.toml", "missing.max_missing", 9, "phq9.toml: missing.max_missing: must be 0\u20138"),
    ("phq9.toml", "missing.method", "none", "missing.max_missing: must be 0 when method is 'none'"),
    ("phq9.toml", "missing.status", "maybe", "phq9.toml: missing.status: must be 'published'"),
    ("phq9.toml", "flags[0].item", 10, "phq9.toml: flags[0].item: item 10 does not exist"),
    ("phq9.toml", "flags[0].severity", "panic", "phq9.toml: flags[0].severity: must be one of"),
    ("phq9.toml", "flags[0].at_least", DELETE, "phq9.toml: flags[0].at_least: a flag needs"),
    ("phq9.toml", "flags[0].source", DELETE, "phq9.toml: flags[0].source: is required"),
    ("phq9.toml", "flags", [1], "phq9.toml: flags[0]: expected a table, got 1"),
    ("phq9.toml", "scoring.method", "mean", "phq9.toml: scoring.method: only 'sum'"),
    ("phq9.toml", "licence", DELETE, "phq9.toml: licence: is required"),
    ("phq9.toml", "aliases", ["PHQ9", ""], "phq9.toml: aliases[1]: expected a non-empty string"),
    ("phq9.toml", "loinc.source", DELETE, "phq9.toml: loinc.source: is required"),
    ("pcl5.toml", "subscales[1].items", [6, 21], "pcl5.toml: subscales[1].items: item 21 does"),
    ("pcl5.toml", "subscales[1].items", [], "pcl5.toml: subscales[1].items: a subscale needs"),
    ("pcl5.toml", "subscales[1].code", "B", "pcl5.toml: subscales: subscale codes must be uniq"),
    (
        "pcl5.toml",
        "provisional_diagnosis.count_rule.require[0].group",
        "Z",
        "pcl5.toml: provisional_diagnosis.count_rule.require[0].group: 'Z' is neither",
    ),
    (
        "pcl5.toml",
        "provisional_diagnosis.count_rule.require[1].at_least",
        3,
        "provisional_diagnosis.count_rule.require[1].at_least: must be 1\u20132, got 3",
    ),
    ("pcl5.toml", "provisional_diagnosis.cutoff", 81, "provisional_diagnosis.cutoff: 81 is outs"),
    ("auditc.toml", "items[1].options", [], "auditc.toml: items[1].options: no answer options"),
]


@pytest.mark.parametrize(("file_name", "path", "value", "message"), VALIDATION_CASES)
def test_invalid_data_is_rejected_with_file_and_field(file_name, path, value, message):
    data = copy.deepcopy(_raw(file_name))
    _set(data, path, value)
    with pytest.raises(InvalidInstrumentData) as info:
        parse(data, file_name)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_provisional_diagnosis_needs_a_rule_or_a_cutoff():
    data = _raw("pcl5.toml")
    del data["provisional_diagnosis"]["count_rule"]
    del data["provisional_diagnosis"]["cutoff"]
    del data["provisional_diagnosis"]["cutoff_source"]
    with pytest.raises(InvalidInstrumentData, match="give a count_rule, a cutoff, or both"):
        parse(data, "pcl5.toml")


def test_text_that_is_not_toml_is_rejected_naming_the_file():
    with pytest.raises(InvalidInstrumentData, match=r"^broken.toml: \(file\): not valid TOML"):
        load_text("code = [unclosed", "broken.toml")


def test_names_may_not_collide_across_instruments():
    phq9 = instruments.get("phq9")
    clash = parse({**_raw("gad7.toml"), "aliases": ["PHQ 9"]}, "gad7.toml")
    with pytest.raises(InvalidInstrumentData, match="'phq9' is already a name of phq9"):
        check_unique_names([phq9, clash])

"""Loading and validating the goal library's data files."""

from __future__ import annotations

from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from milepost.domain import instruments, library
from milepost.domain.errors import DomainError
from milepost.domain.library.loader import SECTIONS, load_bundled, load_directory, load_text
from milepost.domain.library.model import InvalidLibraryData

DATA = resources.files("milepost.domain.library") / "data"
BUNDLED_FILES = sorted(e.name for e in DATA.iterdir() if e.name.endswith(".toml"))

# The problem areas the library promises, and how many of each kind each must hold.
AREAS = [
    "depression",
    "gad",
    "panic",
    "ptsd",
    "relationships",
    "self-esteem",
    "smoking",
    "social-anxiety",
    "substance-use",
]
REQUIRED_COUNTS = {"goal": (3, 5), "objective": (6, 10), "intervention": (5, 8)}


# --- the bundled library -----------------------------------------------------------------


def test_every_area_has_its_own_file():
    assert [f"{code}.toml" for code in AREAS] == BUNDLED_FILES
    assert [area.code for area in library.areas()] == AREAS


@pytest.mark.parametrize("file_name", BUNDLED_FILES)
def test_every_data_file_parses_on_its_own(file_name):
    area, items = load_text((DATA / file_name).read_text(encoding="utf-8"), file_name)
    assert f"{area.code}.toml" == file_name
    assert items
    assert {item.area for item in items} == {area.code}


def test_the_whole_directory_loads_and_its_links_resolve():
    loaded = load_bundled()
    assert loaded.items == library.all_items()
    assert loaded.areas == library.areas()


@pytest.mark.parametrize("code", AREAS)
@pytest.mark.parametrize("kind", list(REQUIRED_COUNTS))
def test_every_area_has_the_required_number_of_each_kind(code, kind):
    low, high = REQUIRED_COUNTS[kind]
    count = sum(1 for item in library.all_items() if item.area == code and item.kind == kind)
    assert low <= count <= high, f"{code}: {count} {kind}s, expected {low}\u2013{high}"


def test_ids_are_unique_and_name_their_area_and_kind():
    ids = [item.id for item in library.all_items()]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    for item in library.all_items():
        assert item.id.startswith(f"{item.area}.{item.kind}.")
        assert item.data_file == f"{item.area}.toml"


def test_every_link_resolves_to_an_item_of_the_right_kind():
    for item in library.all_items():
        for linked in item.objective_ids:
            assert library.get(linked).kind == "objective", (item.id, linked)
        for linked in item.intervention_ids:
            assert library.get(linked).kind == "intervention", (item.id, linked)


def test_every_instrument_code_exists():
    known = set(instruments.codes())
    used = {code for item in library.all_items() for code in item.instruments}
    assert used <= known
    # The library actually uses the instruments it is meant to bind goals to.
    assert {"phq9", "gad7", "pcl5", "auditc", "core10"} <= used


def test_goals_and_objectives_have_measures_and_interventions():
    for item in library.all_items():
        if item.kind == "intervention":
            assert item.measures == ()
            assert item.objective_ids == item.intervention_ids == ()
            assert all((item.modality, item.type, item.frequency, item.approach)), item.id
        else:
            assert item.measures, item.id
            assert item.intervention_ids, item.id
            assert not any((item.modality, item.type, item.frequency, item.approach)), item.id
        if item.kind == "goal":
            assert item.objective_ids, item.id
        else:
            assert item.objective_ids == ()
            assert item.client_words == ""


def test_every_objective_and_intervention_is_used_somewhere():
    # An orphan is never offered alongside a goal, so nobody would find it from a plan.
    linked = {
        i for item in library.all_items() for i in (*item.objective_ids, *item.intervention_ids)
    }
    orphans = [
        item.id for item in library.all_items() if item.kind != "goal" and item.id not in linked
    ]
    assert orphans == []


def test_every_goal_links_objectives_whose_interventions_it_lists_or_its_own():
    # A goal's typical interventions should include at least one of each objective's,
    # so the golden thread goal -> objective -> intervention holds in the library itself.
    for goal in (item for item in library.all_items() if item.kind == "goal"):
        for objective_id in goal.objective_ids:
            objective = library.get(objective_id)
            shared = set(objective.intervention_ids) & set(goal.intervention_ids)
            assert shared, f"{goal.id} lists {objective_id} but none of its interventions"


def test_every_metric_period_is_one_the_plans_app_accepts():
    for item in library.all_items():
        for metric in item.metrics:
            assert metric.period in ("day", "week", "month", "session")
            assert metric.name
            assert metric.unit


def test_measure_labels_read_well():
    goal = library.get("panic.goal.fewer-attacks-and-shopping")
    assert [m.label for m in goal.measures] == [
        "Panic attacks (attacks per week)",
        "Shopping trips alone (trips per week)",
        "GAD-7",
    ]
    assert goal.measures[2].instrument == "gad7"
    assert goal.measures[2].metric is None
    assert goal.measures[0].instrument is None
    assert goal.measures[0].metric == library.Metric("Panic attacks", "attacks", "week")


def test_a_measure_is_an_instrument_or_a_metric_never_both():
    with pytest.raises(ValueError, match="not both or neither"):
        library.Measure()
    with pytest.raises(ValueError, match="not both or neither"):
        library.Measure(instrument="phq9", metric=library.Metric("x", "y", "week"))


def test_every_area_says_where_its_content_comes_from():
    for area in library.areas():
        assert area.source.startswith("Original to Milepost."), area.code
        assert "(" in area.source, f"{area.code}: cite the published approaches drawn on"
        assert area.label


def test_the_wording_is_plain_smart_statements_not_patient_theatre():
    for item in library.all_items():
        lowered = item.text.lower()
        assert "patient" not in lowered, item.id
        assert not lowered.startswith(("the client will", "client will", "therapist will")), item.id


# The examples in the seed documents, in our words: (item id, words its text must contain).
SEEDS = [
    ("depression.goal.phq9-to-mild", "PHQ-9 from 18 to 9 or below, within 16 weeks"),
    ("depression.objective.pleasant-activities", "from a baseline of 1 to at least 5 per week"),
    ("depression.objective.daytime-bed", "from about 4 hours to 1 hour or less within 6 weeks"),
    ("depression.objective.thought-records", "3 depressive automatic thoughts per week"),
    ("panic.goal.fewer-attacks-and-shopping", "from 3 per week to 1 or fewer per month"),
    ("panic.goal.attacks-under-weekly", "from 3 a week to fewer than 1 a week within 2 months"),
    ("panic.objective.exposure-hierarchy", "hierarchy of 10 feared situations"),
    ("panic.objective.gad7", "GAD-7 from 15 to 7 or below within 12 weeks"),
    ("ptsd.goal.pcl5-and-driving", "PCL-5 from 52 to 30 or below"),
    ("ptsd.objective.nightmares", "from 5 a week to 1 or fewer a week within 8 weeks"),
    ("ptsd.objective.motorway-driving", "from 0 to at least 2 trips a week by week 16"),
    ("social-anxiety.goal.gatherings", "at least 2 social gatherings a month for 3 months"),
    ("relationships.goal.relating-differently", "adaptive ways of relating to others within six"),
    ("self-esteem.goal.say-no", "Say no"),
]


@pytest.mark.parametrize(("item_id", "words"), SEEDS)
def test_the_seed_examples_are_in_the_library(item_id, words):
    assert words in library.get(item_id).text


def test_the_psychodynamic_goal_has_a_psychodynamic_route():
    relating = library.get("relationships.goal.relating-differently")
    assert [library.get(i).approach for i in relating.intervention_ids] == ["psychodynamic"]


def test_all_items_is_loaded_once():
    assert library.all_items() is library.all_items()
    assert library.all_items()[0] is library.get(library.all_items()[0].id)


def test_an_unknown_id_is_a_domain_error():
    with pytest.raises(library.UnknownLibraryItem, match="unknown library item 'nope'") as caught:
        library.get("nope")
    assert isinstance(caught.value, DomainError)
    assert isinstance(caught.value, LookupError)


@pytest.mark.parametrize("item_id", ["", "x" * 10_000, "\x00depression.goal.phq9-to-mild", None, 7])
def test_get_raises_the_domain_error_for_any_hostile_id(item_id):
    with pytest.raises(library.UnknownLibraryItem) as caught:
        library.get(item_id)
    assert len(str(caught.value)) < 120
    assert "\x00" not in str(caught.value)


# --- broken files name the file and the item ---------------------------------------------

VALID = """\
[area]
code = "demo"
label = "Demo"
source = "Original to Milepost. Draws on nothing (test 2026)."

[[goals]]
id = "demo.goal.one"
text = "Reduce PHQ-9 from 18 to 9 or below within 16 weeks."
client_words = "I want to feel like myself."
measures = ["phq9", { name = "Walks", unit = "walks", period = "week" }]
objectives = ["demo.objective.one"]
interventions = ["demo.intervention.one"]

[[objectives]]
id = "demo.objective.one"
text = "Walk for 20 minutes on 5 days a week within 4 weeks."
measures = [{ name = "Walks", unit = "walks", period = "week" }]
interventions = ["demo.intervention.one"]

[[interventions]]
id = "demo.intervention.one"
text = "Plan the week's walks in advance and review them each session."
modality = "Activity scheduling"
type = "individual"
frequency = "weekly"
session_minutes = 50
approach = "behavioural"
"""


def _write(directory: Path, text: str, name: str = "demo.toml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_the_valid_example_loads(tmp_path):
    loaded = load_directory(_write(tmp_path, VALID))
    assert [area.code for area in loaded.areas] == ["demo"]
    assert [item.kind for item in loaded.items] == ["goal", "objective", "intervention"]
    assert loaded.items[0].client_words == "I want to feel like myself."
    assert loaded.items[2].session_minutes == 50


BROKEN = [
    # (what is wrong, text replaced, replacement, words the error must contain)
    (
        "unknown instrument",
        '"phq9", {',
        '"phq10", {',
        ["demo.goal.one", "measures[0]", "'phq10'", "phq9"],
    ),
    ("instrument by name", '"phq9", {', '"PHQ-9", {', ["demo.goal.one", "write its code 'phq9'"]),
    (
        "missing objective",
        '["demo.objective.one"]',
        '["demo.objective.two"]',
        ["demo.goal.one", "objectives[0]", "'demo.objective.two' is not in the library"],
    ),
    (
        "link to wrong kind",
        'interventions = ["demo.intervention.one"]\n\n[[objectives]]',
        'interventions = ["demo.objective.one"]\n\n[[objectives]]',
        ["demo.goal.one", "interventions[0]", "is an objective, not an intervention"],
    ),
    (
        "typo in a field",
        "client_words =",
        "client_wrds =",
        ["demo.goal.one", "client_wrds", "unknown field"],
    ),
    (
        "id without kind",
        'id = "demo.objective.one"',
        'id = "demo.one"',
        ["objectives[0]", "demo.objective.<slug>"],
    ),
    (
        "id of another area",
        'id = "demo.intervention.one"',
        'id = "other.intervention.one"',
        ["interventions[0]", "demo.intervention.<slug>"],
    ),
    (
        "missing text",
        'text = "Walk for 20 minutes on 5 days a week within 4 weeks."\n',
        "",
        ["demo.objective.one", "text", "is required"],
    ),
    (
        "empty text",
        'text = "Walk for 20 minutes on 5 days a week within 4 weeks."',
        'text = "  "',
        ["demo.objective.one", "must not be empty"],
    ),
    (
        "bad metric period",
        'period = "week" }]\ninterventions',
        'period = "fortnight" }]\ninterventions',
        ["demo.objective.one", "measures[0]", "period", "'fortnight'"],
    ),
    (
        "metric without unit",
        '{ name = "Walks", unit = "walks", period = "week" }]\ninterventions',
        '{ name = "Walks", period = "week" }]\ninterventions',
        ["demo.objective.one", "unit", "is required"],
    ),
    (
        "no measures",
        'measures = [{ name = "Walks", unit = "walks", period = "week" }]\ninterventions',
        "measures = []\ninterventions",
        ["demo.objective.one", "measures", "at least one"],
    ),
    (
        "bad type",
        'type = "individual"',
        'type = "couple"',
        ["demo.intervention.one", "type", "individual, group, family"],
    ),
    (
        "bad approach",
        'approach = "behavioural"',
        'approach = "vibes"',
        ["demo.intervention.one", "approach"],
    ),
    (
        "bad frequency",
        'frequency = "weekly"',
        'frequency = "sometimes"',
        ["demo.intervention.one", "frequency"],
    ),
    (
        "session too long",
        "session_minutes = 50",
        "session_minutes = 5000",
        ["demo.intervention.one", "session_minutes", "1\u2013480"],
    ),
    (
        "session as text",
        "session_minutes = 50",
        'session_minutes = "50"',
        ["demo.intervention.one", "expected an integer"],
    ),
    (
        "objective lists itself twice",
        'objectives = ["demo.objective.one"]',
        'objectives = ["demo.objective.one", "demo.objective.one"]',
        ["demo.goal.one", "twice"],
    ),
    (
        "client words on an intervention",
        'approach = "behavioural"',
        'approach = "behavioural"\nclient_words = "x"',
        ["demo.intervention.one", "client_words", "unknown field"],
    ),
    (
        "no area header",
        VALID[: VALID.index("[[goals]]")],
        "",
        ["(file)", "area", "is required"],
    ),
    (
        "unknown section",
        "[[interventions]]",
        "[[intervention]]",
        ["(file)", "intervention", "unknown field"],
    ),
    ("not TOML", "[[goals]]", "[[goals]", ["(file)", "not valid TOML"]),
    (
        "same text twice",
        '"Plan the week\'s walks in advance and review them each session."',
        '"walk for 20 minutes, on 5 days a week within 4 weeks"',
        ["demo.intervention.one", "reads the same as demo.objective.one"],
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [pytest.param(old, new, expected, id=why) for why, old, new, expected in BROKEN],
)
def test_a_broken_file_names_the_file_and_the_item(tmp_path, old, new, expected):
    assert old in VALID
    with pytest.raises(InvalidLibraryData) as caught:
        load_directory(_write(tmp_path, VALID.replace(old, new, 1)))
    message = str(caught.value)
    assert message.startswith("demo.toml: ")
    for words in expected:
        assert words in message


def test_a_file_must_be_named_after_its_area(tmp_path):
    with pytest.raises(
        InvalidLibraryData, match=r"^other\.toml: area: code: 'demo' does not match"
    ):
        load_directory(_write(tmp_path, VALID, name="other.toml"))


def test_an_id_used_twice_is_refused(tmp_path):
    twice = VALID.replace(
        "[[objectives]]",
        '[[goals]]\nid = "demo.goal.one"\n'
        'text = "Attend 2 social gatherings a month for 3 months."\n'
        'measures = ["phq9"]\nobjectives = ["demo.objective.one"]\n'
        'interventions = ["demo.intervention.one"]\n\n[[objectives]]',
    )
    with pytest.raises(
        InvalidLibraryData, match=r"^demo\.toml: demo\.goal\.one: id is already used in demo\.toml"
    ):
        load_directory(_write(tmp_path, twice))


def test_links_may_cross_files(tmp_path):
    _write(tmp_path, VALID)
    other = (
        '[area]\ncode = "extra"\nlabel = "Extra"\nsource = "Original to Milepost (test)."\n\n'
        '[[goals]]\nid = "extra.goal.one"\n'
        'text = "Attend 2 social gatherings a month for 3 months."\n'
        'measures = [{ name = "Gatherings", unit = "gatherings", period = "month" }]\n'
        'objectives = ["demo.objective.one"]\ninterventions = ["demo.intervention.one"]\n'
    )
    _write(tmp_path, other, name="extra.toml")
    loaded = load_directory(tmp_path)
    assert loaded.items[-1].objective_ids == ("demo.objective.one",)


def test_an_id_from_another_file_cannot_be_reused(tmp_path):
    # Ids carry their area and each area is one file, so the prefix rule alone keeps ids
    # unique across files.
    _write(tmp_path, VALID)
    other = (
        '[area]\ncode = "extra"\nlabel = "Extra"\nsource = "Original to Milepost (test)."\n\n'
        '[[interventions]]\nid = "extra.intervention.one"\ntext = "Something else entirely."\n'
        'modality = "Other"\ntype = "group"\nfrequency = "weekly"\napproach = "skills"\n'
    )
    _write(tmp_path, other, name="extra.toml")
    load_directory(tmp_path)  # a different id loads
    _write(
        tmp_path,
        other.replace("extra.intervention.one", "demo.intervention.one"),
        name="extra.toml",
    )
    with pytest.raises(
        InvalidLibraryData,
        match=r"^extra\.toml: interventions\[0\]: id: 'demo\.intervention\.one' must read extra\.",
    ):
        load_directory(tmp_path)


def test_an_empty_directory_is_an_error(tmp_path):
    with pytest.raises(InvalidLibraryData, match=r"no \.toml files"):
        load_directory(tmp_path)


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    (tmp_path / "demo.toml").write_bytes(VALID.encode("utf-8") + b"\n# \xff\xfe\n")
    with pytest.raises(InvalidLibraryData, match=r"^demo\.toml: \(file\): not UTF-8"):
        load_directory(tmp_path)


def test_the_sections_are_the_kinds():
    assert list(SECTIONS) == list(library.KINDS)

"""`milepost fhir import`: the page's import from the command line, on published examples."""

from __future__ import annotations

import json

import pytest

from milepost.audit.models import AuditEvent
from milepost.cli import main
from milepost.measures.models import Administration
from tests.interop.test_fixtures import US_CORE, observations
from tests.interop.test_import import bundle_of

pytestmark = pytest.mark.django_db

AUTHORED = "2022-11-29T20:50:32.718000+00:00"


def run(capsys, *argv: str) -> tuple[int, dict, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, err


def args(personas, path, *more):
    client = personas.dana_client.public_id
    return ("fhir", "import", str(path), "--client", client, "--as", personas.alice.email, *more)


def test_the_us_core_response_imports_as_published_then_is_a_duplicate(personas, capsys):
    path = US_CORE / "QuestionnaireResponse-phq-9-example.json"
    code, out, err = run(capsys, *args(personas, path, "--json"))
    assert code == 0
    assert out == {
        "saved": [{"instrument": "phq9", "total": 12, "authored": AUTHORED}],
        "skipped": [],
        "refused": [],
    }
    assert "'Patient/example'" in err  # said, not hidden
    assert AuditEvent.objects.filter(action="client.import_fhir", actor=personas.alice).exists()
    code, out, _ = run(capsys, *args(personas, path, "--json"))
    assert code == 0  # everything was already recorded
    assert out["saved"] == []
    assert "already recorded" in out["skipped"][0]["why"]


def test_the_us_core_observations_import_as_one_administration(personas, capsys, tmp_path):
    path = tmp_path / "observations.json"
    path.write_text(json.dumps(bundle_of(*observations())))
    before = Administration.objects.filter(client=personas.dana_client).count()
    code, out, _ = run(capsys, *args(personas, path, "--json"))
    assert code == 0
    assert out["saved"] == [{"instrument": "phq9", "total": 12, "authored": AUTHORED}]
    assert Administration.objects.filter(client=personas.dana_client).count() == before + 1


def test_a_refused_bundle_exits_2_naming_entry_and_field(personas, capsys, tmp_path):
    path = tmp_path / "bad.json"
    response = json.loads((US_CORE / "QuestionnaireResponse-phq-9-example.json").read_text())
    response["authored"] = "2022-11"
    path.write_text(json.dumps(bundle_of(response)))
    code, out, _ = run(capsys, *args(personas, path, "--json"))
    assert code == 2
    assert out["saved"] == []
    (refused,) = out["refused"]
    assert refused["entry"] == 0
    assert refused["why"].startswith("authored:")


def test_nothing_to_save_exits_1_with_the_reasons(personas, capsys, tmp_path):
    path = tmp_path / "total.json"
    path.write_text(json.dumps(bundle_of(observations()[10])))
    code, out, _ = run(capsys, *args(personas, path, "--json"))
    assert code == 1
    assert out["skipped"][0]["entry"] == 0
    assert "without its item answers" in out["skipped"][0]["why"]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"--as": "nobody@example.org"}, "--as"),
        ({"--client": "cl_nope"}, "--client"),
    ],
)
def test_who_and_whom_are_checked(personas, capsys, change, says):
    argv = list(args(personas, US_CORE / "QuestionnaireResponse-phq-9-example.json", "--json"))
    for flag, value in change.items():
        argv[argv.index(flag) + 1] = value
    code, out, _ = run(capsys, *argv)
    assert code == 2
    assert out["refused"][0]["why"].startswith(says)
    assert not Administration.objects.filter(source="import").exists()

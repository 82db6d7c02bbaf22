"""`milepost directory search`: ranked listings with their states and reasons; bad input
exits 2 with a message naming the option."""

from __future__ import annotations

import json

import pytest

from milepost.cli import main
from milepost.directory import selectors
from tests.directory.helpers import listed

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_it_prints_ranked_listings_with_states_and_reasons(personas, capsys):
    listed(personas)
    code, out, err = run(
        capsys,
        "directory", "search", "--state", "NY", "--zip", "10025", "--miles", "10",
        "--insurance", "Aetna", "--text", "panic attacks on the subway", "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    results = json.loads(out)["results"]
    assert [r["name"] for r in results] == ["Alice Example"]
    assert results[0]["licensed_in"] == ["NJ", "NY"]
    assert results[0]["reasons"][0] == "CBT for panic and agoraphobia"
    assert "in network with Aetna" in results[0]["reasons"]
    assert "subway" not in out


def test_results_come_a_page_at_a_time(personas, capsys, monkeypatch):
    listed(personas)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)
    pages = []
    for page in ("1", "2"):
        code, out, _ = run(capsys, "directory", "search", "--state", "NY", "--page", page, "--json")
        found = json.loads(out)
        assert (code, found["total"], found["pages"], found["page"]) == (0, 2, 2, int(page))
        pages += [r["name"] for r in found["results"]]
    assert pages == ["Alice Example", "Bob Example"]
    code, out, _ = run(capsys, "directory", "search", "--state", "NY", "--page", "2")
    assert "2 found; page 2 of 2." in out
    assert "2. Bob Example" in out


def test_telehealth_only(personas, capsys):
    listed(personas)
    code, out, _ = run(capsys, "directory", "search", "--state", "ny", "--format", "telehealth")
    assert code == 0
    assert "Alice Example" in out
    assert "Bob Example" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--state", "ZZ"), "--state: Choose a US state from the list"),
        (("--state", "NY", "--zip", "00000"), "--zip: There is no US ZIP code 00000."),
        (("--state", "NY", "--zip", "123"), "--zip: Enter a 5-digit US ZIP code"),
        (("--state", "NY", "--insurance", "Nobody"), "--insurance: Choose from the list."),
        (("--state", "NY", "--text", "x" * 10_000), "--text: Ensure this value has at most"),
        (("--state", "NY", "--page", "0"), "--page: The page must be 1 or more."),
    ],
)
def test_bad_input_exits_non_zero_with_a_message(personas, capsys, argv, message):
    code, out, err = run(capsys, "directory", "search", *argv)
    assert code == 2
    assert out == ""
    assert message in err

"""The later fresh rounds (fresh-2 to fresh-7): published statements from sites new to the
corpus (and to every earlier round), each labelled by the rubric. Read from the files alone,
with no database and no engine."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parents[1] / "domain" / "cases" / "smart" / "published"

BOOLEAN_FIELDS = ("specific", "measurable", "time_bound", "positive")
LABEL_FIELDS = (
    *BOOLEAN_FIELDS,
    "measure",
    "baseline",
    "target",
    "comparator",
    "direction",
    "unit",
    "days",
)
STATEMENT_FIELDS = {"id", "text", "url", "site", "source", "split", "topic", "kind"}


def read_lines(name: str) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{name}: blank line {number}"
        row = json.loads(line)
        assert isinstance(row, dict), f"{name}: line {number} is not an object"
        rows.append(row)
    return rows


CORPUS = read_lines("statements.jsonl")
# round name -> its statements, its labels, and every statement collected before it
ROUNDS = {
    "fresh-2": (
        read_lines("fresh2-statements.jsonl"),
        read_lines("fresh2-labels.jsonl"),
        CORPUS,
    ),
    "fresh-3": (
        read_lines("fresh3-statements.jsonl"),
        read_lines("fresh3-labels.jsonl"),
        CORPUS + read_lines("fresh2-statements.jsonl"),
    ),
    "fresh-4": (
        read_lines("fresh4-statements.jsonl"),
        read_lines("fresh4-labels.jsonl"),
        CORPUS + read_lines("fresh2-statements.jsonl") + read_lines("fresh3-statements.jsonl"),
    ),
    "fresh-5": (
        read_lines("fresh5-statements.jsonl"),
        read_lines("fresh5-labels.jsonl"),
        CORPUS
        + read_lines("fresh2-statements.jsonl")
        + read_lines("fresh3-statements.jsonl")
        + read_lines("fresh4-statements.jsonl"),
    ),
    "fresh-6": (
        read_lines("fresh6-statements.jsonl"),
        read_lines("fresh6-labels.jsonl"),
        CORPUS
        + read_lines("fresh2-statements.jsonl")
        + read_lines("fresh3-statements.jsonl")
        + read_lines("fresh4-statements.jsonl")
        + read_lines("fresh5-statements.jsonl"),
    ),
    "fresh-7": (
        read_lines("fresh7-statements.jsonl"),
        read_lines("fresh7-labels.jsonl"),
        CORPUS
        + read_lines("fresh2-statements.jsonl")
        + read_lines("fresh3-statements.jsonl")
        + read_lines("fresh4-statements.jsonl")
        + read_lines("fresh5-statements.jsonl")
        + read_lines("fresh6-statements.jsonl"),
    ),
}
round_names = pytest.mark.parametrize("name", list(ROUNDS))


def norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


# What each round kept after duplicates and related sites were dropped (the README says why).
KEPT_AT_LEAST = {
    "fresh-2": 300,
    "fresh-3": 300,
    "fresh-4": 300,
    "fresh-5": 280,
    "fresh-6": 300,
    "fresh-7": 300,
}


@round_names
def test_each_round_keeps_its_statements_from_at_least_60_sites(name):
    STATEMENTS, _, _ = ROUNDS[name]
    assert len(STATEMENTS) >= KEPT_AT_LEAST[name]
    assert len({s["site"] for s in STATEMENTS}) >= 60


@round_names
def test_every_statement_has_every_field(name):
    STATEMENTS, _, _ = ROUNDS[name]
    for s in STATEMENTS:
        assert set(s) == STATEMENT_FIELDS, s.get("id")
        assert s["split"] == name, s["id"]
        assert s["text"], s["id"]
        assert s["text"].strip() == s["text"], s["id"]
        assert re.match(r"https?://", s["url"]), s["id"]
        assert re.fullmatch(r"[a-z0-9.-]+", s["site"]), s["id"]
        assert not s["site"].startswith("www."), s["id"]
        assert s["kind"] in ("goal", "objective", "unspecified"), s["id"]
        assert s["topic"], s["id"]
        assert s["source"], s["id"]


@round_names
def test_ids_are_unique_continue_the_corpus_and_match_the_labels(name):
    STATEMENTS, LABELS, EARLIER = ROUNDS[name]
    ids = [s["id"] for s in STATEMENTS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"p\d{4,}", i) for i in ids)
    assert not set(ids) & {s["id"] for s in EARLIER}
    label_ids = [row["id"] for row in LABELS]
    assert len(label_ids) == len(set(label_ids))
    assert set(label_ids) == set(ids)


@round_names
def test_no_site_is_already_in_the_corpus(name):
    STATEMENTS, _, EARLIER = ROUNDS[name]
    known = {s["site"] for s in EARLIER}
    for s in STATEMENTS:
        site = s["site"]
        clash = [k for k in known if site == k or site.endswith("." + k) or k.endswith("." + site)]
        assert clash == [], (s["id"], site, clash)


@round_names
def test_at_most_eight_statements_a_site(name):
    STATEMENTS, _, _ = ROUNDS[name]
    counts = Counter(s["site"] for s in STATEMENTS)
    assert max(counts.values()) <= 8


@round_names
def test_no_statement_twice_here_or_in_the_corpus(name):
    STATEMENTS, _, EARLIER = ROUNDS[name]
    counts = Counter(norm(s["text"]) for s in STATEMENTS)
    assert [t for t, n in counts.items() if n > 1] == []
    earlier = {norm(s["text"]) for s in EARLIER}
    assert [s["id"] for s in STATEMENTS if norm(s["text"]) in earlier] == []


@round_names
def test_every_label_field_is_present_with_a_valid_type(name):
    _, LABELS, _ = ROUNDS[name]
    for row in LABELS:
        assert set(row) == {"id", "labels"}, row.get("id")
        fields = row["labels"]
        sid = row["id"]
        assert set(fields) == set(LABEL_FIELDS), sid
        for name in BOOLEAN_FIELDS:
            assert isinstance(fields[name], bool), (sid, name)
        for name in ("baseline", "target", "days"):
            value = fields[name]
            assert value is None or type(value) in (int, float), (sid, name)
        for name in ("measure", "unit"):
            assert fields[name] is None or isinstance(fields[name], str), (sid, name)
        assert fields["comparator"] in (None, ">=", "<=", ">", "<", "="), sid
        assert fields["direction"] in (None, "increase", "decrease", "maintain"), sid

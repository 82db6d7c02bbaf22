"""The second fresh set: published statements from sites new to the corpus, each labelled
by the rubric. Read from the files alone, with no database and no engine."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

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


STATEMENTS = read_lines("fresh2-statements.jsonl")
LABELS = read_lines("fresh2-labels.jsonl")
CORPUS = read_lines("statements.jsonl")


def norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def test_at_least_300_statements_from_at_least_60_sites():
    assert len(STATEMENTS) >= 300
    assert len({s["site"] for s in STATEMENTS}) >= 60


def test_every_statement_has_every_field():
    for s in STATEMENTS:
        assert set(s) == STATEMENT_FIELDS, s.get("id")
        assert s["split"] == "fresh-2", s["id"]
        assert s["text"], s["id"]
        assert s["text"].strip() == s["text"], s["id"]
        assert re.match(r"https?://", s["url"]), s["id"]
        assert re.fullmatch(r"[a-z0-9.-]+", s["site"]), s["id"]
        assert not s["site"].startswith("www."), s["id"]
        assert s["kind"] in ("goal", "objective", "unspecified"), s["id"]
        assert s["topic"], s["id"]
        assert s["source"], s["id"]


def test_ids_are_unique_continue_the_corpus_and_match_the_labels():
    ids = [s["id"] for s in STATEMENTS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"p\d{4,}", i) for i in ids)
    assert not set(ids) & {s["id"] for s in CORPUS}
    label_ids = [row["id"] for row in LABELS]
    assert len(label_ids) == len(set(label_ids))
    assert set(label_ids) == set(ids)


def test_no_site_is_already_in_the_corpus():
    known = {s["site"] for s in CORPUS}
    for s in STATEMENTS:
        site = s["site"]
        clash = [k for k in known if site == k or site.endswith("." + k) or k.endswith("." + site)]
        assert clash == [], (s["id"], site, clash)


def test_at_most_eight_statements_a_site():
    counts = Counter(s["site"] for s in STATEMENTS)
    assert max(counts.values()) <= 8


def test_no_statement_twice_here_or_in_the_corpus():
    counts = Counter(norm(s["text"]) for s in STATEMENTS)
    assert [t for t, n in counts.items() if n > 1] == []
    earlier = {norm(s["text"]) for s in CORPUS}
    assert [s["id"] for s in STATEMENTS if norm(s["text"]) in earlier] == []


def test_every_label_field_is_present_with_a_valid_type():
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

from __future__ import annotations

import hashlib

from milepost.domain.audit_chain import GENESIS_HASH, Link, canonical, link_hash, verify


def _chain(n: int) -> list[Link]:
    links = []
    prev = GENESIS_HASH
    for i in range(1, n + 1):
        fields = {"action": "client.view", "object_id": f"c{i}", "detail": {"n": i}}
        h = link_hash(prev, fields)
        links.append(Link(event_id=i, prev_hash=prev, hash=h, fields=fields))
        prev = h
    return links


def test_canonical_content_ignores_key_order_and_keeps_unicode():
    assert canonical({"b": 1, "a": "é"}) == canonical({"a": "é", "b": 1})
    assert canonical({"a": "é"}) == '{"a":"é"}'.encode()


def test_link_hash_is_sha256_of_previous_hash_and_content():
    fields = {"action": "x"}
    expected = hashlib.sha256(GENESIS_HASH.encode() + b"\n" + b'{"action":"x"}').hexdigest()
    assert link_hash(GENESIS_HASH, fields) == expected


def test_an_intact_chain_verifies():
    links = _chain(5)
    result = verify(links, head_hash=links[-1].hash, head_count=5)
    assert result.ok
    assert result.checked == 5


def test_an_empty_chain_verifies_against_an_empty_head():
    assert verify([], head_hash=GENESIS_HASH, head_count=0).ok


def test_changed_content_is_caught_at_that_event():
    links = _chain(5)
    tampered = Link(3, links[2].prev_hash, links[2].hash, {**links[2].fields, "object_id": "x"})
    result = verify([*links[:2], tampered, *links[3:]])
    assert not result.ok
    assert result.broken is not None
    assert result.broken.event_id == 3
    assert "content" in result.broken.reason
    assert result.checked == 2


def test_a_removed_event_is_caught_at_the_next_one():
    links = _chain(5)
    result = verify([*links[:2], *links[3:]])
    assert result.broken is not None
    assert result.broken.event_id == 4
    assert "previous-hash" in result.broken.reason


def test_a_rehashed_event_still_breaks_the_next_link():
    links = _chain(4)
    fields = {**links[1].fields, "object_id": "forged"}
    forged = Link(2, links[1].prev_hash, link_hash(links[1].prev_hash, fields), fields)
    result = verify([links[0], forged, *links[2:]])
    assert result.broken is not None
    assert result.broken.event_id == 3


def test_events_cut_off_the_end_are_caught_by_the_head():
    links = _chain(5)
    result = verify(links[:3], head_hash=links[-1].hash, head_count=5)
    assert result.broken is not None
    assert result.broken.event_id is None
    assert "5 events" in result.broken.reason


def test_a_head_hash_mismatch_is_caught():
    links = _chain(2)
    result = verify(links, head_hash="f" * 64)
    assert result.broken is not None
    assert "chain head" in result.broken.reason

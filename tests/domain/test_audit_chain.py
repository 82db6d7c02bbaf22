from __future__ import annotations

import dataclasses
import hashlib
import hmac

from milepost.domain.audit_chain import (
    GENESIS_HASH,
    KEYED,
    LEGACY,
    LEGACY_CHAIN,
    Link,
    canonical,
    checkpoint_from_json,
    checkpoint_sign,
    key_id,
    link_hash,
    verify,
)

KEY = b"k" * 32
KEYS = {key_id(KEY): KEY}


def _chain(n: int, *, key: bytes | None = KEY, alg: str = KEYED, start: int = 1) -> list[Link]:
    links = []
    prev = GENESIS_HASH
    for i in range(1, n + 1):
        fields = {"action": "client.view", "object_id": f"c{i}", "detail": {"n": i}}
        h = link_hash(prev, fields, key)
        kid = key_id(key) if key else ""
        links.append(Link(i, prev, h, fields, seq=i, alg=alg, key_id=kid))
        prev = h
    return links


def _verify(links, **kwargs):
    return verify(links, keys=KEYS, **kwargs)


def test_canonical_content_ignores_key_order_and_keeps_unicode():
    assert canonical({"b": 1, "a": "é"}) == canonical({"a": "é", "b": 1})
    assert canonical({"a": "é"}) == '{"a":"é"}'.encode()


def test_link_hash_is_sha256_of_previous_hash_and_content():
    fields = {"action": "x"}
    expected = hashlib.sha256(GENESIS_HASH.encode() + b"\n" + b'{"action":"x"}').hexdigest()
    assert link_hash(GENESIS_HASH, fields) == expected


def test_an_intact_chain_verifies():
    links = _chain(5)
    result = _verify(links, head_hash=links[-1].hash, head_count=5)
    assert result.ok
    assert result.checked == 5


def test_an_empty_chain_verifies_against_an_empty_head():
    assert _verify([], head_hash=GENESIS_HASH, head_count=0).ok


def test_changed_content_is_caught_at_that_event():
    links = _chain(5)
    tampered = dataclasses.replace(links[2], fields={**links[2].fields, "object_id": "x"})
    result = _verify([*links[:2], tampered, *links[3:]])
    assert not result.ok
    assert result.broken is not None
    assert result.broken.event_id == 3
    assert "content" in result.broken.reason
    assert result.checked == 2


def test_a_removed_event_is_caught_at_the_next_one():
    links = _chain(5)
    result = _verify([*links[:2], *links[3:]])
    assert result.broken is not None
    assert result.broken.event_id == 4
    assert "position" in result.broken.reason


def test_a_rehashed_event_still_breaks_the_next_link():
    links = _chain(4)
    fields = {**links[1].fields, "object_id": "forged"}
    forged = dataclasses.replace(
        links[1], fields=fields, hash=link_hash(links[1].prev_hash, fields, KEY)
    )
    result = _verify([links[0], forged, *links[2:]])
    assert result.broken is not None
    assert result.broken.event_id == 3


def test_events_cut_off_the_end_are_caught_by_the_head():
    links = _chain(5)
    result = _verify(links[:3], head_hash=links[-1].hash, head_count=5)
    assert result.broken is not None
    assert result.broken.event_id is None
    assert "5 events" in result.broken.reason


def test_a_head_hash_mismatch_is_caught():
    links = _chain(2)
    result = _verify(links, head_hash="f" * 64)
    assert result.broken is not None
    assert "chain head" in result.broken.reason


def test_a_keyed_link_is_hmac_sha256_of_previous_hash_and_content():
    expected = hmac.new(
        KEY, GENESIS_HASH.encode() + b"\n" + b'{"action":"x"}', hashlib.sha256
    ).hexdigest()
    assert link_hash(GENESIS_HASH, {"action": "x"}, KEY) == expected


def test_a_chain_rewritten_with_plain_sha256_is_caught_at_its_first_event():
    result = _verify(_chain(3, key=None, alg=LEGACY), chain="org-1")
    assert result.broken is not None
    assert result.broken.event_id == 1
    assert "without the audit key" in result.broken.reason


def test_a_chain_rewritten_with_a_wrong_key_is_caught():
    wrong = b"w" * 32
    relabelled = [dataclasses.replace(link, key_id=key_id(KEY)) for link in _chain(3, key=wrong)]
    result = _verify(relabelled, chain="org-1")
    assert result.broken is not None
    assert (result.broken.event_id, result.broken.seq) == (1, 1)
    assert "content does not match" in result.broken.reason
    unknown = _verify(_chain(3, key=wrong), chain="org-1")
    assert unknown.broken is not None
    assert "does not hold" in unknown.broken.reason


def test_an_earlier_key_still_verifies_its_events():
    old = b"o" * 32
    assert verify(_chain(3, key=old), keys={**KEYS, key_id(old): old}, chain="org-1").ok


def _sealed_legacy(n: int) -> list[Link]:
    legacy = _chain(n, key=None, alg=LEGACY)
    fields = {"action": "audit.chain_sealed", "chain": LEGACY_CHAIN, "seq": n + 1}
    seal = Link(n + 1, legacy[-1].hash, link_hash(legacy[-1].hash, fields, KEY), fields, n + 1)
    return [*legacy, dataclasses.replace(seal, key_id=key_id(KEY))]


def test_legacy_events_verify_on_the_legacy_chain_when_a_keyed_seal_follows():
    assert _verify(_sealed_legacy(3), chain=LEGACY_CHAIN).ok


def test_a_legacy_chain_without_its_keyed_seal_is_caught():
    result = _verify(_sealed_legacy(3)[:-1], chain=LEGACY_CHAIN)
    assert result.broken is not None
    assert "not signed with the audit key" in result.broken.reason


def test_a_legacy_link_after_a_keyed_one_is_caught():
    links = _sealed_legacy(2)
    after = link_hash(links[-1].hash, {"action": "forged"})
    forged = Link(4, links[-1].hash, after, {"action": "forged"}, seq=4, alg=LEGACY)
    result = _verify([*links, forged], chain=LEGACY_CHAIN)
    assert result.broken is not None
    assert result.broken.event_id == 4


def test_a_duplicated_position_is_caught():
    links = _chain(3)
    result = _verify([links[0], dataclasses.replace(links[1], seq=1), links[2]])
    assert result.broken is not None
    assert result.broken.event_id == 2


def _checkpoint(links, count, at="2026-01-01T00:00:00+00:00", key=KEY):
    last = links[count - 1].hash if count else GENESIS_HASH
    return checkpoint_sign(chain="org-1", count=count, last_hash=last, at=at, key=key)


def test_a_checkpoint_round_trips_through_its_json_line():
    checkpoint = _checkpoint(_chain(2), 2)
    assert checkpoint_from_json(checkpoint.to_json()) == checkpoint


def test_events_agreeing_with_their_checkpoints_verify():
    links = _chain(5)
    result = _verify(
        links, chain="org-1", checkpoints=[_checkpoint(links, 2), _checkpoint(links, 5)]
    )
    assert result.ok
    assert result.checkpoints == 2


def test_a_chain_cut_short_with_its_head_is_caught_by_a_checkpoint():
    links = _chain(5)
    result = _verify(
        links[:3],
        chain="org-1",
        head_hash=links[2].hash,
        head_count=3,
        checkpoints=[_checkpoint(links, 5)],
    )
    assert result.broken is not None
    assert result.broken.seq == 4
    assert "records 5 events but 3 exist" in result.broken.reason


def test_a_chain_emptied_with_its_head_is_caught_by_a_checkpoint():
    links = _chain(2)
    result = _verify([], chain="org-1", head_count=0, checkpoints=[_checkpoint(links, 2)])
    assert result.broken is not None
    assert result.broken.seq == 1


def test_a_chain_replaced_by_other_signed_events_is_caught_at_the_checkpointed_position():
    original = _chain(3)
    other = [
        dataclasses.replace(link, fields={**link.fields, "detail": {"n": 0}}) for link in _chain(3)
    ]
    prev = GENESIS_HASH
    rebuilt = []
    for link in other:
        h = link_hash(prev, link.fields, KEY)
        rebuilt.append(dataclasses.replace(link, prev_hash=prev, hash=h))
        prev = h
    result = _verify(rebuilt, chain="org-1", checkpoints=[_checkpoint(original, 2)])
    assert result.broken is not None
    assert (result.broken.event_id, result.broken.seq) == (2, 2)
    assert "checkpoint of 2026-01-01" in result.broken.reason


def test_a_forged_checkpoint_is_refused():
    links = _chain(2)
    forged = dataclasses.replace(_checkpoint(links, 2), count=1)
    result = _verify(links, chain="org-1", checkpoints=[forged])
    assert result.broken is not None
    assert "not signed" in result.broken.reason
    wrong_key = _checkpoint(links, 2, key=b"w" * 32)
    assert not _verify(links, chain="org-1", checkpoints=[wrong_key]).ok

"""Sealed files: what is sealed opens with its key only, and any change is refused."""

from __future__ import annotations

import pytest

from milepost.lib.sealed import HEADER, SealError, new_key, parse_key, seal, unseal

KEY = parse_key(new_key())


def test_round_trip():
    assert unseal(seal(b"every table", KEY), KEY) == b"every table"


def test_the_ciphertext_does_not_contain_the_plaintext():
    sealed = seal(b"Quillfeather " * 50, KEY)
    assert b"Quillfeather" not in sealed
    assert sealed.startswith(HEADER)


def test_two_seals_of_the_same_text_differ():
    assert seal(b"x", KEY) != seal(b"x", KEY)  # a fresh nonce every time


def test_another_key_does_not_open_it():
    with pytest.raises(SealError, match="another key"):
        unseal(seal(b"x", KEY), parse_key(new_key()))


@pytest.mark.parametrize("position", [len(HEADER), len(HEADER) + 12, -1])
def test_a_changed_byte_is_refused(position):
    sealed = bytearray(seal(b"every table", KEY))
    sealed[position] ^= 0x01
    with pytest.raises(SealError, match="damaged or changed"):
        unseal(bytes(sealed), KEY)


def test_a_changed_header_is_refused():
    sealed = seal(b"x", KEY)
    with pytest.raises(SealError, match="not a Milepost backup"):
        unseal(b"Z" + sealed[1:], KEY)


def test_a_truncated_file_is_refused():
    with pytest.raises(SealError, match="truncated"):
        unseal(seal(b"x", KEY)[: len(HEADER) + 20], KEY)


@pytest.mark.parametrize(
    ("text", "message"),
    [("not base64!!", "not valid base64"), ("c2hvcnQ=", "must be 32 bytes; this one is 5")],
)
def test_a_bad_key_says_what_is_wrong(text, message):
    with pytest.raises(SealError, match=message):
        parse_key(text)


def test_a_new_key_parses_and_is_random():
    assert len(parse_key(new_key())) == 32
    assert new_key() != new_key()

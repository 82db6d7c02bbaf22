from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_secret


class EnvBoolTests:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [("1", True), ("TRUE", True), ("yes", True), ("off", False), ("0", False), ("", False)],
    )
    def test_it_reads_common_spellings(self, monkeypatch, raw, expected):
        monkeypatch.setenv("X_FLAG", raw)
        assert env_bool("X_FLAG", not expected) is expected

    def test_it_falls_back_to_the_default(self, monkeypatch):
        monkeypatch.delenv("X_FLAG", raising=False)
        assert env_bool("X_FLAG", True) is True

    def test_anything_else_fails_loudly(self, monkeypatch):
        monkeypatch.setenv("X_FLAG", "maybe")
        with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
            env_bool("X_FLAG", False)


class EnvIntTests:
    def test_a_number_is_read(self, monkeypatch):
        monkeypatch.setenv("X_N", "42")
        assert env_int("X_N", 1) == 42

    @pytest.mark.parametrize("raw", ["ten", "1.5", ""])
    def test_a_non_number_fails_loudly(self, monkeypatch, raw):
        monkeypatch.setenv("X_N", raw)
        with pytest.raises(ImproperlyConfigured, match="X_N"):
            env_int("X_N", 1)

    def test_a_value_below_the_minimum_fails(self, monkeypatch):
        monkeypatch.setenv("X_N", "3")
        with pytest.raises(ImproperlyConfigured, match="at least 8"):
            env_int("X_N", 12, minimum=8)


class EnvListTests:
    def test_it_splits_on_commas_and_drops_blanks(self, monkeypatch):
        monkeypatch.setenv("X_L", " a.org, ,b.org ")
        assert env_list("X_L", []) == ["a.org", "b.org"]


class EnvSecretTests:
    def test_the_variable_wins(self, monkeypatch, tmp_path):
        monkeypatch.setenv("X_S", "direct")
        assert env_secret("X_S", fallback_file=tmp_path / "none") == "direct"

    def test_a_file_named_by_the_variable_is_read(self, monkeypatch, tmp_path):
        secret = tmp_path / "s"
        secret.write_text("from-file\n")
        monkeypatch.delenv("X_S", raising=False)
        monkeypatch.setenv("X_S_FILE", str(secret))
        assert env_secret("X_S") == "from-file"

    def test_a_missing_file_fails_loudly(self, monkeypatch, tmp_path):
        monkeypatch.delenv("X_S", raising=False)
        monkeypatch.setenv("X_S_FILE", str(tmp_path / "absent"))
        with pytest.raises(ImproperlyConfigured, match="X_S_FILE"):
            env_secret("X_S")

    def test_an_empty_file_fails_loudly(self, monkeypatch, tmp_path):
        secret = tmp_path / "s"
        secret.write_text("\n")
        monkeypatch.delenv("X_S", raising=False)
        monkeypatch.delenv("X_S_FILE", raising=False)
        with pytest.raises(ImproperlyConfigured, match="empty"):
            env_secret("X_S", fallback_file=secret)

    def test_nothing_set_is_none(self, monkeypatch, tmp_path):
        monkeypatch.delenv("X_S", raising=False)
        monkeypatch.delenv("X_S_FILE", raising=False)
        assert env_secret("X_S", fallback_file=tmp_path / "none") is None

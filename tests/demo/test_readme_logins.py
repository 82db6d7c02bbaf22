"""The README's demo-login table names every demo login, each once, with the password the
demo sets (a broken or partial table once hid three of the five logins)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from milepost.demo.data import demo_logins

README = Path(__file__).resolve().parents[2] / "README.md"


def _table_emails(text: str) -> list[str]:
    start = text.index("| who | email | sees |")
    rows = []
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break  # the table ends at the first line that is not a row
        rows.append(line)
    return [m.group(1) for row in rows for m in [re.search(r"`([^`]+@[^`]+)`", row)] if m]


def test_the_readme_table_lists_every_demo_login_once_and_unbroken():
    text = README.read_text(encoding="utf-8")
    emails = _table_emails(text)
    assert sorted(emails) == sorted(email for _, email, _ in demo_logins())
    assert len(set(emails)) == len(emails)
    assert f"`{settings.DEMO_PASSWORD}`" in text


def test_a_table_broken_by_a_paragraph_is_caught():
    broken = (
        "| who | email | sees |\n| --- | --- | --- |\n| A | `a@x.test` | a |\n"
        "\ntext\n| B | `b@x.test` | b |\n"
    )
    assert _table_emails(broken) == ["a@x.test"]

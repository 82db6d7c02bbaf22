"""`milepost remind`: sends what is due, and nothing the second time."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import mail

from milepost.cli import main
from milepost.portal.models import Reminder
from tests.portal.questionnaire_helpers import dana_assignment


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.django_db
def test_it_reminds_once_however_often_it_runs(personas, capsys):
    dana_assignment(personas)
    code, out, _ = run(capsys, "remind")
    assert code == 0
    assert out.strip() == "Sent 1 message(s) for 1 due item(s); 0 already reminded; 0 failed."
    code, out, _ = run(capsys, "remind", "--json")
    assert code == 0
    assert json.loads(out) == {"sent": 0, "reminders": 0, "already_sent": 1, "failed": 0}
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1


@pytest.mark.django_db
def test_nothing_due_sends_nothing(personas, capsys):
    code, out, _ = run(capsys, "remind", "--json", "--no-logs")
    assert code == 0
    assert json.loads(out)["sent"] == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_given_date_is_used(personas, capsys):
    assignment = dana_assignment(personas)
    day = (assignment.start_on + timedelta(days=7)).isoformat()
    code, out, _ = run(capsys, "remind", "--date", day, "--json")
    assert code == 0
    assert json.loads(out)["sent"] == 1
    assert Reminder.objects.get().key.endswith(f"weekly:{day}")


def test_a_bad_date_names_the_option(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["remind", "--date", "next tuesday"])
    assert raised.value.code == 2
    assert "--date" in capsys.readouterr().err

"""Which reads of one request are written (decision 0017)."""

from __future__ import annotations

import pytest

from milepost.domain.audit_reads import Read, to_write


def _read(action: str, object_type: str, object_id: str, *, actor=1, client=7, detail="{}"):
    return Read(actor, 1, client, action, object_type, object_id, detail)


CLIENT = _read("client.view", "client", "c1")
CLIENT_EDIT = _read("client.edit", "client", "c1")
PLAN = _read("plan.view", "treatmentplan", "p1")
FEEDBACK = _read("plan.smart_feedback", "treatmentplan", "p1")
GOAL = _read("goal.view", "goal", "g1")
GOAL_FEEDBACK = _read("goal.smart_feedback", "goal", "g1")
FACTORS = _read("formulation.view", "client", "c1", detail='{"factors":"maintaining"}')
OTHER_CLIENT_PLAN = _read("plan.view", "treatmentplan", "p9", client=8)
BOBS_PLAN = _read("plan.view", "treatmentplan", "p1", actor=2)


@pytest.mark.parametrize(
    ("pending", "kept"),
    [
        # Live feedback on a new goal: four helper calls, three records.
        ([CLIENT, PLAN, FACTORS, FEEDBACK], [CLIENT, FACTORS, FEEDBACK]),
        # Live feedback on a saved goal: the client checked twice, the goal read and judged.
        (
            [CLIENT, PLAN, CLIENT, GOAL, FACTORS, GOAL_FEEDBACK],
            [CLIENT, PLAN, FACTORS, GOAL_FEEDBACK],
        ),
        ([CLIENT, CLIENT], [CLIENT]),  # an exact repeat
        ([CLIENT, CLIENT_EDIT], [CLIENT_EDIT]),  # read to be changed: one read
        ([CLIENT, PLAN], [CLIENT, PLAN]),  # the client's record and its plan: two records
        ([CLIENT, OTHER_CLIENT_PLAN], [CLIENT, OTHER_CLIENT_PLAN]),  # another client's plan
        ([PLAN, BOBS_PLAN], [PLAN, BOBS_PLAN]),  # another person's read
        ([PLAN, GOAL], [PLAN, GOAL]),  # different records
    ],
)
def test_repeated_and_subsumed_reads_are_written_once(pending, kept):
    assert [pending[i] for i in to_write([], pending)] == kept


def test_a_read_already_written_in_the_request_is_not_written_again():
    assert to_write([PLAN], [CLIENT, PLAN, GOAL]) == [0, 2]


def test_a_change_about_to_be_written_subsumes_the_reads_of_its_record():
    change = _read("goal.update", "goal", "g1")
    assert to_write([], [CLIENT, GOAL], upcoming=[change]) == [0]

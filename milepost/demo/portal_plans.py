"""The portal's plan side for the demo portal client (Dana): a goal she drafted, two
journal entries (one shared with her care team), a request for a change her therapist
answered (the portal home shows it), this week's log of pleasurable activities, which the
clinician's progress picks up as the week's value, and a meet-up with friends logged for her
goal whose progress is a weekly count.

Everything goes through the portal's services as Dana herself. Idempotent: a client who
already has a goal proposal is left as she is.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from milepost.accounts.models import User
from milepost.clients.models import Client
from milepost.portal import services
from milepost.portal.models import GoalProposal
from milepost.portal.selectors import hidden_goal_ids, loggable_measures, portal_plan_of

PROPOSAL = (
    "I would see my sister on Sundays again, and cook for her like I used to",
    "We would have lunch together most weekends",
)
JOURNAL = (
    ("Hard morning. Stayed in bed until ten, but I did get out for a walk after.", True),
    ("I don't want to talk about this one yet: just writing it down helps.", False),
)
# Hours into this week (from Monday 00:00) of each logged activity, with its note.
LOGGED = ((10, "Walk by the river"), (30, "Cooked a proper dinner"))
CHANGE = (
    "Could we add something about sleep? My evenings are the hardest part.",
    "Yes: let us look at a sleep routine together next session and add it as a step.",
)
MEET_UP = (12, "Coffee with my sister")


def load_portal_plans(client: Client, clinician: User) -> None:
    dana = client.portal_user
    if dana is None or GoalProposal.objects.filter(client=client).exists():
        return
    services.goal_proposal_create(
        actor=dana, client=client, text=PROPOSAL[0], how_you_would_know=PROPOSAL[1]
    )
    for text, shared in JOURNAL:
        entry = services.journal_entry_add(actor=dana, client=client, text=text)
        if shared:
            services.journal_entry_share(actor=dana, entry=entry, shared=True)
    plan = portal_plan_of(client)
    if plan is not None:
        change = services.change_request_create(actor=dana, plan=plan, comment=CHANGE[0])
        services.change_request_answer(actor=clinician, change_request=change, answer=CHANGE[1])
    measures = loggable_measures(plan, hidden_goal_ids(client))
    chosen = next((m.metric for m in measures if m.metric.name == "Pleasurable activities"), None)
    if chosen is None:
        return
    now = timezone.now()
    monday = timezone.localdate(now) - dt.timedelta(days=timezone.localdate(now).weekday())
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time()))
    for hours, note in LOGGED:
        # Early in the week only what has already happened is logged.
        when = min(start + dt.timedelta(hours=hours), now)
        services.log_entry_add(
            actor=dana, client=client, metric=chosen, occurred_at=when, note=note
        )
    # A goal whose own progress is a weekly count is logged too (issue 16).
    meet_ups = next((m.metric for m in measures if m.goals and not m.objectives), None)
    if meet_ups is not None:
        when = min(start + dt.timedelta(hours=MEET_UP[0]), now)
        services.log_entry_add(
            actor=dana, client=client, metric=meet_ups, occurred_at=when, note=MEET_UP[1]
        )

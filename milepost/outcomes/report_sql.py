"""The one SQL statement behind each outcome report (decisions 1006 and 1012).

It sums the group counts the rebuild wrote for one grouping, per family and group, in the
database, names the clinicians or programmes by joining them in, and brings the time of the
last rebuild: one round trip per page, chart or CSV, on the database the router gives the
reports (the read replica when there is one). Python only sets each group's families side by
side here, and selectors.py adds the groups up and hides small cells.

What is formatted into the statement is only table names from the models' metadata and fixed
expressions chosen from the grouping; every value is a parameter (S608 is silenced for this
file in pyproject.toml).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.utils.dateparse import parse_datetime

from milepost.accounts.models import User
from milepost.clients.models import Programme
from milepost.outcomes.models import GroupCount, Refresh

#: (family, count) of each summed column, in the order the statement returns them: what the
#: counts n, a … e and the sum x of each family mean is refresh.py's ``_SUMMARY``.
COLUMNS = (
    ("case", "n"),  # cases
    ("case", "a"),  # at caseness at the start
    ("case", "b"),  # recovered
    ("case", "c"),  # reliably improved
    ("case", "d"),  # reliably recovered
    ("case", "e"),  # reliably deteriorated
    ("target", "n"),  # targets due
    ("target", "a"),  # met by their due date
    ("review", "n"),  # reviews due
    ("review", "a"),  # held on time
    ("client", "n"),  # clients
    ("client", "a"),  # with a first score
    ("client", "b"),  # scores of clients with sessions
    ("client", "c"),  # sessions
    ("client", "x"),  # days to the first score, summed
)
#: Where each family's sums start in a Group's sums, and which of n, a … e, x it keeps.
_PLACE = {
    family: (
        next(i for i, (f, _c) in enumerate(COLUMNS) if f == family),
        [("n", "a", "b", "c", "d", "e", "x").index(c) for f, c in COLUMNS if f == family],
    )
    for family in ("case", "target", "review", "client")
}

# Each family's sums per group (a plain GROUP BY over the group counts, with the names of the
# clinicians or programmes joined in), then one row with the time of the rebuild.
_STATEMENT = """
SELECT s.family, s.group_key, s.n, s.a, s.b, s.c, s.d, s.e, s.x,
       {name} AS name, {credentials} AS credentials, {public_id} AS public_id,
       NULL AS refreshed_at
FROM (
    SELECT family, CASE WHEN group_by = %(group_by)s THEN key ELSE '' END AS group_key,
           CAST(SUM(n) AS bigint) AS n, CAST(SUM(a) AS bigint) AS a,
           CAST(SUM(b) AS bigint) AS b, CAST(SUM(c) AS bigint) AS c,
           CAST(SUM(d) AS bigint) AS d, CAST(SUM(e) AS bigint) AS e, SUM(x) AS x
    FROM {group_count}
    WHERE organization_id = %(organization)s
      AND (group_by = %(group_by)s{and_totals})
      {filters}
    GROUP BY 1, 2
) s{join}
UNION ALL
SELECT 'refresh', '', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, refreshed_at
FROM {refresh} WHERE organization_id = %(organization)s
"""

# Grouped by instrument, reviews and clients belong to no instrument: their practice totals
# come from the per-quarter counts, in the group of the key ''.
_TOTALS_BY_PERIOD = (
    " OR (%(group_by)s = 'instrument' AND group_by = 'period' AND family IN ('review', 'client'))"
)
_ID = "CAST(NULLIF(s.group_key, '') AS bigint)"
_NAMES = {
    "clinician": (
        "u.full_name",
        "u.credentials",
        "u.public_id",
        f" LEFT JOIN {User._meta.db_table} u ON u.id = {_ID}",
    ),
    "programme": (
        "pr.name",
        "NULL",
        "pr.public_id",
        f" LEFT JOIN {Programme._meta.db_table} pr"
        f" ON pr.id = {_ID} AND pr.organization_id = %(organization)s",
    ),
}


@dataclass(frozen=True)
class Group:
    """One group: its key as the group counts hold it (text), its sums in COLUMNS' order, and
    for a clinician or programme the names the database gave it (name, credentials, public
    id; empty when none was found)."""

    key: str
    sums: tuple[int | float, ...]
    name: str = ""
    credentials: str = ""
    public_id: str = ""


@dataclass
class Sums:
    groups: list[Group] = field(default_factory=list)
    refreshed_at: dt.datetime | None = None


def _moment(value: object) -> dt.datetime | None:
    """A timestamp as the driver returns it (SQLite: text in UTC) as an aware datetime."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def group_sums(
    organization_id: int,
    group_by: str,
    *,
    instrument: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Sums:
    """One grouping's sums for one practice, in one statement (see the module docstring)."""
    filters = []
    if since:
        filters.append("AND period >= %(since)s")
    if until:
        filters.append("AND period <= %(until)s")
    if instrument:
        filters.append("AND (family NOT IN ('case', 'target') OR instrument_code = %(instrument)s)")
    name, credentials, public_id, join = _NAMES.get(group_by, ("NULL", "NULL", "NULL", ""))
    statement = _STATEMENT.format(
        group_count=GroupCount._meta.db_table,
        refresh=Refresh._meta.db_table,
        and_totals=_TOTALS_BY_PERIOD if group_by == "instrument" else "",
        filters=" ".join(filters),
        name=name,
        credentials=credentials,
        public_id=public_id,
        join=join,
    )
    params: dict[str, Any] = {
        "organization": organization_id,
        "group_by": group_by,
        "since": since,
        "until": until,
        "instrument": instrument,
    }
    alias = router.db_for_read(GroupCount) or DEFAULT_DB_ALIAS
    with connections[alias].cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    # Side by side: each group's families in COLUMNS' order (0 for a family it lacks).
    sums: dict[str, list[int | float]] = {}
    names: dict[str, tuple[str, str, str]] = {}
    refreshed_at = None
    for row in rows:
        family, key = row[0], row[1]
        if family == "refresh":
            refreshed_at = _moment(row[12])
            continue
        values = sums.get(key)
        if values is None:
            values = sums[key] = [0] * len(COLUMNS)
        start, kept = _PLACE[family]
        for offset, index in enumerate(kept):
            values[start + offset] = row[2 + index] or 0
        if row[11] is not None:
            names[key] = (row[9] or "", row[10] or "", row[11])
    groups = [
        Group(key, tuple(values), *names.get(key, ("", "", ""))) for key, values in sums.items()
    ]
    return Sums(groups, refreshed_at)

"""The SQL that rebuilds a practice's outcome facts (decision 1001).

Four ``INSERT … SELECT`` statements, one per fact table, each a single pass the database
plans itself: window functions pick every client's first and last score per instrument,
``EXISTS`` over the (client, instrument, administered_at) index decides whether a target was
met by its due date, and ``GROUP BY`` counts scores and sessions. No row comes into Python.

The instruments' caseness cut-offs and reliable-change thresholds come from their data files
through :func:`milepost.domain.outcomes.outcome_rules` as a ``VALUES`` table, so the SQL and
:func:`milepost.domain.outcomes.case_outcome` cannot drift apart (tests/outcomes checks they
agree case by case). Dates are UTC days (decision 1001).

The statements are built from strings (S608 is silenced for this file in pyproject.toml):
what is formatted in is only table names from the models' metadata and fixed expressions;
every value is a parameter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from milepost.clients.models import CareTeamMember, Client
from milepost.domain import instruments
from milepost.domain.outcomes import outcome_rules
from milepost.measures.models import Administration
from milepost.notes.models import SessionNote
from milepost.outcomes.models import Case, ClientFacts, GroupCount, ReviewDue, TargetDue
from milepost.plans.models import (
    Diagnosis,
    Goal,
    Objective,
    Observation,
    Review,
    Target,
    TreatmentPlan,
)

T = {
    "adm": Administration._meta.db_table,
    "client": Client._meta.db_table,
    "team": CareTeamMember._meta.db_table,
    "plan": TreatmentPlan._meta.db_table,
    "diagnosis": Diagnosis._meta.db_table,
    "goal": Goal._meta.db_table,
    "objective": Objective._meta.db_table,
    "target": Target._meta.db_table,
    "review": Review._meta.db_table,
    "observation": Observation._meta.db_table,
    "note": SessionNote._meta.db_table,
    "case": Case._meta.db_table,
    "target_due": TargetDue._meta.db_table,
    "review_due": ReviewDue._meta.db_table,
    "client_facts": ClientFacts._meta.db_table,
    "group_count": GroupCount._meta.db_table,
}


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def quarter(expr: str) -> str:
    """The first day of the quarter of a date or timestamp expression."""
    if _postgres():
        return f"CAST(date_trunc('quarter', {expr}) AS date)"
    return (
        f"date({expr}, 'start of month', "
        f"printf('-%%d months', (CAST(strftime('%%m', {expr}) AS integer) - 1) %% 3))"
    )


def day(expr: str) -> str:
    return f"CAST({expr} AS date)" if _postgres() else f"date({expr})"


def days_between(later: str, earlier: str) -> str:
    if _postgres():
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"
    return f"(julianday({later}) - julianday({earlier}))"


def _rules() -> tuple[str, list[Any]]:
    rules = outcome_rules(instruments.all_instruments())
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(rules))
    params: list[Any] = []
    for rule in rules:
        params += [rule.instrument, rule.cutoff, rule.reliable_change, rule.higher_is_worse]
    return f"rules (code, cutoff, rc, hiw) AS (VALUES {rows})", params


def _who() -> str:
    """CTEs: each client's clinician (the primary, else the first on the team) and diagnosis
    group (the ICD-10-CM category of the first diagnosis on their latest signed version).

    Both take the organisation as their one parameter (the latest-plan CTE).
    """
    return f"""
    clin AS (
        SELECT client_id,
               COALESCE(MIN(CASE WHEN is_primary THEN clinician_id END), MIN(clinician_id))
                   AS clinician_id
        FROM {T["team"]} GROUP BY client_id
    ),
    lp AS (
        SELECT client_id, MAX(id) AS plan_id FROM {T["plan"]}
        WHERE organization_id = %s AND status <> 'draft' GROUP BY client_id
    ),
    dg AS (
        -- A subquery per client over the diagnoses' plan index, not a window over them all:
        -- the planner estimates a window's "first row" as a handful and joins it in a loop.
        SELECT lp.client_id,
               (SELECT SUBSTR(d.code, 1, 3) FROM {T["diagnosis"]} d
                WHERE d.plan_id = lp.plan_id ORDER BY d."order", d.id LIMIT 1) AS grp
        FROM lp
    )"""  # nosec B608: table names from the models' _meta, values as parameters


def _cases_sql() -> tuple[str, list[Any]]:
    rules, rule_params = _rules()
    start_case = "CASE WHEN r.hiw THEN p.first_total >= r.cutoff ELSE p.first_total <= r.cutoff END"
    end_case = "CASE WHEN r.hiw THEN p.last_total >= r.cutoff ELSE p.last_total <= r.cutoff END"
    gain = (
        "(CASE WHEN r.hiw THEN p.first_total - p.last_total ELSE p.last_total - p.first_total END)"
    )
    sql = f"""
    INSERT INTO {T["case"]} (organization_id, client_id, clinician_id, diagnosis_group,
        programme_id, period, instrument_code, scores, first_total, last_total,
        at_caseness_start, recovered, improved, deteriorated)
    WITH {rules}, {_who()},
    scored AS (
        SELECT a.client_id, a.instrument_code, a.total, a.administered_at,
               ROW_NUMBER() OVER (PARTITION BY a.client_id, a.instrument_code
                                  ORDER BY a.administered_at, a.id) AS first_rank,
               ROW_NUMBER() OVER (PARTITION BY a.client_id, a.instrument_code
                                  ORDER BY a.administered_at DESC, a.id DESC) AS last_rank,
               COUNT(*) OVER (PARTITION BY a.client_id, a.instrument_code) AS scores
        FROM {T["adm"]} a JOIN rules ON rules.code = a.instrument_code
        WHERE a.organization_id = %s AND a.total IS NOT NULL AND a.entered_in_error_at IS NULL
    ),
    pairs AS (
        SELECT client_id, instrument_code, MAX(scores) AS scores,
               MAX(CASE WHEN first_rank = 1 THEN total END) AS first_total,
               MAX(CASE WHEN last_rank = 1 THEN total END) AS last_total,
               MAX(CASE WHEN last_rank = 1 THEN administered_at END) AS last_at
        FROM scored WHERE first_rank = 1 OR last_rank = 1
        GROUP BY client_id, instrument_code
    )
    SELECT %s, p.client_id, clin.clinician_id, COALESCE(dg.grp, ''), cl.programme_id,
           {quarter("p.last_at")}, p.instrument_code, p.scores, p.first_total, p.last_total,
           {start_case},
           ({start_case}) AND NOT ({end_case}),
           {gain} >= r.rc,
           -{gain} >= r.rc
    FROM pairs p
    JOIN rules r ON r.code = p.instrument_code
    JOIN {T["client"]} cl ON cl.id = p.client_id
    LEFT JOIN clin ON clin.client_id = p.client_id
    LEFT JOIN dg ON dg.client_id = p.client_id
    WHERE p.scores >= 2
    """  # nosec B608: table names from the models' _meta, values as parameters
    return sql, rule_params


def _meets(value: str) -> str:
    """SQL: ``value`` meets the target ``t``'s comparator and value."""
    return f"""CASE t.comparator WHEN '<=' THEN {value} <= t.target_value
                              WHEN '<' THEN {value} < t.target_value
                              WHEN '>=' THEN {value} >= t.target_value
                              WHEN '>' THEN {value} > t.target_value
                              ELSE {value} = t.target_value END"""


def _targets_sql() -> str:
    """Every target of each client's latest signed version whose due date has passed: an
    instrument's, met by a score on or before the due date; a self-monitoring metric's, met
    by a value for a day, week or month that began on or before it (decision 1011)."""
    by_score = f"""EXISTS (SELECT 1 FROM {T["adm"]} a
                   WHERE a.client_id = t.client_id AND a.instrument_code = t.instrument_code
                     AND a.total IS NOT NULL AND a.entered_in_error_at IS NULL
                     AND {day("a.administered_at")} <= t.due_date AND ({_meets("a.total")}))"""  # nosec B608
    by_value = f"""EXISTS (SELECT 1 FROM {T["observation"]} ob
                   WHERE ob.client_id = t.client_id AND ob.metric_id = t.metric_id
                     AND ob.entered_in_error_at IS NULL AND ob.period_start <= t.due_date
                     AND ({_meets("ob.value")}))"""  # nosec B608
    return f"""
    INSERT INTO {T["target_due"]} (organization_id, client_id, clinician_id, diagnosis_group,
        programme_id, period, instrument_code, met)
    WITH {_who()},
    due AS (
        SELECT lp.client_id, t.instrument_code, t.metric_id, t.comparator, t.target_value,
               t.due_date
        FROM {T["target"]} t
        LEFT JOIN {T["objective"]} o ON o.id = t.objective_id
        JOIN {T["goal"]} g ON g.id = COALESCE(t.goal_id, o.goal_id)
        JOIN lp ON lp.plan_id = g.plan_id
        WHERE t.due_date <= %s
    )
    SELECT %s, t.client_id, clin.clinician_id, COALESCE(dg.grp, ''), cl.programme_id,
           {quarter("t.due_date")}, t.instrument_code,
           CASE WHEN t.metric_id IS NULL THEN {by_score} ELSE {by_value} END
    FROM due t
    JOIN {T["client"]} cl ON cl.id = t.client_id
    LEFT JOIN clin ON clin.client_id = t.client_id
    LEFT JOIN dg ON dg.client_id = t.client_id
    """  # nosec B608: table names from the models' _meta, values as parameters


def _reviews_sql() -> str:
    """Each review that fell due (decision 1013): every review held, on time when held on or
    before the date it answered; and each version in force whose date has passed with no
    review for it, late. A discharged client has none due after their last score."""
    return f"""
    INSERT INTO {T["review_due"]} (organization_id, client_id, clinician_id, diagnosis_group,
        programme_id, period, on_time)
    WITH {_who()},
    due AS (
        SELECT p.client_id, COALESCE(r.due_on, r.held_on) AS due_on,
               r.held_on <= COALESCE(r.due_on, r.held_on) AS on_time
        FROM {T["review"]} r
        JOIN {T["plan"]} p ON p.id = r.plan_id
        WHERE p.organization_id = %s AND COALESCE(r.due_on, r.held_on) <= %s
        UNION ALL
        SELECT p.client_id, p.review_due_on, FALSE
        FROM {T["plan"]} p
        JOIN {T["client"]} c ON c.id = p.client_id
        WHERE p.organization_id = %s AND p.status = 'signed' AND p.review_due_on <= %s
          AND (c.status <> 'discharged'
               OR p.review_due_on <= (SELECT MAX({day("a.administered_at")}) FROM {T["adm"]} a
                                      WHERE a.client_id = p.client_id
                                        AND a.entered_in_error_at IS NULL))
          AND NOT EXISTS (SELECT 1 FROM {T["review"]} r
                          WHERE r.plan_id = p.id AND r.due_on = p.review_due_on)
    )
    SELECT %s, d.client_id, clin.clinician_id, COALESCE(dg.grp, ''), cl.programme_id,
           {quarter("d.due_on")}, d.on_time
    FROM due d
    JOIN {T["client"]} cl ON cl.id = d.client_id
    LEFT JOIN clin ON clin.client_id = d.client_id
    LEFT JOIN dg ON dg.client_id = d.client_id
    """  # nosec B608: table names from the models' _meta, values as parameters


def _clients_sql() -> str:
    to_first = days_between("adm.first_at", "c.created_at")
    return f"""
    INSERT INTO {T["client_facts"]} (organization_id, client_id, clinician_id, diagnosis_group,
        programme_id, period, days_to_first_measure, administrations, sessions)
    WITH {_who()},
    adm AS (
        SELECT client_id, COUNT(*) AS n, MIN(administered_at) AS first_at FROM {T["adm"]}
        WHERE organization_id = %s AND entered_in_error_at IS NULL GROUP BY client_id
    ),
    ses AS (
        SELECT client_id, COUNT(*) AS n FROM {T["note"]}
        WHERE organization_id = %s AND entered_in_error_at IS NULL GROUP BY client_id
    )
    SELECT %s, c.id, clin.clinician_id, COALESCE(dg.grp, ''), c.programme_id,
           {quarter("c.created_at")},
           CASE WHEN adm.first_at IS NULL THEN NULL
                WHEN {to_first} < 0 THEN 0 ELSE {to_first} END,
           COALESCE(adm.n, 0), COALESCE(ses.n, 0)
    FROM {T["client"]} c
    LEFT JOIN adm ON adm.client_id = c.id
    LEFT JOIN ses ON ses.client_id = c.id
    LEFT JOIN clin ON clin.client_id = c.id
    LEFT JOIN dg ON dg.client_id = c.id
    WHERE c.organization_id = %s
    """  # nosec B608: table names from the models' _meta, values as parameters


def _flag(column: str) -> str:
    return f"SUM(CASE WHEN {column} THEN 1 ELSE 0 END)"


#: Per family: its fact table, whether it has an instrument, and what n, a … e and x count.
_SUMMARY: dict[str, tuple[str, bool, dict[str, str]]] = {
    "case": (
        T["case"],
        True,
        {
            "n": "COUNT(*)",
            "a": _flag("at_caseness_start"),
            "b": _flag("recovered"),
            "c": _flag("improved"),
            "d": _flag("recovered AND improved"),
            "e": _flag("deteriorated"),
        },
    ),
    "target": (T["target_due"], True, {"n": "COUNT(*)", "a": _flag("met")}),
    "review": (T["review_due"], False, {"n": "COUNT(*)", "a": _flag("on_time")}),
    "client": (
        T["client_facts"],
        False,
        {
            "n": "COUNT(*)",
            "a": "COUNT(days_to_first_measure)",
            "b": "SUM(CASE WHEN sessions > 0 THEN administrations ELSE 0 END)",
            "c": "SUM(sessions)",
            "x": "COALESCE(SUM(days_to_first_measure), 0)",
        },
    ),
}
#: The key each grouping counts by, as text.
_KEYS = {
    "clinician": "COALESCE(CAST(clinician_id AS text), '')",
    "instrument": "instrument_code",
    "diagnosis": "diagnosis_group",
    "programme": "COALESCE(CAST(programme_id AS text), '')",
    "period": "CAST(period AS text)",
}


def _summary_statements() -> list[str]:
    """One ``INSERT … SELECT … GROUP BY`` per family and grouping (decision 1006)."""
    statements = []
    for family, (table, has_instrument, sums) in _SUMMARY.items():
        for group_by, key in _KEYS.items():
            if group_by == "instrument" and not has_instrument:
                continue  # reviews and clients belong to no instrument
            instrument = "instrument_code" if has_instrument else "''"
            grouped = f"{key}, period, instrument_code" if has_instrument else f"{key}, period"
            columns = ", ".join(sums)
            values = ", ".join(sums.values())
            statements.append(
                f"""
                INSERT INTO {T["group_count"]} (organization_id, family, group_by, key, period,
                    instrument_code, {columns})
                SELECT organization_id, '{family}', '{group_by}', {key}, period, {instrument},
                       {values}
                FROM {table} WHERE organization_id = %s
                GROUP BY organization_id, {grouped}
                """  # nosec B608: table names from the models' _meta, values as parameters
            )
    return statements


def rebuild(organization_id: int, today: dt.date) -> dict[str, int]:
    """Replace one practice's facts; the caller holds the transaction. Counts per table."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        if _postgres():
            # Whole-table joins: the planner's row estimates after the window filters are far
            # too low and it would pick nested loops over 100,000s of rows (minutes instead of
            # seconds at 1 M administrations). Hash and merge joins only, for this transaction.
            cursor.execute("SET LOCAL enable_nestloop = off")
        for model in (Case, TargetDue, ReviewDue, ClientFacts, GroupCount):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE organization_id = %s",  # nosec B608
                [organization_id],
            )
        org = organization_id
        cases, rule_params = _cases_sql()
        cursor.execute(cases, [*rule_params, org, org, org])
        counts["cases"] = cursor.rowcount
        cursor.execute(_targets_sql(), [org, today, org])
        counts["targets"] = cursor.rowcount
        cursor.execute(_reviews_sql(), [org, org, today, org, today, org])
        counts["reviews"] = cursor.rowcount
        cursor.execute(_clients_sql(), [org, org, org, org, org])
        counts["clients"] = cursor.rowcount
        for statement in _summary_statements():
            cursor.execute(statement, [org])
    return counts

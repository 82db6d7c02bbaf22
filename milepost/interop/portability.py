"""The practice archive: everything of one organization in one zip, so leaving Milepost
never loses data.

Layout (docs/fhir.md, "The archive")::

    README.md                          what is where, and how to check it
    manifest.json                      counts, and the size and SHA-256 of every other file
    clients.csv                        one row per client: public id, status, counts
    scores.csv                         one row per administration: item answers, total, band
    observations.csv                   one row per custom-metric value
    clients/<client id>/fhir.json      the client's FHIR Bundle (as the client page exports it)
    clients/<client id>/session-notes.json   every session note, with the objectives it cites
    clients/<client id>/reviews.json         every plan review, its goal decisions and the
                                             objectives' progress as the review saw it
    clients/<client id>/formulation.json     the formulation and its factors (null: none)
    clients/<client id>/risk-alerts.json     every risk alert, open or acknowledged
    clients/<client id>/portal.json          goal proposals, change requests, log entries and
                                             the journal entries the client shared
    clients/<client id>/plan-v<n>.pdf           each plan version as its PDF
    clients/<client id>/plan-v<n>-progress.pdf  each plan version's progress report

File names carry public ids only, never a name. The records are read once, through
interop/access.py, which audits the export (one event for the organization, one per client).
Only a records custodian makes it (docs/decisions/0606-records-custodian.md).

Any practice admin may make the non-clinical archive instead (`practice_archive_write`):
the practice's settings, its staff and supervisions, and counts. It holds no client's name
or public id, and no clinical text::

    README.md          what is where
    manifest.json      counts, and the size and SHA-256 of every other file
    practice.json      the practice's settings and the counts of its records
    staff.csv          one row per clinician, supervisor and admin
    supervisions.csv   who supervises whom
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils import timezone

from milepost.accounts.models import User
from milepost.interop.access import ClientRecord, OrganizationRecords, PracticeSummary
from milepost.interop.fhir import export
from milepost.interop.fhir.export import record_bundle
from milepost.measures.models import Administration, RiskAlert
from milepost.notes.models import SessionNote
from milepost.plans.models import Formulation, Observation, Review

ARCHIVE_FORMAT = "milepost-archive"
# 2: session notes, reviews, formulations, risk alerts and progress reports added.
ARCHIVE_VERSION = 2
# The most items of any bundled instrument is 20 (PCL-5); wider instruments add columns.
MIN_ITEM_COLUMNS = 20

PdfRenderer = Callable[[Any, User], bytes]


def _plan_pdf(plan: Any, user: User) -> bytes:
    # Imported here: WeasyPrint takes over a second to import.
    from milepost.plans import documents

    return documents.plan_pdf(plan, user=user)


def _progress_pdf(plan: Any, user: User) -> bytes:
    from milepost.plans import documents

    return documents.progress_pdf(plan, user=user)


@dataclass
class _Writer:
    archive: zipfile.ZipFile
    files: list[dict[str, Any]] = field(default_factory=list)

    def add(self, path: str, data: bytes) -> None:
        self.archive.writestr(path, data)
        self.files.append(
            {"path": path, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        # Text a spreadsheet would run as a formula is written as text.
        writer.writerow(
            ["'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v for v in row]
        )
    return buffer.getvalue().encode("utf-8")


def _when(moment: dt.datetime | None) -> str:
    return moment.isoformat() if moment else ""


def scores_csv(records: list[ClientRecord]) -> bytes:
    administrations: list[Administration] = [a for r in records for a in r.administrations]
    width = max([MIN_ITEM_COLUMNS, *(len(a.answers) for a in administrations)])
    header = [
        "client_id",
        "administration_id",
        "instrument",
        "instrument_version",
        "administered_at",
        "source",
        "total",
        "exact_total",
        "band_code",
        "band_label",
        "answered",
        "prorated",
        "flags",
        "entered_in_error_at",
        "entered_in_error_reason",
        *(f"item_{n}" for n in range(1, width + 1)),
    ]
    rows = []
    for record in records:
        for a in record.administrations:
            answers = ["" if v is None else v for v in a.answers]
            rows.append(
                [
                    record.client.public_id,
                    a.public_id,
                    a.instrument_code,
                    a.instrument_version,
                    _when(a.administered_at),
                    a.source,
                    "" if a.total is None else a.total,
                    "" if a.exact_total is None else a.exact_total,
                    a.band_code,
                    a.band_label,
                    a.answered,
                    "yes" if a.prorated else "no",
                    " ".join(f["code"] for f in a.flags or []),
                    _when(a.entered_in_error_at),
                    a.entered_in_error_reason,
                    *answers,
                    *([""] * (width - len(answers))),
                ]
            )
    return _csv(header, rows)


def observations_csv(records: list[ClientRecord]) -> bytes:
    header = [
        "client_id",
        "observation_id",
        "metric_id",
        "metric",
        "unit",
        "period",
        "period_start",
        "value",
        "source",
        "entered_in_error_at",
        "entered_in_error_reason",
    ]
    rows = []
    for record in records:
        o: Observation
        for o in record.observations:
            rows.append(
                [
                    record.client.public_id,
                    o.public_id,
                    o.metric.public_id,
                    o.metric.name,
                    o.metric.unit,
                    o.metric.period,
                    o.period_start.isoformat(),
                    o.value,
                    o.source,
                    _when(o.entered_in_error_at),
                    o.entered_in_error_reason,
                ]
            )
    return _csv(header, rows)


def clients_csv(records: list[ClientRecord]) -> bytes:
    header = [
        "client_id",
        "status",
        "created_at",
        "plan_versions",
        "administrations",
        "observations",
        "session_notes",
        "reviews",
        "risk_alerts",
        "formulation",
    ]
    rows = [
        [
            r.client.public_id,
            r.client.status,
            _when(r.client.created_at),
            len(r.plans),
            len(r.administrations),
            len(r.observations),
            len(r.notes),
            len(r.reviews),
            len(r.alerts),
            "yes" if r.formulation is not None else "no",
        ]
        for r in records
    ]
    return _csv(header, rows)


# ---------------------------------------------------------------- per-client JSON files
# Plain JSON (not FHIR): these records have no FHIR resource Milepost could fill honestly.


def _user_name(user: User | None) -> str:
    return user.display_name if user is not None else ""


def session_notes_json(notes: list[SessionNote]) -> list[dict[str, Any]]:
    """Every note, oldest first, with the objectives it cites as the note saved them."""
    return [
        {
            "note_id": n.public_id,
            "held_on": n.held_on.isoformat(),
            "started_at": n.started_at.isoformat(timespec="minutes"),
            "ended_at": n.ended_at.isoformat(timespec="minutes"),
            "minutes": n.minutes,
            "type": n.type,
            "setting": n.setting,
            "clinician": _user_name(n.clinician),
            "plan_id": n.plan.public_id if n.plan is not None else None,
            "plan_version": n.plan.version if n.plan is not None else None,
            "narrative": n.narrative,
            "objectives": [
                {
                    "objective_id": c.objective.public_id,
                    "statement": c.statement,
                    "progress": c.progress,
                    "comment": c.comment,
                }
                for c in n.objectives.all()
            ],
            "created_at": _when(n.created_at),
            "entered_in_error_at": _when(n.entered_in_error_at),
            "entered_in_error_reason": n.entered_in_error_reason,
        }
        for n in reversed(notes)  # notes/access.py reads them newest first
    ]


def reviews_json(reviews: list[Review]) -> list[dict[str, Any]]:
    return [
        {
            "review_id": r.public_id,
            "plan_id": r.plan.public_id,
            "plan_version": r.plan.version,
            "held_on": r.held_on.isoformat(),
            "due_on": r.due_on.isoformat() if r.due_on is not None else None,
            "participants": r.participants,
            "summary": r.summary,
            "next_plan_id": r.next_plan.public_id if r.next_plan is not None else None,
            "next_plan_version": r.next_plan.version if r.next_plan is not None else None,
            "created_by": _user_name(r.created_by),
            "created_at": _when(r.created_at),
            "goals": [
                {
                    "goal_id": g.goal.public_id,
                    "statement": g.goal.statement,
                    "decision": g.decision,
                    "note": g.note,
                }
                for g in r.goals.all()
            ],
            "objectives": [
                {
                    "objective_id": o.objective.public_id,
                    "statement": o.objective.statement,
                    "latest": o.latest,
                    "change": o.change,
                    "reliable_change": o.reliable_change,
                    "status": o.status,
                    "words": o.words,
                }
                for o in r.objectives.all()
            ],
        }
        for r in reviews
    ]


def formulation_json(formulation: Formulation | None) -> dict[str, Any] | None:
    if formulation is None:
        return None
    return {
        "formulation_id": formulation.public_id,
        "presenting_problems": formulation.presenting_problems,
        "situation": formulation.situation,
        "thoughts": formulation.thoughts,
        "emotions": formulation.emotions,
        "behaviours": formulation.behaviours,
        "created_at": _when(formulation.created_at),
        "updated_at": _when(formulation.updated_at),
        "factors": [
            {
                "factor_id": f.public_id,
                "kind": f.kind,
                "text": f.text,
                "order": f.order,
                "created_at": _when(f.created_at),
                "updated_at": _when(f.updated_at),
            }
            for f in formulation.factors.all()
        ],
    }


def risk_alerts_json(alerts: list[RiskAlert]) -> list[dict[str, Any]]:
    return [
        {
            "alert_id": a.public_id,
            # None while the portal questionnaire that raised it is unsent.
            "administration_id": a.administration.public_id if a.administration else None,
            "code": a.code,
            "severity": a.severity,
            "message": a.message,
            "raised_at": _when(a.raised_at),
            "acknowledged_at": _when(a.acknowledged_at),
            "acknowledged_by": _user_name(a.acknowledged_by),
            "action": a.action,
            "note": a.note,
        }
        for a in alerts
    ]


def portal_json(record: ClientRecord) -> dict[str, Any]:
    """What the client wrote and logged in the portal (shared journal entries only)."""
    return {
        "goal_proposals": [
            {
                "id": p.public_id,
                "text": p.text,
                "how_you_would_know": p.how_you_would_know,
                "status": p.status,
                "created_at": _when(p.created_at),
                "decided_at": _when(p.decided_at),
                "decision_note": p.decision_note,
                "goal": p.goal.public_id if p.goal is not None else None,
            }
            for p in record.proposals
        ],
        "change_requests": [
            {
                "id": c.public_id,
                "plan": c.plan.public_id,
                "plan_version": c.plan.version,
                "comment": c.comment,
                "status": c.status,
                "created_at": _when(c.created_at),
                "answered_at": _when(c.answered_at),
                "answer": c.answer,
            }
            for c in record.change_requests
        ],
        "log_entries": [
            {
                "id": e.public_id,
                "metric": e.metric.name,
                "occurred_at": _when(e.occurred_at),
                "value": e.value,
                "intensity": e.intensity,
                "note": e.note,
                "entered_in_error_at": _when(e.entered_in_error_at),
            }
            for e in record.log_entries
        ],
        "shared_journal_entries": [
            {
                "id": j.public_id,
                "text": j.text,
                "created_at": _when(j.created_at),
                "shared_at": _when(j.shared_at),
            }
            for j in record.shared_journal
        ],
    }


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()


README = """# Milepost archive

Everything Milepost holds about the clients of one practice, as of {created_at}.
File names carry Milepost's public ids only; names are inside the files.

- `manifest.json` — counts, and the size and SHA-256 of every other file
  (check with `sha256sum`).
- `clients.csv` — one row per client: public id, status and how many records follow.
- `scores.csv` — one row per questionnaire administration: instrument, time, item answers
  (`item_1` …; empty = not answered), total, band, flags; entries marked in error are kept
  with the reason.
- `observations.csv` — one row per self-monitoring value of a custom metric.
- `clients/<client id>/fhir.json` — the client's record as a FHIR Bundle (type
  `collection`; resources checked with the R4B models, fhirVersion {fhir_version}): plans,
  goals, objectives, interventions, signatures, diagnoses, questionnaires and scores.
- `clients/<client id>/session-notes.json` — every session note (oldest first) with its
  narrative and the objectives it cites; notes marked in error are kept with the reason.
- `clients/<client id>/reviews.json` — every plan review: participants, summary, the
  decision on each goal and each objective's progress as the review saw it.
- `clients/<client id>/formulation.json` — the formulation and its factors (`null` when
  none was written).
- `clients/<client id>/risk-alerts.json` — every risk alert, open or acknowledged, with the
  action and note recorded.
- `clients/<client id>/portal.json` — what the client wrote and logged in the portal: goal
  proposals, change requests, self-monitoring log entries, and the journal entries they shared
  (an unshared journal entry is the client's own and is not part of the practice's record).
- `clients/<client id>/plan-v<n>.pdf` — each version of the client's treatment plan.
- `clients/<client id>/plan-v<n>-progress.pdf` — its progress report, as of the archive's date.

docs/fhir.md in the Milepost repository describes each FHIR element.
"""


def archive_write(
    records: OrganizationRecords,
    out: IO[bytes],
    *,
    user: User,
    pdfs: bool = True,
    render_pdf: PdfRenderer = _plan_pdf,
    render_progress_pdf: PdfRenderer = _progress_pdf,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Write the archive of `records` (read through interop/access.py) to `out`; return
    its manifest. `user` is named as the printer of the PDFs (and reads, audited, the
    measures each progress report charts)."""
    created_at = timezone.now()
    today = today or timezone.localdate()
    counts = {
        "clients": len(records.clients),
        "plan_versions": sum(len(r.plans) for r in records.clients),
        "administrations": sum(len(r.administrations) for r in records.clients),
        "observations": sum(len(r.observations) for r in records.clients),
        "session_notes": sum(len(r.notes) for r in records.clients),
        "reviews": sum(len(r.reviews) for r in records.clients),
        "formulations": sum(r.formulation is not None for r in records.clients),
        "risk_alerts": sum(len(r.alerts) for r in records.clients),
        "fhir_bundles": 0,
        "fhir_resources": 0,
        "plan_pdfs": 0,
        "progress_pdfs": 0,
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer = _Writer(archive)
        writer.add(
            "README.md",
            README.format(
                created_at=created_at.isoformat(timespec="seconds"),
                fhir_version=export.FHIR_VERSION,
            ).encode(),
        )
        writer.add("clients.csv", clients_csv(records.clients))
        writer.add("scores.csv", scores_csv(records.clients))
        writer.add("observations.csv", observations_csv(records.clients))
        for record in records.clients:
            folder = f"clients/{record.client.public_id}"
            bundle = record_bundle(record, today=today)
            writer.add(f"{folder}/fhir.json", json.dumps(bundle, ensure_ascii=False).encode())
            counts["fhir_bundles"] += 1
            counts["fhir_resources"] += len(bundle["entry"])
            writer.add(f"{folder}/session-notes.json", _json(session_notes_json(record.notes)))
            writer.add(f"{folder}/reviews.json", _json(reviews_json(record.reviews)))
            writer.add(f"{folder}/formulation.json", _json(formulation_json(record.formulation)))
            writer.add(f"{folder}/risk-alerts.json", _json(risk_alerts_json(record.alerts)))
            writer.add(f"{folder}/portal.json", _json(portal_json(record)))
            if pdfs:
                for plan in record.plans:
                    writer.add(f"{folder}/plan-v{plan.version}.pdf", render_pdf(plan, user))
                    counts["plan_pdfs"] += 1
                    writer.add(
                        f"{folder}/plan-v{plan.version}-progress.pdf",
                        render_progress_pdf(plan, user),
                    )
                    counts["progress_pdfs"] += 1
        manifest = {
            "format": ARCHIVE_FORMAT,
            "version": ARCHIVE_VERSION,
            "organization": records.organization.public_id,
            "created_at": created_at.isoformat(),
            "fhir_version": export.FHIR_VERSION,
            "counts": counts,
            "files": writer.files,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def archive_file_name(records: OrganizationRecords) -> str:
    return f"milepost-archive-{records.organization.public_id}-{timezone.localdate():%Y%m%d}.zip"


# ---------------------------------------------------------------- the non-clinical archive

PRACTICE_FORMAT = "milepost-practice-archive"
PRACTICE_VERSION = 1

PRACTICE_README = """# Milepost practice archive (no clinical text)

The configuration of one practice as of {created_at}: its settings, its staff and who
supervises whom, and how many records it holds. It names no client and carries no clinical
text; the clinical archive (every client's record) is exported by a records custodian.

- `manifest.json` — counts, and the size and SHA-256 of every other file.
- `practice.json` — the practice's settings and the counts of its records.
- `staff.csv` — one row per clinician, supervisor and admin: role, whether active, whether
  two-factor sign-in is set up, and whether they are a records custodian (who granted it, when).
- `supervisions.csv` — one row per supervisor and clinician they supervise.
"""


def practice_json(summary: PracticeSummary) -> dict[str, Any]:
    org = summary.organization
    return {
        "organization_id": org.public_id,
        "name": org.name,
        "created_at": _when(org.created_at),
        "settings": {
            "payer_profile": org.payer_profile,
            "review_interval_days": org.review_interval_days,
            "cosign_required": org.cosign_required,
            "mfa_required": org.mfa_required,
        },
        "counts": summary.counts,
    }


def staff_csv(summary: PracticeSummary) -> bytes:
    header = [
        "user_id",
        "full_name",
        "credentials",
        "email",
        "role",
        "active",
        "joined_at",
        "two_factor",
        "records_custodian",
        "custodian_granted_at",
        "custodian_granted_by",
    ]
    rows = []
    for person in summary.staff:
        membership = person.membership
        granted_by = membership.custodian_granted_by if membership.is_custodian else None
        rows.append(
            [
                person.public_id,
                person.full_name,
                person.credentials,
                person.email,
                membership.role,
                "yes" if person.is_active else "no",
                _when(person.date_joined),
                "yes" if person.pk in summary.enrolled else "no",
                "yes" if membership.is_custodian else "no",
                _when(membership.custodian_granted_at) if membership.is_custodian else "",
                granted_by.public_id if granted_by is not None else "",
            ]
        )
    return _csv(header, rows)


def supervisions_csv(summary: PracticeSummary) -> bytes:
    header = ["supervisor_id", "supervisor", "clinician_id", "clinician", "started_at"]
    rows = [
        [
            s.supervisor.public_id,
            s.supervisor.full_name,
            s.clinician.public_id,
            s.clinician.full_name,
            _when(s.started_at),
        ]
        for s in summary.supervisions
    ]
    return _csv(header, rows)


def practice_archive_write(summary: PracticeSummary, out: IO[bytes]) -> dict[str, Any]:
    """Write the non-clinical archive of `summary` (read through interop/access.py) to
    `out`; return its manifest."""
    created_at = timezone.now()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer = _Writer(archive)
        writer.add(
            "README.md",
            PRACTICE_README.format(created_at=created_at.isoformat(timespec="seconds")).encode(),
        )
        writer.add("practice.json", _json(practice_json(summary)))
        writer.add("staff.csv", staff_csv(summary))
        writer.add("supervisions.csv", supervisions_csv(summary))
        manifest = {
            "format": PRACTICE_FORMAT,
            "version": PRACTICE_VERSION,
            "organization": summary.organization.public_id,
            "created_at": created_at.isoformat(),
            "clinical": False,
            "counts": summary.counts,
            "files": writer.files,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def practice_archive_file_name(summary: PracticeSummary) -> str:
    org = summary.organization.public_id
    return f"milepost-practice-{org}-{timezone.localdate():%Y%m%d}.zip"

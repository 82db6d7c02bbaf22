"""Administrations from another system's FHIR Bundle (or one resource).

``bundle_import(actor, client, bundle_json)`` reads a Bundle of QuestionnaireResponses
and/or Observations (or one such resource on its own), checks every entry with the
fhir.resources R4B models, recognises each questionnaire, item and answer
(``recognise.py``: by canonical, LOINC code or a Questionnaire of the same Bundle; by
linkId or item code; by LOINC answer code with or without ``system``, a scoring extension,
or the value), and then — in one transaction — records each new administration through
``measures.services.administration_submit``, which scores it and raises risk alerts
(PHQ-9 item 9) as for any other administration.

Rules (docs/fhir.md, decisions 0520, 0521, 0900, 0901):

- Any problem in any entry refuses the whole Bundle before anything is saved; each error
  names the entry (its index in ``Bundle.entry``) and the field (a FHIR path).
- The sender's identifier of each response (``identifier``, else ``meta.source`` + id) is
  kept. A re-send with the same identifier and the same answers and time is a duplicate
  (skipped, said so); with anything changed (an amended response) it replaces the earlier
  administration, which is marked entered in error and kept as history; a re-send with
  ``status: entered-in-error`` withdraws it. Without an identifier, a response already
  recorded (same instrument, time to the second, answers) is a duplicate.
- US Core–style Observations — a panel (the instrument's LOINC panel code) with its items
  as ``hasMember`` and, optionally, the total — are one administration. A total sent with
  the answers (an Observation, a panel member, or the response's total item) is compared
  with Milepost's score and a difference is reported; Milepost's score is kept.
- Dates follow FHIR's precision: a date without a time is noon of that day in the
  practice's time zone; a year or a month alone is refused; a time needs its zone.
- Entries of other types (Patient, Questionnaire, CarePlan, …), responses not completed
  and custom-metric observations are skipped, each with its reason and entry.
- One patient per Bundle (decision 0521): every ``subject`` names the same Patient. When
  the Bundle carries Patients, the subject must be one of them; when it carries none, a
  subject reference is accepted and the result says the file did not say who it is.
- Hostile files are errors, never crashes: JSON nested too deeply, numbers of thousands of
  digits, items nested more than MAX_ITEM_DEPTH deep.
- The client's row is locked for the transaction, so two uploads of one Bundle at once
  save it once.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateparse

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import require_client_in_reach
from milepost.clients.models import Client
from milepost.domain import instruments
from milepost.domain.errors import InvalidAnswers
from milepost.domain.instruments import Instrument, Item
from milepost.domain.patient_match import (
    ClientIdentity,
    FilePatient,
    PatientMatch,
    PersonName,
    patient_differences,
)
from milepost.interop.fhir import codes, recognise
from milepost.interop.fhir.recognise import FormMap, Unrecognised
from milepost.interop.fhir.validation import InvalidResource, validate_resource
from milepost.lib.validation import clean_text, raise_errors
from milepost.measures import services as measures
from milepost.measures.access import administrations_for_client
from milepost.measures.models import Administration, Source

IMPORTED_TYPES = ("QuestionnaireResponse", "Observation")
# Kept for callers of the earlier module; the table now lives in data/recognition.toml.
ORDINAL_EXTENSIONS = (codes.ORDINAL_VALUE, "http://hl7.org/fhir/StructureDefinition/itemWeight")
# The documented limits (docs/fhir.md): a 5 MB file (interop/uploads.py) of at most this
# many entries — room for 5,000 responses with their Patient and Questionnaires.
MAX_ENTRIES = 10_000
# How deep `item` may nest inside `item` or `answer` (PHQ-9 and the like are flat; LHC-Forms
# wraps them in one group). Deeper is refused before anything recurses over it.
MAX_ITEM_DEPTH = 10
# How deep any JSON value may nest in one resource: well above what FHIR needs, well below
# what makes the R4B models (or Python) run out of stack.
MAX_JSON_DEPTH = 64
ANSWER_CODE = recognise.ANSWER_CODE
# Importing into a client the file does not name needs a reason: a sentence, not a word.
MISMATCH_REASON_MIN = 15
MISMATCH_REASON_MAX = 1000
# The sender's identifier is kept in two columns of this size (measures.Administration).
SENDER_MAX = 255
# Statuses that mean "this is the answer as given" (QuestionnaireResponse; Observation).
RESPONSE_DONE = ("completed", "amended")
OBSERVATION_DONE = ("final", "amended", "corrected")
REPLACED = "Replaced by an amended version the sending system sent again."
WITHDRAWN = "Withdrawn by the sending system (entered-in-error)."

# progress(stage, done, total): "reading" over the entries, then "saving" over the responses.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class EntryError:
    """One problem, at ``Bundle.entry[index]`` (None: the file or the Bundle itself)."""

    index: int | None
    field: str
    message: str
    resource_type: str = ""

    def __str__(self) -> str:
        where = "Bundle" if self.index is None else f"entry {self.index}"
        if self.resource_type:
            where += f" ({self.resource_type})"
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )

    def as_json(self) -> dict[str, Any]:
        why = f"{self.field}: {self.message}" if self.field else self.message
        return {"entry": self.index, "why": why}


class BundleImportError(Exception):
    """The Bundle cannot be imported; nothing was saved."""

    def __init__(self, errors: list[EntryError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


class PatientMismatch(Exception):
    """The Bundle's Patient is not the client (or the Bundle names two patients); nothing
    was saved. ``match.differences`` name each field for the clinician; ``str()`` names
    the fields only, so a log line never carries a name or a date."""

    def __init__(self, match: PatientMatch, result: ImportResult) -> None:
        self.match = match
        self.result = result
        super().__init__(
            "the Bundle's patient differs from the client in: " + ", ".join(match.fields)
        )


@dataclass(frozen=True)
class Saved:
    """One administration recorded from the file."""

    entry: int
    instrument: str  # Milepost's code ("phq9")
    short_name: str
    total: int | None
    authored: dt.datetime
    administration: str  # its public id
    replaced: str = ""  # the public id of the administration it replaced (an amendment)
    sent_total: float | None = None  # the total the sender gave, if any
    members: tuple[int, ...] = ()  # the item Observations of a panel

    @property
    def total_differs(self) -> bool:
        return (
            self.sent_total is not None and self.total is not None and self.sent_total != self.total
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "total": self.total,
            "authored": self.authored.isoformat(),
        }


@dataclass
class ImportResult:
    created: int = 0
    duplicates: int = 0
    totals_matched: int = 0
    alerts_raised: int = 0
    replaced: int = 0
    withdrawn: int = 0
    saved: list[Saved] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    administrations: list[str] = field(default_factory=list)
    # Whose data the Bundle says it is (its Patient's name and birth date), for the
    # clinician to check against the client; empty when the Bundle has no Patient.
    patient_name: str = ""
    patient_birth_date: str = ""
    # Whether any Patient of the Bundle says who it is; False: the file named no patient.
    patient_named: bool = False
    # The fields in which the Bundle's Patient differs from the client, imported because the
    # clinician confirmed (empty when it matched).
    mismatch_fields: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.withdrawn)

    def as_dict(self) -> dict[str, Any]:
        """Counts only: what the audit trail keeps."""
        return {
            "created": self.created,
            "duplicates": self.duplicates,
            "totals_matched": self.totals_matched,
            "alerts_raised": self.alerts_raised,
            "replaced": self.replaced,
            "withdrawn": self.withdrawn,
            "skipped": len(self.skipped),
        }

    def summary(self, zone: dt.tzinfo = dt.UTC) -> dict[str, Any]:
        """Everything the result page shows, as JSON (kept on a background import's job).

        `zone` is the practice's: each saved administration's time is shown in it.
        """
        return {
            **self.as_dict(),
            "skipped": [{"entry": index, "why": why} for index, why in self.skipped],
            "saved": [
                {
                    "entry": s.entry,
                    "instrument": s.instrument,
                    "short_name": s.short_name,
                    "total": s.total,
                    "authored": s.authored.isoformat(),
                    "when": s.authored.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                    "administration": s.administration,
                    "replaced": s.replaced,
                    "sent_total": s.sent_total,
                    "total_differs": s.total_differs,
                    "members": list(s.members),
                }
                for s in self.saved
            ],
            "warnings": list(self.warnings),
            "patient_name": self.patient_name,
            "patient_birth_date": self.patient_birth_date,
            "patient_named": self.patient_named,
            "mismatch_fields": list(self.mismatch_fields),
        }

    def as_json(self) -> dict[str, Any]:
        """What was saved, skipped and refused (`milepost fhir import --json`)."""
        return {
            "saved": [s.as_json() for s in self.saved],
            "skipped": [{"entry": index, "why": why} for index, why in self.skipped],
            "refused": [],
        }


def refused_json(error: BundleImportError) -> dict[str, Any]:
    """The `--json` shape of a refused Bundle: nothing saved, every problem named."""
    return {"saved": [], "skipped": [], "refused": [e.as_json() for e in error.errors]}


@dataclass(frozen=True)
class _Response:
    index: int
    kind: str
    instrument: Instrument
    answers: tuple[int | None, ...]
    when: dt.datetime
    when_field: str
    refs: frozenset[str]
    sender: tuple[str, str] | None = None
    sent_total: float | None = None
    amended: bool = False
    members: tuple[int, ...] = ()

    @property
    def key(self) -> tuple[str, dt.datetime, tuple[int | None, ...]]:
        return _key(self.instrument.code, self.when, self.answers)


@dataclass(frozen=True)
class _Withdrawal:
    """A re-send with status entered-in-error: take back what the sender sent before."""

    index: int
    kind: str
    sender: tuple[str, str] | None


def _key(
    code: str, when: dt.datetime, answers: Iterable[int | None]
) -> tuple[str, dt.datetime, tuple[int | None, ...]]:
    # Other systems may keep times only to the second.
    return (code, when.astimezone(dt.UTC).replace(microsecond=0), tuple(answers))


class _EntryProblem(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message


# ---------------------------------------------------------------- reading the file


def _parse(bundle_json: str | bytes | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(bundle_json, Mapping):
        data: object = bundle_json
    else:
        try:
            data = json.loads(bundle_json)
        except UnicodeDecodeError:
            raise BundleImportError([EntryError(None, "file", "is not UTF-8 text")]) from None
        except json.JSONDecodeError as error:
            raise BundleImportError(
                [
                    EntryError(
                        None,
                        "file",
                        f"is not JSON ({error.msg} at line {error.lineno}, column {error.colno})",
                    )
                ]
            ) from None
        except RecursionError:
            raise BundleImportError(
                [EntryError(None, "file", "nests arrays or objects too deeply to be a Bundle")]
            ) from None
        except ValueError as error:
            # e.g. a number of more than 4,300 digits.
            raise BundleImportError(
                [EntryError(None, "file", f"cannot be read ({str(error)[:80]})")]
            ) from None
    if not isinstance(data, Mapping):
        raise BundleImportError([EntryError(None, "file", "must hold one JSON object, a Bundle")])
    found = data.get("resourceType")
    if found in IMPORTED_TYPES:
        # One resource on its own (decision 0901): read as a Bundle of that one entry.
        return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": data}]}
    if found != "Bundle":
        what = f"is {str(found)[:40]!r}" if found else "is missing"
        raise BundleImportError(
            [
                EntryError(
                    None,
                    "resourceType",
                    f"{what}; a Bundle, a QuestionnaireResponse or an Observation is expected",
                )
            ]
        )
    return data


def _too_deep(value: object, limit: int) -> bool:
    """Whether `value` nests lists and objects more than `limit` deep (no recursion: the
    value may be nested far deeper than Python's stack)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        here, depth = stack.pop()
        if isinstance(here, Mapping):
            children: Iterable[object] = here.values()
        elif isinstance(here, list):
            children = here
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _entries(bundle: Mapping[str, Any]) -> list[Any]:
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        raise BundleImportError([EntryError(None, "entry", "must be a list of entries")])
    if len(entries) > MAX_ENTRIES:
        raise BundleImportError(
            [EntryError(None, "entry", f"has {len(entries)} entries; at most {MAX_ENTRIES}")]
        )
    rest = {**bundle, "entry": []}
    if _too_deep(rest, MAX_JSON_DEPTH):
        raise BundleImportError([EntryError(None, "", f"nests more than {MAX_JSON_DEPTH} deep")])
    try:
        validate_resource(rest)
    except InvalidResource as error:
        raise BundleImportError([EntryError(None, error.field, error.message)]) from None
    except (RecursionError, ValueError) as error:
        raise BundleImportError([EntryError(None, "", _unreadable(error))]) from None
    return entries


def _unreadable(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "nests too deeply to be read"
    return f"cannot be read ({str(error)[:80]})"


# ---------------------------------------------------------------- mapping a response


@dataclass
class _Forms:
    """The Questionnaires of the Bundle, by every way a response may name one."""

    by_name: dict[str, tuple[int, FormMap]] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)

    def add(self, index: int, entry: Mapping[str, Any], resource: Mapping[str, Any]) -> None:
        form = recognise.form_map(resource)
        names = []
        if isinstance(entry.get("fullUrl"), str):
            names.append(entry["fullUrl"])
        if isinstance(resource.get("id"), str):
            names.append(f"Questionnaire/{resource['id']}")
        url = resource.get("url")
        if isinstance(url, str) and url:
            names.append(url.split("|", 1)[0].rstrip("/"))
        for name in names:
            self.by_name.setdefault(name, (index, form))

    def find(self, canonical: str) -> FormMap | None:
        for name in (canonical, canonical.split("|", 1)[0].rstrip("/")):
            if name in self.by_name:
                index, form = self.by_name[name]
                self.used.add(index)
                return form
        return None


def _contained_form(resource: Mapping[str, Any], canonical: str) -> FormMap | None:
    if not canonical.startswith("#"):
        return None
    for contained in resource.get("contained") or []:
        if (
            isinstance(contained, Mapping)
            and contained.get("resourceType") == "Questionnaire"
            and contained.get("id") == canonical[1:]
        ):
            return recognise.form_map(contained)
    return None


def _known() -> str:
    return ", ".join(i.short_name for i in instruments.all_instruments())


def _instrument_for(
    resource: Mapping[str, Any], forms: _Forms
) -> tuple[Instrument, FormMap | None]:
    canonical = resource.get("questionnaire")
    if not isinstance(canonical, str) or not canonical.strip():
        raise _EntryProblem("questionnaire", "is missing: say which questionnaire was answered")
    form = _contained_form(resource, canonical) or forms.find(canonical)
    if form is not None and form.instrument is not None:
        return form.instrument, form
    instrument = recognise.instrument_for_canonical(canonical)
    if instrument is not None:
        return instrument, form
    if form is not None:
        raise _EntryProblem(
            "questionnaire",
            f"{canonical[:100]!r} is a Questionnaire of this Bundle whose code, identifier and "
            f"url name no instrument Milepost knows ({_known()})",
        )
    raise _EntryProblem(
        "questionnaire", f"{canonical[:100]!r} is not an instrument Milepost knows ({_known()})"
    )


def _leaves(items: object, path: str, depth: int = 1) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every item with an answer, with its path, nested groups included (at most
    MAX_ITEM_DEPTH deep)."""
    if not isinstance(items, list) or not items:
        return
    if depth > MAX_ITEM_DEPTH:
        raise _EntryProblem(path, f"items nest more than {MAX_ITEM_DEPTH} deep")
    for n, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        here = f"{path}[{n}]"
        if item.get("answer"):
            yield here, item
        yield from _leaves(item.get("item"), f"{here}.item", depth + 1)
        for a, answer in enumerate(item.get("answer") or []):
            if isinstance(answer, Mapping):
                yield from _leaves(answer.get("item"), f"{here}.answer[{a}].item", depth + 1)


def _whole(value: object) -> int | None:
    return recognise.whole(value)


def _value(
    instrument: Instrument,
    item: Item,
    answer: Mapping[str, Any],
    path: str,
    *,
    link_id: str = "",
    form: FormMap | None = None,
) -> int:
    if "valueInteger" in answer:
        value = _whole(answer["valueInteger"])
        if value is None:
            raise _EntryProblem(f"{path}.valueInteger", "is not a whole number")
        return value
    if "valueDecimal" in answer:
        value = _whole(answer["valueDecimal"])
        if value is None:
            raise _EntryProblem(
                f"{path}.valueDecimal", f"{str(answer['valueDecimal'])[:40]} is not a whole number"
            )
        return value
    coding = answer.get("valueCoding")
    if isinstance(coding, Mapping):
        value = recognise.coding_value(instrument, item, coding, link_id=link_id, form=form)
        if value is None:
            code = str(coding.get("code", ""))
            raise _EntryProblem(
                f"{path}.valueCoding",
                f"{code[:40]!r} is not an answer of item {item.number} of {instrument.short_name}",
            )
        return value
    text = answer.get("valueString")
    if isinstance(text, str):
        value = recognise.label_value(item, text)
        if value is None:
            raise _EntryProblem(
                f"{path}.valueString",
                f"{text[:40]!r} is not an answer of item {item.number} of {instrument.short_name}",
            )
        return value
    raise _EntryProblem(path, "give the answer as valueCoding, valueInteger or valueDecimal")


def _sent_number(answer: Mapping[str, Any]) -> float | None:
    for name in ("valueInteger", "valueDecimal", "valueString"):
        if name in answer:
            return recognise.number(answer[name])
    quantity = answer.get("valueQuantity")
    if isinstance(quantity, Mapping):
        return recognise.number(quantity.get("value"))
    return None


_PARTIAL_DATE = re.compile(r"[0-9]{4}(-[0-9]{2})?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _when(resource: Mapping[str, Any], name: str, zone: dt.tzinfo) -> dt.datetime:
    raw = resource.get(name)
    if not isinstance(raw, str) or not raw:
        raise _EntryProblem(name, "is missing: say when the questionnaire was completed")
    # A date alone first: Python reads "2026-03-02" as a datetime too, at midnight, naive.
    moment = None if _DATE.fullmatch(raw) else dateparse.parse_datetime(raw)
    if moment is None:
        day = dateparse.parse_date(raw) if _DATE.fullmatch(raw) else None
        if day is None:
            if _PARTIAL_DATE.fullmatch(raw):
                precision = "a month" if "-" in raw else "a year"
                raise _EntryProblem(
                    name, f"{raw!r} gives only {precision}: Milepost needs at least the day"
                )
            raise _EntryProblem(name, f"{raw[:40]!r} is not a date and time")
        # A date without a time (FHIR's day precision): noon of that day in the practice's
        # time zone, so no time zone moves it to another day.
        return dt.datetime.combine(day, dt.time(12), tzinfo=zone)
    if moment.tzinfo is None:
        raise _EntryProblem(name, "give the time with a time zone")
    return moment


def _observation_when(resource: Mapping[str, Any], zone: dt.tzinfo) -> tuple[dt.datetime, str]:
    for name in ("effectiveDateTime", "effectiveInstant"):
        if name in resource:
            return _when(resource, name, zone), name
    period = resource.get("effectivePeriod")
    if isinstance(period, Mapping) and "start" in period:
        return _when(period, "start", zone), "effectivePeriod.start"
    if "issued" in resource:
        return _when(resource, "issued", zone), "issued"
    raise _EntryProblem("effectiveDateTime", "is missing: say when the questionnaire was completed")


def _refs(entry: Mapping[str, Any], resource: Mapping[str, Any]) -> frozenset[str]:
    refs = set()
    if isinstance(entry.get("fullUrl"), str):
        refs.add(entry["fullUrl"])
        match = _RESOURCE_REF.search(entry["fullUrl"])
        if match and match[1] == resource.get("resourceType"):
            refs.add(f"{match[1]}/{match[2]}")
    if isinstance(resource.get("id"), str):
        refs.add(f"{resource['resourceType']}/{resource['id']}")
    return frozenset(refs)


# "QuestionnaireResponse/1", "https://ehr.example/fhir/Observation/1/_history/2".
_RESOURCE_REF = re.compile(r"(?:^|/)([A-Za-z]+)/([A-Za-z0-9.\-]{1,64})(?:/_history/[^/]{1,64})?$")


def _ref_key(reference: object) -> str:
    """A reference as "Type/id" when it ends in one, else as given."""
    if not isinstance(reference, str):
        return ""
    match = _RESOURCE_REF.search(reference)
    return f"{match[1]}/{match[2]}" if match else reference


def _sender(resource: Mapping[str, Any]) -> tuple[str, str] | None:
    """The sender's identifier of a response: its `identifier` (system, value), else its
    `meta.source` and id; None when it has neither."""
    identifiers = resource.get("identifier")
    if isinstance(identifiers, Mapping):
        identifiers = [identifiers]
    for identifier in identifiers if isinstance(identifiers, list) else []:
        if isinstance(identifier, Mapping) and isinstance(identifier.get("value"), str):
            pair = (str(identifier.get("system") or ""), identifier["value"])
            return _checked_sender(pair, "identifier")
    meta = resource.get("meta")
    source = meta.get("source") if isinstance(meta, Mapping) else None
    if isinstance(source, str) and source and isinstance(resource.get("id"), str):
        return _checked_sender((source, resource["id"]), "meta.source")
    return None


def _checked_sender(pair: tuple[str, str], name: str) -> tuple[str, str]:
    if len(pair[0]) > SENDER_MAX or len(pair[1]) > SENDER_MAX:
        raise _EntryProblem(name, f"is longer than {SENDER_MAX} characters")
    return pair


@dataclass(frozen=True)
class _Context:
    forms: _Forms
    zone: dt.tzinfo


def _response(
    index: int,
    entry: Mapping[str, Any],
    resource: Mapping[str, Any],
    result: ImportResult,
    context: _Context,
) -> _Response | _Withdrawal | None:
    status = resource.get("status")
    sender = _sender(resource)
    if status == "entered-in-error":
        return _Withdrawal(index, "QuestionnaireResponse", sender)
    if status not in RESPONSE_DONE:
        result.skipped.append((index, f"the response is {status!r}, not completed"))
        return None
    instrument, form = _instrument_for(resource, context.forms)
    names = recognise.item_names(instrument)
    answers: list[int | None] = [None] * len(instrument.items)
    paths: dict[int, str] = {}
    ignored: list[str] = []
    unscored: list[str] = []
    sent_total = None
    for path, item_json in _leaves(resource.get("item"), "item"):
        link_id = str(item_json.get("linkId", ""))
        item = recognise.item_for(instrument, names, link_id, form)
        given = item_json.get("answer") or []
        if item is None:
            if recognise.is_total(instrument, link_id, form) and isinstance(given[0], Mapping):
                sent_total = _sent_number(given[0])
            elif recognise.is_unscored(instrument, link_id, form):
                unscored.append(link_id[:40])
            else:
                ignored.append(link_id[:40])
            continue
        if item.number in paths:
            raise _EntryProblem(f"{path}.linkId", f"item {item.number} is answered twice")
        if len(given) != 1 or not isinstance(given[0], Mapping):
            raise _EntryProblem(f"{path}.answer", "one answer is expected")
        answers[item.number - 1] = _value(
            instrument, item, given[0], f"{path}.answer[0]", link_id=link_id, form=form
        )
        paths[item.number] = path
    if not paths:
        raise _EntryProblem(
            "item", f"no answered item matches an item of {instrument.short_name} by linkId"
        )
    if unscored:
        result.warnings.append(
            f"entry {index}: {', '.join(unscored[:5])} not scored in {instrument.short_name}; "
            "not recorded"
        )
    if ignored:
        result.warnings.append(
            f"entry {index}: items {', '.join(ignored[:5])} are not items of "
            f"{instrument.short_name}; ignored"
        )
    try:
        checked = instruments.validate_answers(instrument, answers)
    except InvalidAnswers as error:
        where = paths.get(error.item or 0, "item")
        raise _EntryProblem(f"{where}.answer[0]", str(error)) from None
    return _Response(
        index=index,
        kind="QuestionnaireResponse",
        instrument=instrument,
        answers=checked,
        when=_when(resource, "authored", context.zone),
        when_field="authored",
        refs=_refs(entry, resource),
        sender=sender,
        sent_total=sent_total,
        amended=status == "amended",
    )


# ---------------------------------------------------------------- observations


@dataclass(frozen=True)
class _Observation:
    index: int
    entry: Mapping[str, Any]
    resource: Mapping[str, Any]
    role: str  # "panel", "total", "item", "unscored", "metric", ""
    instrument: Instrument | None
    item: Item | None


def _is_metric(resource: Mapping[str, Any]) -> bool:
    code = resource.get("code")
    codings = code.get("coding") if isinstance(code, Mapping) else None
    return any(isinstance(c, Mapping) and c.get("system") == codes.METRIC for c in codings or [])


def _observation(index: int, entry: Mapping[str, Any], resource: Mapping[str, Any]) -> _Observation:
    role, instrument, item = recognise.observation_role(resource.get("code"))
    if not role and _is_metric(resource):
        role = "metric"
    return _Observation(index, entry, resource, role, instrument, item)


def _member_value(member: _Observation, instrument: Instrument, item: Item) -> int:
    resource = member.resource
    concept = resource.get("valueCodeableConcept")
    if isinstance(concept, Mapping):
        codings = [c for c in concept.get("coding") or [] if isinstance(c, Mapping)]
        for coding in codings:
            value = recognise.coding_value(instrument, item, coding)
            if value is not None:
                return value
        if isinstance(concept.get("text"), str) and not codings:
            value = recognise.label_value(item, concept["text"])
            if value is not None:
                return value
        shown = str(codings[0].get("code", "")) if codings else str(concept.get("text", ""))
        raise _EntryProblem(
            "valueCodeableConcept",
            f"{shown[:40]!r} is not an answer of item {item.number} of {instrument.short_name}",
        )
    quantity = resource.get("valueQuantity")
    answer = {"valueInteger": quantity.get("value")} if isinstance(quantity, Mapping) else resource
    return _value(instrument, item, answer, "value")


def _panel(
    panel: _Observation,
    by_ref: Mapping[str, _Observation],
    result: ImportResult,
    context: _Context,
) -> _Response | _Withdrawal | None:
    resource = panel.resource
    instrument = panel.instrument
    assert instrument is not None
    status = resource.get("status")
    sender = _sender(resource)
    if status == "entered-in-error":
        return _Withdrawal(panel.index, "Observation", sender)
    if status not in OBSERVATION_DONE:
        result.skipped.append((panel.index, f"the observation is {status!r}, not final"))
        return None
    answers: list[int | None] = [None] * len(instrument.items)
    members: list[int] = []
    sent_total = None
    for n, reference in enumerate(resource.get("hasMember") or []):
        ref = reference.get("reference") if isinstance(reference, Mapping) else None
        member = by_ref.get(str(ref)) or by_ref.get(_ref_key(ref))
        if member is None:
            raise _EntryProblem(
                f"hasMember[{n}]",
                f"{str(ref)[:80]!r} is not an Observation of this Bundle: send the item "
                "answers with their panel",
            )
        members.append(member.index)
        if member.instrument is not None and member.instrument.code != instrument.code:
            raise _EntryProblem(
                f"hasMember[{n}]",
                f"entry {member.index} is an item of {member.instrument.short_name}, not of "
                f"{instrument.short_name}",
            )
        if member.role == "total":
            sent_total = _sent_number(member.resource)
        elif member.role == "item" and member.item is not None:
            if answers[member.item.number - 1] is not None:
                raise _EntryProblem(
                    f"hasMember[{n}]", f"item {member.item.number} is answered twice"
                )
            try:
                answers[member.item.number - 1] = _member_value(member, instrument, member.item)
            except _EntryProblem as problem:
                raise _EntryProblem(
                    f"hasMember[{n}] (entry {member.index}) {problem.field}", problem.message
                ) from None
        elif member.role != "unscored":
            result.warnings.append(
                f"entry {member.index}: not an item of {instrument.short_name}; ignored"
            )
    if not any(a is not None for a in answers):
        raise _EntryProblem(
            "hasMember", f"names no item of {instrument.short_name} that this Bundle carries"
        )
    try:
        checked = instruments.validate_answers(instrument, answers)
    except InvalidAnswers as error:
        raise _EntryProblem("hasMember", str(error)) from None
    when, when_field = _observation_when(resource, context.zone)
    return _Response(
        index=panel.index,
        kind="Observation",
        instrument=instrument,
        answers=checked,
        when=when,
        when_field=when_field,
        refs=_refs(panel.entry, resource),
        sender=sender,
        sent_total=sent_total,
        amended=status in ("amended", "corrected"),
        members=tuple(members),
    )


def _derived_from(resource: Mapping[str, Any], by_ref: Mapping[str, _Response]) -> _Response | None:
    for derived in resource.get("derivedFrom") or []:
        if isinstance(derived, Mapping):
            ref = derived.get("reference")
            found = by_ref.get(str(ref)) or by_ref.get(_ref_key(ref))
            if found is not None:
                return found
    return None


def _observations(
    observations: list[_Observation],
    responses: list[_Response | _Withdrawal],
    result: ImportResult,
    context: _Context,
    errors: list[EntryError],
) -> None:
    """Panels become responses; totals and items are matched to theirs or skipped."""
    by_ref: dict[str, _Observation] = {}
    for observation in observations:
        for ref in _refs(observation.entry, observation.resource):
            by_ref.setdefault(ref, observation)
    answered = {ref: r for r in responses if isinstance(r, _Response) for ref in r.refs}
    consumed: dict[int, int] = {}
    for observation in observations:
        if observation.role != "panel":
            continue
        same = _derived_from(observation.resource, answered)
        if same is not None:
            result.skipped.append(
                (
                    observation.index,
                    f"the {same.instrument.short_name} panel of the response in entry "
                    f"{same.index}, recorded from that response",
                )
            )
            continue
        try:
            panel = _panel(observation, by_ref, result, context)
        except _EntryProblem as problem:
            errors.append(
                EntryError(observation.index, problem.field, problem.message, "Observation")
            )
            continue
        if panel is None:
            continue
        responses.append(panel)
        if isinstance(panel, _Response):
            for member in panel.members:
                consumed[member] = panel.index
    for observation in observations:
        index, resource, instrument = (
            observation.index,
            observation.resource,
            observation.instrument,
        )
        if observation.role == "panel" or index in consumed:
            continue
        if resource.get("status") == "entered-in-error":
            result.skipped.append((index, "the observation was entered in error"))
        elif observation.role == "total" and instrument is not None:
            _match_total(observation, answered, result)
        elif observation.role in ("item", "unscored") and instrument is not None:
            same = _derived_from(resource, answered)
            result.skipped.append(
                (
                    index,
                    f"a {instrument.short_name} item answer of the response in entry "
                    f"{same.index}, recorded from that response"
                    if same is not None
                    else f"a {instrument.short_name} item answer without its panel: send the "
                    "panel Observation (hasMember) or the QuestionnaireResponse",
                )
            )
        elif observation.role == "metric":
            result.skipped.append(
                (index, "a custom-metric value: metrics are not imported (docs/fhir.md)")
            )
        else:
            result.skipped.append((index, "an observation of no instrument Milepost knows"))


def _match_total(
    observation: _Observation, answered: Mapping[str, _Response], result: ImportResult
) -> None:
    instrument = observation.instrument
    assert instrument is not None
    response = _derived_from(observation.resource, answered)
    if response is None:
        result.skipped.append(
            (
                observation.index,
                f"a {instrument.short_name} total without its item answers: Milepost "
                "records an administration from its answers, so send the "
                "QuestionnaireResponse too",
            )
        )
        return
    result.totals_matched += 1
    total = _sent_number(observation.resource)
    score = instruments.score(response.instrument, list(response.answers)).total
    if total is not None and score is not None and total != score:
        result.warnings.append(
            f"entry {observation.index}: the total {total:g} differs from Milepost's score of "
            f"{score} for entry {response.index}; Milepost's score is kept"
        )


# ---------------------------------------------------------------- whose data


@dataclass
class _Patients:
    """The Patient entries of a Bundle, by every way a subject may point at one."""

    by_ref: dict[str, int] = field(default_factory=dict)
    by_identifier: dict[tuple[str, str], int] = field(default_factory=dict)
    resources: dict[int, Mapping[str, Any]] = field(default_factory=dict)


# "Patient/123", "https://other.example/fhir/Patient/123", "…/Patient/123/_history/2".
_PATIENT_REF = re.compile(r"(?:^|/)Patient/([A-Za-z0-9.\-]{1,64})(?:/_history/[^/]{1,64})?")


def _patients(entries: list[Any]) -> _Patients:
    found = _Patients()
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping) or resource.get("resourceType") != "Patient":
            continue
        found.resources[index] = resource
        if isinstance(entry.get("fullUrl"), str):
            found.by_ref[entry["fullUrl"]] = index
        if isinstance(resource.get("id"), str):
            found.by_ref[f"Patient/{resource['id']}"] = index
        for identifier in resource.get("identifier") or []:
            if isinstance(identifier, Mapping):
                key = (str(identifier.get("system", "")), str(identifier.get("value", "")))
                found.by_identifier[key] = index
    return found


# A subject that names a patient the Bundle does not carry (only when it carries none):
# kept by its reference, so that every entry must still name the same one.
_ELSEWHERE = -1


def _subject(resource: Mapping[str, Any], patients: _Patients) -> int | str | None:
    """The index of the Patient entry the resource's subject names; None without a subject.

    When the Bundle carries Patients, a subject that names anything else is an error:
    Milepost could not tell whose data it is. When it carries none (one resource, or a
    system that sends references only), the subject's reference is returned as a string:
    every entry must name the same one, and the result says the file did not say who it is.
    """
    subject = resource.get("subject")
    if subject is None:
        return None
    if not isinstance(subject, Mapping):
        raise _EntryProblem("subject", "must be a reference to the Bundle's Patient")
    reference = subject.get("reference")
    if isinstance(reference, str) and reference:
        if reference in patients.by_ref:
            return patients.by_ref[reference]
        match = _PATIENT_REF.search(reference)
        if match and match.end() == len(reference):  # the reference ends with it
            index = patients.by_ref.get(f"Patient/{match[1]}")
            if index is not None:
                return index
            if not patients.resources:
                return f"Patient/{match[1]}"
        raise _EntryProblem(
            "subject",
            f"{reference[:80]!r} is not a Patient in this Bundle: include the Patient the "
            "responses belong to, or leave subject out",
        )
    identifier = subject.get("identifier")
    if isinstance(identifier, Mapping):
        key = (str(identifier.get("system", "")), str(identifier.get("value", "")))
        if key in patients.by_identifier:
            return patients.by_identifier[key]
    raise _EntryProblem(
        "subject", "must reference a Patient entry of this Bundle (by its fullUrl or Patient/id)"
    )


def _named(patient: int | str) -> str:
    return f"the Patient of entry {patient}" if isinstance(patient, int) else repr(patient)


def _one_patient(
    subjects: list[tuple[int, str, int | str]], errors: list[EntryError]
) -> int | str | None:
    """The one Patient every subject names; an error for each entry naming another."""
    if not subjects:
        return None
    first_entry, _, first_patient = subjects[0]
    for index, kind, patient in subjects[1:]:
        if patient != first_patient:
            errors.append(
                EntryError(
                    index,
                    "subject",
                    f"is {_named(patient)}, but entry {first_entry} belongs to "
                    f"{_named(first_patient)}: a Bundle may hold one patient's data only",
                    kind,
                )
            )
    return first_patient


def _patient_facts(resource: Mapping[str, Any]) -> tuple[str, str]:
    """The Patient's name (official first) and birth date, as the Bundle gives them."""
    names = [n for n in resource.get("name") or [] if isinstance(n, Mapping)]
    names.sort(key=lambda n: n.get("use") != "official")
    shown = ""
    if names:
        name = names[0]
        if isinstance(name.get("text"), str) and name["text"].strip():
            shown = name["text"]
        else:
            given = [g for g in name.get("given") or [] if isinstance(g, str)]
            family = name.get("family")
            shown = " ".join([*given, family if isinstance(family, str) else ""]).strip()
    born = resource.get("birthDate")
    return shown[:120], born[:10] if isinstance(born, str) else ""


def _strings(values: object) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(v for v in values if isinstance(v, str))


def _file_patient(resource: Mapping[str, Any]) -> FilePatient:
    """What a Patient resource says about who it is, for the domain to compare."""
    names = []
    for name in resource.get("name") or []:
        if not isinstance(name, Mapping):
            continue
        family = name.get("family")
        text = name.get("text")
        names.append(
            PersonName(
                family=family if isinstance(family, str) else "",
                given=_strings(name.get("given")),
                text=text if isinstance(text, str) else "",
            )
        )
    identifiers = tuple(
        (str(i.get("system", "")), str(i.get("value", "")))
        for i in resource.get("identifier") or []
        if isinstance(i, Mapping)
    )
    born = resource.get("birthDate")
    return FilePatient(
        names=tuple(names),
        birth_date=born if isinstance(born, str) else "",
        identifiers=identifiers,
    )


def client_identity(client: Client) -> ClientIdentity:
    """The client as the domain compares it with a file's Patient."""
    return ClientIdentity(
        family_name=client.family_name,
        given_name=client.given_name,
        preferred_name=client.preferred_name,
        birth_date=client.date_of_birth,
        identifiers={codes.PATIENT_ID: client.public_id},
    )


def practice_zone(client: Client) -> dt.tzinfo:
    """The time zone a date without a time is read in: the client's practice's."""
    try:
        return zoneinfo.ZoneInfo(client.organization.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


# ---------------------------------------------------------------- the use case


def _read(
    entries: list[Any],
    result: ImportResult,
    zone: dt.tzinfo = dt.UTC,
    progress: Progress | None = None,
) -> tuple[list[_Response | _Withdrawal], list[Mapping[str, Any]], int | str | None]:
    errors: list[EntryError] = []
    responses: list[_Response | _Withdrawal] = []
    observations: list[_Observation] = []
    patients = _patients(entries)
    subjects: list[tuple[int, str, int | str]] = []
    forms = _Forms()
    context = _Context(forms=forms, zone=zone)
    checked: list[tuple[int, Mapping[str, Any], Mapping[str, Any], str]] = []
    for index, entry in enumerate(entries):
        if progress is not None and index % 250 == 0:
            progress("reading", index, len(entries))
        if not isinstance(entry, Mapping) or not isinstance(entry.get("resource"), Mapping):
            errors.append(EntryError(index, "resource", "each entry needs a resource object"))
            continue
        resource = entry["resource"]
        kind = str(resource.get("resourceType", ""))[:40]
        if _too_deep(resource, MAX_JSON_DEPTH):
            errors.append(EntryError(index, "", f"nests more than {MAX_JSON_DEPTH} deep", kind))
            continue
        try:
            validate_resource(resource)
        except InvalidResource as error:
            if kind != "Questionnaire":
                errors.append(EntryError(index, error.field, error.message, kind))
                continue
            # A form definition is only read to understand the responses, never kept:
            # published ones (LHC-Forms' PHQ-9) break R4's id pattern in expression names.
            result.warnings.append(
                f"entry {index} (Questionnaire): {error.field}: {error.message}; it is not "
                "kept, only used to read the responses that name it"
            )
        except (RecursionError, ValueError) as error:
            errors.append(EntryError(index, "", _unreadable(error), kind))
            continue
        if kind == "Questionnaire":
            forms.add(index, entry, resource)
        checked.append((index, entry, resource, kind))
    for index, entry, resource, kind in checked:
        if kind not in IMPORTED_TYPES:
            if kind != "Questionnaire":
                result.skipped.append((index, f"a {kind}: only responses and scores are imported"))
            continue
        try:
            patient = _subject(resource, patients)
            if patient is not None:
                subjects.append((index, kind, patient))
            if kind == "QuestionnaireResponse":
                response = _response(index, entry, resource, result, context)
                if response is not None:
                    responses.append(response)
            else:
                observations.append(_observation(index, entry, resource))
        except (_EntryProblem, Unrecognised) as problem:
            errors.append(EntryError(index, problem.field, problem.message, kind))
        except (RecursionError, ValueError, OverflowError) as error:
            errors.append(EntryError(index, "", _unreadable(error), kind))
    _observations(observations, responses, result, context, errors)
    for index, _, _, kind in checked:
        if kind == "Questionnaire":
            result.skipped.append(
                (
                    index,
                    "a Questionnaire (a form's definition): used to read the responses that name it"
                    if index in forms.used
                    else "a Questionnaire (a form's definition) that no response names",
                )
            )
    patient = _one_patient(subjects, errors)
    if errors:
        raise BundleImportError(sorted(errors, key=lambda e: e.index or 0))
    if patient is None and len(patients.resources) == 1:
        patient = next(iter(patients.resources))
    if isinstance(patient, int):
        result.patient_name, result.patient_birth_date = _patient_facts(patients.resources[patient])
    elif isinstance(patient, str):
        result.warnings.append(
            f"The file refers to its patient as {patient[:80]!r} but does not include them, "
            "so Milepost could not check whose data it is."
        )
    responses.sort(key=lambda r: r.index)
    result.skipped.sort(key=lambda s: s[0])
    return responses, list(patients.resources.values()), patient


def _service_error(response: _Response, error: ValidationError) -> BundleImportError:
    errors: list[EntryError] = []
    for name, messages in error.message_dict.items():
        where = response.when_field if name == "administered_at" else "item"
        errors.extend(EntryError(response.index, where, m, response.kind) for m in messages)
    return BundleImportError(errors)


def _whose(client: Client, patients: list[Mapping[str, Any]], result: ImportResult) -> PatientMatch:
    identity = client_identity(client)
    files = [_file_patient(p) for p in patients]
    result.patient_named = any(p.says_who(frozenset(identity.identifiers)) for p in files)
    return patient_differences(files, identity)


def bundle_patient_check(
    client: Client, bundle_json: str | bytes | Mapping[str, Any]
) -> tuple[PatientMatch, ImportResult]:
    """How the Bundle's Patient compares with `client` (already fetched for the user), and
    what the Bundle says about whose it is; saves and records nothing. Raises
    BundleImportError as `bundle_import` does."""
    result = ImportResult()
    _, patients, _ = _read(_entries(_parse(bundle_json)), result, practice_zone(client))
    return _whose(client, patients, result), result


def _mismatch_reason(reason: object) -> str:
    errors: dict[str, str] = {}
    text = clean_text(errors, "reason", reason, max_length=MISMATCH_REASON_MAX, required=True)
    if not errors and len(text) < MISMATCH_REASON_MIN:
        errors["reason"] = (
            f"Say why in a sentence (at least {MISMATCH_REASON_MIN} characters): the file "
            "names someone else, and the audit trail keeps your reason."
        )
    raise_errors(errors)
    return text


def bundle_import(
    actor: User,
    client: Client,
    bundle_json: str | bytes | Mapping[str, Any],
    *,
    mismatch_reason: object = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Record the administrations of a Bundle for `client` (already fetched for `actor`).

    Raises BundleImportError, naming each entry and field, and saves nothing, when any
    entry cannot be imported. Raises PatientMismatch, and saves nothing, when the Bundle's
    Patient is not the client, unless `mismatch_reason` says why to import it all the
    same (a ValidationError on "reason" when that reason is blank or too short).
    `progress(stage, done, total)` is told how far it has got (the background task's page).
    """
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    require_client_in_reach(actor, client)
    result = ImportResult()
    entries = _entries(_parse(bundle_json))
    responses, patients, _ = _read(entries, result, practice_zone(client), progress)
    match = _whose(client, patients, result)
    result.warnings[:0] = match.notes
    reason = ""
    if match.differences:
        if mismatch_reason is None:
            audit_record(
                action="client.import_fhir_refused",
                actor=actor,
                client=client,
                object_type="client",
                object_id=client.public_id,
                detail={"reason": "patient_mismatch", "fields": match.fields},
            )
            raise PatientMismatch(match, result)
        reason = _mismatch_reason(mismatch_reason)
        result.mismatch_fields = match.fields
    if progress is not None:
        # Said before the transaction: what happens inside it is seen by others at the end.
        progress("saving", 0, len(responses))
    return _save(
        actor,
        client,
        responses,
        result,
        entries=len(entries),
        reason=reason,
        progress=progress,
    )


def _same(administration: Administration, response: _Response) -> bool:
    return (
        _key(administration.instrument_code, administration.administered_at, administration.answers)
        == response.key
    )


@transaction.atomic
def _save(
    actor: User,
    client: Client,
    responses: list[_Response | _Withdrawal],
    result: ImportResult,
    *,
    entries: int,
    reason: str,
    progress: Progress | None = None,
) -> ImportResult:
    # Two uploads of one Bundle at once: the second waits here until the first commits,
    # then finds its administrations already recorded (duplicates), so it saves none.
    Client.objects.select_for_update().get(pk=client.pk)
    with measures.checked_once(actor, client):
        _save_all(actor, client, responses, result, progress)
    if progress is not None:
        progress("saving", len(responses), len(responses))
    result.skipped.sort(key=lambda s: s[0])
    audit_record(
        action="client.import_fhir",
        actor=actor,
        client=client,
        object_type="client",
        object_id=client.public_id,
        detail={
            **result.as_dict(),
            "entries": entries,
            "patient": (
                "confirmed_mismatch"
                if result.mismatch_fields
                else ("matched" if result.patient_named else "none")
            ),
            **(
                {"mismatch_fields": result.mismatch_fields, "mismatch_reason": reason}
                if result.mismatch_fields
                else {}
            ),
        },
    )
    return result


def _save_all(
    actor: User,
    client: Client,
    responses: list[_Response | _Withdrawal],
    result: ImportResult,
    progress: Progress | None,
) -> None:
    counting = [a for a in administrations_for_client(actor, client) if a.counts]
    existing = {_key(a.instrument_code, a.administered_at, a.answers) for a in counting}
    by_sender = {(a.sender_system, a.sender_id): a for a in counting if a.sender_id}
    for done, response in enumerate(responses):
        if progress is not None and done and done % 100 == 0:
            progress("saving", done, len(responses))
        earlier = by_sender.get(response.sender) if response.sender else None
        if isinstance(response, _Withdrawal):
            _withdraw(actor, response, earlier, result)
            if earlier is not None:
                del by_sender[(earlier.sender_system, earlier.sender_id)]
                existing.discard(
                    _key(earlier.instrument_code, earlier.administered_at, earlier.answers)
                )
            continue
        if earlier is not None and _same(earlier, response):
            result.duplicates += 1
            result.skipped.append(
                (
                    response.index,
                    f"already recorded (a re-send of administration {earlier.public_id})",
                )
            )
            continue
        if earlier is None and response.key in existing:
            result.duplicates += 1
            result.skipped.append(
                (response.index, "already recorded: the same questionnaire, time and answers")
            )
            continue
        try:
            administration = measures.administration_submit(
                actor=actor,
                client=client,
                instrument_code=response.instrument.code,
                answers=list(response.answers),
                administered_at=response.when,
                source=Source.IMPORT,
                sender=response.sender,
            )
        except ValidationError as error:
            # Raised inside the transaction: everything saved so far is rolled back.
            raise _service_error(response, error) from None
        if earlier is not None:
            measures.administration_mark_entered_in_error(
                actor=actor, administration=earlier, reason=REPLACED, replaced_by=administration
            )
            existing.discard(
                _key(earlier.instrument_code, earlier.administered_at, earlier.answers)
            )
            result.replaced += 1
        elif response.amended:
            result.warnings.append(
                f"entry {response.index}: an amended response that names no identifier Milepost "
                "has seen, saved as a new administration: if it corrects one recorded before, "
                "mark that one entered in error"
            )
        if response.sender:
            by_sender[response.sender] = administration
        existing.add(response.key)
        _saved(response, administration, earlier, result)


def _withdraw(
    actor: User,
    withdrawal: _Withdrawal,
    earlier: Administration | None,
    result: ImportResult,
) -> None:
    if earlier is None:
        result.skipped.append(
            (
                withdrawal.index,
                "entered in error at the sender, and nothing it sent before under that "
                "identifier is recorded here"
                if withdrawal.sender
                else "the response was entered in error"
                if withdrawal.kind == "QuestionnaireResponse"
                else "the observation was entered in error",
            )
        )
        return
    measures.administration_mark_entered_in_error(
        actor=actor, administration=earlier, reason=WITHDRAWN
    )
    result.withdrawn += 1
    result.skipped.append(
        (
            withdrawal.index,
            f"entered in error at the sender: administration {earlier.public_id}, recorded "
            "from it before, is now marked entered in error",
        )
    )


def _saved(
    response: _Response,
    administration: Administration,
    earlier: Administration | None,
    result: ImportResult,
) -> None:
    saved = Saved(
        entry=response.index,
        instrument=response.instrument.code,
        short_name=response.instrument.short_name,
        total=administration.total,
        authored=administration.administered_at,
        administration=administration.public_id,
        replaced=earlier.public_id if earlier is not None else "",
        sent_total=response.sent_total,
        members=response.members,
    )
    result.saved.append(saved)
    result.created += 1
    result.administrations.append(administration.public_id)
    result.alerts_raised += sum(1 for f in administration.flags if f["severity"] == "urgent")
    if response.sent_total is not None:
        result.totals_matched += 1
    if saved.total_differs:
        result.warnings.append(
            f"entry {response.index}: the sender's total {response.sent_total:g} differs from "
            f"Milepost's score of {saved.total} for the same answers; Milepost's score is kept"
        )

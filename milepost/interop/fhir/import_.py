"""Administrations from another system's FHIR Bundle.

``bundle_import(actor, client, bundle_json)`` reads a Bundle of QuestionnaireResponses
and/or Observations, checks every entry with the fhir.resources R4B models, maps each
response to a Milepost instrument and its answers, and then — in one transaction — records
each new one through ``measures.services.administration_submit``, which scores it and
raises risk alerts (PHQ-9 item 9) as for any other administration.

Rules (docs/fhir.md, decision 0520):

- Any problem in any entry stops the import before anything is saved; each error names
  the entry (its index in ``Bundle.entry``) and the field (a FHIR path).
- A response that already exists for the client (same instrument, same time to the
  second, same answers) is a duplicate: counted, not saved again. Importing the same
  Bundle twice saves it once.
- An Observation that is the total of a response in the Bundle (``derivedFrom``) is
  matched to it: Milepost keeps its own score and warns if the two differ. A total with
  no response is skipped with its reason: an administration is its item answers, which
  Milepost scores itself, and a bare total has none.
- Entries of other types (Patient, CarePlan, … as in Milepost's own export), responses
  entered in error or not completed, and custom-metric observations are skipped, each
  with its reason.
- One patient per Bundle: every response's and observation's ``subject`` is absent or
  names the same Patient entry of the Bundle; anything else is an error naming the entry
  and ``subject``. That Patient's name and birth date are returned for the clinician to
  see.
- Whose data (decision 0521): every Patient of the Bundle is compared with the client
  (``milepost.domain.patient_match``: names, birth date, Milepost's client reference). Any
  difference, or two different Patients, stops the import with ``PatientMismatch`` before
  anything is saved, unless the call passes ``mismatch_reason`` (the clinician confirmed,
  and said why); the refusal and the confirmed import are audited with the names of the
  fields that differ, never their values. A Bundle without a Patient is imported, and the
  result says the file named no patient.
- Hostile files are errors, never crashes: JSON nested too deeply, numbers of thousands of
  digits, items nested more than MAX_ITEM_DEPTH deep.
- The client's row is locked for the transaction, so two uploads of one Bundle at once
  save it once.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateparse, timezone

from milepost.accounts.access import require_membership
from milepost.accounts.models import Role, User
from milepost.audit.services import audit_record
from milepost.clients.access import require_client_in_reach
from milepost.clients.models import Client
from milepost.domain import instruments
from milepost.domain.errors import InvalidAnswers, UnknownInstrument
from milepost.domain.instruments import Instrument, Item
from milepost.domain.patient_match import (
    ClientIdentity,
    FilePatient,
    PatientMatch,
    PersonName,
    patient_differences,
)
from milepost.interop.fhir import codes
from milepost.interop.fhir.validation import InvalidResource, validate_resource
from milepost.lib.validation import clean_text, raise_errors
from milepost.measures import services as measures
from milepost.measures.access import administrations_for_client
from milepost.measures.models import Source

IMPORTED_TYPES = ("QuestionnaireResponse", "Observation")
ORDINAL_EXTENSIONS = (codes.ORDINAL_VALUE, "http://hl7.org/fhir/StructureDefinition/itemWeight")
MAX_ENTRIES = 5000
# How deep `item` may nest inside `item` or `answer` (PHQ-9 and the like are flat; LHC-Forms
# wraps them in one group). Deeper is refused before anything recurses over it.
MAX_ITEM_DEPTH = 10
# How deep any JSON value may nest in one resource: well above what FHIR needs, well below
# what makes the R4B models (or Python) run out of stack.
MAX_JSON_DEPTH = 64
# A Milepost answer code: the option's value, at most three digits (ASCII only: "²" is a
# digit to str.isdigit() and not to int()).
ANSWER_CODE = re.compile(r"-?[0-9]{1,3}")
# Importing into a client the file does not name needs a reason: a sentence, not a word.
MISMATCH_REASON_MIN = 15
MISMATCH_REASON_MAX = 1000


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


@dataclass
class ImportResult:
    created: int = 0
    duplicates: int = 0
    totals_matched: int = 0
    alerts_raised: int = 0
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "duplicates": self.duplicates,
            "totals_matched": self.totals_matched,
            "alerts_raised": self.alerts_raised,
            "skipped": len(self.skipped),
        }


@dataclass(frozen=True)
class _Response:
    index: int
    instrument: Instrument
    answers: tuple[int | None, ...]
    when: dt.datetime
    when_field: str
    refs: frozenset[str]

    @property
    def key(self) -> tuple[str, dt.datetime, tuple[int | None, ...]]:
        return _key(self.instrument.code, self.when, self.answers)


def _key(
    code: str, when: dt.datetime, answers: tuple[int | None, ...]
) -> tuple[str, dt.datetime, tuple[int | None, ...]]:
    # Other systems may keep times only to the second.
    return (code, when.astimezone(dt.UTC).replace(microsecond=0), answers)


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
    if data.get("resourceType") != "Bundle":
        found = data.get("resourceType")
        what = f"is {str(found)[:40]!r}" if found else "is missing"
        raise BundleImportError([EntryError(None, "resourceType", f"{what}; a Bundle is expected")])
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


def _instrument_for(canonical: object) -> Instrument:
    if not isinstance(canonical, str) or not canonical.strip():
        raise _EntryProblem("questionnaire", "is missing: say which questionnaire was answered")
    url = canonical.split("|", 1)[0].rstrip("/")
    for instrument in instruments.all_instruments():
        if url == codes.questionnaire_url(instrument.code):
            return instrument
    last = url.rsplit("/", 1)[-1]
    for instrument in instruments.all_instruments():
        if instrument.loinc.panel and last == instrument.loinc.panel:
            return instrument
    try:
        return instruments.get(last)
    except UnknownInstrument:
        known = ", ".join(i.short_name for i in instruments.all_instruments())
        raise _EntryProblem(
            "questionnaire", f"{canonical[:100]!r} is not an instrument Milepost knows ({known})"
        ) from None


def _leaves(items: object, path: str, depth: int = 1) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every item with a linkId, with its path, nested groups included (at most
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


def _item_names(instrument: Instrument) -> dict[str, Item]:
    names: dict[str, Item] = {}
    for item in instrument.items:
        for name in (item.key, str(item.number), f"{instrument.code}-{item.number}"):
            names[name.lower()] = item
        if item.loinc:
            names[item.loinc.lower()] = item
    return names


def _item_for(names: dict[str, Item], link_id: str) -> Item | None:
    link = link_id.strip().lower()
    if link in names:
        return names[link]
    # LHC-Forms style paths: "/44249-1/44250-9".
    return names.get(link.rsplit("/", 1)[-1])


def _whole(value: object) -> int | None:
    """A JSON number that is a whole number, as an int; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _value(instrument: Instrument, item: Item, answer: Mapping[str, Any], path: str) -> int:
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
        for extension in coding.get("extension") or []:
            if isinstance(extension, Mapping) and extension.get("url") in ORDINAL_EXTENSIONS:
                ordinal = _whole(extension.get("valueDecimal", extension.get("valueInteger")))
                if ordinal is not None:
                    return ordinal
        code = str(coding.get("code", ""))
        system = coding.get("system")
        if system == codes.LOINC:
            for option in item.options:
                if option.loinc_answer == code:
                    return option.value
        if system in (None, codes.answer_system(instrument.code)) and ANSWER_CODE.fullmatch(code):
            return int(code)
        raise _EntryProblem(
            f"{path}.valueCoding",
            f"{code[:40]!r} is not an answer of item {item.number} of {instrument.short_name}",
        )
    raise _EntryProblem(path, "give the answer as valueCoding or valueInteger")


def _when(resource: Mapping[str, Any], name: str) -> dt.datetime:
    raw = resource.get(name)
    if not isinstance(raw, str) or not raw:
        raise _EntryProblem(name, "is missing: say when the questionnaire was completed")
    moment = dateparse.parse_datetime(raw)
    if moment is None:
        day = dateparse.parse_date(raw)
        if day is None:
            raise _EntryProblem(name, f"{raw[:40]!r} is not a date and time")
        # A date without a time: noon of that day, so no time zone moves it to another day.
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    if timezone.is_naive(moment):
        raise _EntryProblem(name, "give the time with a time zone")
    return moment


def _refs(entry: Mapping[str, Any], resource: Mapping[str, Any]) -> frozenset[str]:
    refs = set()
    if isinstance(entry.get("fullUrl"), str):
        refs.add(entry["fullUrl"])
    if isinstance(resource.get("id"), str):
        refs.add(f"{resource['resourceType']}/{resource['id']}")
    return frozenset(refs)


def _response(
    index: int, entry: Mapping[str, Any], resource: Mapping[str, Any], result: ImportResult
) -> _Response | None:
    status = resource.get("status")
    if status == "entered-in-error":
        result.skipped.append((index, "the response was entered in error"))
        return None
    if status not in ("completed", "amended"):
        result.skipped.append((index, f"the response is {status!r}, not completed"))
        return None
    instrument = _instrument_for(resource.get("questionnaire"))
    names = _item_names(instrument)
    answers: list[int | None] = [None] * len(instrument.items)
    paths: dict[int, str] = {}
    ignored = []
    for path, item_json in _leaves(resource.get("item"), "item"):
        link_id = str(item_json.get("linkId", ""))
        item = _item_for(names, link_id)
        if item is None:
            ignored.append(link_id[:40])
            continue
        if item.number in paths:
            raise _EntryProblem(f"{path}.linkId", f"item {item.number} is answered twice")
        given = item_json.get("answer") or []
        if len(given) != 1 or not isinstance(given[0], Mapping):
            raise _EntryProblem(f"{path}.answer", "one answer is expected")
        answers[item.number - 1] = _value(instrument, item, given[0], f"{path}.answer[0]")
        paths[item.number] = path
    if not paths:
        raise _EntryProblem(
            "item", f"no answered item matches an item of {instrument.short_name} by linkId"
        )
    if ignored:
        shown = ", ".join(ignored[:5])
        result.warnings.append(
            f"entry {index}: items {shown} are not items of {instrument.short_name}; ignored"
        )
    try:
        checked = instruments.validate_answers(instrument, answers)
    except InvalidAnswers as error:
        where = paths.get(error.item or 0, "item")
        raise _EntryProblem(f"{where}.answer[0]", str(error)) from None
    return _Response(
        index=index,
        instrument=instrument,
        answers=checked,
        when=_when(resource, "authored"),
        when_field="authored",
        refs=_refs(entry, resource),
    )


# ---------------------------------------------------------------- observations


def _observation_instrument(resource: Mapping[str, Any]) -> Instrument | None:
    code = resource.get("code")
    codings = code.get("coding") if isinstance(code, Mapping) else None
    for coding in codings or []:
        if not isinstance(coding, Mapping):
            continue
        for instrument in instruments.all_instruments():
            if coding.get("system") == codes.LOINC and coding.get("code") == instrument.loinc.total:
                return instrument
            if coding.get("system") == codes.INSTRUMENT and coding.get("code") == instrument.code:
                return instrument
    return None


def _is_metric(resource: Mapping[str, Any]) -> bool:
    code = resource.get("code")
    codings = code.get("coding") if isinstance(code, Mapping) else None
    return any(isinstance(c, Mapping) and c.get("system") == codes.METRIC for c in codings or [])


def _total_value(resource: Mapping[str, Any]) -> float | None:
    value = resource.get("valueInteger")
    quantity = resource.get("valueQuantity")
    if value is None and isinstance(quantity, Mapping):
        value = quantity.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:  # a decimal of hundreds of digits: no score is that big
        return None


def _match_totals(
    observations: list[tuple[int, Mapping[str, Any], Instrument]],
    responses: list[_Response],
    result: ImportResult,
) -> None:
    by_ref = {ref: r for r in responses for ref in r.refs}
    for index, resource, instrument in observations:
        sources = [
            by_ref.get(str(d.get("reference")))
            for d in resource.get("derivedFrom") or []
            if isinstance(d, Mapping)
        ]
        response = next((r for r in sources if r is not None), None)
        if response is None:
            result.skipped.append(
                (
                    index,
                    f"a {instrument.short_name} total without its item answers: Milepost "
                    "records an administration from its answers, so send the "
                    "QuestionnaireResponse too",
                )
            )
            continue
        result.totals_matched += 1
        total = _total_value(resource)
        score = instruments.score(response.instrument, list(response.answers)).total
        if total is not None and score is not None and total != score:
            result.warnings.append(
                f"entry {index}: the total {total:g} differs from Milepost's score of {score} "
                f"for entry {response.index}; Milepost's score is kept"
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


def _subject(resource: Mapping[str, Any], patients: _Patients) -> int | None:
    """The index of the Patient entry the resource's subject names; None without a subject.

    A subject that names anything but a Patient of this Bundle is an error: Milepost could
    not tell whose data it is.
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


def _one_patient(subjects: list[tuple[int, str, int]], errors: list[EntryError]) -> int | None:
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
                    f"is the Patient of entry {patient}, but entry {first_entry} belongs to "
                    f"the Patient of entry {first_patient}: a Bundle may hold one patient's "
                    "data only",
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


# ---------------------------------------------------------------- the use case


def _read(
    entries: list[Any], result: ImportResult
) -> tuple[list[_Response], list[Mapping[str, Any]]]:
    errors: list[EntryError] = []
    responses: list[_Response] = []
    totals: list[tuple[int, Mapping[str, Any], Instrument]] = []
    patients = _patients(entries)
    subjects: list[tuple[int, str, int]] = []
    for index, entry in enumerate(entries):
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
            errors.append(EntryError(index, error.field, error.message, kind))
            continue
        except (RecursionError, ValueError) as error:
            errors.append(EntryError(index, "", _unreadable(error), kind))
            continue
        if kind not in IMPORTED_TYPES:
            result.skipped.append((index, f"a {kind}: only responses and scores are imported"))
            continue
        try:
            patient = _subject(resource, patients)
            if patient is not None:
                subjects.append((index, kind, patient))
            if kind == "QuestionnaireResponse":
                response = _response(index, entry, resource, result)
                if response is not None:
                    responses.append(response)
            elif resource.get("status") == "entered-in-error":
                result.skipped.append((index, "the observation was entered in error"))
            elif (instrument := _observation_instrument(resource)) is not None:
                totals.append((index, resource, instrument))
            elif _is_metric(resource):
                result.skipped.append(
                    (index, "a custom-metric value: metrics are not imported (docs/fhir.md)")
                )
            else:
                result.skipped.append((index, "an observation of no instrument Milepost knows"))
        except _EntryProblem as problem:
            errors.append(EntryError(index, problem.field, problem.message, kind))
        except (RecursionError, ValueError, OverflowError) as error:
            errors.append(EntryError(index, "", _unreadable(error), kind))
    patient = _one_patient(subjects, errors)
    if errors:
        raise BundleImportError(sorted(errors, key=lambda e: e.index or 0))
    if patient is None and len(patients.resources) == 1:
        patient = next(iter(patients.resources))
    if patient is not None:
        result.patient_name, result.patient_birth_date = _patient_facts(patients.resources[patient])
    _match_totals(totals, responses, result)
    return responses, list(patients.resources.values())


def _service_error(response: _Response, error: ValidationError) -> BundleImportError:
    errors: list[EntryError] = []
    for name, messages in error.message_dict.items():
        where = response.when_field if name == "administered_at" else "item"
        errors.extend(
            EntryError(response.index, where, m, "QuestionnaireResponse") for m in messages
        )
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
    _, patients = _read(_entries(_parse(bundle_json)), result)
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
) -> ImportResult:
    """Record the administrations of a Bundle for `client` (already fetched for `actor`).

    Raises BundleImportError, naming each entry and field, and saves nothing, when any
    entry cannot be imported. Raises PatientMismatch, and saves nothing, when the Bundle's
    Patient is not the client, unless `mismatch_reason` says why to import it all the
    same (a ValidationError on "reason" when that reason is blank or too short).
    """
    require_membership(actor, Role.CLINICIAN, Role.SUPERVISOR)
    require_client_in_reach(actor, client)
    result = ImportResult()
    entries = _entries(_parse(bundle_json))
    responses, patients = _read(entries, result)
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
    return _save(actor, client, responses, result, entries=len(entries), reason=reason)


@transaction.atomic
def _save(
    actor: User,
    client: Client,
    responses: list[_Response],
    result: ImportResult,
    *,
    entries: int,
    reason: str,
) -> ImportResult:
    # Two uploads of one Bundle at once: the second waits here until the first commits,
    # then finds its administrations already recorded (duplicates), so it saves none.
    Client.objects.select_for_update().get(pk=client.pk)
    existing = {
        _key(a.instrument_code, a.administered_at, tuple(a.answers))
        for a in administrations_for_client(actor, client)
    }
    for response in responses:
        if response.key in existing:
            result.duplicates += 1
            continue
        try:
            administration = measures.administration_submit(
                actor=actor,
                client=client,
                instrument_code=response.instrument.code,
                answers=list(response.answers),
                administered_at=response.when,
                source=Source.IMPORT,
            )
        except ValidationError as error:
            # Raised inside the transaction: everything saved so far is rolled back.
            raise _service_error(response, error) from None
        existing.add(response.key)
        result.created += 1
        result.administrations.append(administration.public_id)
        result.alerts_raised += sum(1 for f in administration.flags if f["severity"] == "urgent")
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

"""The export's resources as a FHIR server answers them, and the searches over them.

Every resource comes from milepost/interop/fhir/export.py, built exactly as the download
builds it; the API only rewrites the Bundle's ``urn:uuid`` references into the server's
relative ones (``Patient/<id>``) and picks what a search asks for. No mapping is repeated
here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict

from milepost.domain import fhir_access, instruments
from milepost.interop.access import ClientRecord
from milepost.interop.fhir import codes
from milepost.interop.fhir.export import questionnaire_resource, record_resources

Resource = dict[str, Any]

# The types the API serves, and the search parameters each takes (besides the common ones).
PATIENT_PARAMS = ("patient", "subject")
SEARCH_PARAMS: dict[str, tuple[str, ...]] = {
    "Patient": ("_id", "identifier"),
    "Condition": (*PATIENT_PARAMS, "_id", "code"),
    "Questionnaire": ("_id", "url"),
    "QuestionnaireResponse": (*PATIENT_PARAMS, "_id", "questionnaire", "authored"),
    "Observation": (*PATIENT_PARAMS, "_id", "code", "date", "category"),
    "CarePlan": (*PATIENT_PARAMS, "_id", "category"),
    "Goal": (*PATIENT_PARAMS, "_id"),
}
TYPES = tuple(SEARCH_PARAMS)
# Read by id only: a staff member of the practice (the `fhirUser` of an id_token).
READ_ONLY_TYPES = ("Practitioner",)
# Parameters every search accepts: the format (JSON only), the page size and where the page
# starts (paging: decision 0932).
COMMON_PARAMS = ("_format", "_count", "_offset")
PAGING_PARAMS = ("_count", "_offset")
DEFAULT_COUNT = 100
MAX_COUNT = 500
MAX_OFFSET = 1_000_000


class SearchError(ValueError):
    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        super().__init__(f"Search parameter '{parameter}' {message}")


def _relative(value: Any, refs: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        out = {k: _relative(v, refs) for k, v in value.items()}
        ref = out.get("reference")
        if isinstance(ref, str) and ref in refs:
            out["reference"] = refs[ref]
        return out
    if isinstance(value, list):
        return [_relative(v, refs) for v in value]
    return value


def server_resources(record: ClientRecord, *, today: dt.date) -> list[Resource]:
    """The record's resources with relative references, as a FHIR server stores them."""
    resources = record_resources(record, today=today)
    refs = {
        codes.full_url(r["resourceType"], r["id"]): f"{r['resourceType']}/{r['id']}"
        for r in resources
    }
    return [_relative(r, refs) for r in resources if r["resourceType"] in TYPES]


def questionnaires() -> list[Resource]:
    return [questionnaire_resource(i) for i in instruments.all_instruments()]


# ---------------------------------------------------------------- searching


def check_params(resource_type: str, params: QueryDict) -> None:
    allowed = (*SEARCH_PARAMS[resource_type], *COMMON_PARAMS)
    for name in params:
        base = name.split(":", 1)[0]
        if base not in allowed:
            raise SearchError(name[:40], f"is not supported on {resource_type}")
        if ":" in name and base not in ("patient", "subject"):
            raise SearchError(name[:40], "takes no modifier here")
    fmt = params.get("_format")
    if fmt and fmt not in ("json", "application/json", "application/fhir+json"):
        raise SearchError("_format", "must be json: this server answers FHIR JSON only")


def _whole_number(params: QueryDict, name: str, default: int, most: int) -> int:
    values = params.getlist(name)
    if not values:
        return default
    if len(values) > 1:
        raise SearchError(name, "is given more than once")
    raw = values[0]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 7:
        raise SearchError(name, f"must be a whole number from 0 to {most:,}")
    return min(int(raw), most)


def count(params: QueryDict) -> int:
    """The page size: `_count` (0 asks for the total alone), at most MAX_COUNT."""
    return _whole_number(params, "_count", DEFAULT_COUNT, MAX_COUNT)


def offset(params: QueryDict) -> int:
    """Where the page starts, in the whole result: `_offset` (the server's own paging
    parameter, which its links carry)."""
    return _whole_number(params, "_offset", 0, MAX_OFFSET)


def page_links(
    url: str, params: QueryDict, *, count: int, start: int, total: int
) -> list[dict[str, str]]:
    """A searchset's links: `self`, `first`, and `previous` / `next` when there are such
    pages. Each repeats the search's own parameters, which name no person (no search
    parameter takes a name: decision 0920), then `_count` and `_offset`."""
    search = [
        (name, value)
        for name in params
        if name not in PAGING_PARAMS
        for value in params.getlist(name)
    ]

    def link(relation: str, at: int) -> dict[str, str]:
        query = [*search, ("_count", str(count))] + ([("_offset", str(at))] if at else [])
        return {"relation": relation, "url": f"{url}?{urlencode(query)}"}

    links = [link("self", start), link("first", 0)]
    if count and start > 0:
        links.append(link("previous", max(0, min(start, total) - count)))
    if count and start + count < total:
        links.append(link("next", start + count))
    return links


def patient_id(params: QueryDict) -> str | None:
    """The patient a search names (``patient=<id>``, ``subject=Patient/<id>``), if any."""
    values = [v for name in ("patient", "subject", "subject:Patient") for v in params.getlist(name)]
    if not values:
        return None
    if len(values) > 1 or "," in values[0]:
        raise SearchError("patient", "takes one patient per search")
    value = values[0].strip()
    return value.removeprefix("Patient/")


def _codings(concepts: Iterable[Any]) -> list[tuple[str, str]]:
    pairs = []
    for concept in concepts:
        if isinstance(concept, dict):
            for coding in concept.get("coding") or []:
                pairs.append((coding.get("system", ""), coding.get("code", "")))
    return pairs


def _token_filter(name: str, value: str, concepts: list[Any]) -> bool:
    try:
        tokens = fhir_access.token_params(value)
    except fhir_access.SearchValueError as error:
        raise SearchError(name, str(error)) from None
    codings = _codings(concepts)
    return any(token.matches(codings) for token in tokens)


def _date_range(resource: Resource, names: tuple[str, ...]) -> fhir_access.DateRange | None:
    for name in names:
        value = resource.get(name)
        if isinstance(value, str):
            return fhir_access.date_range(value)
        if isinstance(value, dict) and value.get("start"):
            start = fhir_access.date_range(value["start"])
            end = fhir_access.date_range(value.get("end") or value["start"])
            return fhir_access.DateRange(start.start, end.end)
    return None


def _date_filter(name: str, values: list[str], when: fhir_access.DateRange | None) -> bool:
    for value in values:
        try:
            param = fhir_access.date_param(value)
        except fhir_access.SearchValueError as error:
            raise SearchError(name, str(error)) from None
        if when is None or not param.matches(when):
            return False
    return True


def _moment(value: str) -> fhir_access.DateRange:
    moment = dt.datetime.fromisoformat(value).astimezone(dt.UTC)
    return fhir_access.DateRange(moment, moment + dt.timedelta(seconds=1))


def matches(resource: Resource, params: QueryDict) -> bool:
    """Whether one resource meets every search parameter (patient aside: the caller chose
    the records to search)."""
    for name in params:
        values = params.getlist(name)
        if name == "_id":
            if resource["id"] not in {v for value in values for v in value.split(",")}:
                return False
        elif name == "identifier":
            identifiers = resource.get("identifier") or []
            wrapped = [{"coding": [i]} for i in identifiers]
            if not all(_token_filter(name, v, wrapped) for v in values):
                return False
        elif name == "code":
            code = resource.get("code")
            concepts: list[Any] = code if isinstance(code, list) else [code]
            if not all(_token_filter(name, v, concepts) for v in values):
                return False
        elif name == "category":
            if not all(_token_filter(name, v, resource.get("category") or []) for v in values):
                return False
        elif name in ("url", "questionnaire"):
            key = "url" if name == "url" else "questionnaire"
            if resource.get(key) not in values:
                return False
        elif name == "date":
            when = _date_range(resource, ("effectiveDateTime", "effectivePeriod"))
            if not _date_filter(name, values, when):
                return False
        elif name == "authored":
            authored = resource.get("authored")
            if not _date_filter(name, values, _moment(authored) if authored else None):
                return False
    return True

"""Checking resources with the fhir.resources R4B models (decision 0520).

``validate_resource`` builds the model class named by ``resourceType`` from a dict and
turns a failure into :class:`InvalidResource`, whose ``field`` is the FHIR path of the
first problem (``item[2].answer[0].valueInteger``) and whose message says what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pydantic
from fhir.resources.R4B import get_fhir_model_class
from fhir_core.fhirabstractmodel import FHIRAbstractModel


class InvalidResource(ValueError):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


def fhir_path(loc: Sequence[int | str]) -> str:
    """A pydantic error location as a FHIR path: ("item", 2, "answer") → item[2].answer."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _first_problem(error: pydantic.ValidationError) -> InvalidResource:
    problems = error.errors()
    first = problems[0]
    message = str(first.get("msg", "is not valid"))
    message = message.removeprefix("Value error, ")
    more = len(problems) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InvalidResource(fhir_path(first.get("loc", ())), message)


def model_class(resource_type: object) -> type[FHIRAbstractModel]:
    if not isinstance(resource_type, str) or not resource_type:
        raise InvalidResource("resourceType", "is missing")
    try:
        return get_fhir_model_class(resource_type)
    except (ValueError, KeyError):
        raise InvalidResource(
            "resourceType", f"{resource_type[:40]!r} is not a FHIR R4 resource type"
        ) from None


def validate_resource(resource: Mapping[str, Any]) -> FHIRAbstractModel:
    """The resource as its R4B model, or InvalidResource naming the field."""
    if not isinstance(resource, Mapping):
        raise InvalidResource("", "a resource must be a JSON object")
    cls = model_class(resource.get("resourceType"))
    try:
        return cls.model_validate(dict(resource))
    except pydantic.ValidationError as error:
        raise _first_problem(error) from None
    except (KeyError, ValueError, TypeError) as error:
        # fhir_core raises KeyError for an unknown resource type nested inside another.
        raise InvalidResource("", f"cannot be read as FHIR: {str(error)[:120]}") from None

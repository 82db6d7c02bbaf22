"""Model fields every app shares."""

from __future__ import annotations

from typing import Any

from django.db import models

from milepost.lib.public_id import LENGTH, new_public_id


class PublicIdField(models.CharField):
    """A record's opaque public id (public_id.py): what its URLs name it by, set once.

    It deconstructs as the plain CharField the migrations already record, so using it
    needs no migration and the migrations do not depend on this class.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.update(max_length=LENGTH, unique=True, default=new_public_id, editable=False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

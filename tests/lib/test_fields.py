"""PublicIdField is the CharField the migrations record, so using it needs no migration."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from milepost.clients.models import Client
from milepost.lib.fields import PublicIdField
from milepost.lib.public_id import is_public_id, new_public_id

RECORDED = {"max_length": 16, "unique": True, "default": new_public_id, "editable": False}


def test_it_deconstructs_as_the_charfield_the_migrations_record():
    field = PublicIdField()
    field.set_attributes_from_name("public_id")
    assert field.deconstruct() == ("public_id", "django.db.models.CharField", [], RECORDED)


def test_a_clone_is_a_public_id_field_still():
    clone = PublicIdField().clone()
    assert isinstance(clone, PublicIdField)
    assert clone.deconstruct()[3] == RECORDED


def test_its_settings_cannot_be_loosened():
    field = PublicIdField(unique=False, editable=True, max_length=200)
    assert field.deconstruct()[3] == RECORDED


def test_every_public_id_of_the_apps_is_a_public_id_field():
    fields = [f for m in apps.get_models() for f in m._meta.fields if f.name == "public_id"]
    assert len(fields) >= 25
    assert [f.model._meta.label for f in fields if type(f) is not PublicIdField] == []


def test_a_new_instance_gets_a_valid_public_id():
    first, second = Client(), Client()
    assert is_public_id(first.public_id)
    assert first.public_id != second.public_id
    assert isinstance(Client._meta.get_field("public_id"), models.CharField)

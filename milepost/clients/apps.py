from __future__ import annotations

from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "milepost.clients"
    label = "clients"
    verbose_name = "Clients and care teams"

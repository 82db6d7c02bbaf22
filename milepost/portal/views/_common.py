"""Helpers the portal's views share.

The module is the package's own; its names keep the leading underscore they had when the
views were one module.
"""

from __future__ import annotations

from milepost.accounts.requests import SignedInRequest
from milepost.clients.models import Client
from milepost.portal import access


def _client(request: SignedInRequest) -> Client:
    return access.portal_client(request.user)

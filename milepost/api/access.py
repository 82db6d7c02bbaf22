"""The only functions that fetch API tokens for a user: each user sees only their own.

Tokens are credentials, not client data: reading the list is not audited; making and
revoking are (api/services.py).
"""

from __future__ import annotations

from django.http import Http404

from milepost.accounts.models import User
from milepost.api.models import ApiToken
from milepost.lib.public_id import is_public_id


def tokens_for_user(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user))


def token_get_for_user(user: User, public_id: str) -> ApiToken:
    token = None
    if is_public_id(public_id):
        token = ApiToken.objects.filter(user=user, public_id=public_id).first()
    if token is None:
        raise Http404
    return token

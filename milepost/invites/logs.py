"""Keep invitation tokens out of the logs.

The accept page's path holds the token, and more than one logger names request paths:
Django's request logger for every 4xx/5xx ("Gone: /invite/<token>/"), the development
server for every request line, django-axes for every sign-in ("path_info: ..."). Rather
than chase each logger, InvitesConfig.ready installs a log-record factory: every record
about to be emitted, from any logger, has "/invite/<token>" in its message rewritten to
"/invite/[token]". Records are made only once a logger has decided to emit them, so the
cost falls on emitted records alone.

The factory cannot see what a logger adds through `extra` (it is set on the record after the
factory returns), and Django's request and security loggers add the request itself
(`record.request`), whose path and META hold the token: mail_admins and error trackers
print them. So install() also puts TokenFilter on those loggers and on the handlers already
configured (mail_admins among them): a record whose request names a token path loses the
request (None, which every handler accepts) and has its arguments redacted too.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# "/invite/<token>" at the start of a path: after a space, a quote, the message's start or
# a URL's host. The clinicians' "/clients/<id>/invite/" routes hold no token and are kept.
# A password reset link ("/accounts/password/reset/<uid>/<token>/") is a token path too.
_TOKEN_PATH = re.compile(
    r"""((?:^|[\s"'(=:]|https?://[^/\s]+)(?:/invite/|/accounts/password/reset/[^/\s?#"']+/))"""
    r"""[^/\s?#"']+"""
)
REDACTED = "[token]"
# A name searched in a query string ("?search=Quillfeather"): the API refuses it, but the
# request line is logged before it is refused.
_NAME_QUERY = re.compile(r"""([?&](?:search|q|name)=)[^&\s#"']*""", re.IGNORECASE)


def redact(text: str) -> str:
    return _NAME_QUERY.sub(r"\g<1>[redacted]", _TOKEN_PATH.sub(rf"\g<1>{REDACTED}", text))


# The loggers Django gives a request (`extra={"request": …}`): 4xx/5xx responses, CSRF
# failures, suspicious operations (one logger per exception class, so the parent does not
# catch them: handlers do) and the development server's request lines.
REQUEST_LOGGERS: tuple[str, ...] = (
    "django.request",
    "django.security.csrf",
    "django.security.DisallowedHost",
    "django.security.RequestDataTooBig",
    "django.security.TooManyFieldsSent",
    "django.security.TooManyFilesSent",
    "django.security.SuspiciousOperation",
    "django.server",
)


def _redact_arg(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


def _names_a_token(request: Any) -> bool:
    """Does the request's path hold a token, or its query string a name?"""
    for name in ("path", "path_info", "requestline"):
        value = getattr(request, name, "")
        if isinstance(value, str) and redact(value) != value:
            return True
    meta = getattr(request, "META", None)
    query = meta.get("QUERY_STRING", "") if isinstance(meta, dict) else ""
    return isinstance(query, str) and redact(f"?{query}") != f"?{query}"


def redact_record(record: logging.LogRecord) -> None:
    if isinstance(record.args, tuple):
        record.args = tuple(_redact_arg(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: _redact_arg(v) for k, v in record.args.items()}
    if isinstance(record.msg, str):
        record.msg = redact(record.msg)
    try:
        message = record.getMessage()
    except Exception:  # a record that does not format is left to the handler
        return
    if redact(message) != message:
        record.msg = redact(message)
        record.args = None
    request = getattr(record, "request", None)
    if request is not None and _names_a_token(request):
        record.request = None


class TokenFilter(logging.Filter):
    """Redacts a record (message, arguments, request) in place; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def _add_filter(filterer: logging.Filterer) -> None:
    if not any(isinstance(f, TokenFilter) for f in filterer.filters):
        filterer.addFilter(TokenFilter())


def install() -> None:
    """Wrap the current record factory once and add TokenFilter to the request loggers and
    to every handler configured so far (idempotent; keeps any factory set before)."""
    for name in REQUEST_LOGGERS:
        _add_filter(logging.getLogger(name))
    for logger in (logging.getLogger(), *_configured_loggers()):
        for handler in logger.handlers:
            _add_filter(handler)
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_invitation_tokens", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    factory.redacts_invitation_tokens = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def _configured_loggers() -> list[logging.Logger]:
    manager = logging.Logger.manager
    return [lg for lg in manager.loggerDict.values() if isinstance(lg, logging.Logger)]

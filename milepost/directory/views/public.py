"""Public pages: search, a listing, its photo, and "Contact this therapist".

No sign-in, no third-party anything, no JavaScript needed. The person's words ("What brings
you here?") are only ever posted, never put in a URL; the page links to its results by
filters alone. Every page answers with `Referrer-Policy: no-referrer`, so not even our own
links pass the page's address on. Because that makes browsers post with `Origin: null`,
which Django's CSRF check refuses, the two posting views are CSRF-exempt: they act for no
account and read no session (decision 1203).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from milepost.accounts.policies import Policy, policy
from milepost.audit.middleware import client_address
from milepost.directory import access, selectors, services
from milepost.directory.forms import FILTER_FIELDS, ContactForm, PageForm, SearchForm
from milepost.domain.directory.rules import rules
from milepost.lib.forms import add_service_errors

View = Callable[..., HttpResponseBase]


def no_referrer(view: View) -> View:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


def share_link(data: dict[str, Any]) -> str:
    """These results, by filters only: the person's words never go in a link."""
    pairs = [(k, str(data[k])) for k in FILTER_FIELDS if data.get(k) not in (None, "")]
    return reverse("directory:search") + "?" + urlencode(pairs)


def paging_fields(form: SearchForm) -> list[tuple[str, str]]:
    """The search the page shows, as hidden fields of the next/previous buttons' form: the
    words travel in the posted body, as they came, and never in a link."""
    data = form.cleaned_data
    pairs = [(k, str(data[k])) for k in FILTER_FIELDS if data.get(k) not in (None, "")]
    if data.get("text"):
        pairs.append(("text", data["text"]))
    return pairs


@no_referrer
@never_cache  # a page that may hold the person's words is kept by no cache
@csrf_exempt
@sensitive_post_parameters("text")
@require_http_methods(["GET", "HEAD", "POST"])
@policy(Policy.PUBLIC)
def search(request: HttpRequest) -> HttpResponseBase:
    payers = selectors.offered_payers()
    source = request.POST if request.method == "POST" else request.GET
    asked = bool(source)
    if request.method == "GET" and "text" in request.GET:
        # Words typed into a link are dropped, not searched: a link must not carry them.
        query = request.GET.copy()
        del query["text"]
        return redirect(reverse("directory:search") + ("?" + query.urlencode() if query else ""))
    form = SearchForm(source if asked else None, payers=payers)
    page: selectors.ResultPage | None = None
    link = ""
    paging: list[tuple[str, str]] = []
    paging_form = PageForm(source)
    valid = asked and form.is_valid()
    if valid and not paging_form.is_valid():
        for error in paging_form.errors["page"]:
            form.add_error(None, f"Page: {error}")
        valid = False
    if valid:
        page = selectors.search_page(form.params(), page=paging_form.number())
        link = share_link(form.cleaned_data)
        paging = paging_fields(form)
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "asked": asked and form.is_bound and not form.errors,
            "page": page,
            "results": page.results if page else [],
            "share_link": link,
            "paging_fields": paging,
            "modalities": rules().modalities,
        },
    )


@no_referrer
@require_safe
@policy(Policy.PUBLIC)
def listing(request: HttpRequest, listing_id: str) -> HttpResponseBase:
    profile = access.listing_get(listing_id)
    return render(request, "directory/listing.html", access.listing_page(profile))


@no_referrer
@require_safe
@policy(Policy.PUBLIC)
def photo(request: HttpRequest, listing_id: str) -> HttpResponseBase:
    profile = access.listing_get(listing_id)
    if not profile.photo:
        return HttpResponse(status=404)
    response = HttpResponse(bytes(profile.photo), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@no_referrer
@csrf_exempt
@sensitive_post_parameters("name", "contact", "message")
@require_http_methods(["GET", "HEAD", "POST"])
@policy(Policy.PUBLIC)
def contact(request: HttpRequest, listing_id: str) -> HttpResponseBase:
    profile = access.listing_get(listing_id)
    form = ContactForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            # The honeypot was filled: a robot. Answer as if sent; keep nothing.
            return redirect("directory:contact_sent", listing_id=profile.public_id)
        try:
            services.referral_create(
                profile=profile,
                name=form.cleaned_data["name"],
                contact=form.cleaned_data["contact"],
                message=form.cleaned_data["message"],
                consent=form.cleaned_data["consent"],
                sender=services.sender_key(client_address(request) or ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("directory:contact_sent", listing_id=profile.public_id)
    return render(request, "directory/contact.html", {"profile": profile, "form": form})


@no_referrer
@require_safe
@policy(Policy.PUBLIC)
def contact_sent(request: HttpRequest, listing_id: str) -> HttpResponseBase:
    profile = access.listing_get(listing_id)
    return render(request, "directory/contact_sent.html", {"profile": profile})

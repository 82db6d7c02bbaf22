from __future__ import annotations

from django.urls import path

from milepost.directory.views import clinician, practice, public

app_name = "directory"
urlpatterns = [
    path("", public.search, name="search"),
    path("t/<str:listing_id>/", public.listing, name="listing"),
    path("t/<str:listing_id>/photo/", public.photo, name="photo"),
    path("t/<str:listing_id>/contact/", public.contact, name="contact"),
    path("t/<str:listing_id>/contact/sent/", public.contact_sent, name="contact_sent"),
    path("me/", clinician.mine, name="mine"),
    path("me/photo/", clinician.photo_set, name="photo_set"),
    path("me/licences/", clinician.licence_add, name="licence_add"),
    path("me/licences/<str:licence_id>/remove/", clinician.licence_remove, name="licence_remove"),
    path("me/room/", clinician.room_confirm, name="room_confirm"),
    path("me/referrals/", clinician.referrals, name="referrals"),
    path("me/referrals/<str:referral_id>/", clinician.referral, name="referral"),
    path("practice/", practice.practice, name="practice"),
    path("practice/outcome-matching/", practice.outcome_matching, name="outcome_matching"),
    path("practice/payers/", practice.payer_add, name="payer_add"),
    path("practice/payers/<str:payer_id>/remove/", practice.payer_remove, name="payer_remove"),
]

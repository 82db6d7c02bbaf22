"""The directory's pages: public search, listing and contact (public.py); the clinician's
own listing and referrals (clinician.py); the practice admin's opt-in and payers
(practice.py)."""

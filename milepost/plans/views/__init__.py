"""The formulation, the plan editor and a plan's progress: thin views over plans/access.py
and plans/services.py.

Every page reads through access.py (audited) and writes through a service; a service's
ValidationError lands on the field it names and the page comes back with what was typed.
Each form posts on its own, so a mistake in one never loses what another holds.

One module per part of the page (urls.py and progress_urls.py name them); what they share
is in _common.py. Decision 0311 has the map.
"""

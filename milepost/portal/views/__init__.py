"""The client portal, and the clinician's side of its plan features: thin views over
portal/access.py, portal/services.py and portal/questionnaires.py.

Every portal page starts from the signed-in client's own record (clients.access.
client_get_for_portal); records named in a URL are looked up within it, so another
client's id answers 404. A service's ValidationError lands on the field it names.

One module per part of the portal (urls.py, questionnaire_urls.py and clinician_urls.py
name them). Decision 0704 has the map.
"""

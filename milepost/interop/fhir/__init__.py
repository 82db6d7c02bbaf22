"""FHIR R4 (R4B models) export and import of a client's record.

- :mod:`.export`: ``client_bundle(user, client)`` — the record as a Bundle.
- :mod:`.import_`: ``bundle_import(actor, client, bundle_json)`` — administrations from
  another system's QuestionnaireResponses or US Core Observations (a Bundle, or one
  resource on its own).
- :mod:`.recognise`: how a sender's questionnaires, items and answers are recognised, with
  its tables in ``data/recognition.toml``.
- :mod:`.questionnaire`: Questionnaires generated from the instrument data.
- :mod:`.validation`: every resource is checked with the fhir.resources R4B models.

docs/fhir.md maps each Milepost element to its FHIR element; decision 0520 says why R4B.
"""

"""The FHIR REST API at ``/fhir/`` and its SMART on FHIR authorisation (docs/fhir.md)."""

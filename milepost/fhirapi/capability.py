"""What the server says about itself: its CapabilityStatement and SMART configuration.

The CapabilityStatement follows FHIR R4 (4.0.1) and carries the SMART ``oauth-uris``
extension (SMART App Launch 2.2.0, "Conformance"); ``/.well-known/smart-configuration``
lists the SMART capabilities the server has (the same guide's capability list).
"""

from __future__ import annotations

from typing import Any

from milepost.fhirapi import resources
from milepost.interop.fhir import export
from milepost.interop.fhir.validation import validate_resource

OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
SERVICE = "http://terminology.hl7.org/CodeSystem/restful-security-service"
SEARCH_TYPES = {
    "_id": "token",
    "identifier": "token",
    "patient": "reference",
    "subject": "reference",
    "code": "token",
    "category": "token",
    "date": "date",
    "authored": "date",
    "url": "uri",
    "questionnaire": "reference",
}
SCOPES = [
    "launch",
    "launch/patient",
    "offline_access",
    *(
        f"{context}/{t}.{perm}"
        for context in ("patient", "user")
        for t in ("*",)
        for perm in ("read", "rs")
    ),
    "system/*.read",
    "system/*.rs",
    "patient/QuestionnaireResponse.c",
    "user/QuestionnaireResponse.c",
    "system/QuestionnaireResponse.c",
]
CAPABILITIES = [
    "launch-ehr",
    "launch-standalone",
    "client-public",
    "client-confidential-asymmetric",
    "context-ehr-patient",
    "context-standalone-patient",
    "context-banner",
    "permission-patient",
    "permission-user",
    "permission-offline",
    "permission-v1",
    "permission-v2",
    "authorize-post",
]


def capability_statement(base: str, oauth: dict[str, str]) -> dict[str, Any]:
    rest_resources = []
    for resource_type, params in resources.SEARCH_PARAMS.items():
        interactions = [{"code": "read"}, {"code": "search-type"}]
        if resource_type == "QuestionnaireResponse":
            interactions.append({"code": "create"})
        rest_resources.append(
            {
                "type": resource_type,
                "interaction": interactions,
                "searchParam": [{"name": p, "type": SEARCH_TYPES[p]} for p in params],
            }
        )
    statement: dict[str, Any] = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-07",
        "publisher": "Milepost",
        "kind": "instance",
        "software": {"name": "Milepost"},
        "implementation": {"description": "Milepost FHIR API", "url": base},
        "fhirVersion": export.FHIR_VERSION,
        "format": ["json", "application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "extension": [
                        {
                            "url": OAUTH_URIS,
                            "extension": [
                                {"url": "authorize", "valueUri": oauth["authorize"]},
                                {"url": "token", "valueUri": oauth["token"]},
                                {"url": "revoke", "valueUri": oauth["revoke"]},
                            ],
                        }
                    ],
                    "service": [
                        {
                            "coding": [{"system": SERVICE, "code": "SMART-on-FHIR"}],
                            "text": "OAuth2 using SMART-on-FHIR profile",
                        }
                    ],
                },
                "resource": rest_resources,
            }
        ],
    }
    validate_resource(statement)
    return statement


def smart_configuration(oauth: dict[str, str]) -> dict[str, Any]:
    return {
        "authorization_endpoint": oauth["authorize"],
        "token_endpoint": oauth["token"],
        "revocation_endpoint": oauth["revoke"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt", "none"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"],
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "capabilities": CAPABILITIES,
    }

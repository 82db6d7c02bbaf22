"""What the server says about itself: its CapabilityStatement, SMART configuration and
OpenID Connect discovery document.

The CapabilityStatement follows FHIR R4 (4.0.1) and carries the SMART ``oauth-uris``
extension and one SMART ``capabilities`` extension per capability (SMART App Launch 2.2.0,
"Conformance"); ``/.well-known/smart-configuration`` lists the same capabilities (the same
guide's capability list), with the OpenID Connect issuer and keys when OpenID Connect is on
(decision 0931). ``/.well-known/openid-configuration`` is OpenID Connect Discovery 1.0's.
"""

from __future__ import annotations

from typing import Any

from milepost.fhirapi import resources
from milepost.interop.fhir import export
from milepost.interop.fhir.validation import validate_resource

OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
SMART_CAPABILITY = "http://fhir-registry.smarthealthit.org/StructureDefinition/capabilities"
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
OIDC_SCOPES = ["openid", "fhirUser"]
CAPABILITIES = [
    "launch-ehr",
    "launch-standalone",
    "client-public",
    "client-confidential-symmetric",
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


def capabilities(oidc: bool) -> list[str]:
    return [*CAPABILITIES, *(["sso-openid-connect"] if oidc else [])]


def capability_statement(base: str, oauth: dict[str, str], *, oidc: bool) -> dict[str, Any]:
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
    for resource_type in resources.READ_ONLY_TYPES:
        rest_resources.append({"type": resource_type, "interaction": [{"code": "read"}]})
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
                        },
                        *(
                            {"url": SMART_CAPABILITY, "valueCode": code}
                            for code in capabilities(oidc)
                        ),
                    ],
                    "service": [
                        {
                            "coding": [{"system": SERVICE, "code": "SMART-on-FHIR"}],
                            "text": "OAuth2 using SMART-on-FHIR profile",
                        }
                    ],
                    "description": (
                        "SMART App Launch (EHR and standalone, PKCE) and SMART Backend "
                        "Services; "
                        + (
                            "OpenID Connect for the user's identity (openid fhirUser)."
                            if oidc
                            else "OpenID Connect is off on this server."
                        )
                    ),
                },
                "resource": rest_resources,
            }
        ],
    }
    validate_resource(statement)
    return statement


AUTH_METHODS = ["private_key_jwt", "client_secret_basic", "client_secret_post", "none"]


def smart_configuration(oauth: dict[str, str], *, oidc: bool) -> dict[str, Any]:
    configuration: dict[str, Any] = {
        "authorization_endpoint": oauth["authorize"],
        "token_endpoint": oauth["token"],
        "revocation_endpoint": oauth["revoke"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"],
        "scopes_supported": [*SCOPES, *(OIDC_SCOPES if oidc else [])],
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "capabilities": capabilities(oidc),
    }
    if oidc:
        configuration |= {
            "issuer": oauth["issuer"],
            "jwks_uri": oauth["jwks"],
            "userinfo_endpoint": oauth["userinfo"],
        }
    return configuration


def openid_configuration(oauth: dict[str, str]) -> dict[str, Any]:
    """OpenID Connect Discovery 1.0 §3, for the id_tokens of `openid fhirUser`."""
    return {
        "issuer": oauth["issuer"],
        "authorization_endpoint": oauth["authorize"],
        "token_endpoint": oauth["token"],
        "userinfo_endpoint": oauth["userinfo"],
        "jwks_uri": oauth["jwks"],
        "revocation_endpoint": oauth["revoke"],
        "scopes_supported": [*OIDC_SCOPES, *SCOPES],
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "fhirUser", "iss", "aud", "exp", "iat", "auth_time"],
        "authorization_response_iss_parameter_supported": True,
    }

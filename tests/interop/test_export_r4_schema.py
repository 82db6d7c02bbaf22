"""The exported Bundles against an independent FHIR R4 validator from the npm registry: HL7's
FHIR R4 JSON Schema (every element R4 defines, no other), run by node."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from milepost.fhirapi.capability import capability_statement
from milepost.interop.fhir.export import client_bundle

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("fhir_r4_schema.js")
PACKAGE = ROOT / "node_modules" / "@asymmetrik" / "fhir-json-schema-validator"


def schema_errors(tmp_path: Path, documents: dict[str, dict]) -> dict[str, list[str]]:
    node = shutil.which("node")
    assert node, "node is needed for this check"
    assert PACKAGE.is_dir(), "run `make install-npm` (package.json devDependencies)"
    files = []
    for name, document in documents.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        files.append(str(path))
    done = subprocess.run(
        [node, str(SCRIPT), *files], capture_output=True, text=True, timeout=120, check=True
    )
    report = json.loads(done.stdout)
    return {Path(k).stem: v for k, v in report.items()}


def test_the_collection_and_the_transaction_bundle_are_valid_r4(record, tmp_path):
    p = record.p
    base = "https://milepost.example/fhir"
    oauth = {name: f"{base}/auth/{name}" for name in ("authorize", "token", "revoke")}
    # With OpenID Connect on: one SMART capabilities extension per capability too.
    errors = schema_errors(
        tmp_path,
        {
            "collection": client_bundle(p.alice, p.dana_client),
            "transaction": client_bundle(p.alice, p.dana_client, transaction=True),
            "capability": capability_statement(base, oauth, oidc=True),
        },
    )
    assert errors == {"collection": [], "transaction": [], "capability": []}


def test_the_validator_finds_what_r4_does_not_allow(record, tmp_path):
    bundle = client_bundle(record.p.alice, record.p.dana_client)
    broken = copy.deepcopy(bundle)
    goal = next(e["resource"] for e in broken["entry"] if e["resource"]["resourceType"] == "Goal")
    goal["notAnR4Element"] = True
    bad_status = copy.deepcopy(bundle)
    bad_status["type"] = "pile"
    errors = schema_errors(tmp_path, {"extra": broken, "status": bad_status})
    assert errors["extra"]
    assert errors["status"]

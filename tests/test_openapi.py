"""The OpenAPI export is valid OpenAPI 3.1 and carries where each part came from."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from openapi_spec_validator import validate

from generator.model import ApiModel
from generator.openapi import to_openapi
from generator.pipeline import model_from_book
from generator.yamlio import load_yaml

from .conftest import BOOKS


def test_aidp_export_is_valid_openapi_31(aidp_model: ApiModel) -> None:
    doc = to_openapi(aidp_model)
    validate(json.loads(json.dumps(doc)))
    op = doc["paths"][
        "/20260430/aiDataPlatforms/{aiDataPlatformId}/workspaces/{workspaceKey}"
        "/notebook/api/sessions/{sessionId}"
    ]["patch"]
    assert op["operationId"] == "patch_session"
    assert op["tags"] == ["Notebook"]
    assert op["x-docs2sdk-page"].endswith("-patch.html")
    assert op["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PatchSessionDetails"
    }
    assert "etag" in op["responses"]["200"]["headers"]
    assert doc["components"]["schemas"]["Session"]["x-docs2sdk-page"].startswith("op-")


def test_airflow_export_with_compositions_is_valid() -> None:
    model, _ = model_from_book(BOOKS / "airflow-dl")
    validate(json.loads(json.dumps(to_openapi(model))))


def test_cli_exports_yaml_and_json(tmp_path: Path) -> None:
    model = tmp_path / "m.yaml"
    run = [sys.executable, "-m", "generator"]
    subprocess.run([*run, "scrape", str(BOOKS / "jupyter-dl"), "-o", str(model)], check=True)
    subprocess.run([*run, "openapi", str(model), "-o", str(tmp_path / "o.yaml")], check=True)
    subprocess.run([*run, "openapi", str(model), "-o", str(tmp_path / "o.json")], check=True)
    from_yaml = load_yaml((tmp_path / "o.yaml").read_text())
    assert from_yaml == json.loads((tmp_path / "o.json").read_text())
    validate(from_yaml)

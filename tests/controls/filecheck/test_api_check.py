"""``POST /api/v1/check`` in an app of our own."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kostra.web.api_check import MAX_UPLOAD_BYTES, router
from tests.paths import SAMPLES

FIELDS = {"form": "52AF", "year": "2025", "region": "667200"}


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    app.include_router(router)
    return TestClient(app)


def test_check_returns_report_json(client: TestClient) -> None:
    files = {"file": ("52AF.dat", (SAMPLES / "52AF.dat").read_bytes())}
    response = client.post("/api/v1/check", data=FIELDS, files=files)
    assert response.status_code == 200
    body = response.json()
    assert body["validationSummary"]["numErrors"] == 14
    assert body["validationSummary"]["severityName"] == "ERROR"


def test_bad_parameters_are_422_in_our_error_shape(client: TestClient) -> None:
    files = {"file": ("x.dat", b"x\n")}
    response = client.post("/api/v1/check", data={**FIELDS, "region": "12", "year": "1999"}, files=files)
    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False
    assert {e["field"] for e in body["errors"]} == {"region", "year"}
    missing = client.post("/api/v1/check", data={"form": "52AF"})
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"file", "year", "region"}


def test_upload_over_10_mib_is_413(client: TestClient) -> None:
    files = {"file": ("big.dat", b" " * (MAX_UPLOAD_BYTES + 1))}
    response = client.post("/api/v1/check", data=FIELDS, files=files)
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "file"

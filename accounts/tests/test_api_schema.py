from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats
from rest_framework.test import APIClient


def test_openapi_schema_generates_valid_and_without_warnings(db, tmp_path):
    reset_generator_stats()

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )

    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_org_scoped_operations_document_the_x_organization_header(db):
    paths = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    def headers(path: str, method: str) -> list[str]:
        parameters = paths[path][method].get("parameters", [])
        return [p["name"] for p in parameters if p["in"] == "header"]

    assert headers("/api/v1/members/", "get") == ["X-Organization"]
    assert headers("/api/v1/members/{id}/", "patch") == ["X-Organization"]
    assert headers("/api/v1/audit-log/", "get") == ["X-Organization"]
    assert headers("/api/v1/organizations/", "get") == []
    assert headers("/api/v1/me/", "get") == []

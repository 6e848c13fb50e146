"""The version an operator sees: `GET /api/version` and every page's footer say pyproject's."""

from __future__ import annotations

import tomllib

from fastapi.testclient import TestClient

from tests.harness import ROOT


def pyproject_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as pyproject:
        return str(tomllib.load(pyproject)["project"]["version"])


def test_the_api_answers_the_version(client: TestClient) -> None:
    response = client.get("/api/version")
    assert response.status_code == 200
    assert response.json() == {"version": pyproject_version()}


def test_the_join_page_footer_shows_the_version(client: TestClient) -> None:
    page = client.get("/join").text
    footer = page.split('<footer class="site-footer">', 1)[1].split("</footer>", 1)[0]
    assert footer.strip() == f"Versnellingskamer {pyproject_version()}"

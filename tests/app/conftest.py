from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.app.live_client import live  # noqa: F401  (the real-server fixture)
from tests.conftest import ORGANISER_TOKEN

ORGANISER = {"Authorization": f"Bearer {ORGANISER_TOKEN}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, organiser_token=ORGANISER_TOKEN)
    with TestClient(create_app(settings)) as client:
        yield client


@dataclass
class ApiRoom:
    """A session created through the API, with its secrets."""

    client: TestClient
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def facilitator(self) -> dict[str, str]:
        return bearer(self.data["facilitator_key"])

    def join(self, **profile: str) -> dict[str, str]:
        response = self.client.post(
            "/api/join", json={"code": self.data["code"], "profile": profile}
        )
        assert response.status_code == 201, response.text
        return bearer(response.json()["token"])

    def steps(self) -> list[dict[str, Any]]:
        response = self.client.get(f"/api/sessions/{self.id}", headers=self.facilitator)
        return list(response.json()["steps"])

    def step_id(self, type_: str, nth: int = 0) -> int:
        return int([s["id"] for s in self.steps() if s["type"] == type_][nth])

    def activate(self, step_id: int) -> None:
        url = f"/api/sessions/{self.id}/steps/{step_id}/activate"
        assert self.client.post(url, headers=self.facilitator).status_code == 200

    def post_item(self, who: dict[str, str], **fields: Any) -> Any:
        return self.client.post(f"/api/sessions/{self.id}/items", json=fields, headers=who)

    def events(self, after: int = 0) -> list[dict[str, Any]]:
        response = self.client.get(
            f"/api/sessions/{self.id}/events", params={"after": after}, headers=self.facilitator
        )
        return list(response.json()["events"])


@pytest.fixture
def api_room(client: TestClient) -> Any:
    def make(title: str = "Zwolle") -> ApiRoom:
        response = client.post(
            "/api/sessions", json={"title": title, "location": title}, headers=ORGANISER
        )
        assert response.status_code == 201, response.text
        return ApiRoom(client, response.json())

    return make

"""Fixtures for the app tests: a session driven in process (`api_room`, on the TestClient)
or on a real server (`live`); both are a `tests.harness.LiveRoom`."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.harness import ORGANISER_TOKEN, LiveRoom, Server


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, organiser_token=ORGANISER_TOKEN)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def api_room(client: TestClient) -> Callable[..., LiveRoom]:
    """Makes sessions in process: `api_room("Utrecht")`."""

    def make(title: str = "Zwolle") -> LiveRoom:
        return LiveRoom.create(client, title=title, location=title)

    return make


@pytest.fixture
def live(server: Server) -> Iterator[LiveRoom]:
    """A session on the module's real server."""
    room = LiveRoom.on_server(server, title="Eindhoven")
    yield room
    room.close()

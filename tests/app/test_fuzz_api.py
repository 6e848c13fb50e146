"""Schemathesis fuzzes the JSON API from its own OpenAPI document, in process: whatever it
sends, the answer is never a server error and always matches the documented schema. Every
route is fuzzed with the secret that opens it, then again with a participant's token and with
the projector key, which open few of them: refusals must be 4xx too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from app.main import create_app
from app.settings import Settings
from tests.harness import ORGANISER, ORGANISER_TOKEN, bearer


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A started app (lifespan run) with one session, its facilitator key and a participant."""
    from session_engine.store.schema import migrate

    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'vk.db'}"
    migrate(url)
    settings_ = Settings(
        database_url=url,
        organiser_token=ORGANISER_TOKEN,
        join_limit_per_address=0,
        item_limit_per_participant=0,
        item_limit_per_address=0,
        write_limit_per_participant=0,
        write_limit_per_address=0,
    )
    app = create_app(settings_)
    with TestClient(app) as client:
        # Made now: once schemathesis has called the app, it runs the app's lifespan itself.
        others = {who: new_session(client) for who in ("participant", "projector")}
        yield {"app": app, **new_session(client), "others": others}


def new_session(client: TestClient) -> dict[str, Any]:
    """A session and a participant in it (the organiser's pass rotates its session's keys)."""
    organiser = ORGANISER
    session = client.post("/api/sessions", json={"title": "Fuzz"}, headers=organiser).json()
    token = client.post("/api/join", json={"code": session["code"]}).json()["token"]
    return {"session": session, "token": token}


def credential(world: dict[str, Any], path: str) -> str:
    """Each operation with the secret that opens it, so the fuzzer gets past the door."""
    if path in (
        "/api/sessions",
        "/api/sessions/{session_id}/keys/rotate",
        "/api/programmes/{programme_id}/sessions/bulk",
    ):
        return ORGANISER_TOKEN
    if path.endswith("/items"):
        return str(world["token"])
    return str(world["session"]["facilitator_key"])


def participant(world: dict[str, Any], path: str) -> str:
    return str(world["token"])


def projector(world: dict[str, Any], path: str) -> str:
    return str(world["session"]["projector_key"])


def test_the_api_never_fails_and_always_matches_its_schema(world: dict[str, Any]) -> None:
    for operation in operations(world):
        fuzz(operation, world, credential, examples=80, schema=True)


@pytest.mark.parametrize("who", [participant, projector], ids=["participant", "projector"])
def test_the_api_never_fails_for_a_participant_or_the_projector(
    world: dict[str, Any], who: Callable[[dict[str, Any], str], str]
) -> None:
    """Mostly refusals; whatever the route, never a server error."""
    mine = {**world, **world["others"][who.__name__]}
    for operation in operations(world):
        fuzz(operation, mine, who, examples=25, schema=False)


def operations(world: dict[str, Any]) -> list[Any]:
    api = schemathesis.openapi.from_asgi("/openapi.json", world["app"])
    found = [result.ok() for result in api.get_all_operations()]
    assert len(found) >= 8
    return found


def fuzz(
    operation: Any,
    world: dict[str, Any],
    secret: Callable[[dict[str, Any], str], str],
    examples: int,
    schema: bool,
) -> None:
    checks = [not_a_server_error, response_schema_conformance] if schema else [not_a_server_error]

    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    def call(case: Any) -> None:
        if "session_id" in (case.path_parameters or {}):
            case.path_parameters["session_id"] = world["session"]["id"]
        headers = bearer(secret(world, operation.path))
        case.call_and_validate(headers=headers, checks=checks)

    call()

"""JSON shapes of the API (they are the OpenAPI schema at /docs)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class SessionCreate(BaseModel):
    title: str = Field("", max_length=200, description="Defaults to the programme's title.")
    location: str = Field("", max_length=200)
    date: str = Field("", max_length=40, description="Free text or ISO date, e.g. 2016-06-14.")
    programme_id: int | None = Field(None, description="Defaults to the loaded programme.")


class SessionLinks(BaseModel):
    participant: str = Field(description="Join page with the code filled in.")
    facilitator: str = Field(description="Secret console link (carries the facilitator key).")
    projector: str = Field(description="Secret projector link (carries the projector key).")


class SessionCreated(BaseModel):
    id: str
    code: str = Field(description="Join code for participants.")
    facilitator_key: str = Field(description="Bearer key for facilitator actions; shown once.")
    projector_key: str = Field(description="Read-only key for the projector view; shown once.")
    links: SessionLinks


class StepPublic(BaseModel):
    id: int
    position: int
    type: str
    title: str
    scenario: str | None
    text: str


class SessionPublic(BaseModel):
    id: str
    title: str
    location: str
    date: str
    language: str
    code: str
    programme_id: int
    active_step_id: int | None
    last_seq: int
    participants: int
    steps: list[StepPublic]
    categories: list[dict[str, Any]]
    themes: list[dict[str, Any]]
    profile_fields: list[dict[str, Any]]
    scenarios: list[dict[str, Any]]


class JoinRequest(BaseModel):
    code: str = Field(max_length=32, description="The join code shown in the room.")
    profile: dict[str, str | None] = Field(
        default_factory=dict,
        description="{field_key: option_key} with the keys of scenarios.yaml; any may be left out.",
    )


class JoinResponse(BaseModel):
    session_id: str
    participant_id: int
    token: str = Field(description="Bearer token for this participant in this session.")


class ItemCreate(BaseModel):
    client_id: str = Field(
        min_length=1, max_length=64, description="Client-made id: a retry with it never duplicates."
    )
    step_id: int
    category: str = Field(max_length=40)
    theme: str | None = Field(None, max_length=40)
    text: str = Field(max_length=4000, description="1 to 1000 characters after trimming.")


class ItemPublic(BaseModel):
    id: int
    step_id: int
    category: str
    theme: str | None
    text: str


class ItemAdded(BaseModel):
    item: ItemPublic
    seq: int = Field(description="The seq of the item_added event.")


class EventPublic(BaseModel):
    seq: int
    type: str
    data: dict[str, Any]


class EventsPage(BaseModel):
    events: list[EventPublic]
    last_seq: int = Field(description="The seq of the last event returned, or `after`.")


class ActivateResponse(BaseModel):
    step: StepPublic


class JoiningUpdate(BaseModel):
    open: bool = Field(description="true: the join code works; false: new joins are refused.")


class JoiningState(BaseModel):
    open: bool
    changed: bool = Field(description="false when the session was already in this state.")


class Refusal(BaseModel):
    """Every refusal: a message for people, or (bad JSON shape) pydantic's list of errors."""

    detail: str | list[dict[str, Any]] = Field(
        description="Why nothing was done; a list when the request did not match the schema."
    )


REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": Refusal, "description": description}
    for status, description in (
        (400, "Bad request"),
        (401, "No credential sent"),
        (403, "This credential does not allow it"),
        (404, "Not found"),
        (409, "Not possible in the session's current state"),
        (422, "Invalid input"),
        (429, "Rate limited: wait `Retry-After` seconds, then send it again"),
    )
}

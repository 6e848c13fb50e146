"""JSON API for online rounds (organiser): open one for a period, hold its items for review,
and review them (docs/running-a-session.md, "Een online ronde / An online round")."""

from __future__ import annotations

from fastapi import APIRouter, Request

from session_engine.actors import ORGANISER
from session_engine.controls import as_utc
from session_engine.models import Session
from session_engine.moderation import approve_items, decline_items, review_items
from session_engine.online import open_online_round, set_hold_for_review
from session_engine.shapes import LateItem

from .api import created_out
from .auth import DatabaseDep, OrganiserDep, SettingsDep
from .schemas import (
    REFUSALS,
    HoldForReview,
    OnlineRoundCreate,
    OnlineRoundCreated,
    OnlineRoundPublic,
    ReviewDecision,
)
from .templating import gettext

router = APIRouter(prefix="/api", tags=["online rounds"], responses=REFUSALS)


def round_public(session: Session) -> OnlineRoundPublic:
    opens_at, closes_at = as_utc(session.opens_at), as_utc(session.closes_at)
    assert opens_at is not None and closes_at is not None
    return OnlineRoundPublic(
        session_id=session.id,
        opens_at=opens_at,
        closes_at=closes_at,
        hold_for_review=session.hold_for_review,
    )


@router.post(
    "/programmes/{programme_id}/online-rounds", status_code=201, response_model=OnlineRoundCreated
)
async def open_round_route(
    programme_id: int,
    body: OnlineRoundCreate,
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    _: OrganiserDep,
) -> OnlineRoundCreated:
    """Open an online round of a programme for a period (organiser): participants join by its
    link or code while it is open and go through the steps at their own pace."""
    created = await database.write(
        open_online_round,
        actor=ORGANISER,
        programme_id=programme_id,
        title=body.title,
        opens_at=body.opens_at,
        closes_at=body.closes_at,
        hold_for_review=body.hold_for_review,
        translate=gettext,
    )
    return OnlineRoundCreated(
        session=created_out(request, settings, created), round=round_public(created.session)
    )


@router.put("/sessions/{session_id}/hold-for-review", response_model=OnlineRoundPublic)
async def hold_route(
    session_id: str, body: HoldForReview, database: DatabaseDep, _: OrganiserDep
) -> OnlineRoundPublic:
    """Turn hold for review on or off (organiser): while on, each new item waits for the
    organiser before others see it."""
    session = await database.write(
        set_hold_for_review, actor=ORGANISER, session_id=session_id, hold=body.hold
    )
    return round_public(session)


@router.get("/sessions/{session_id}/review", response_model=list[LateItem])
async def review_route(session_id: str, database: DatabaseDep, _: OrganiserDep) -> list[LateItem]:
    """The round's items off the board (organiser): held for review, late or declined."""
    return await database.read(review_items, actor=ORGANISER, session_id=session_id)


@router.post("/sessions/{session_id}/review/approve", response_model=list[LateItem])
async def approve_route(
    session_id: str, body: ReviewDecision, database: DatabaseDep, _: OrganiserDep
) -> list[LateItem]:
    """Approve items (organiser): they join their boards. Answers what is still off them."""
    await database.write(
        approve_items,
        actor=ORGANISER,
        session_id=session_id,
        item_ids=body.item_ids,
        still_waiting=body.still_waiting,
    )
    return await database.read(review_items, actor=ORGANISER, session_id=session_id)


@router.post("/sessions/{session_id}/review/decline", response_model=list[LateItem])
async def decline_route(
    session_id: str, body: ReviewDecision, database: DatabaseDep, _: OrganiserDep
) -> list[LateItem]:
    """Decline items (organiser): they stay off the board, marked declined for their authors.
    Answers what is off the board now."""
    await database.write(
        decline_items, actor=ORGANISER, session_id=session_id, item_ids=body.item_ids
    )
    return await database.read(review_items, actor=ORGANISER, session_id=session_id)

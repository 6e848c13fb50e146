"""Read models: everything a screen needs to draw a session at one seq."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import col

from .content import Content, Scenario
from .db import Db
from .items import Board, board
from .models import Participant, Session, Step
from .sessions import agenda, get_programme, get_session, programme_content


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A session as of `seq`: its agenda, the active step and that step's board."""

    session: Session
    content: Content
    steps: list[Step]
    step: Step | None
    scenario: Scenario | None
    board: Board | None
    participants: int
    seq: int


def snapshot(db: Db, session_id: str) -> Snapshot:
    """Read a consistent picture of a session (one transaction, so one seq)."""
    session = get_session(db, session_id)
    content = programme_content(get_programme(db, session.programme_id))
    steps = agenda(db, session_id)
    step = next((s for s in steps if s.id == session.active_step_id), None)
    scenario = content.scenario(step.scenario_key) if step else None
    items = board(db, session_id=session_id, step_id=step.id) if step and step.id else None
    participants = db.scalar(
        select(func.count())
        .select_from(Participant)
        .where(col(Participant.session_id) == session_id)
    )
    return Snapshot(
        session=session,
        content=content,
        steps=steps,
        step=step,
        scenario=scenario,
        board=items,
        participants=int(participants or 0),
        seq=session.last_seq,
    )


def sessions_of_programme(db: Db, programme_id: int) -> list[Session]:
    return list(
        db.scalars(
            select(Session)
            .where(col(Session.programme_id) == programme_id)
            .order_by(col(Session.created_at))
        )
    )

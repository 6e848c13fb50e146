"""Agenda templates: a programme's saved agendas, to start a new session from."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from .errors import N_, NotFound
from .models import AgendaTemplate, Step
from .store.db import Db, storable_id


def template_steps(steps: list[Step]) -> list[dict[str, Any]]:
    return [_template_step(s) for s in steps if not s.skipped]


def _template_step(step: Step) -> dict[str, Any]:
    """A step as a template keeps it: a vote keeps its columns too."""
    kept: dict[str, Any] = {
        "type": step.type,
        "title": step.title,
        "scenario": step.scenario_key,
        "text": step.text,
        "timer_seconds": step.timer_seconds,
    }
    if step.type == "vote" and (step.config or {}).get("categories"):
        kept["categories"] = (step.config or {})["categories"]
    return kept


def templates(db: Db, programme_id: int) -> list[AgendaTemplate]:
    query = select(AgendaTemplate).where(col(AgendaTemplate.programme_id) == programme_id)
    return list(db.scalars(query.order_by(col(AgendaTemplate.id))))


def get_template(db: Db, programme_id: int, template_id: int) -> AgendaTemplate:
    template = db.get(AgendaTemplate, template_id) if storable_id(template_id) else None
    if template is None or template.programme_id != programme_id:
        raise NotFound(
            N_("No agenda template %(template_id)s in this programme."), template_id=template_id
        )
    return template

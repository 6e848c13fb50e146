"""The facilitator's agenda: add, remove, reorder, rename, skip steps; save and use templates."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from .actors import Actor, require_facilitator
from .content import STEP_TYPES, Content
from .errors import N_, Conflict, Invalid
from .models import AgendaTemplate, Ballot, Definition, Item, Session, Step
from .payloads import (
    AgendaReordered,
    StepActivated,
    StepAdded,
    StepRemoved,
    StepUpdated,
    TemplateSaved,
)
from .programmes import get_programme, programme_content
from .sessions import (
    Translate,
    agenda,
    get_session,
    get_step,
    step_summary,
    untitled_step_title,
    untranslated,
)
from .store.db import Db
from .store.events import record_event
from .tables import get_table, tables
from .templates import template_steps, templates

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_TIMER = 4 * 3600


NEW_STEP_FIELDS = frozenset(
    {"type", "title", "scenario", "text", "timer_seconds", "timer_autolock"}
)
STEP_FIELDS = NEW_STEP_FIELDS | {"skipped"}


def _check_fields(
    content: Content, fields: dict[str, Any], allowed: frozenset[str] = NEW_STEP_FIELDS
) -> dict[str, Any]:
    """Validate editable step fields; unknown names and bad values are refused. An empty
    scenario (a form's "(none)") means no scenario."""
    if fields.get("scenario") == "":
        fields["scenario"] = None
    unknown = set(fields) - allowed
    if unknown:
        raise Invalid(N_("Unknown step field(s): %(fields)s."), fields=", ".join(sorted(unknown)))
    required = [
        k
        for k in ("type", "title", "text", "timer_autolock", "skipped")
        if k in fields and fields[k] is None
    ]
    if required:
        raise Invalid(
            N_("%(fields)s cannot be null (scenario and timer_seconds can)."),
            fields=", ".join(required),
        )
    if "type" in fields and fields["type"] not in STEP_TYPES:
        raise Invalid(
            N_("Unknown step type %(type)r; choose one of %(types)s."),
            type=fields["type"],
            types=", ".join(STEP_TYPES),
        )
    if fields.get("scenario") is not None and content.scenario(fields["scenario"]) is None:
        raise Invalid(N_("Unknown scenario %(scenario)r."), scenario=fields["scenario"])
    if len(fields.get("title") or "") > MAX_TITLE or len(fields.get("text") or "") > MAX_TEXT:
        raise Invalid(
            N_("Titles hold at most %(max_title)s and texts %(max_text)s characters."),
            max_title=MAX_TITLE,
            max_text=MAX_TEXT,
        )
    seconds = fields.get("timer_seconds")
    if seconds is not None and not (isinstance(seconds, int) and 0 < seconds <= MAX_TIMER):
        raise Invalid(N_("timer_seconds must be between 1 and %(max)s."), max=MAX_TIMER)
    return fields


def _content(db: Db, session: Session) -> Content:
    return programme_content(get_programme(db, session.programme_id))


def _needs_scenario(type_: str, scenario: str | None) -> None:
    if type_ in ("brainstorm", "converge") and scenario is None:
        raise Invalid(N_("A %(type)s step needs a scenario."), type=type_)


def add_step(
    db: Db,
    *,
    actor: Actor,
    fields: dict[str, Any],
    position: int | None = None,
    after_current: bool = False,
    language: str | None = None,
    translate: Translate = untranslated,
) -> Step:
    """Insert a step (at the end, at `position`, or right after the step on the screens) into
    the running agenda. Untitled, it is named in `language` (the session's when None) by
    `translate(language, message)`."""
    require_facilitator(actor)
    session = get_session(db, actor.session_id)
    _check_fields(_content(db, session), fields)
    steps = agenda(db, session.id)
    if after_current:
        position = _after_current(session, steps, position)
    position = len(steps) if position is None else max(0, min(position, len(steps)))
    content = _content(db, session)
    scenario = content.scenario(fields["scenario"]) if fields.get("scenario") else None
    step_type = fields.get("type", "info")
    step = Step(
        session_id=session.id,
        position=position,
        type=step_type,
        title=(fields.get("title") or "").strip()
        or untitled_step_title(step_type, scenario, language or session.language, translate),
        scenario_key=fields.get("scenario"),
        text=fields.get("text") or "",
        timer_seconds=fields.get("timer_seconds"),
        timer_autolock=fields.get("timer_autolock", True),
    )
    _needs_scenario(step.type, step.scenario_key)
    for later in steps[position:]:
        later.position += 1
        db.add(later)
    db.add(step)
    db.flush()
    record_event(db, session.id, StepAdded.model_validate(step_summary(step)))
    return step


def _after_current(session: Session, steps: list[Step], position: int | None) -> int:
    """The position right after the step on the screens: the facilitator adds what the room
    needs next without counting places in the agenda."""
    if position is not None:
        raise Invalid(N_("Give a position or after_current, not both."))
    ids = [s.id for s in steps]
    if session.active_step_id not in ids:
        raise Conflict(N_("No step is on the screens yet: give a position instead."))
    return ids.index(session.active_step_id) + 1


def update_step(db: Db, *, actor: Actor, step_id: int, fields: dict[str, Any]) -> Step:
    """Rename a step, change its text, scenario, type or default timer, skip it or bring it
    back, or several at once: all is checked before anything changes, and the change is one
    `step_updated` event."""
    require_facilitator(actor)
    if not fields:
        raise Invalid(N_("Nothing to change: give at least one field of the step."))
    session = get_session(db, actor.session_id)
    step = get_step(db, session.id, step_id)
    fields = _check_fields(_content(db, session), dict(fields), STEP_FIELDS)
    if fields.get("type", step.type) != step.type and _holds_input(db, step):
        raise Conflict(
            N_(
                "This step already holds contributions or votes: its type cannot change any "
                "more. Add a new step of the other type instead."
            )
        )
    _needs_scenario(fields.get("type", step.type), fields.get("scenario", step.scenario_key))
    names = {"scenario": "scenario_key"}
    for name, value in fields.items():
        setattr(step, names.get(name, name), value.strip() if isinstance(value, str) else value)
    db.add(step)
    record_event(db, session.id, StepUpdated.model_validate(step_summary(step)))
    return step


def _holds_input(db: Db, step: Step) -> bool:
    """Whether participants gave anything in this step: items, ballots or definitions, each
    of which only means something in the step type it was given in."""
    return any(
        db.scalars(select(model.id).where(col(model.step_id) == step.id).limit(1)).first()
        is not None
        for model in (Item, Ballot, Definition)
    )


def remove_step(db: Db, *, actor: Actor, step_id: int) -> None:
    """Take a step off the agenda. The active step, or one holding items, cannot go."""
    require_facilitator(actor)
    session = get_session(db, actor.session_id)
    step = get_step(db, session.id, step_id)
    if session.active_step_id == step.id:
        raise Conflict(N_("This step is on the screens now: show another step first."))
    if db.scalars(select(Item).where(col(Item.step_id) == step.id)).first() is not None:
        raise Conflict(N_("This step holds contributions: skip it instead of removing it."))
    db.delete(step)
    for later in agenda(db, session.id):
        if later.position > step.position:
            later.position -= 1
            db.add(later)
    record_event(db, session.id, StepRemoved(step_id=step_id))


def reorder_steps(db: Db, *, actor: Actor, step_ids: list[int]) -> list[Step]:
    """Put the agenda in this order; the list must name every step exactly once."""
    require_facilitator(actor)
    steps = {s.id: s for s in agenda(db, actor.session_id)}
    if sorted(step_ids) != sorted(steps):  # type: ignore[type-var]
        raise Invalid(N_("The new order must list every step of the agenda exactly once."))
    for position, step_id in enumerate(step_ids):
        steps[step_id].position = position
        db.add(steps[step_id])
    record_event(db, actor.session_id, AgendaReordered(step_ids=step_ids))
    return [steps[i] for i in step_ids]


def save_template(db: Db, *, actor: Actor, name: str) -> AgendaTemplate:
    """Save the session's agenda (without skipped steps) as a template of the programme."""
    require_facilitator(actor)
    name = name.strip()
    if not name or len(name) > 120:
        raise Invalid(N_("A template needs a name of 1 to 120 characters."))
    session = get_session(db, actor.session_id)
    template = AgendaTemplate(
        programme_id=session.programme_id, name=name, steps=template_steps(agenda(db, session.id))
    )
    db.add(template)
    db.flush()
    assert template.id is not None
    record_event(db, session.id, TemplateSaved(template_id=template.id, name=name))
    return template


def saved_templates(db: Db, *, actor: Actor) -> list[AgendaTemplate]:
    """The agendas saved in this session's programme (facilitator)."""
    require_facilitator(actor)
    return templates(db, get_session(db, actor.session_id).programme_id)


def activate_step(db: Db, *, actor: Actor, step_id: int, table_id: int | None = None) -> Step:
    """Push a step to every screen of the session, or to one table's screens."""
    require_facilitator(actor)
    step = get_step(db, actor.session_id, step_id)
    session = get_session(db, actor.session_id)
    if table_id is not None:
        table = get_table(db, session.id, table_id)
        table.active_step_id = step.id
        db.add(table)
    else:
        session.active_step_id = step.id
        db.add(session)
        for table in tables(db, session.id):  # "to all tables" ends any table's own step
            table.active_step_id = None
            db.add(table)
    activated = StepActivated.model_validate({**step_summary(step), "table_id": table_id})
    record_event(db, session.id, activated)
    return step

"""Read models: everything a screen needs to draw a session at one seq, for one viewer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from . import votes
from .actors import Actor, require_facilitator
from .content import Content, Scenario
from .controls import input_open, timer_state
from .curation import deleted_items
from .errors import N_, Forbidden
from .items import (
    ALL_TABLES,
    board,
    effective_step_id,
    item_views,
    own_items,
    own_metoos,
    participant_table,
    pooled_by,
    source_steps,
)
from .late import late_items, own_late_items
from .models import Item, RoundTable, Session, Step
from .online import is_online, own_step
from .payloads import EventType
from .programmes import get_programme, programme_content
from .results import step_results, typed_results
from .sessions import agenda, count_participants, get_session, get_step
from .shapes import BoardView, ItemView, LateItem, StepResults
from .store.db import Db, storable_id
from .tables import table_sizes, tables
from .tally import DEFAULT_THRESHOLD
from .visibility import FACILITATOR, ROOM, Reader, blind_steps, can_read
from .votes import VOTE_STEP_TYPES


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who looks: a view (participant, console, projector), and for a participant who and
    at which table. Participants of one table in open mode see the same screen."""

    view: str
    participant_id: int | None = None
    table_id: int | None = None
    step_id: int | None = None  # the step an online round's participant asked for (online.py)


@dataclass(slots=True)
class Snapshot:
    """A session as of `seq`, as one viewer sees it."""

    session: Session
    content: Content
    steps: list[Step]
    step: Step | None
    scenario: Scenario | None
    board: BoardView | None
    participants: int
    seq: int
    viewer: Viewer
    tables: list[RoundTable] = field(default_factory=list)
    table_sizes: dict[int, int] = field(default_factory=dict)
    table_boards: list[tuple[RoundTable, BoardView]] = field(default_factory=list)
    hidden_count: int = 0
    personal: bool = False  # drawn for this participant alone: it pools a blind round
    open: bool = True
    timer: dict[str, Any] = field(default_factory=dict)
    mine: set[int] = field(default_factory=set)
    own: set[int] = field(default_factory=set)  # the participant's own items (take back)
    spotlight: ItemView | None = None
    deleted: list[Item] = field(default_factory=list)
    # late items: the console's all (waiting and declined), a participant's their own
    late: list[LateItem] = field(default_factory=list)
    vote: dict[str, Any] | None = None  # config, options, own answers, results when visible

    @property
    def table(self) -> RoundTable | None:
        return next((t for t in self.tables if t.id == self.viewer.table_id), None)


def snapshot(
    db: Db, session_id: str, viewer: Viewer | None = None, threshold: int = DEFAULT_THRESHOLD
) -> Snapshot:
    """Read a consistent picture of a session (one transaction, so one seq)."""
    viewer = viewer or Viewer("console")
    session = get_session(db, session_id)
    content = programme_content(get_programme(db, session.programme_id))
    steps = agenda(db, session_id)
    if is_online(session):
        step_id = own_step(steps, viewer.step_id)
    else:
        step_id = effective_step_id(db, session_id, viewer.table_id)
    step = next((s for s in steps if s.id == step_id), None)
    snap = Snapshot(
        session=session,
        content=content,
        steps=steps,
        step=step,
        scenario=content.scenario(step.scenario_key) if step else None,
        board=None,
        participants=count_participants(db, session_id),
        seq=session.last_seq,
        viewer=viewer,
        tables=tables(db, session_id),
        table_sizes=table_sizes(db, session_id),
    )
    if viewer.view == "console":
        snap.late = late_items(db, session_id)
    elif viewer.view == "participant" and viewer.participant_id is not None:
        snap.late = own_late_items(db, session_id, viewer.participant_id)
    if step is not None and step.id is not None:
        _fill_step(db, snap, step)
        if step.type in VOTE_STEP_TYPES:
            snap.vote = vote_view(db, step, viewer, threshold)
    if session.spotlight_item_id is not None:
        item = db.get(Item, session.spotlight_item_id)
        if item is not None and can_read(db, item, reader_of(viewer)):
            snap.spotlight = item_views(db, [item], reader=reader_of(viewer))[0]
    return snap


def pools_blind(db: Db, session_id: str, step: Step) -> bool:
    """Does a board of this step draw on a blind step? Then each participant's board differs
    (their own words, others' counted), so it is drawn for each alone."""
    return bool(blind_steps(db, session_id) & set(source_steps(db, session_id, step)))


def reader_of(viewer: Viewer) -> Reader:
    """A screen as a reader of hidden words: the console is the facilitator's."""
    if viewer.view == "console":
        return FACILITATOR
    if viewer.view == "participant":
        return Reader("participant", viewer.participant_id)
    return ROOM


def _fill_step(db: Db, snap: Snapshot, step: Step) -> None:
    assert step.id is not None
    viewer, session_id = snap.viewer, snap.session.id
    snap.open = input_open(step)
    snap.timer = timer_state(step)
    if viewer.view == "participant":
        snap.board = board(
            db,
            session_id=session_id,
            step_id=step.id,
            table_id=viewer.table_id,
            reader=reader_of(viewer),
        )
        snap.hidden_count = snap.board.hidden
        snap.personal = pools_blind(db, session_id, step)
        if viewer.participant_id is not None:
            snap.mine = own_metoos(db, viewer.participant_id)
            snap.own = own_items(db, viewer.participant_id)
        return
    reader = reader_of(viewer)
    snap.board = board(
        db, session_id=session_id, step_id=step.id, table_id=ALL_TABLES, reader=reader
    )
    snap.hidden_count = snap.board.hidden
    if viewer.view == "console":
        snap.deleted = deleted_items(db, session_id)
        if snap.tables and step.type == "brainstorm":
            snap.table_boards = [
                (t, board(db, session_id=session_id, step_id=step.id, table_id=t.id))
                for t in snap.tables
            ]


def vote_view(db: Db, step: Step, viewer: Viewer, threshold: int) -> dict[str, Any]:
    """What a vote step shows this viewer: the question, their own answers, and the results
    (the console always; others once revealed)."""
    assert step.id is not None
    view: dict[str, Any] = {**step_options(db, step), "own": {}, "results": None}
    if viewer.participant_id is not None:
        view["own"] = votes.own_ballot(db, step.id, viewer.participant_id)
    if sees_results(viewer.view, revealed=step.revealed):
        view["results"] = step_results(db, step.session_id, step.id, threshold)
    else:
        view["voters"] = votes.count_voters(db, step.id)  # no results before the reveal
    return view


def vote_options(db: Db, session_id: str, step_id: int) -> dict[str, Any]:
    """What a step asks, for anyone in the session: its type, configuration and subjects,
    with a vote's items and a glossary's proposed definitions (anonymous)."""
    return step_options(db, get_step(db, session_id, step_id))


def step_options(db: Db, step: Step) -> dict[str, Any]:
    """The one picture of what a step asks, shared by the options route and the screens."""
    assert step.id is not None
    if step.type not in VOTE_STEP_TYPES:
        return {"type": step.type, "config": {}, "subjects": []}
    options: dict[str, Any] = {
        "type": step.type,
        "config": votes.step_config(db, step),
        "subjects": votes.subjects(db, step),
    }
    if step.type == "vote":
        options["items"] = votes.vote_items(db, step)
    if step.type == "glossary":
        options["definitions"] = [
            {"id": d.id, "term": d.term, "text": d.text} for d in votes.definitions(db, step.id)
        ]
    return options


VIEW_OF_ROLE = {"facilitator": "console", "projector": "projector", "participant": "participant"}


def visible_results(
    db: Db, *, actor: Actor, step_id: int, threshold: int = DEFAULT_THRESHOLD
) -> StepResults:
    """A vote step's results for the caller: the facilitator always, others once revealed."""
    step = get_step(db, actor.session_id, step_id)
    if not sees_results(VIEW_OF_ROLE[actor.role], revealed=step.revealed):
        raise Forbidden(N_("The results are hidden until the facilitator reveals them."))
    return typed_results(db, actor.session_id, step_id, threshold)


def visible_board(db: Db, *, actor: Actor, step_id: int, table_id: int | None = None) -> BoardView:
    """A step's board as the caller may see it: a participant their table's (only their own
    items while blind), the facilitator one table's (`table_id`) or all, the projector all."""
    table: int | None = ALL_TABLES
    if actor.role == "facilitator" and table_id is not None:
        table = table_id
    elif actor.role == "participant":
        table = participant_table(db, actor)
    reader = Reader.of(actor)
    return board(db, session_id=actor.session_id, step_id=step_id, table_id=table, reader=reader)


def duplicates_board(db: Db, *, actor: Actor, step_id: int) -> BoardView:
    """Every table's items of a step, to look for duplicates in (facilitator)."""
    require_facilitator(actor)
    return board(db, session_id=actor.session_id, step_id=step_id)


def sees_results(view: str, *, revealed: bool) -> bool:
    """The one rule for who sees a vote step's results: the console always, others once the
    facilitator has revealed them."""
    return view == "console" or revealed


@dataclass(frozen=True, slots=True)
class ShownResults:
    """The results of the vote step the console and the projector show, to redraw them alone
    after a ballot: `subjects` are the statements on screen, `revealed` who may see them."""

    results: dict[str, Any]
    subjects: list[str]
    revealed: bool


def shown_results(
    db: Db, session_id: str, step_id: int, threshold: int = DEFAULT_THRESHOLD
) -> ShownResults | None:
    """The results of `step_id` when it is the session's active vote step (what the console
    and the projector show), else None: a table's own step is on neither of them."""
    session = get_session(db, session_id)
    step = db.get(Step, step_id) if session.active_step_id == step_id else None
    if step is None or step.type not in VOTE_STEP_TYPES:
        return None
    return ShownResults(
        results=step_results(db, session_id, step_id, threshold),
        subjects=votes.subjects(db, step),
        revealed=step.revealed,
    )


def sessions_of_programme(db: Db, programme_id: int) -> list[Session]:
    return list(
        db.scalars(
            select(Session)
            .where(col(Session.programme_id) == programme_id)
            .order_by(col(Session.created_at))
        )
    )


def item_view(
    db: Db, session_id: str, item_id: int, reader: Reader = FACILITATOR
) -> ItemView | None:
    """One item as boards show it to `reader`, or None when it is no longer on a board or the
    reader may not read it (blind round)."""
    item = db.get(Item, item_id) if storable_id(item_id) else None
    if item is None or item.session_id != session_id or not can_read(db, item, reader):
        return None
    return item_views(db, [item], reader=reader)[0]


# Events that change every step's page of a self-paced participant (the agenda: "Step 3 of 12");
# those that change no step's (the room's active step means nothing in an online round).
_EVERY_STEP = frozenset(
    {
        EventType.STEP_ADDED,
        EventType.STEP_UPDATED,
        EventType.STEP_REMOVED,
        EventType.AGENDA_REORDERED,
        EventType.TABLES_ADDED,
        EventType.ITEM_LATE,  # its author's own list, on every step (the renderer picks them)
        EventType.LATE_ITEMS_DECLINED,
        EventType.LATE_ITEMS_ADMITTED,
    }
)
_NO_STEP = frozenset({EventType.STEP_ACTIVATED})


def steps_concerned(
    db: Db, session_id: str, event_type: str, data: dict[str, Any], shown: Iterable[int]
) -> frozenset[int]:
    """Which of these steps (those self-paced participants of an online round are on) an event
    changes: the step it happened on, and a converge step pooling that step's brainstorm."""
    shown = frozenset(shown)
    touched = _steps_touched(db, EventType(event_type), data)
    if touched is None:
        return shown
    steps = agenda(db, session_id)
    return frozenset(s for s in shown if touched & _pooled(steps, s))


def pooled_steps(db: Db, session_id: str, step_id: int) -> frozenset[int]:
    """The steps whose items a board of this step shows: itself, or for a converge step its
    scenario's brainstorms."""
    return _pooled(agenda(db, session_id), step_id)


def _pooled(steps: list[Step], step_id: int) -> frozenset[int]:
    step = next((s for s in steps if s.id == step_id), None)
    return frozenset(pooled_by(steps, step)) if step is not None else frozenset()


def _steps_touched(db: Db, event_type: EventType, data: dict[str, Any]) -> frozenset[int] | None:
    """The steps an event happened on; None: every step."""
    if event_type in _EVERY_STEP:
        return None
    if event_type in _NO_STEP:
        return frozenset()
    if "step_id" in data:
        return frozenset({int(data["step_id"])})
    if "item" in data:
        return frozenset({int(data["item"]["step_id"])})
    if "definition" in data:
        return frozenset({int(data["definition"]["step_id"])})
    item_id = data["comment"]["item_id"] if "comment" in data else data.get("item_id")
    if item_id is None:
        return None
    item = db.get(Item, item_id) if storable_id(item_id) else None
    return frozenset({item.step_id}) if item is not None else frozenset()


def column_counts(db: Db, session_id: str, step_id: int) -> dict[str, int]:
    """How many items each column of a step's board shows (all tables)."""
    shown = board(db, session_id=session_id, step_id=step_id, reader=ROOM)
    return {category: len(items) for category, items in shown.columns.items()}

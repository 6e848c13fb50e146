"""The organiser's pooling decisions on a programme's report, one command per action: accept or
reject a suggested pool (or a page of them), undo a rejection, split an item out of its entry,
merge two entries, attach an item to an entry, choose an entry's lead wording, put an entry
among the most important or the others. Each checks its request against the entries as they
are now and is refused (changing nothing) when it makes no sense; each stores a row in
`pool_decision`, with who decided and when. That table is the programme's own log: a decision
spans sessions, so it is not an event of any one session. Reports read it through
`report_state` (its last id)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import col, select

from ..actors import Organiser
from ..errors import N_, Conflict, Invalid, NotFound
from ..models import Item, PoolDecision, Programme, Session, Step
from ..shapes import PoolDecisions, PoolDecisionView, Side
from ..store.db import MAX_INTEGER, Db
from .pooling import Decision, KnownItem, Partition, partition

DECIDED_BY = "organiser"  # the one organiser actor (ORGANISER_TOKEN)
MAX_PAGE = 100  # proposals accepted by one request
SIDES = ("important", "other")


def programme_items(db: Db, programme_id: int) -> list[KnownItem]:
    """Every top-level item of the programme's scenario columns (late ones once let in), in one
    query."""
    rows = db.execute(
        select_columns(
            col(Item.id), col(Item.session_id), col(Step.scenario_key), col(Item.category)
        )
        .add_columns(col(Item.text))
        .join(Step, col(Step.id) == col(Item.step_id))
        .join(Session, col(Session.id) == col(Item.session_id))
        .where(
            col(Session.programme_id) == programme_id,
            col(Item.deleted_at).is_(None),
            col(Item.merged_into_id).is_(None),
            col(Item.late).is_(None),  # never let in: on no report, so in no entry
            col(Step.scenario_key).is_not(None),
        )
    ).all()
    return [KnownItem(r[0], r[1], (r[2], r[3]), r[4]) for r in rows]


def stored_decisions(db: Db, programme_id: int) -> list[Decision]:
    rows = db.scalars(
        select(PoolDecision)
        .where(col(PoolDecision.programme_id) == programme_id)
        .order_by(col(PoolDecision.id))
    )
    return [Decision(int(r.id or 0), r.action, r.item_id, tuple(r.other_ids), r.side) for r in rows]


def current_partition(db: Db, programme_id: int) -> Partition:
    """The programme's entries as the report pools them now."""
    return partition(programme_items(db, programme_id), stored_decisions(db, programme_id))


def decisions_state(db: Db, programme_id: int) -> tuple[int, int]:
    """What the decisions add to a report's state: their number and the last one's id."""
    count, last = db.execute(
        select_columns(func.count(), func.max(col(PoolDecision.id))).where(
            col(PoolDecision.programme_id) == programme_id
        )
    ).one()
    return int(count), int(last or 0)


class Curating:
    """One command's view of a programme: its entries locked against other decisions, checks
    on the items named, and the decisions recorded (each applied at once, so a page of
    proposals is checked one after the other)."""

    def __init__(self, db: Db, programme_id: int) -> None:
        known = 0 < programme_id <= MAX_INTEGER
        if not known or db.get(Programme, programme_id, with_for_update=True) is None:
            raise NotFound(N_("No programme with id %(programme_id)s."), programme_id=programme_id)
        self.db = db
        self.programme_id = programme_id
        self.found = current_partition(db, programme_id)
        self.recorded: list[PoolDecision] = []

    def known(self, *item_ids: int) -> None:
        for item_id in item_ids:
            if item_id not in self.found.group:
                raise NotFound(
                    N_("No item %(item_id)s in this programme's brainstorms."), item_id=item_id
                )
        if len({self.found.key[i] for i in item_ids}) > 1:
            raise Invalid(N_("Only items of the same scenario and column can be pooled."))

    def apart(self, lead_id: int, member_ids: Sequence[int]) -> None:
        """The lead and each member are in different entries, and are named once."""
        if not member_ids:
            raise Invalid(N_("Name at least one member besides the lead."))
        if len({lead_id, *member_ids}) != len(member_ids) + 1:
            raise Invalid(N_("Name each item once."))
        self.known(lead_id, *member_ids)
        entry = self.found.entry(lead_id)
        for member in member_ids:
            if member in entry:
                raise Conflict(N_("Item %(item_id)s is already in the same entry."), item_id=member)

    def record(
        self, action: str, item_id: int, others: Sequence[int] = (), side: str | None = None
    ) -> None:
        row = PoolDecision(
            programme_id=self.programme_id,
            action=action,
            item_id=item_id,
            other_ids=list(others),
            side=side,
            decided_by=DECIDED_BY,
        )
        self.db.add(row)
        self.db.flush()
        self.recorded.append(row)
        self.found.apply(Decision(int(row.id or 0), action, item_id, tuple(others), side))

    def done(self) -> PoolDecisions:
        return PoolDecisions(decisions=[decision_view(row) for row in self.recorded])


def decision_view(row: PoolDecision) -> PoolDecisionView:
    return PoolDecisionView.model_validate(
        {
            "id": row.id,
            "action": row.action,
            "item_id": row.item_id,
            "other_ids": row.other_ids,
            "side": row.side,
            "decided_by": row.decided_by,
            "decided_at": row.decided_at.isoformat(),
        }
    )


def accept_pools(
    db: Db, *, actor: Organiser, programme_id: int, pools: Sequence[tuple[int, Sequence[int]]]
) -> PoolDecisions:
    """Join each (lead, members) into one entry: a suggested pool accepted, or a page of them,
    all or none. The lead wording stays the votes' unless the organiser chooses one."""
    if not pools:
        raise Invalid(N_("Send at least one proposal."))
    if len(pools) > MAX_PAGE:
        raise Invalid(N_("Accept at most %(max)s proposals at once."), max=MAX_PAGE)
    curating = Curating(db, programme_id)
    for lead_id, member_ids in pools:
        curating.apart(lead_id, member_ids)
        curating.record("accept", lead_id, member_ids)
    return curating.done()


def reject_pool(
    db: Db, *, actor: Organiser, programme_id: int, lead_id: int, member_ids: Sequence[int]
) -> PoolDecisions:
    """Not the same point: the members stand alone, and this pool is not suggested again."""
    curating = Curating(db, programme_id)
    curating.apart(lead_id, member_ids)
    if all(m in curating.found.rejected.get(lead_id, set()) for m in member_ids):
        raise Conflict(N_("This proposal was rejected already."))
    curating.record("reject", lead_id, member_ids)
    return curating.done()


def undo_rejection(
    db: Db, *, actor: Organiser, programme_id: int, decision_id: int
) -> PoolDecisions:
    """Take back a rejected suggestion: its items may be suggested together again (it returns
    to the suggestions to review). Stored as a decision of its own ("unreject"), with who and
    when; the rejection stays in the log."""
    curating = Curating(db, programme_id)
    row = db.get(PoolDecision, decision_id) if 0 < decision_id <= MAX_INTEGER else None
    if row is None or row.programme_id != programme_id or row.action != "reject":
        raise NotFound(
            N_("No rejected suggestion %(decision_id)s in this programme."),
            decision_id=decision_id,
        )
    if decision_id not in curating.found.rejections:
        raise Conflict(N_("This rejection is no longer in force: undone, or its items are gone."))
    curating.record("unreject", row.item_id, row.other_ids)
    return curating.done()


def split_item(db: Db, *, actor: Organiser, programme_id: int, item_id: int) -> PoolDecisions:
    """Take an item out of its entry (it stands alone, and is not suggested with it again)."""
    curating = Curating(db, programme_id)
    curating.known(item_id)
    if len(curating.found.entry(item_id)) < 2:
        raise Conflict(N_("Item %(item_id)s stands alone already."), item_id=item_id)
    curating.record("split", item_id)
    return curating.done()


def merge_entries(
    db: Db, *, actor: Organiser, programme_id: int, item_id: int, other_id: int
) -> PoolDecisions:
    """Join the two entries holding these items into one, by hand."""
    curating = Curating(db, programme_id)
    curating.apart(item_id, [other_id])
    curating.record("merge", item_id, [other_id])
    return curating.done()


def attach_item(
    db: Db, *, actor: Organiser, programme_id: int, item_id: int, entry_id: int
) -> PoolDecisions:
    """Move one item (out of its entry, if it was pooled) into the entry holding `entry_id`."""
    curating = Curating(db, programme_id)
    curating.apart(entry_id, [item_id])
    curating.record("attach", item_id, [entry_id])
    return curating.done()


def choose_lead(db: Db, *, actor: Organiser, programme_id: int, item_id: int) -> PoolDecisions:
    """Print the entry under this item's wording."""
    curating = Curating(db, programme_id)
    curating.known(item_id)
    entry = curating.found.entry(item_id)
    if len(entry) < 2:
        raise Conflict(N_("Item %(item_id)s stands alone: it leads its entry."), item_id=item_id)
    if curating.found.chosen_lead(entry) == item_id:
        raise Conflict(N_("Item %(item_id)s leads its entry already."), item_id=item_id)
    curating.record("lead", item_id)
    return curating.done()


def place_entry(
    db: Db, *, actor: Organiser, programme_id: int, item_id: int, side: Side | None
) -> PoolDecisions:
    """Put the entry holding this item among the most important or the others; None: as the
    votes (and support) decide."""
    if side is not None and side not in SIDES:
        raise Invalid(N_("Choose important, other or null."))
    curating = Curating(db, programme_id)
    curating.known(item_id)
    curating.record("side", item_id, side=side)
    return curating.done()

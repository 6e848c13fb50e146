"""What the organiser curates a programme's report from: its entries (as the report pools
them now) and the suggested pools not yet reviewed, per scenario and column, best first. Built
once per state of the programme (the app keeps it), then paged and filtered cheaply: at
national size (50 sessions x 200 items) the lists run to thousands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select as select_columns
from sqlmodel import col, select

from ..models import Item, PoolDecision
from ..shapes import (
    EntryItem,
    EntryPage,
    PoolMember,
    PoolProposal,
    ProgrammeEntry,
    ProposalPage,
    RejectedItem,
    RejectedPage,
    RejectedPool,
)
from ..store.db import Db
from ..tally import DEFAULT_THRESHOLD
from .data import SessionData, joined_sessions, read_session
from .decisions import current_partition
from .gc_pause import collector_paused
from .items import ColumnKey, ReportEntry
from .pooling import Partition, Proposal, pooled_column, propose

PAGE = 20
MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class CurationView:
    """Every entry and every unreviewed proposal of a programme, in their one order, and the
    rejected suggestions (the latest first)."""

    entries: list[ProgrammeEntry]
    proposals: list[PoolProposal]
    rejected: list[RejectedPool]


def curation_view(db: Db, programme_id: int, threshold: int = DEFAULT_THRESHOLD) -> CurationView:
    """The programme's entries per scenario and column in report order, and its proposals
    sorted by score (best first), then by scenario, column and lead."""
    with collector_paused():
        datas = [read_session(db, s) for s in joined_sessions(db, programme_id)]
        found = current_partition(db, programme_id)
        entries: list[ProgrammeEntry] = []
        proposals: list[tuple[float, int, PoolProposal]] = []
        for key in _column_keys(datas):
            pooled, _ = pooled_column(datas, key, found, threshold)
            entries += [_entry(key, e, datas) for e in pooled]
            for proposal in propose(key, pooled, found):
                shape = _proposal(proposal, datas)
                proposals.append((-proposal.score, len(proposals), shape))
        rejected = _rejected(db, found, datas)
    ordered = [p for *_, p in sorted(proposals, key=lambda p: p[:2])]
    return CurationView(entries, ordered, rejected)


def _rejected(db: Db, found: Partition, datas: list[SessionData]) -> list[RejectedPool]:
    """The rejections in force, the latest first, with their items' words and sessions (an
    item deleted since is left out of its list)."""
    if not found.rejections:
        return []
    ids = {i for lead, members in found.rejections.values() for i in (lead, *members)}
    labels = {d.session.id: d.label for d in datas}
    query = select_columns(col(Item.id), col(Item.text), col(Item.session_id))
    said = {
        i: RejectedItem(item_id=i, text=text, session=labels.get(session, ""))
        for i, text, session in db.execute(query.where(col(Item.id).in_(ids))).all()
    }
    rows = db.scalars(
        select(PoolDecision)
        .where(col(PoolDecision.id).in_(list(found.rejections)))
        .order_by(col(PoolDecision.id).desc())
    )
    return [
        RejectedPool(
            decision_id=int(row.id or 0),
            scenario=found.key[row.item_id][0],
            category=found.key[row.item_id][1],
            lead=said[row.item_id],
            members=[said[m] for m in row.other_ids if m in said],
            decided_by=row.decided_by,
            decided_at=row.decided_at.isoformat(),
        )
        for row in rows
        if row.item_id in said
    ]


def _column_keys(datas: list[SessionData]) -> list[ColumnKey]:
    """Every (scenario, column) in the programme's order."""
    files = datas[0].content.scenarios_file
    return [(s.key, c.key) for s in files.scenarios for c in files.categories]


def _sessions(entry: ReportEntry, datas: list[SessionData]) -> list[str]:
    parts = entry.parts or [entry]
    return [datas[n].label for n in sorted({p.session for p in parts})]


def _member(entry: ReportEntry, datas: list[SessionData], score: float | None) -> PoolMember:
    return PoolMember(
        entry_id=entry.id, text=entry.text, sessions=_sessions(entry, datas), score=score
    )


def _proposal(proposal: Proposal, datas: list[SessionData]) -> PoolProposal:
    scenario, category = proposal.key
    return PoolProposal(
        scenario=scenario,
        category=category,
        lead=_member(proposal.lead, datas, None),
        members=[_member(e, datas, score) for e, score in proposal.members],
        score=proposal.score,
    )


def _entry(key: ColumnKey, entry: ReportEntry, datas: list[SessionData]) -> ProgrammeEntry:
    return ProgrammeEntry(
        id=entry.id,
        scenario=key[0],
        category=key[1],
        theme=entry.theme,
        text=entry.text,
        important=entry.important,
        side=entry.side,
        lead_chosen=entry.lead_chosen,
        support=entry.support,
        sessions=entry.sessions,
        items=[
            EntryItem(
                item_id=p.id,
                text=p.text,
                session=datas[p.session].label,
                mentions=p.mentions,
                metoo=p.metoo,
                voted=p.voted,
            )
            for p in entry.parts or [entry]
        ],
    )


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


Listed = TypeVar("Listed", PoolProposal, RejectedPool, ProgrammeEntry)


def _in_column(rows: list[Listed], scenario: str | None, category: str | None) -> list[Listed]:
    """The rows of this scenario and column (None: any)."""
    return [r for r in rows if scenario in (None, r.scenario) and category in (None, r.category)]


def proposal_page(
    view: CurationView,
    *,
    scenario: str | None = None,
    category: str | None = None,
    offset: int = 0,
    limit: int = PAGE,
) -> ProposalPage:
    """One page of the proposals, filtered by scenario and column, best first."""
    chosen = _in_column(view.proposals, scenario, category)
    offset, limit = max(0, offset), _limit(limit)
    return ProposalPage(
        total=len(chosen), offset=offset, limit=limit, proposals=chosen[offset : offset + limit]
    )


def rejected_page(
    view: CurationView, *, scenario: str | None = None, category: str | None = None, offset: int = 0
) -> RejectedPage:
    """One page of the rejected suggestions, filtered by scenario and column, latest first."""
    chosen = _in_column(view.rejected, scenario, category)
    offset = max(0, offset)
    return RejectedPage(
        total=len(chosen), offset=offset, limit=PAGE, rejected=chosen[offset : offset + PAGE]
    )


def entry_page(
    view: CurationView,
    *,
    scenario: str | None = None,
    category: str | None = None,
    pooled: bool = False,
    offset: int = 0,
    limit: int = PAGE,
) -> EntryPage:
    """One page of the entries, filtered by scenario and column (and, `pooled`, to those of
    more than one item), in report order."""
    chosen = [
        e for e in _in_column(view.entries, scenario, category) if not pooled or len(e.items) > 1
    ]
    offset, limit = max(0, offset), _limit(limit)
    return EntryPage(
        total=len(chosen), offset=offset, limit=limit, entries=chosen[offset : offset + limit]
    )

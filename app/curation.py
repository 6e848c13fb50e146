"""The organiser's curation of a programme's report (JSON API, organiser only): the suggested
pools and the entries, paged and filtered, and one route per pooling decision. The programme
report joins contributions of different sessions only where people confirmed it; these routes
are how the organiser confirms (docs/reports.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from session_engine.actors import ORGANISER
from session_engine.content import Category, Content, Scenario
from session_engine.errors import N_, NotFound
from session_engine.models import Programme
from session_engine.programmes import programme_content
from session_engine.reports.curating import (
    MAX_LIMIT,
    PAGE,
    CurationView,
    curation_view,
    entry_page,
    proposal_page,
    rejected_page,
)
from session_engine.reports.decisions import (
    accept_pools,
    attach_item,
    choose_lead,
    merge_entries,
    place_entry,
    reject_pool,
    split_item,
    undo_rejection,
)
from session_engine.reports.report import report_state
from session_engine.shapes import EntryPage, PoolDecisions, ProposalPage, RejectedPage
from session_engine.store.database import Database
from session_engine.store.db import storable_id

from .auth import DatabaseDep, OrganiserDep
from .report_ahead import programme_changed
from .reports import Memo
from .schemas import (
    REFUSALS,
    AttachRequest,
    EntryRequest,
    LeadRequest,
    MergeRequest,
    PoolPageRequest,
    PoolRequest,
    SideRequest,
)

router = APIRouter(
    prefix="/api/programmes/{programme_id}",
    tags=["curation"],
    responses=REFUSALS,
    dependencies=[Depends(programme_changed)],  # a decision: the programme's PDF is due
)
# A programme's entries and suggestions by its state: paging through them builds them once.
# A decision or any change to a session changes the state, so nothing stale is served.
VIEWS: Memo[CurationView] = Memo(capacity=4)
Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


async def programme_view(database: Database, programme_id: int, threshold: int) -> CurationView:
    """The programme's entries and suggestions now (remembered per state)."""
    if not storable_id(programme_id):
        raise NotFound(N_("No programme with id %(programme_id)s."), programme_id=programme_id)
    state = await database.read(report_state, programme_id=programme_id)
    return await VIEWS.get(
        ("curation", programme_id, threshold, state),
        lambda: database.read(curation_view, programme_id, threshold),
    )


async def _decide(
    database: Database, command: Callable[..., PoolDecisions], programme_id: int, **fields: Any
) -> PoolDecisions:
    """One decision: the engine command, as the organiser, in one transaction."""
    return await database.write(command, actor=ORGANISER, programme_id=programme_id, **fields)


@dataclass(frozen=True, slots=True)
class CurationSection:
    """What the organiser page's curation section shows: one page of the unreviewed
    suggestions and one of the entries, for the scenario and column chosen."""

    scenarios: list[Scenario]
    categories: list[Category]
    where: dict[tuple[str, str], str]  # (scenario, column) -> "Afstemming · Voordelen"
    chosen: dict[str, str]  # the filter as the form shows it: scenario, category, all
    pools: ProposalPage
    entries: EntryPage
    rejected: RejectedPage
    page: dict[str, int]  # the page of each list


def _page_number(request: Request, name: str) -> int:
    value = request.query_params.get(name, "")
    return int(value) if value.isdigit() and len(value) < 6 else 0


def _chosen(request: Request, content: Content) -> tuple[str | None, str | None, bool]:
    """The filter of the page's query (scenario, category, all); unknown keys are ignored."""
    scenario = request.query_params.get("scenario") or ""
    category = request.query_params.get("category") or ""
    known = {c.key for c in content.scenarios_file.categories}
    every = request.query_params.get("all") == "1"
    return (
        scenario if content.scenario(scenario) else None,
        category if category in known else None,
        every,
    )


async def curation_section(
    request: Request, database: Database, programme: Programme
) -> CurationSection | None:
    """The organiser page's curation section (query: scenario, category, all, pools, entries);
    None while no session of the programme has participants."""
    assert programme.id is not None
    try:
        view = await programme_view(database, programme.id, _threshold(request))
    except NotFound:
        return None
    content = programme_content(programme)
    files = content.scenarios_file
    scenario, category, every = _chosen(request, content)
    page = {name: _page_number(request, name) for name in ("pools", "entries", "rejected")}
    return CurationSection(
        scenarios=files.scenarios,
        categories=files.categories,
        where={
            (s.key, k.key): f"{s.short_title} · {k.label}"
            for s in files.scenarios
            for k in files.categories
        },
        chosen={
            "scenario": scenario or "",
            "category": category or "",
            "all": "1" if every else "",
        },
        pools=proposal_page(
            view, scenario=scenario, category=category, offset=page["pools"] * PAGE
        ),
        entries=entry_page(
            view,
            scenario=scenario,
            category=category,
            pooled=not every,
            offset=page["entries"] * PAGE,
        ),
        rejected=rejected_page(
            view, scenario=scenario, category=category, offset=page["rejected"] * PAGE
        ),
        page=page,
    )


def _threshold(request: Request) -> int:
    return int(request.app.state.settings.segment_threshold)


@router.get("/pools", response_model=ProposalPage)
async def pools_route(
    programme_id: int,
    request: Request,
    database: DatabaseDep,
    _: OrganiserDep,
    scenario: str | None = None,
    category: str | None = None,
    offset: Offset = 0,
    limit: Limit = PAGE,
) -> ProposalPage:
    """Suggested pools not yet reviewed, best first, filterable by scenario and column. Each
    is a lead entry and members each close to it, from other sessions. Not in the report
    until accepted."""
    view = await programme_view(database, programme_id, _threshold(request))
    return proposal_page(view, scenario=scenario, category=category, offset=offset, limit=limit)


@router.get("/entries", response_model=EntryPage)
async def entries_route(
    programme_id: int,
    request: Request,
    database: DatabaseDep,
    _: OrganiserDep,
    scenario: str | None = None,
    category: str | None = None,
    pooled: bool = False,
    offset: Offset = 0,
    limit: Limit = PAGE,
) -> EntryPage:
    """The programme report's entries in report order, with their items and sessions
    (`pooled=true`: only those of more than one item)."""
    view = await programme_view(database, programme_id, _threshold(request))
    return entry_page(
        view, scenario=scenario, category=category, pooled=pooled, offset=offset, limit=limit
    )


@router.get("/pools/rejected", response_model=RejectedPage)
async def rejected_route(
    programme_id: int,
    request: Request,
    database: DatabaseDep,
    _: OrganiserDep,
    scenario: str | None = None,
    category: str | None = None,
    offset: Offset = 0,
) -> RejectedPage:
    """The suggestions the organiser kept apart, the latest first, 20 a page, with who
    decided when; filter by scenario and column (organiser)."""
    view = await programme_view(database, programme_id, _threshold(request))
    return rejected_page(view, scenario=scenario, category=category, offset=offset)


@router.delete("/pools/rejected/{decision_id}", response_model=PoolDecisions)
async def undo_rejection_route(
    programme_id: int, decision_id: int, database: DatabaseDep, _: OrganiserDep
) -> PoolDecisions:
    """Undo a rejection: the suggestion may be proposed again and returns to the suggestions
    to review (if it is still suggested). Recorded as an "unreject" decision (organiser)."""
    return await _decide(database, undo_rejection, programme_id, decision_id=decision_id)


@router.post("/pools/accept", response_model=PoolDecisions)
async def accept_route(
    programme_id: int, body: PoolRequest, database: DatabaseDep, _: OrganiserDep
) -> PoolDecisions:
    """Accept a suggested pool: the lead and members become one entry of the report."""
    pools = [(body.lead_id, body.member_ids)]
    return await _decide(database, accept_pools, programme_id, pools=pools)


@router.post("/pools/accept-page", response_model=PoolDecisions)
async def accept_page_route(
    programme_id: int, body: PoolPageRequest, database: DatabaseDep, _: OrganiserDep
) -> PoolDecisions:
    """Accept several suggested pools at once (a page of them): all, or none if one fails."""
    pools = [(p.lead_id, p.member_ids) for p in body.pools]
    return await _decide(database, accept_pools, programme_id, pools=pools)


@router.post("/pools/reject", response_model=PoolDecisions)
async def reject_route(
    programme_id: int, body: PoolRequest, database: DatabaseDep, _: OrganiserDep
) -> PoolDecisions:
    """Reject a suggested pool: its entries stay apart and it is not suggested again."""
    return await _decide(
        database, reject_pool, programme_id, lead_id=body.lead_id, member_ids=body.member_ids
    )


@router.post("/entries/split", response_model=PoolDecisions)
async def split_route(
    programme_id: int, body: EntryRequest, database: DatabaseDep, _: OrganiserDep
) -> PoolDecisions:
    """Take one item out of its entry: it stands alone in the report."""
    return await _decide(database, split_item, programme_id, item_id=body.item_id)


@router.post("/entries/merge", response_model=PoolDecisions)
async def merge_route(
    programme_id: int, body: MergeRequest, database: DatabaseDep, _: OrganiserDep
) -> PoolDecisions:
    """Join the two entries holding these items into one, by hand."""
    return await _decide(
        database, merge_entries, programme_id, item_id=body.item_id, other_id=body.other_id
    )


@router.post("/entries/attach", response_model=PoolDecisions)
async def attach_route(
    programme_id: int, body: AttachRequest, database: DatabaseDep, _: OrganiserDep
) -> PoolDecisions:
    """Move one item into an existing entry (the one holding `entry_id`)."""
    return await _decide(
        database, attach_item, programme_id, item_id=body.item_id, entry_id=body.entry_id
    )


@router.post("/entries/lead", response_model=PoolDecisions)
async def lead_route(
    programme_id: int, body: LeadRequest, database: DatabaseDep, _: OrganiserDep
) -> PoolDecisions:
    """Print the entry holding this item under this item's wording."""
    return await _decide(database, choose_lead, programme_id, item_id=body.item_id)


@router.post("/entries/side", response_model=PoolDecisions)
async def side_route(
    programme_id: int, body: SideRequest, database: DatabaseDep, _: OrganiserDep
) -> PoolDecisions:
    """Put the entry among the most important or the others (null: as the votes decide)."""
    return await _decide(database, place_entry, programme_id, item_id=body.item_id, side=body.side)

"""JSON API for the evaluation steps: configure, vote, reveal, results, glossary."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from session_engine import votes
from session_engine.payloads import DefinitionPublic, ResultsRevealed
from session_engine.shapes import BallotAnswer, StepResults, VoteOptions
from session_engine.takeback import withdraw_ballot
from session_engine.views import visible_results, vote_options
from session_engine.vote_start import start_importance_vote

from .api import step_public
from .auth import ActorDep, DatabaseDep
from .clock import NowDep
from .schemas import (
    REFUSALS,
    BallotCounted,
    BallotIn,
    DefinitionIn,
    Flag,
    ImportanceVote,
    StepConfig,
    StepPublic,
)
from .templating import asked_language, gettext

router = APIRouter(
    prefix="/api/sessions/{session_id}/steps/{step_id}", tags=["voting"], responses=REFUSALS
)


@router.put("/config", response_model=StepPublic)
async def configure_route(
    step_id: int, body: StepConfig, actor: ActorDep, database: DatabaseDep
) -> Any:
    """Set how a vote, statements, glossary or preference step works (facilitator)."""
    step = await database.write(
        votes.configure_step, actor=actor, step_id=step_id, config=body.config
    )
    return step_public(step)


@router.post("/importance-vote", response_model=StepPublic)
async def importance_vote_route(
    step_id: int,
    actor: ActorDep,
    database: DatabaseDep,
    request: Request,
    body: ImportanceVote | None = None,
) -> Any:
    """From a brainstorm or converge step: its scenario's importance vote over all columns,
    configured and on every screen in one go (facilitator). The scenario's unused vote step
    later in the agenda is reused, else one is added right after this step."""
    step = await database.write(
        start_importance_vote,
        actor=actor,
        step_id=step_id,
        k=body.k if body else None,
        language=asked_language(request),
        translate=gettext,
    )
    return step_public(step)


@router.put("/ballot", response_model=BallotCounted)
async def ballot_route(
    step_id: int, body: BallotIn, actor: ActorDep, database: DatabaseDep, now: NowDep
) -> BallotCounted:
    """Vote, or change your vote while the step is open (participant). An importance vote or
    preference replaces your whole ballot; statements and terms replace the ones you send."""
    answers = [votes.Answer(**a.model_dump()) for a in body.answers]
    voters = await database.write(
        votes.cast_ballot, actor=actor, step_id=step_id, answers=answers, now=now
    )
    return BallotCounted(voters=voters)


@router.delete("/ballot", response_model=BallotCounted)
async def withdraw_ballot_route(
    step_id: int, actor: ActorDep, database: DatabaseDep
) -> BallotCounted:
    """Withdraw your whole ballot while the step is open (participant); answers how many
    voters are left."""
    voters = await database.write(withdraw_ballot, actor=actor, step_id=step_id)
    return BallotCounted(voters=voters)


@router.get("/ballot", response_model=list[BallotAnswer])
async def own_ballot_route(
    step_id: int, actor: ActorDep, database: DatabaseDep
) -> list[BallotAnswer]:
    """Your own answers in this step (participant)."""
    own = await database.read(votes.own_answers, actor=actor, step_id=step_id)
    return [
        BallotAnswer(subject=b.subject, value=b.value, choice=b.choice, argument=b.argument)
        for b in own
    ]


@router.put("/revealed", response_model=ResultsRevealed)
async def reveal_route(
    step_id: int, body: Flag, actor: ActorDep, database: DatabaseDep
) -> ResultsRevealed:
    """Show (true) or hide (false) the results on the projector and participants' screens."""
    step = await database.write(
        votes.reveal_results, actor=actor, step_id=step_id, revealed=body.value
    )
    assert step.id is not None
    return ResultsRevealed(step_id=step.id, revealed=step.revealed)


@router.post("/definitions", status_code=201, response_model=DefinitionPublic)
async def definition_route(
    step_id: int, body: DefinitionIn, actor: ActorDep, database: DatabaseDep, now: NowDep
) -> DefinitionPublic:
    """Propose a definition of a glossary term (participant; anonymous)."""
    found = await database.write(
        votes.propose_definition,
        actor=actor,
        step_id=step_id,
        term=body.term,
        text=body.text,
        now=now,
    )
    assert found.id is not None
    return DefinitionPublic(id=found.id, step_id=found.step_id, term=found.term, text=found.text)


@router.get("/results", response_model=StepResults)
async def results_route(
    step_id: int, request: Request, actor: ActorDep, database: DatabaseDep
) -> StepResults:
    """Counts, distributions, mean and spread, per segment, with consensus and divergence
    flags (docs/results.md). The facilitator always; others once revealed."""
    threshold = request.app.state.settings.segment_threshold
    return await database.read(visible_results, actor=actor, step_id=step_id, threshold=threshold)


@router.get("/options", response_model=VoteOptions)
async def options_route(step_id: int, actor: ActorDep, database: DatabaseDep) -> VoteOptions:
    """What this step asks: its configuration and the subjects one can vote on."""
    options = await database.read(vote_options, actor.session_id, step_id)
    return VoteOptions.model_validate(options)

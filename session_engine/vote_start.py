"""Starting an importance vote from a scenario's brainstorm or converge: the facilitator's
"vote on the most important points". One command finds the scenario's next vote step (or
adds one right after the step), sets it to all the scenario's columns and puts it on the
screens, in one transaction: a room never sees a half-configured vote."""

from __future__ import annotations

from sqlmodel import col, select

from .actors import Actor, require_facilitator
from .agenda import activate_step, add_step
from .errors import N_, Invalid
from .models import Ballot, Step
from .programmes import get_programme, programme_content
from .sessions import VOTE_TITLE, Translate, agenda, get_session, get_step, untranslated
from .store.db import Db
from .votes import configure_step, reveal_results, step_config


def start_importance_vote(
    db: Db,
    *,
    actor: Actor,
    step_id: int,
    k: int | None = None,
    language: str | None = None,
    translate: Translate = untranslated,
) -> Step:
    """From brainstorm or converge step `step_id`: the scenario's importance vote over all
    its columns (k per column, when given), on every screen. An unused vote step of the
    scenario later in the agenda is reused; else a new one goes right after `step_id`."""
    require_facilitator(actor)
    source = get_step(db, actor.session_id, step_id)
    if source.type not in ("brainstorm", "converge") or source.scenario_key is None:
        raise Invalid(N_("A vote on the most important points starts from a brainstorm."))
    vote = _unused_vote(db, source) or _new_vote(db, actor, source, language, translate)
    assert vote.id is not None
    config = step_config(db, vote)
    session = get_session(db, actor.session_id)
    content = programme_content(get_programme(db, session.programme_id))
    columns = [c.key for c in content.scenarios_file.categories]
    config.update(categories=columns, category=columns[0], k=config["k"] if k is None else k)
    configure_step(db, actor=actor, step_id=vote.id, config=config)
    if vote.revealed:  # a reused step shown before (its ballots since withdrawn): hidden again
        reveal_results(db, actor=actor, step_id=vote.id, revealed=False)
    return activate_step(db, actor=actor, step_id=vote.id)


def _unused_vote(db: Db, source: Step) -> Step | None:
    """The scenario's first vote step after `source` that is not skipped and has no ballots."""
    for step in agenda(db, source.session_id):
        later = step.position > source.position and not step.skipped
        if later and step.type == "vote" and step.scenario_key == source.scenario_key:
            ballot = select(Ballot.id).where(col(Ballot.step_id) == step.id).limit(1)
            if db.scalars(ballot).first() is None:
                return step
    return None


def _new_vote(
    db: Db, actor: Actor, source: Step, language: str | None, translate: Translate
) -> Step:
    session = get_session(db, actor.session_id)
    content = programme_content(get_programme(db, session.programme_id))
    scenario = content.scenario(source.scenario_key)
    assert scenario is not None
    title = translate(language or session.language, VOTE_TITLE) % {"number": scenario.number}
    fields = {"type": "vote", "scenario": scenario.key, "title": title}
    return add_step(db, actor=actor, fields=fields, position=source.position + 1)

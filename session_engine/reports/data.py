"""What a report is made of, read per session: the agenda, the items per scenario and column
(importance marked), the answers to statements and the preference with the voters' profiles,
the glossary, and every ballot without its voter. Pooled by report.py for one session or a
whole programme. Participant ids are used to count voters and never leave this module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import select as select_columns
from sqlmodel import col, select

from ..anonymity import shown_groups
from ..content import Content
from ..errors import N_, NotFound, Plural
from ..models import Ballot, Definition, Participant, Session, Step
from ..online import is_online
from ..programmes import get_programme, programme_content
from ..results import _glossary as term_results
from ..sessions import agenda, get_session
from ..store.db import Db
from ..tally import rank_items
from ..votes import step_config
from .items import ColumnKey, Columns, Ranks, load_items, mark_importance
from .model import GlossaryTerm, TermDefinition, VoteRow

Translate = Callable[..., str]


class BallotRow(NamedTuple):
    """A ballot as a report reads it: the `Ballot` fields the report uses, and who cast it
    only as `votes.voter_of` gives it (to count voters)."""

    step_id: int
    voter: int
    subject: str
    value: int | None
    choice: str | None
    argument: str | None


Answers = list[tuple[BallotRow, dict[str, str]]]
GLOSSARY: ColumnKey = ("", "glossary")  # the breakdown key of a session's glossary votes


def english(message: str | Plural, **values: Any) -> str:
    """The untranslated (English) text: the engine's default when no catalogue is given."""
    if isinstance(message, Plural):
        message = message.singular if message.n == 1 else message.plural
    return message % values if values else message


@dataclass(slots=True)
class SessionData:
    """One session's raw material for a report."""

    session: Session
    content: Content
    steps: list[Step]
    columns: Columns
    bases: dict[ColumnKey, str]
    profiles: list[dict[str, str]]
    statements: Answers = field(default_factory=list)
    preference: Answers = field(default_factory=list)
    preference_voters: int = 0
    voters: int = 0  # took part in any vote step
    glossary: list[GlossaryTerm] = field(default_factory=list)
    # every ballot as a row, with the key of the counts it goes into (None: statements and
    # preference, whose subjects every session shares)
    votes: list[tuple[ColumnKey | None, VoteRow]] = field(default_factory=list)
    # per column's importance vote, and for the glossary (GLOSSARY): the fewest voters of any
    # of the session's steps behind those counts
    counted_voters: dict[ColumnKey, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        session = self.session
        if is_online(session):  # "online" in Dutch too
            return f"{session.title} (online)"
        if session.location and session.location != session.title:
            return f"{session.title} ({session.location})"
        return session.title

    def steps_of(self, type_: str) -> list[Step]:
        return [s for s in self.steps if s.type == type_]


def joined_sessions(db: Db, programme_id: int) -> list[str]:
    """The ids of a programme's sessions someone joined, oldest first. A session nobody
    joined (a demo, a cancelled meeting) adds nothing to the programme's report."""
    joined = select(Participant.id).where(col(Participant.session_id) == col(Session.id))
    ids = db.scalars(
        select(Session.id)
        .where(col(Session.programme_id) == programme_id, joined.exists())
        .order_by(col(Session.created_at), col(Session.id))
    ).all()
    if not ids:
        raise NotFound(
            N_("Programme %(programme_id)s has no sessions with participants yet."),
            programme_id=programme_id,
        )
    return list(ids)


def read_session(db: Db, session_id: str) -> SessionData:
    """Everything one session contributes to a report, in a handful of queries."""
    session = get_session(db, session_id)
    content = programme_content(get_programme(db, session.programme_id))
    steps = agenda(db, session_id)
    profiles = db.scalars(
        select(Participant.profile).where(col(Participant.session_id) == session_id)
    )
    data = SessionData(
        session, content, steps, load_items(db, session_id, steps), {}, list(profiles)
    )
    ballots = _read_votes(db, data)
    ranks = _vote_ranks(db, data, ballots)
    data.columns = {
        key: mark_importance(items, ranks.get(key)) for key, items in data.columns.items()
    }
    data.bases = {key: "vote" for key in ranks}
    return data


def _vote_ranks(
    db: Db, data: SessionData, ballots: dict[int, list[BallotRow]]
) -> dict[ColumnKey, Ranks]:
    """Per (scenario, column), the ranking of its last importance vote that got votes in that
    column: the same counting as the vote's results (tally.rank_items), on the items read in
    bulk. A vote over several columns ranks each as a vote on that column alone would."""
    ranks: dict[ColumnKey, Ranks] = {}
    for step in data.steps_of("vote"):
        if step.scenario_key is None:
            continue
        config = step_config(db, step)
        for category in config["categories"]:
            key = (step.scenario_key, category)
            item_ids = [i.id for i in data.columns.get(key, [])]
            wanted = {str(i) for i in item_ids}
            answers = [
                (int(b.subject), b.value)
                for b in ballots.get(step.id or 0, [])
                if b.subject in wanted
            ]
            if answers:
                ranked = rank_items(config["method"], answers, item_ids, config["cut"])
                ranks[key] = {
                    r.item_id: (place, r.score, r.voters, r.important)
                    for place, r in enumerate(ranked)
                }
    return ranks


def _read_votes(db: Db, data: SessionData) -> dict[int, list[BallotRow]]:
    """Collect the answers of every vote step; returns the importance votes' ballots."""
    rows = _VoteRows(data, _subject_texts(db, data))
    column_of = {str(i.id): key for key, items in data.columns.items() for i in items}
    importance: dict[int, list[BallotRow]] = {}
    voters: set[int] = set()
    steps = [s for s in data.steps if s.type in ("vote", "statements", "glossary", "preference")]
    answered = _session_answers(db, data.session.id, steps)
    for step in steps:
        if step.id is None:
            continue
        answers = answered[step.id]
        if step.type == "statements":
            data.statements.extend(answers)
        elif step.type == "preference":
            data.preference.extend(answers)
            data.preference_voters += len({b.voter for b, _ in answers})
        elif step.type == "glossary":
            data.glossary.extend(_glossary(db, data, step, answers))
        else:
            importance[step.id] = [ballot for ballot, _ in answers]
        keyed = _ballot_keys(db, step, answers, column_of)
        for key in {key for key, _ in keyed if key is not None}:
            given = len({b.voter for k, b in keyed if k == key})
            data.counted_voters[key] = min(given, data.counted_voters.get(key, given))
        data.votes.extend((key, rows.row(step, ballot)) for key, ballot in keyed)
        voters.update(b.voter for b, _ in answers)
    data.voters = len(voters)
    return importance


def _session_answers(db: Db, session_id: str, steps: list[Step]) -> dict[int, Answers]:
    """Per step, every answer with its voter's profile (never the voter), in ballot order: what
    `votes.ballots_with_profiles` gives a step, read for all of a session's steps at once as
    plain rows (ORM objects cost ten times as much: 54,000 ballots in a 50-session programme),
    each participant's profile decoded once."""
    ids = [s.id for s in steps if s.id is not None]
    found: dict[int, Answers] = {step_id: [] for step_id in ids}
    if not ids:
        return found
    profiles: dict[int | None, dict[str, str]] = dict(
        db.execute(
            select(Participant.id, Participant.profile).where(
                col(Participant.session_id) == session_id
            )
        ).all()
    )
    of_steps = col(Ballot.step_id).in_(ids)
    closed = select(Ballot.id, Ballot.segment).where(of_steps, col(Ballot.participant_id).is_(None))
    # the copy of the profile that a closed ballot keeps (closing.py)
    segments: dict[int | None, dict[str, str] | None] = dict(db.execute(closed).all())
    ballots = db.execute(
        select_columns(
            col(Ballot.id),
            col(Ballot.step_id),
            col(Ballot.participant_id),
            col(Ballot.voter),
            col(Ballot.subject),
            col(Ballot.value),
            col(Ballot.choice),
            col(Ballot.argument),
        )
        .where(of_steps)
        .order_by(col(Ballot.id))
    )
    for ballot_id, step_id, participant_id, voter, subject, value, choice, argument in ballots:
        if participant_id is not None:
            profile, voter = profiles.get(participant_id, {}), participant_id
        else:
            profile = segments.get(ballot_id) or {}
        assert voter is not None  # as votes.voter_of
        row = BallotRow(step_id, voter, subject, value, choice, argument)
        found[step_id].append((row, profile))
    return found


def _counted_key(db: Db, step: Step) -> ColumnKey | None:
    """Which per-session counts a step's ballots go into: an importance vote's column (its
    first; `_ballot_keys` puts a ballot of a vote on several columns in its item's), the
    glossary, or none of a session's own (statements and preference are pooled by subject)."""
    if step.type == "glossary":
        return GLOSSARY
    if step.type == "vote" and step.scenario_key is not None:
        return (step.scenario_key, step_config(db, step)["category"])
    return None


def _ballot_keys(
    db: Db, step: Step, answers: Answers, column_of: dict[str, ColumnKey]
) -> list[tuple[ColumnKey | None, BallotRow]]:
    """Each ballot with the key of the counts it goes into (`_counted_key`)."""
    key = _counted_key(db, step)
    if step.type == "vote" and key is not None:
        return [(column_of.get(b.subject, key), b) for b, _ in answers]
    return [(key, b) for b, _ in answers]


def _subject_texts(db: Db, data: SessionData) -> dict[str, str]:
    """What a ballot's subject or choice stands for, in words."""
    texts = {str(i.id): i.text for items in data.columns.values() for i in items}
    texts.update({s.key: s.text for s in data.content.statements_file.statements})
    texts.update({s.key: s.title for s in data.content.scenarios_file.scenarios})
    step_ids = [s.id for s in data.steps_of("glossary")]
    for definition in db.scalars(select(Definition).where(col(Definition.step_id).in_(step_ids))):
        texts[f"definition:{definition.id}"] = definition.text
    return texts


class _VoteRows:
    """A session's ballots as raw data (`VoteRow`): what was voted on and how, never by whom.
    Rows are frozen, so equal ballots share one: most of a session's ballots repeat another's
    answer (a statement's value, an item picked), and a row costs a validation."""

    def __init__(self, data: SessionData, texts: dict[str, str]) -> None:
        self.session = data.label
        self.texts = texts
        self.made: dict[tuple[Any, ...], VoteRow] = {}

    def row(self, step: Step, ballot: BallotRow) -> VoteRow:
        key = (step.id, *ballot[2:])  # what it answered: subject, value, choice, argument
        if (made := self.made.get(key)) is None:
            made = self.made[key] = self._make(step, ballot)
        return made

    def _make(self, step: Step, ballot: BallotRow) -> VoteRow:
        texts, subject, choice = self.texts, ballot.subject.removeprefix("term:"), ballot.choice
        if step.type == "glossary" and choice is not None:
            choice = texts.get(f"definition:{choice}", choice)
        elif choice is not None:
            choice = texts.get(choice, choice)
        return VoteRow(
            session=self.session,
            step=step.title,
            type=step.type,
            subject=texts.get(ballot.subject, subject) if step.type != "glossary" else subject,
            value=ballot.value,
            choice=choice,
            argument=ballot.argument,
        )


def _glossary(db: Db, data: SessionData, step: Step, answers: Answers) -> list[GlossaryTerm]:
    """The step's terms as its results count them (`results.step_results`), on its answers."""
    return [
        GlossaryTerm(
            term=term["term"],
            agreed=term["agreed"]["text"] if term["agreed"] else None,
            definitions=[
                TermDefinition(text=d["text"], votes=d["votes"]) for d in term["definitions"]
            ],
            session=data.label,
            counted=True,
        )
        for term in term_results(db, step, answers)
    ]


def counted_sessions(datas: list[SessionData], key: ColumnKey, threshold: int) -> set[int]:
    """The sessions (by index) whose own counts for `key` a report may show: the one session
    of a session's report; of a programme's, those the small-group rule shows by their voters.
    An importance vote or a glossary vote is on the session's own items or definitions, so its
    counts are always that session's: pooling them with other sessions would hide nobody."""
    if len(datas) == 1:
        return {0}
    voters = {n: d.counted_voters.get(key, 0) for n, d in enumerate(datas)}
    return set(shown_groups(voters, threshold).groups)


def votes_rows(datas: list[SessionData], threshold: int, other: str) -> list[VoteRow]:
    """All ballots in a fixed order that keeps no trace of who cast them together. Of several
    sessions, only those the small-group rule shows keep their name (and step titles); the
    ballots of the others are marked `other` together. Importance and glossary ballots are
    left out for the sessions whose counts the report does not show (`counted_sessions`):
    their subjects and choices are the session's own texts, so no name hides them."""

    named = shown_groups({n: d.voters for n, d in enumerate(datas)}, threshold).groups
    keys = {key for data in datas for key, _ in data.votes if key is not None}
    counted = {key: counted_sessions(datas, key, threshold) for key in keys}
    rows = [
        row
        if len(datas) == 1 or n in named
        else row.model_copy(update={"session": other, "step": ""})
        for n, data in enumerate(datas)
        for key, row in data.votes
        if key is None or n in counted[key]
    ]
    orders: dict[int, tuple[str, ...]] = {}  # by row: equal ballots share one (`_VoteRows`)

    def order(row: VoteRow) -> tuple[str, ...]:
        if (found := orders.get(id(row))) is None:
            found = orders[id(row)] = row.order()
        return found

    return sorted(rows, key=order)

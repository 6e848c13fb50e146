"""The report of one session, or of a whole programme, as one typed `Report` (model.py) in the
session's language: what every export format (web page, Markdown, DOCX, PDF, XLSX, CSV, JSON)
prints. Built from the data alone, in a fixed order, so the same data always gives the same report.

Anonymity: no participant id, token or client id is in it, and nothing ties an item, vote or
comment to a person; every breakdown (per segment, table or session) shows only the groups
the small-group rule of anonymity.py allows, so no small group can be read or subtracted out.
Breakdowns by profile (per segment, the participants per group, the raw profiles) count only
closed sessions, whose participants are final, each session over its steps by the rule across
levels (anonymity.fold_levels): no report taken before and after a late joiner, nor one level
taken from another, gives a small group away (docs/results.md, "Across reports")."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from typing import Any, Literal

from sqlmodel import col, select

from ..anonymity import OTHER, UNKNOWN, fold, fold_levels, generalise, shown_groups, text_order
from ..content import Category, Content
from ..errors import N_, ngettext
from ..models import Session
from ..programmes import get_programme
from ..results import Segments, _preference, _statements, answer_of
from ..sessions import get_session, session_date
from ..shapes import (
    DistributionView,
    ItemsColumn,
    ReportColumn,
    ReportItem,
    ReportScenario,
    ReportTextsView,
    ThemedColumn,
    ThemeGroup,
)
from ..store.db import Db
from ..tally import DEFAULT_THRESHOLD, distribution, segment_of
from .data import (
    GLOSSARY,
    Answers,
    SessionData,
    Translate,
    counted_sessions,
    english,
    joined_sessions,
    read_session,
    votes_rows,
)
from .decisions import current_partition, decisions_state
from .gc_pause import collector_paused
from .items import ReportEntry, public_item
from .model import (
    CompositionField,
    CompositionGroup,
    CountedText,
    GlossaryTerm,
    Labels,
    Participants,
    ProgrammeSummary,
    Report,
    ReportPreference,
    ReportStatement,
    SessionDistribution,
    SessionSummary,
    SessionVotes,
    TermDefinition,
)
from .points import key_points
from .pooling import Partition, pooled_column
from .stored import purged_programme_report, purged_session_report
from .texts import programme_texts, report_texts


def to_json(report: Report) -> bytes:
    """The report as `report.json` writes it (docs/reports.md): every part's fields in declared
    order, so the bytes match the schema's field order."""
    data = report.model_dump(by_alias=True)
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _english(language: str) -> Translate:
    return english


def session_report(
    db: Db,
    session_id: str,
    *,
    translator: Callable[[str], Translate] = _english,
    threshold: int = DEFAULT_THRESHOLD,
    with_ids: bool = False,
) -> Report:
    """The report of one session, in its language (`translator` gives the catalogue); once
    retention deleted its contributions, the report stored then. `with_ids`: each item
    carries the ids of the items it holds (the published report's data, for receipts)."""
    if (stored := purged_session_report(db, get_session(db, session_id))) is not None:
        return stored
    with collector_paused():
        data = read_session(db, session_id)
        texts = report_texts(data.session, data.content)
        t = translator(data.session.language)
        return _report(
            "session", data.session.title, [data], texts, t, threshold, with_ids=with_ids
        )


def programme_report(
    db: Db,
    programme_id: int,
    *,
    translator: Callable[[str], Translate] = _english,
    threshold: int = DEFAULT_THRESHOLD,
) -> Report:
    """The report of every session of a programme together, items pooled where people
    confirmed it (pooling.py: the same words, or the organiser's decisions), ballots pooled.
    A session nobody joined (a demo, a cancelled meeting) adds nothing and is left out."""
    programme = get_programme(db, programme_id)
    if (stored := purged_programme_report(db, programme_id)) is not None:
        return stored
    ids = joined_sessions(db, programme_id)
    with collector_paused():
        datas = [read_session(db, session_id) for session_id in ids]
        found = current_partition(db, programme_id)
        texts = programme_texts(programme)
        title = texts.pop("title")
        t = translator(programme.language)
        return _report("programme", title, datas, texts, t, threshold, found)


def report_state(
    db: Db, *, session_id: str | None = None, programme_id: int | None = None
) -> tuple[Any, ...]:
    """What a report depends on, cheaply: each session's last seq (every change, report
    texts included, is an event), the programme's content, its report texts (edited
    without an event) and (a programme's report) the organiser's pooling decisions. Equal
    states, equal reports."""
    query = select(Session.id, Session.last_seq, Session.programme_id, Session.purged_at)
    if session_id is not None:
        query = query.where(col(Session.id) == session_id)
    else:
        query = query.where(col(Session.programme_id) == programme_id)
    rows = sorted((str(a), int(b), int(c), str(d)) for a, b, c, d in db.execute(query).all())
    programmes = {row[2] for row in rows}
    contents = [
        get_programme(db, p).content_hash
        or hashlib.sha256(
            json.dumps(get_programme(db, p).content, sort_keys=True).encode()
        ).hexdigest()
        for p in sorted(programmes)
    ]
    texts = [json.dumps(get_programme(db, p).report_texts, sort_keys=True) for p in programmes]
    decided = decisions_state(db, programme_id) if programme_id is not None else None
    return (tuple(rows), tuple(contents), tuple(sorted(texts)), decided)


def _report(
    kind: Literal["session", "programme"],
    title: str,
    datas: list[SessionData],
    texts: dict[str, str],
    t: Translate,
    threshold: int,
    found: Partition | None = None,
    *,
    with_ids: bool = False,
) -> Report:
    """`found`: a programme's entries (pooling.py); None for a session's report."""
    content = datas[0].content
    scenarios = [
        _scenario(content, key, datas, t, threshold, found, with_ids=with_ids)
        for key in _scenario_order(content, datas)
    ]
    statements = _statement_section(content, datas, t, threshold)
    preference = _preference_section(content, datas, t, threshold)
    impression = _what_follows(datas, t)
    return Report(
        kind=kind,
        language=datas[0].session.language,
        title=title,
        programme=_programme_summary(content),
        sessions=[_session_summary(d, datas[0].session.language) for d in datas],
        texts=ReportTextsView(**{**texts, "impression": texts["impression"] or impression}),
        principles=list(content.programme.principles),
        labels=_labels(content, t),
        participants=_participants(content, datas, t, threshold),
        scenarios=scenarios,
        statements=statements,
        glossary=_glossary_section(datas, t, threshold),
        preference=preference,
        key_points=key_points(content, scenarios, statements, preference, t),
        notes=[note for s in scenarios for note in s.notes] + _statement_notes(datas, t),
        votes=votes_rows(datas, threshold, t(N_("Other sessions"))),
        profiles=_profiles(content, datas, t, threshold),
    )


def _what_follows(datas: list[SessionData], t: Translate) -> str:
    """The general impression until someone writes one: the seed's closing sentence of it."""
    if len(datas) == 1:
        return t(N_("What follows is what was discussed at the tables, per scenario."))
    return t(
        N_("What follows is what was discussed at the tables in the %(n)s sessions, per scenario."),
        n=len(datas),
    )


def _programme_summary(content: Content) -> ProgrammeSummary:
    programme = content.programme
    return ProgrammeSummary(
        key=programme.key,
        title=programme.title,
        organiser=programme.organiser,
        question=programme.question,
    )


def _session_summary(data: SessionData, language: str) -> SessionSummary:
    session = data.session
    return SessionSummary(
        title=session.title,
        location=session.location,
        date=session_date(session.date, language),
        participants=len(data.profiles),
    )


def _labels(content: Content, t: Translate) -> Labels:
    fields = content.scenarios_file.profile_fields
    special = {OTHER: t(N_("Other")), UNKNOWN: t(N_("Not given"))}
    return Labels(
        fields={f.key: f.label for f in fields},
        segments={f.key: {**{o.key: o.label for o in f.options}, **special} for f in fields},
        categories={c.key: c.label for c in content.scenarios_file.categories},
        themes={th.key: th.label for th in content.scenarios_file.themes},
        scenarios={s.key: s.title for s in content.scenarios_file.scenarios},
    )


# Participants -------------------------------------------------------------------------


def _closed(datas: list[SessionData]) -> list[SessionData]:
    """The sessions whose participants are final: closed ("Sessie afsluiten")."""
    return [d for d in datas if d.session.closed_at is not None]


def _composition(
    content: Content, datas: list[SessionData], t: Translate, threshold: int
) -> list[CompositionField]:
    """Counts per profile option over the closed sessions, by the rule across levels (each
    session shown on its own in its report); small groups, "other" and "not given" together."""
    closed = _closed(datas)
    fields = []
    for profile_field in content.scenarios_file.profile_fields:
        sessions = [_profile_groups(d.profiles, profile_field.key) for d in closed]
        shown = fold_levels(sessions, threshold)
        groups = [
            CompositionGroup(key=o.key, label=o.label, count=len(shown[o.key]))
            for o in profile_field.options
            if o.key in shown and o.key != OTHER
        ]
        other = sum(len(d.profiles) for d in closed) - sum(g.count for g in groups)
        if other:
            label = t(N_("Other (small groups, or not given)"))
            groups.append(CompositionGroup(key=OTHER, label=label, count=other))
        fields.append(
            CompositionField(key=profile_field.key, label=profile_field.label, groups=groups)
        )
    return fields


def _profile_groups(profiles: list[dict[str, str]], field_key: str) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for profile in profiles:
        groups.setdefault(segment_of(profile, field_key), []).append(1)
    return groups


def _join(parts: list[str], t: Translate) -> str:
    if len(parts) < 2:
        return "".join(parts)
    conjunction = t(N_("and"))
    return f"{', '.join(parts[:-1])} {conjunction} {parts[-1]}"


def _participants(
    content: Content, datas: list[SessionData], t: Translate, threshold: int
) -> Participants:
    profiles = [p for d in datas for p in d.profiles]
    fields = _composition(content, datas, t, threshold)
    if len(datas) == 1:
        opening = t(
            ngettext(
                "%(n)s participant took part.", "%(n)s participants took part.", len(profiles)
            ),
            n=len(profiles),
        )
    else:
        names = _join([d.label for d in datas], t)
        opening = t(
            N_("%(n)s participants took part in %(count)s sessions (%(names)s)."),
            n=len(profiles),
            count=len(datas),
            names=names,
        )
    sentences = [opening]
    for entry in fields:
        if entry.groups:
            parts = [f"{g.count} {g.label}" for g in entry.groups]
            sentences.append(f"{entry.label}: {_join(parts, t)}.")
    if len(_closed(datas)) < len(datas):
        sentences.append(
            t(N_("Participants of a session still open are counted per group once it is closed."))
        )
    return Participants(total=len(profiles), fields=fields, sentence=" ".join(sentences))


def _profiles(
    content: Content, datas: list[SessionData], t: Translate, threshold: int
) -> list[dict[str, str]]:
    """The closed sessions' participants' profiles as raw rows: each answer as the
    composition shows it (small groups "other"), then generalised until every combination,
    session included, occurs at least `threshold` times (anonymity.generalise); sorted, so
    no order links a row to anyone."""
    fields = _composition(content, datas, t, threshold)
    shown = {f.key: {g.key: g.label for g in f.groups if g.key != OTHER} for f in fields}
    named = shown_groups({n: len(d.profiles) for n, d in enumerate(datas)}, threshold).groups
    rows = [
        (
            str(n) if len(datas) == 1 or n in named else OTHER,
            *(_shown_answer(profile, key, groups) for key, groups in shown.items()),
        )
        for n, data in enumerate(datas)
        if data.session.closed_at is not None
        for profile in data.profiles
    ]
    other = {"session": t(N_("Other sessions"))}
    other["field"] = t(N_("Other (small groups, or not given)"))
    out = [
        {
            "session": datas[int(row[0])].label if row[0] != OTHER else other["session"],
            **{
                key: groups.get(value, other["field"])
                for (key, groups), value in zip(shown.items(), row[1:], strict=True)
            },
        }
        for row in generalise(rows, threshold)
    ]
    return sorted(out, key=lambda r: tuple(r.values()))


def _shown_answer(profile: dict[str, str], key: str, shown: dict[str, str]) -> str:
    value = segment_of(profile, key)
    return value if value in shown else OTHER


# Scenarios ----------------------------------------------------------------------------


def _scenario_order(content: Content, datas: list[SessionData]) -> list[str]:
    """In agenda order (the earliest place any session gives it), then the rest."""
    known = [s.key for s in content.scenarios_file.scenarios]
    places: dict[str, int] = {}
    for data in datas:
        for step in data.steps:
            if step.scenario_key in known:
                places[step.scenario_key] = min(places.get(step.scenario_key, 10**6), step.position)
    return sorted(known, key=lambda k: (k not in places, places.get(k, 0), known.index(k)))


def _scenario(
    content: Content,
    key: str,
    datas: list[SessionData],
    t: Translate,
    threshold: int,
    found: Partition | None,
    *,
    with_ids: bool,
) -> ReportScenario:
    scenario = content.scenario(key)
    assert scenario is not None
    columns = [
        _column(content, category, key, datas, t, threshold, found, with_ids=with_ids)
        for category in content.scenarios_file.categories
    ]
    notes = [n for d in datas for n in _scenario_notes(d, key, len(datas) > 1, t)]
    discussed = any(c.count for c in columns) or any(
        s.type == "brainstorm" and s.scenario_key == key and not s.skipped
        for d in datas
        for s in d.steps
    )
    return ReportScenario(
        key=key,
        number=scenario.number,
        title=scenario.title,
        short_title=scenario.short_title,
        description=scenario.description,
        kenmerken=list(scenario.kenmerken),
        discussed=discussed,
        notes=notes,
        columns=columns,
    )


def _scenario_notes(data: SessionData, key: str, named: bool, t: Translate) -> list[str]:
    steps = [s for s in data.steps_of("brainstorm") if s.scenario_key == key]
    title = data.content.scenario(key)
    name = title.title if title else key
    if not steps:
        if named:
            return [
                t(
                    N_("%(scenario)s was not on the agenda in %(session)s."),
                    scenario=name,
                    session=data.label,
                )
            ]
        return [t(N_("%(scenario)s was not on this session's agenda."), scenario=name)]
    if all(s.skipped for s in steps):
        if named:
            return [
                t(
                    N_("The brainstorm on %(scenario)s was skipped in %(session)s."),
                    scenario=name,
                    session=data.label,
                )
            ]
        return [t(N_("The brainstorm on %(scenario)s was skipped in this session."), scenario=name)]
    return []


def _column(
    content: Content,
    category: Category,
    scenario: str,
    datas: list[SessionData],
    t: Translate,
    threshold: int,
    found: Partition | None,
    *,
    with_ids: bool,
) -> ReportColumn:
    key = (scenario, category.key)
    if found is None:
        items = datas[0].columns.get(key, [])
        basis = datas[0].bases.get(key, "support")
    else:
        items, basis = pooled_column(datas, key, found, threshold)
    base = {
        "key": category.key,
        "label": category.label,
        "basis": basis,
        "count": len(items),
        "placed": sum(i.side is not None for i in items),
    }

    def shown(chosen: list[ReportEntry]) -> list[ReportItem]:
        return [public_item(i, with_ids=with_ids) for i in chosen]

    if not category.themed:
        return ItemsColumn(
            **base,
            important=shown([i for i in items if i.important]),
            other=shown([i for i in items if not i.important]),
        )
    themes_known = [(th.key, th.label) for th in content.scenarios_file.themes]
    stray = [i for i in items if i.theme not in {k for k, _ in themes_known}]
    groups = [
        ThemeGroup(key=k, label=label, items=shown([i for i in items if i.theme == k]))
        for k, label in themes_known
    ]
    groups.append(ThemeGroup(key="", label=t(N_("Other")), items=shown(stray)))
    return ThemedColumn(**base, themes=[g for g in groups if g.items])


# Glossary -------------------------------------------------------------------------------


def _glossary_section(datas: list[SessionData], t: Translate, threshold: int) -> list[GlossaryTerm]:
    """Each term per session whose counts the small-group rule shows, with its votes and the
    agreed definition; then the other sessions together per term ("Other sessions"), with the
    definitions proposed there but no votes and none agreed: the definitions are the session's
    own, so any count of them would be that session's."""
    counted = counted_sessions(datas, GLOSSARY, threshold)
    shown = [term for n, d in enumerate(datas) if n in counted for term in d.glossary]
    proposed: dict[str, list[str]] = {}
    for n, data in enumerate(datas):
        for term in data.glossary if n not in counted else []:
            proposed.setdefault(term.term, []).extend(d.text for d in term.definitions)
    other = t(N_("Other sessions"))
    return shown + [
        GlossaryTerm(
            term=term,
            agreed=None,
            definitions=[
                TermDefinition(text=text, votes=None)
                for text in sorted(set(texts), key=lambda x: (x.casefold(), x))
            ],
            session=other,
            counted=False,
        )
        for term, texts in proposed.items()
    ]


# Statements and preference --------------------------------------------------------------


def _fields(content: Content) -> list[str]:
    return [f.key for f in content.scenarios_file.profile_fields]


def _per_session(
    datas: list[SessionData], answers: list[list[Any]], threshold: int, t: Translate
) -> list[tuple[str, list[Any]]]:
    """(session, its answers) for each session the small-group rule shows, then the others
    together: no session of few voters, and none that the total minus the rest gives away."""
    folded = fold({str(n): given for n, given in enumerate(answers)}, threshold)
    other = t(N_("Other sessions"))
    return [(other if k == OTHER else datas[int(k)].label, given) for k, given in folded.items()]


def _statement_section(
    content: Content, datas: list[SessionData], t: Translate, threshold: int
) -> list[ReportStatement]:
    answers = [a for d in datas for a in d.statements]
    if not any(d.steps_of("statements") for d in datas):
        return []
    held = [d for d in datas if d.steps_of("statements")]
    return [
        ReportStatement.model_validate(
            {
                **result,
                "arguments": counted(result["arguments"]),
                "per_session": _statement_sessions(held, result["key"], threshold, t)
                if len(datas) > 1
                else None,
            }
        )
        for result in _statements(
            content,
            answers,
            _fields(content),
            threshold,
            _report_segments(datas, lambda d: d.statements, threshold),
        )
    ]


def _report_segments(
    datas: list[SessionData], answers_of: Callable[[SessionData], Answers], threshold: int
) -> Segments:
    """A report's breakdowns by profile: over its closed sessions only, each session over its
    steps (the step results show each on its own), by the rule across levels."""
    closed = _closed(datas)
    given: dict[str | None, list[list[tuple[int, dict[str, str], Any]]]] = {}

    def answers(subject: str | None) -> list[list[tuple[int, dict[str, str], Any]]]:
        """Per closed session its (step, profile, answer) for `subject`, read once."""
        if subject not in given:
            given[subject] = [
                [
                    (ballot.step_id, profile, answer_of(ballot, subject))
                    for ballot, profile in answers_of(data)
                    if subject is None or ballot.subject == subject
                ]
                for data in closed
            ]
        return given[subject]

    def segments(subject: str | None, field_key: str) -> dict[str, list[Any]]:
        sessions = []
        for session in answers(subject):
            steps: dict[int, dict[str, list[Any]]] = {}
            for step_id, profile, answer in session:
                groups = steps.setdefault(step_id, {})
                groups.setdefault(segment_of(profile, field_key), []).append(answer)
            sessions.append(list(steps.values()))
        return fold_levels(sessions, threshold)

    return segments


def _statement_sessions(
    held: list[SessionData], key: str, threshold: int, t: Translate
) -> list[SessionDistribution]:
    values = [[b.value for b, _ in d.statements if b.subject == key] for d in held]
    return [
        SessionDistribution(
            session=label, overall=DistributionView.model_validate(distribution(given).as_dict())
        )
        for label, given in _per_session(held, values, threshold, t)
    ]


def counted(texts: list[str]) -> list[CountedText]:
    """Arguments or reasons, identical ones once with their count; most given first. The
    order follows the texts, never the voters (anonymity.text_order, as on screens)."""
    counts = Counter(texts)
    return [CountedText(text=text, count=counts[text]) for text in dict.fromkeys(text_order(texts))]


def _statement_notes(datas: list[SessionData], t: Translate) -> list[str]:
    if len(datas) < 2 or all(d.steps_of("statements") for d in datas):
        return []
    return [
        t(N_("%(session)s had no statements step."), session=d.label)
        for d in datas
        if not d.steps_of("statements")
    ]


def _preference_section(
    content: Content, datas: list[SessionData], t: Translate, threshold: int
) -> ReportPreference | None:
    if not any(d.steps_of("preference") for d in datas):
        return None
    answers = [a for d in datas for a in d.preference]
    segmented = _report_segments(datas, lambda d: d.preference, threshold)
    result = _preference(content, answers, _fields(content), threshold, segmented)
    per_session = None
    if len(datas) > 1:
        choices = [[b.choice for b, _ in d.preference] for d in datas]
        per_session = [
            SessionVotes(session=label, votes=dict(Counter(given)))
            for label, given in _per_session(datas, choices, threshold, t)
        ]
    return ReportPreference.model_validate(
        {
            **result,
            "reasons": counted(result["reasons"]),
            "voters": sum(d.preference_voters for d in datas),
            "per_session": per_session,
        }
    )

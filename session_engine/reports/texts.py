"""The report's free texts (intro, goal, method, impression, conclusion, key points): pre-filled
from the programme, reworded by the facilitator before export (each edit an event like any other
change of a session), and the programme report's texts with its title, reworded by the organiser
(stored on the programme with the time of the edit: a programme has no event log)."""

from __future__ import annotations

import re
from typing import Any, Literal

from ..actors import Actor, Organiser, require_facilitator, require_organiser
from ..content import Content
from ..errors import N_, Invalid
from ..models import Programme, Session, utcnow
from ..payloads import ReportTextEdited
from ..programmes import get_programme, programme_content
from ..sessions import get_session
from ..shapes import ProgrammeReportTextsView
from ..store.db import Db
from ..store.events import record_event

TEXT_FIELDS = ("intro", "goal", "method", "impression", "conclusion", "key_points")
PROGRAMME_TEXT_FIELDS = ("title", *TEXT_FIELDS)
MAX_REPORT_TEXT = 20_000
MAX_TITLE = 200


def default_texts(content: Content) -> dict[str, str]:
    """What the report says until the facilitator rewords it: the programme's own texts. An
    empty impression is the report's one sentence on what follows (report.py)."""
    programme = content.programme
    intro = "\n\n".join(part for part in (programme.context, programme.question) if part)
    return {
        "intro": intro,
        "goal": programme.goal,
        "method": programme.method,
        "impression": "",
        "conclusion": "",
        "key_points": "",
    }


def report_texts(session: Session, content: Content) -> dict[str, str]:
    """The texts as the report prints them: the facilitator's wording where there is one."""
    saved = session.report_texts or {}
    return {key: saved.get(key, default) for key, default in default_texts(content).items()}


def programme_defaults(programme: Programme) -> dict[str, str]:
    """The programme's own texts: its title and the texts of scenarios.yaml."""
    content = programme_content(programme)
    return {"title": content.programme.title, **default_texts(content)}


def programme_texts(programme: Programme) -> dict[str, str]:
    """The programme report's texts: the organiser's wording where there is one, else the
    programme's own (its title and the texts of scenarios.yaml)."""
    defaults = programme_defaults(programme)
    saved = programme.report_texts or {}
    return {key: saved.get(key, default) for key, default in defaults.items()}


def programme_texts_view(programme: Programme) -> ProgrammeReportTextsView:
    return ProgrammeReportTextsView(
        **programme_texts(programme), updated_at=programme.report_texts_updated_at
    )


def _clean(changes: dict[str, Any], fields: tuple[str, ...]) -> dict[str, str | None]:
    unknown = set(changes) - set(fields)
    if unknown:
        raise Invalid(
            N_("Unknown report text(s): %(unknown)s; choose from %(known)s."),
            unknown=", ".join(sorted(unknown)),
            known=", ".join(fields),
        )
    clean: dict[str, str | None] = {}
    for key, value in changes.items():
        if value is not None and not isinstance(value, str):
            raise Invalid(N_("%(key)s must be text, or null for the programme's text."), key=key)
        longest = MAX_TITLE if key == "title" else MAX_REPORT_TEXT
        if value is not None and len(value) > longest:
            raise Invalid(
                N_("%(key)s is too long: at most %(max)s characters."), key=key, max=longest
            )
        # one kind of line end: a browser's form sends CRLF, the API's clients mostly LF
        clean[key] = _one_line_end(value).strip() if value is not None else None
    if not clean:
        raise Invalid(N_("Send at least one of %(known)s."), known=", ".join(fields))
    if clean.get("title") == "" or "\n" in (clean.get("title") or ""):
        raise Invalid(N_("The title must be one line of text, or null for the programme's."))
    return clean


def _one_line_end(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _apply(
    saved: dict[str, str] | None, clean: dict[str, str | None], defaults: dict[str, str]
) -> dict[str, str]:
    """The saved wording after a change: a null value drops the field (the default again), and
    so does the default's own wording (a form sent back unchanged), so that the text keeps
    following the programme's."""
    texts = dict(saved or {})
    for key, value in clean.items():
        if value is None or value == _one_line_end(defaults.get(key, "")).strip():
            texts.pop(key, None)
        else:
            texts[key] = value
    return texts


def edit_report_texts(db: Db, *, actor: Actor, changes: dict[str, Any]) -> dict[str, str]:
    """Reword some of the report's texts (facilitator). A null value brings back the
    programme's text. Returns the texts as the report now prints them."""
    require_facilitator(actor)
    clean = _clean(changes, TEXT_FIELDS)
    session = get_session(db, actor.session_id)
    content = programme_content(get_programme(db, session.programme_id))
    session.report_texts = _apply(session.report_texts, clean, default_texts(content))
    db.add(session)
    record_event(db, session.id, ReportTextEdited(texts=clean))
    return report_texts(session, content)


def edit_programme_texts(
    db: Db, *, actor: Actor | Organiser, programme_id: int, changes: dict[str, Any]
) -> ProgrammeReportTextsView:
    """Reword some of the programme report's texts (organiser); a null value brings back the
    programme's own. A programme has no event log (events belong to a session), so the edit
    is recorded on the programme itself: the new wording and when (`report_texts_updated_at`);
    the organiser is the only one who may make it."""
    require_organiser(actor)
    clean = _clean(changes, PROGRAMME_TEXT_FIELDS)
    programme = get_programme(db, programme_id)
    programme.report_texts = _apply(programme.report_texts, clean, programme_defaults(programme))
    programme.report_texts_updated_at = utcnow()
    db.add(programme)
    return programme_texts_view(programme)


BULLET = re.compile(r"^\s*[-*•]\s+")
Block = tuple[Literal["p", "ul"], list[str]]


def text_blocks(text: str) -> list[Block]:
    """A facilitator's text as the report writes it: paragraphs (separated by a blank line;
    lines within one run on) and bullet lists (lines starting with "-", "*" or "•")."""
    blocks: list[Block] = []
    open_block = False
    for line in (text or "").splitlines():
        if not line.strip():
            open_block = False
            continue
        bullet = BULLET.match(line)
        kind: Literal["p", "ul"] = "ul" if bullet else "p"
        words = " ".join(line[bullet.end() :].split() if bullet else line.split())
        if open_block and blocks[-1][0] == kind:
            if kind == "ul":
                blocks[-1][1].append(words)
            else:
                blocks[-1][1][0] += " " + words
        else:
            blocks.append((kind, [words]))
        open_block = True
    return blocks

"""The report's free texts (intro, goal, method, conclusion): pre-filled from the programme,
reworded by the facilitator before export. Each edit is an event like any other change."""

from __future__ import annotations

import re
from typing import Any, Literal

from ..actors import Actor, require_facilitator
from ..content import Content
from ..errors import N_, Invalid
from ..models import Session
from ..payloads import ReportTextEdited
from ..programmes import get_programme, programme_content
from ..sessions import get_session
from ..store.db import Db
from ..store.events import record_event

TEXT_FIELDS = ("intro", "goal", "method", "conclusion")
MAX_REPORT_TEXT = 20_000


def default_texts(content: Content) -> dict[str, str]:
    """What the report says until the facilitator rewords it: the programme's own texts."""
    programme = content.programme
    intro = "\n\n".join(part for part in (programme.context, programme.question) if part)
    return {"intro": intro, "goal": programme.goal, "method": programme.method, "conclusion": ""}


def report_texts(session: Session, content: Content) -> dict[str, str]:
    """The texts as the report prints them: the facilitator's wording where there is one."""
    saved = session.report_texts or {}
    return {key: saved.get(key, default) for key, default in default_texts(content).items()}


def _clean(changes: dict[str, Any]) -> dict[str, str | None]:
    unknown = set(changes) - set(TEXT_FIELDS)
    if unknown:
        raise Invalid(
            N_("Unknown report text(s): %(unknown)s; choose from %(known)s."),
            unknown=", ".join(sorted(unknown)),
            known=", ".join(TEXT_FIELDS),
        )
    clean: dict[str, str | None] = {}
    for key, value in changes.items():
        if value is not None and not isinstance(value, str):
            raise Invalid(N_("%(key)s must be text, or null for the programme's text."), key=key)
        if value is not None and len(value) > MAX_REPORT_TEXT:
            raise Invalid(
                N_("%(key)s is too long: at most %(max)s characters."),
                key=key,
                max=MAX_REPORT_TEXT,
            )
        clean[key] = value.strip() if value is not None else None
    return clean


def edit_report_texts(db: Db, *, actor: Actor, changes: dict[str, Any]) -> dict[str, str]:
    """Reword some of the report's texts (facilitator). A null value brings back the
    programme's text. Returns the texts as the report now prints them."""
    require_facilitator(actor)
    clean = _clean(changes)
    if not clean:
        raise Invalid(N_("Send at least one of %(known)s."), known=", ".join(TEXT_FIELDS))
    session = get_session(db, actor.session_id)
    saved = dict(session.report_texts or {})
    for key, value in clean.items():
        if value is None:
            saved.pop(key, None)
        else:
            saved[key] = value
    session.report_texts = saved
    db.add(session)
    record_event(db, session.id, ReportTextEdited(texts=clean))
    return report_texts(session, programme_content(get_programme(db, session.programme_id)))


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

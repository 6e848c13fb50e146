"""HTML for pages and live updates. The partial that draws an element on first load is the one
sent when it changes; each live fragment is rendered once per audience (view, language)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from session_engine.content import Content
from session_engine.events import PublishedEvent
from session_engine.views import Snapshot, snapshot
from session_engine.writer import Writer

from .hub import Audience
from .settings import ROOT
from .templating import gettext, render

STATIC_DIR = ROOT / "static"
STAGES = {
    "participant": "_stage_participant.html",
    "console": "_stage_console.html",
    "projector": "_stage_projector.html",
}


@cache
def vendor_files() -> dict[str, str]:
    """The vendored scripts, found by name so the version lives only in the file name."""
    vendor = STATIC_DIR / "vendor"
    return {
        "htmx": _single(vendor, "htmx-2*.min.js"),
        "htmx_ws": _single(vendor, "htmx-ext-ws-*.js"),
    }


def _single(folder: Path, pattern: str) -> str:
    matches = sorted(folder.glob(pattern))
    if len(matches) != 1:
        raise RuntimeError(f"expected one {pattern} in {folder}, found {len(matches)}")
    return f"vendor/{matches[0].name}"


def static_url(path: str) -> str:
    return f"/static/{path}"


def step_type_labels(language: str) -> dict[str, str]:
    return {
        "info": gettext(language, "Information"),
        "brainstorm": gettext(language, "Brainstorm"),
        "converge": gettext(language, "Converge"),
        "vote": gettext(language, "Vote"),
        "statements": gettext(language, "Statements"),
        "glossary": gettext(language, "Glossary"),
        "preference": gettext(language, "Preference"),
        "break": gettext(language, "Break"),
    }


def base_context(language: str, content: Content | None = None) -> dict[str, Any]:
    themes = content.scenarios_file.themes if content else []
    return {
        "static": static_url,
        "vendor": vendor_files(),
        "content": content,
        "theme_labels": {t.key: t.label for t in themes},
        "step_type_labels": step_type_labels(language),
    }


def stage_context(snap: Snapshot, language: str) -> dict[str, Any]:
    return {**base_context(language, snap.content), "snap": snap}


def render_stage(snap: Snapshot, view: str, language: str) -> str:
    return render(STAGES[view], language, **stage_context(snap, language))


class EventRenderer:
    """Turns a committed event into the HTML fragment each audience needs."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self._contents: dict[str, Content] = {}

    async def __call__(
        self, session_id: str, event: PublishedEvent, audiences: set[Audience]
    ) -> dict[Audience, str]:
        if event.type == "step_activated":
            snap = await self.writer.read(snapshot, session_id)
            self._contents[session_id] = snap.content
            return {(v, lang): render_stage(snap, v, lang) for v, lang in audiences}
        if event.type == "item_added":
            return await self._per_language(session_id, audiences, "_item_added.html", event.data)
        if event.type == "participant_joined":
            watchers = {a for a in audiences if a[0] != "participant"}
            return await self._per_language(session_id, watchers, "_headcount.html", event.data)
        return {}

    async def _per_language(
        self, session_id: str, audiences: set[Audience], template: str, data: dict[str, Any]
    ) -> dict[Audience, str]:
        """Fragments that look the same in every view: rendered once per language."""
        content = await self._content(session_id)
        by_language: dict[str, str] = {}
        for _, language in audiences:
            if language not in by_language:
                context = base_context(language, content)
                by_language[language] = render(template, language, **context, **data)
        return {audience: by_language[audience[1]] for audience in audiences}

    async def _content(self, session_id: str) -> Content:
        """The programme content of a session, read once: it does not change mid-session."""
        if session_id not in self._contents:
            snap = await self.writer.read(snapshot, session_id)
            self._contents[session_id] = snap.content
        return self._contents[session_id]

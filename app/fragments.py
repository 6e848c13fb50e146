"""HTML for pages and live updates. The partial that draws an element on first load is the one
sent when it changes; each live fragment is rendered once per audience (view, language)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path
from typing import Any

from session_engine.content import Content
from session_engine.late import late_authors, late_items, late_of_authors
from session_engine.models import utcnow
from session_engine.online import is_online
from session_engine.payloads import EventType
from session_engine.sessions import STEP_TYPE_LABELS
from session_engine.shapes import ItemView
from session_engine.store.database import Database
from session_engine.store.events import PublishedEvent
from session_engine.views import (
    Snapshot,
    Viewer,
    column_counts,
    item_view,
    pooled_steps,
    sees_results,
    shown_results,
    snapshot,
    steps_concerned,
)
from session_engine.visibility import FACILITATOR, ROOM, Reader, event_for, reader_for
from session_engine.votes import ballot_holders, glossary_terms

from .hub import Audience, Connection
from .static_files import STATIC_DIR, static_url
from .templating import gettext, render

# Sessions whose programme content a renderer keeps: the live ones, a handful at a time; the
# least recently used is forgotten first, so a long-running process does not grow with them.
CONTENT_CACHE_SIZE = 256
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
        "htmx_json": _single(vendor, "htmx-ext-json-enc-*.js"),
    }


def _single(folder: Path, pattern: str) -> str:
    matches = sorted(folder.glob(pattern))
    if len(matches) != 1:
        raise RuntimeError(f"expected one {pattern} in {folder}, found {len(matches)}")
    return f"vendor/{matches[0].name}"


def step_type_labels(language: str) -> dict[str, str]:
    return {kind: gettext(language, label) for kind, label in STEP_TYPE_LABELS.items()}


def base_context(language: str, content: Content | None = None) -> dict[str, Any]:
    themes = content.scenarios_file.themes if content else []
    fields = content.scenarios_file.profile_fields if content else []
    options = {(f.key, o.key): o.label for f in fields for o in f.options}
    special = {
        "other": gettext(language, "Other"),
        "unknown": gettext(language, "Not given"),
    }

    def segment_label(field_key: str, segment: str) -> str:
        return special.get(segment) or options.get((field_key, segment), segment)

    return {
        "static": static_url,
        "vendor": vendor_files(),
        "content": content,
        "theme_labels": {t.key: t.label for t in themes},
        "step_type_labels": step_type_labels(language),
        "field_labels": {f.key: f.label for f in fields} | {"table": gettext(language, "Table")},
        "segment_label": segment_label,
        "flag_labels": {
            "consensus": gettext(language, "consensus"),
            "mixed": gettext(language, "mixed"),
            "divergent": gettext(language, "divided"),
        },
    }


def stage_context(snap: Snapshot, language: str) -> dict[str, Any]:
    return {
        **base_context(language, snap.content),
        "snap": snap,
        "view": snap.viewer.view,
        "mine": snap.mine,
        "own": snap.own,
        "session_id": snap.session.id,
        "now_iso": utcnow().isoformat(),
    }


def render_stage(snap: Snapshot, language: str) -> str:
    return render(STAGES[snap.viewer.view], language, **stage_context(snap, language))


def viewer_of(connection: Connection) -> Viewer:
    return Viewer(
        connection.view, connection.participant_id, connection.table_id, connection.step_id
    )


def paced_step(snap: Snapshot) -> int | None:
    """The step a self-paced participant's screen shows (an online round), else None."""
    return snap.step.id if snap.step is not None and is_online(snap.session) else None


def reader_of_connection(connection: Connection) -> Reader:
    return reader_for(connection.role, connection.participant_id)


def json_for(event: PublishedEvent, connection: Connection) -> str:
    """The event as a JSON client gets it: only the facilitator gets words of hidden items."""
    return event_for(event, reader_of_connection(connection)).wire


class EventRenderer:
    """Turns a committed event into the text each connection needs, rendering once per
    audience (view, language, table); only blind-mode stages are drawn per participant."""

    def __init__(self, database: Database, threshold: int) -> None:
        self.database = database
        self.threshold = threshold
        self._contents: OrderedDict[str, Content] = OrderedDict()

    async def __call__(
        self, session_id: str, event: PublishedEvent, connections: list[Connection]
    ) -> dict[Connection, str]:
        out = {c: json_for(event, c) for c in connections if c.view == "json"}
        pages = await self._on_their_step(session_id, event, connections)
        if not pages:
            return out
        update = PAGE_UPDATES[EventType(event.type)]
        if update is not None:
            out.update(await update(self, session_id, event, pages))
        return out

    async def _on_their_step(
        self, session_id: str, event: PublishedEvent, connections: list[Connection]
    ) -> list[Connection]:
        """The pages an event may change: a self-paced participant (an online round) hears
        only of the step they are on; what happens on another step waits until they open it."""
        pages = [c for c in connections if c.view != "json"]
        paced = {c.step_id for c in pages if c.step_id is not None}
        if not paced:
            return pages
        concerned = await self.database.read(
            steps_concerned, session_id, event.type, event.data, paced
        )
        return [c for c in pages if c.step_id is None or c.step_id in concerned]

    async def _redraw(
        self, session_id: str, event: PublishedEvent, pages: list[Connection]
    ) -> dict[Connection, str]:
        """Every screen redraws its stage: after facilitator actions, rare by nature."""
        return await self._stages(session_id, pages)

    async def _watchers_redraw(
        self, session_id: str, event: PublishedEvent, pages: list[Connection]
    ) -> dict[Connection, str]:
        """The console and the projector redraw; participants' screens show nothing of it."""
        return await self._stages(session_id, [c for c in pages if c.view != "participant"])

    async def _headcount(
        self, session_id: str, event: PublishedEvent, pages: list[Connection]
    ) -> dict[Connection, str]:
        """The number of participants (per table), on the screens that show it."""
        watchers = [c for c in pages if c.view != "participant"]
        return await self._same_for_all(session_id, watchers, "_headcount.html", event.data)

    async def _stages(self, session_id: str, pages: list[Connection]) -> dict[Connection, str]:
        """Each audience's stage, read and rendered once. A participant's stage that holds their
        own words is drawn for them alone: it pools a blind round, shows their late items or,
        on a vote step, their own answers; so is a self-paced participant's (an online round)."""
        out: dict[Connection, str] = {}
        shared: dict[Audience, str] = {}
        personal: set[Audience] = set()
        authors, voters = await self._own_words(session_id, pages)
        vote_stages: set[Audience] = set()
        for connection in pages:
            audience, who = connection.audience, connection.participant_id
            voted = who in voters and audience in vote_stages
            alone = who in authors or connection.step_id is not None or voted
            if audience in shared and not alone:
                out[connection] = shared[audience]
                continue
            snap = await self.database.read(
                snapshot, session_id, viewer_of(connection), self.threshold
            )
            self._remember(session_id, snap.content)
            out[connection] = render_stage(snap, connection.language)
            if snap.vote is not None:
                vote_stages.add(audience)
            if snap.personal:
                personal.add(audience)
            elif audience not in personal and not alone and not (snap.vote and who in voters):
                shared[audience] = out[connection]
        return out

    async def _own_words(
        self, session_id: str, pages: list[Connection]
    ) -> tuple[set[int], set[int]]:
        """Participants with late items, and those with a ballot: their stages hold their own."""
        if not any(c.view == "participant" for c in pages):
            return set(), set()
        authors = await self.database.read(late_authors, session_id)
        return authors, await self.database.read(ballot_holders, session_id)

    async def _late_fragments(
        self, session_id: str, event: PublishedEvent, pages: list[Connection]
    ) -> dict[Connection, str]:
        """A late item kept or declined: the console's list of late items, and its author's
        own list (words for their eyes only); nobody else's screen changes."""
        consoles = [c for c in pages if c.view == "console"]
        late = await self.database.read(late_items, session_id) if consoles else []
        out = await self._same_for_all(session_id, consoles, "_late_items.html", {"late": late})
        participants = [c for c in pages if c.view == "participant"]
        data = event.data
        ids = [data["item"]["id"]] if "item" in data else data.get("item_ids", [])
        ids += [i["id"] for i in data.get("items", [])]
        mine = await self.database.read(late_of_authors, session_id, ids) if participants else {}
        content = await self._content(session_id)
        for connection in participants:
            if connection.participant_id in mine:
                context = base_context(connection.language, content)
                late_list = mine[connection.participant_id]
                out[connection] = render(
                    "_late_mine.html", connection.language, **context, late=late_list
                )
        return out

    async def _item_fragments(
        self, session_id: str, event: PublishedEvent, pages: list[Connection]
    ) -> dict[Connection, str]:
        """An item's change as small fragments. Words of a hidden item (blind round) go only
        to the console; other screens get the counts of a new item and nothing else."""
        if event.type in ("item_edited", "item_starred"):
            return await self._item_redrawn(session_id, event, pages)
        data = dict(event.data)
        if event.type == "item_added":
            data["item"] = ItemView(**data["item"], starred=False)  # new: nothing on it yet
        hidden = bool(data.get("hidden"))
        if hidden and event.type != "item_added":
            pages = [c for c in pages if reader_of_connection(c).reads_hidden]
        template = f"_{event.type}.html"
        if event.type != "item_added":
            return await self._same_for_all(session_id, pages, template, {**data, "hidden": hidden})
        out: dict[Connection, str] = {}
        for board_step, group in _by_board(pages, data["item"].step_id).items():
            context = {**data, "hidden": hidden, "board_step": board_step}
            if board_step is not None:  # a converge step's board counts its pooled columns
                counts = await self.database.read(column_counts, session_id, board_step)
                count = counts.get(data["item"].category, 0)
                context.update(total_count=count, column_count=count)
            out.update(await self._same_for_all(session_id, group, template, context))
        return out

    async def _admitted(
        self, session_id: str, event: PublishedEvent, pages: list[Connection]
    ) -> dict[Connection, str]:
        """Late or held items let in. A self-paced participant (an online round, whose organiser
        approves held items one by one) gets them as new items on the step they are on, and
        their own list of items off the board again if some were theirs; nothing else of
        their page changes. Every other screen redraws its stage."""
        out = await self._stages(session_id, [c for c in pages if c.step_id is None])
        paced = [c for c in pages if c.step_id is not None]
        if not paced:
            return out
        mine = await self._late_fragments(session_id, event, paced)
        items = [ItemView(**i, starred=False) for i in event.data["items"]]
        hidden_ids = set(event.data["hidden_ids"])
        for board_step, group in _by_board(paced, None).items():
            assert board_step is not None
            pooled = await self.database.read(pooled_steps, session_id, board_step)
            landing = [i for i in items if i.step_id in pooled]
            if not landing:
                continue
            counts = await self.database.read(column_counts, session_id, board_step)
            data = {"items": landing, "hidden_ids": hidden_ids, "counts": counts}
            out.update(
                await self._same_for_all(
                    session_id, group, "_items_admitted.html", {**data, "board_step": board_step}
                )
            )
        return {c: out.get(c, "") + mine.get(c, "") for c in {*out, *mine}}

    async def _item_redrawn(
        self, session_id: str, event: PublishedEvent, pages: list[Connection]
    ) -> dict[Connection, str]:
        """An edited or starred item, read again as each kind of reader may see it."""
        data = event.data
        item_id = data["item"]["id"] if "item" in data else data["item_id"]
        template = f"_{event.type}.html"
        out: dict[Connection, str] = {}
        for reader in (FACILITATOR, ROOM):
            readers = [
                c for c in pages if reader_of_connection(c).reads_hidden == (reader is FACILITATOR)
            ]
            item = (
                await self.database.read(item_view, session_id, item_id, reader)
                if readers
                else None
            )
            if item is not None:
                out.update(
                    await self._same_for_all(session_id, readers, template, {**data, "item": item})
                )
        return out

    async def _ballot_fragments(
        self, session_id: str, event: PublishedEvent, pages: list[Connection]
    ) -> dict[Connection, str]:
        """A ballot as the new voter count, and on the screens that may see the results (the
        console, a revealed projector) that step's results block alone, computed once."""
        participants = [c for c in pages if c.view == "participant"]
        out = await self._same_for_all(session_id, participants, "_voters.html", event.data)
        watchers = [c for c in pages if c.view != "participant"]
        step_id = event.data["step_id"]
        shown = (
            await self.database.read(shown_results, session_id, step_id, self.threshold)
            if watchers
            else None
        )
        if shown is None:  # not the step on the console and the projector (a table's own)
            return out
        seeing: list[Connection] = []
        counting: list[Connection] = []
        for connection in watchers:
            seen = sees_results(connection.view, revealed=shown.revealed)
            (seeing if seen else counting).append(connection)
        results = {"results": shown.results, "subjects": shown.subjects}
        out.update(await self._same_for_all(session_id, seeing, "_results.html", results))
        out.update(await self._same_for_all(session_id, counting, "_voters.html", event.data))
        return out

    async def _definition_fragment(
        self, session_id: str, event: PublishedEvent, pages: list[Connection]
    ) -> dict[Connection, str]:
        """A proposed definition appended to its term's list on every screen that shows it."""
        definition = event.data["definition"]
        terms = await self.database.read(glossary_terms, session_id, definition["step_id"])
        if definition["term"] not in terms:
            return {}
        data = {"definition": definition, "term_index": terms.index(definition["term"]) + 1}
        # Only a page showing the results has the term's result list to append to: on any
        # other an out-of-band swap without a target is an error in the browser's console.
        shown = await self.database.read(
            shown_results, session_id, definition["step_id"], self.threshold
        )
        seeing = [
            c for c in pages if shown is not None and sees_results(c.view, revealed=shown.revealed)
        ]
        others = [c for c in pages if c not in seeing]
        template = "_definition_proposed.html"
        out = await self._same_for_all(session_id, seeing, template, {**data, "with_results": True})
        out.update(await self._same_for_all(session_id, others, template, data))
        return out

    async def _same_for_all(
        self, session_id: str, pages: list[Connection], template: str, data: dict[str, Any]
    ) -> dict[Connection, str]:
        """Fragments that depend only on view and language: rendered once per pair."""
        content = await self._content(session_id)
        cache: dict[tuple[str, str], str] = {}
        out: dict[Connection, str] = {}
        for connection in pages:
            key = (connection.view, connection.language)
            if key not in cache:
                context = {
                    **base_context(connection.language, content),
                    "view": key[0],
                    "mine": set(),
                    "session_id": session_id,
                    **data,
                }
                cache[key] = render(template, connection.language, **context)
            out[connection] = cache[key]
        return out

    async def _content(self, session_id: str) -> Content:
        """The programme content of a session, as last read (every stage redraw reads it)."""
        if session_id not in self._contents:
            snap = await self.database.read(snapshot, session_id)
            self._remember(session_id, snap.content)
        self._contents.move_to_end(session_id)
        return self._contents[session_id]

    def _remember(self, session_id: str, content: Content) -> None:
        self._contents[session_id] = content
        self._contents.move_to_end(session_id)
        while len(self._contents) > CONTENT_CACHE_SIZE:
            self._contents.popitem(last=False)


def _by_board(pages: list[Connection], item_step: int | None) -> dict[int | None, list[Connection]]:
    """Pages grouped by the board a new item lands on: a self-paced participant's own step
    (a converge step pools its scenario's brainstorms), or the item's step (None)."""
    groups: dict[int | None, list[Connection]] = {}
    for connection in pages:
        board_step = connection.step_id if connection.step_id != item_step else None
        groups.setdefault(board_step, []).append(connection)
    return groups


PageUpdate = Callable[
    [EventRenderer, str, PublishedEvent, list[Connection]], Awaitable[dict[Connection, str]]
]

# What each event type does to the pages (JSON sockets always get the event itself). Every
# type is here, so a new one cannot be forgotten (tests/app/test_fragments.py); None: the pages
# show nothing of it. Frequent, participant-driven events are small fragments, never a redraw.
PAGE_UPDATES: dict[EventType, PageUpdate | None] = {
    EventType.SESSION_CREATED: None,
    EventType.PARTICIPANT_JOINED: EventRenderer._headcount,
    EventType.STEP_ACTIVATED: EventRenderer._redraw,
    EventType.ITEM_ADDED: EventRenderer._item_fragments,
    EventType.KEYS_ROTATED: None,  # the hub closes the old keys' sockets
    EventType.JOINING_CHANGED: None,
    # the console shows it is closed; the hub closes participants' sockets
    EventType.SESSION_CLOSED: EventRenderer._watchers_redraw,
    EventType.STEP_ADDED: EventRenderer._redraw,
    EventType.STEP_UPDATED: EventRenderer._redraw,
    EventType.STEP_REMOVED: EventRenderer._redraw,
    EventType.AGENDA_REORDERED: EventRenderer._redraw,
    EventType.TEMPLATE_SAVED: None,
    EventType.INPUT_LOCKED: EventRenderer._redraw,
    EventType.INPUT_UNLOCKED: EventRenderer._redraw,
    EventType.VISIBILITY_CHANGED: EventRenderer._redraw,
    EventType.TIMER_CHANGED: EventRenderer._redraw,
    EventType.JOIN_PANEL_CHANGED: EventRenderer._watchers_redraw,
    EventType.ITEM_EDITED: EventRenderer._item_fragments,
    EventType.ITEM_MOVED: EventRenderer._redraw,
    EventType.ITEMS_MERGED: EventRenderer._redraw,
    EventType.ITEM_SPLIT: EventRenderer._redraw,
    EventType.ITEM_DELETED: EventRenderer._redraw,
    EventType.ITEM_RESTORED: EventRenderer._redraw,
    EventType.ITEM_STARRED: EventRenderer._item_fragments,
    EventType.ITEM_SPOTLIGHTED: EventRenderer._redraw,
    EventType.ITEM_LATE: EventRenderer._late_fragments,
    EventType.LATE_ITEMS_ADMITTED: EventRenderer._admitted,  # on the boards, as new items
    EventType.LATE_ITEMS_DECLINED: EventRenderer._late_fragments,
    EventType.METOO_CHANGED: EventRenderer._item_fragments,
    EventType.COMMENT_ADDED: EventRenderer._item_fragments,
    EventType.TABLES_ADDED: EventRenderer._redraw,
    EventType.TABLE_SIZES: EventRenderer._headcount,
    EventType.STEP_CONFIGURED: EventRenderer._redraw,
    EventType.BALLOT_CAST: EventRenderer._ballot_fragments,
    EventType.RESULTS_REVEALED: EventRenderer._redraw,
    EventType.DEFINITION_PROPOSED: EventRenderer._definition_fragment,
    EventType.REPORT_TEXT_EDITED: None,
    EventType.REPORT_PUBLISHED: None,  # the organiser page shows the link when it reloads
    EventType.ONLINE_ROUND_CHANGED: None,  # the organiser page shows it when it reloads
}

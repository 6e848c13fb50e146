"""Programmes: the validated content (scenarios, statements) that sessions are run from."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from .content import Content
from .errors import N_, NotFound
from .models import Programme
from .store.db import MAX_INTEGER, Db, hold_startup_lock


def load_programme(db: Db, *, content: Content) -> Programme:
    """Store the programme of `content`, or refresh it if its key is already known."""
    data = content.model_dump(mode="json")
    hold_startup_lock(db)  # servers starting together: one inserts, the others then update
    programme = db.scalars(
        select(Programme).where(col(Programme.key) == content.programme.key)
    ).first()
    if programme is None:
        programme = Programme(key=content.programme.key, title="", content={})
    programme.title = content.programme.title
    programme.language = content.programme.language
    programme.content = data
    programme.content_hash = content_hash(data)
    db.add(programme)
    db.flush()
    return programme


def content_hash(data: dict[str, Any]) -> str:
    """The key of a programme's content (migration 0005 computes it the same way)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# Validated content by content hash: the content of a programme is read on every item, vote and
# page, and changes only when its YAML is loaded again (which gives it a new hash). Content is
# frozen, so one instance is shared. Bounded: a process serves a handful of programmes.
_CONTENTS: dict[str, Content] = {}
_CONTENTS_KEPT = 32


def programme_content(programme: Programme) -> Content:
    return cached_content(programme.content_hash, lambda: programme.content)


def cached_content(digest: str, data: Callable[[], dict[str, Any]]) -> Content:
    """The validated content with this hash; `data` gives the raw content on a miss."""
    content = _CONTENTS.get(digest) if digest else None
    if content is None:
        content = Content.model_validate(data())
        if digest:
            if len(_CONTENTS) >= _CONTENTS_KEPT:
                _CONTENTS.pop(next(iter(_CONTENTS)))
            _CONTENTS[digest] = content
    return content


def get_programme(db: Db, programme_id: int) -> Programme:
    programme = db.get(Programme, programme_id) if 0 < programme_id <= MAX_INTEGER else None
    if programme is None:
        raise NotFound(N_("No programme with id %(programme_id)s."), programme_id=programme_id)
    return programme

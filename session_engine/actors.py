"""Who is acting: a role in one session, or the organiser; secrets and the facilitator check."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Literal

from .errors import N_, Forbidden

Role = Literal["facilitator", "projector", "participant"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is calling, as far as one session is concerned."""

    role: Role
    session_id: str
    participant_id: int | None = None


@dataclass(frozen=True, slots=True)
class Organiser:
    """The organiser (`ORGANISER_TOKEN`), who may act on every session. Commands the organiser
    may call take it as their actor explicitly: authority is never a missing argument."""


ORGANISER = Organiser()


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """A 256-bit URL-safe secret (facilitator keys, projector keys, participant tokens)."""
    return secrets.token_urlsafe(32)


def require_facilitator(actor: Actor) -> None:
    if actor.role != "facilitator":
        raise Forbidden(N_("Only the facilitator of this session can do this."))


def require_organiser(actor: Actor | Organiser) -> None:
    """Programme-wide changes (the programme report's texts) are the organiser's alone."""
    if not isinstance(actor, Organiser):
        raise Forbidden(N_("This needs the organiser token (Authorization: Bearer …)."))


def require_report_access(actor: Actor) -> None:
    """Besides the organiser (`Organiser`), only the session's facilitator reads its report."""
    if actor.role != "facilitator":
        raise Forbidden(
            N_("Only the organiser and the session's facilitator can download reports.")
        )


def require_participant(actor: Actor, refusal: Forbidden | None = None) -> int:
    """The participant's id; anyone else meets `refusal` (a Forbidden with its own N_ text),
    or "Only participants can do this."."""
    if actor.role == "participant" and actor.participant_id is not None:
        return actor.participant_id
    if refusal is not None:
        raise refusal
    raise Forbidden(N_("Only participants can do this."))

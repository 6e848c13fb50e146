"""All settings in one place, from the environment (docs/configuration.md lists each)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from session_engine.installed import bundled

# Where the server keeps what it makes (the SQLite file, make run's organiser token): the
# directory it is started in, as with `.env`; never inside an installed package.
DATA_DIR = Path("data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{(DATA_DIR / 'versnellingskamer.db').resolve()}",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db.",
    )
    broadcast_url: str = Field(
        default="memory://",
        description="Fan-out backend: memory:// (one process) or redis://host:port/db.",
    )
    organiser_token: str | None = Field(
        default=None,
        description="Secret for organiser actions (creating sessions, reports). "
        "Required when the server listens beyond localhost.",
    )
    content_dir: Path | None = Field(
        default=None,
        description="A folder with the organiser's own scenarios.yaml and statements.yaml "
        "(`versnellingskamer init-content DIR` writes the defaults there to edit).",
    )
    scenarios_file: Path = Field(
        default_factory=lambda: bundled("scenarios.yaml"),
        description="The programme's scenarios, agenda, profile.",
    )
    statements_file: Path = Field(
        default_factory=lambda: bundled("statements.yaml"),
        description="The statements rated in the session.",
    )
    public_url: str | None = Field(
        default=None,
        description="Base URL printed in links and QR codes, e.g. https://kamer.example.org. "
        "Defaults to the address the request came in on.",
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Extra browser origins allowed to open WebSockets (besides the server's own).",
    )
    secure_cookies: bool = Field(
        default=False, description="Mark cookies Secure (set when served over HTTPS)."
    )
    segment_threshold: int = Field(
        default=3,
        ge=1,
        description="Results per segment fold groups smaller than this into 'other'.",
    )
    retention_months: int = Field(
        default=12,
        ge=0,
        le=1200,
        description="Months after a programme's last session until its contributions are "
        "deleted (a programme's `retention_months` in scenarios.yaml overrides it); 0: never.",
    )
    retention_keep: Literal["reports", "nothing"] = Field(
        default="reports",
        description="What remains after retention deletes contributions: the reports, stored "
        "first, or nothing.",
    )
    send_queue_size: int = Field(
        default=512, description="Messages buffered per socket before a slow client is dropped."
    )

    join_limit_per_address: int = Field(
        default=120,
        description="Joins a minute from one address (a whole venue may share one); 0: no limit.",
    )
    item_limit_per_participant: int = Field(
        default=30, description="Submissions a minute by one participant; 0: no limit."
    )
    item_limit_per_address: int = Field(
        default=1200, description="Submissions a minute from one address; 0: no limit."
    )
    write_limit_per_participant: int = Field(
        default=60,
        description="Comments, me-too presses, ballots, definitions or table changes a minute "
        "by one participant, each kind counted apart; 0: no limit.",
    )
    write_limit_per_address: int = Field(
        default=2400,
        description="Those writes a minute from one address, all kinds together; 0: no limit.",
    )
    socket_message_limit: int = Field(
        default=120, description="Messages a minute a client may send on one socket; 0: no limit."
    )

    sockets_per_credential: int = Field(
        default=8,
        description="WebSockets one token, key or cookie may hold open at once (per process); "
        "0: no cap.",
    )
    header_timeout: float = Field(
        default=10.0,
        gt=0,
        description="Seconds a client has to send a request's line and headers; a connection "
        "that takes longer (or sends nothing) is closed.",
    )
    max_body_size: int = Field(
        default=64 * 1024,
        description="Bytes a request body may have (JSON and forms; report texts 8 times it); "
        "more is refused with 413 before it is read. 0: no limit.",
    )

    ws_ping_interval: float = Field(
        default=20.0,
        description="Seconds between the server's WebSocket pings (dead-connection detection).",
    )
    ws_ping_timeout: float = Field(
        default=20.0, description="Seconds a client may take to answer a ping before it is closed."
    )
    dashboard_stuck_minutes: float = Field(
        default=10.0,
        gt=0,
        description="Minutes without any event while a step takes input before the programme "
        "dashboard says a session is stuck.",
    )
    dashboard_refusal_limit: int = Field(
        default=20,
        ge=0,
        description="Refused submissions of one session in five minutes before the dashboard "
        "raises an alert; 0: never.",
    )
    dashboard_report_seconds: float = Field(
        default=5.0,
        gt=0,
        description="The dashboard redraws the programme report's sections at most this often.",
    )

    time_zone: str = Field(
        default="Europe/Amsterdam",
        description="The time zone in which pages show times (an online round's opening and "
        "closing, last activity, decisions) and in which the round form's times are meant; "
        "stored times are UTC.",
    )

    @field_validator("time_zone")
    @classmethod
    def known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ValueError, ZoneInfoNotFoundError):
            raise ValueError(f"unknown time zone {zone!r}, e.g. Europe/Amsterdam") from None
        return zone

    @model_validator(mode="after")
    def content_from_dir(self) -> Self:
        """CONTENT_DIR names both files at once; a file set on its own still wins."""
        if self.content_dir is not None:
            if "scenarios_file" not in self.model_fields_set:
                self.scenarios_file = self.content_dir / "scenarios.yaml"
            if "statements_file" not in self.model_fields_set:
                self.statements_file = self.content_dir / "statements.yaml"
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()

"""Bring a database to the newest schema with the project's Alembic migrations."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from ..installed import bundled


def alembic_config(database_url: str) -> Config:
    """Made in code, so an installed wheel needs no alembic.ini (the checkout's is for the
    `alembic` command developers run)."""
    config = Config()
    config.set_main_option("script_location", str(bundled("migrations")))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = database_url
    return config


def migrate(database_url: str) -> None:
    """`alembic upgrade head` on this URL."""
    command.upgrade(alembic_config(database_url), "head")

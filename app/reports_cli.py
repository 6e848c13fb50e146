"""`versnellingskamer report`: the same report the API serves, written to a file."""

from __future__ import annotations

from pathlib import Path

import typer

from session_engine.errors import EngineError
from session_engine.reports.report import programme_report, session_report
from session_engine.store.database import Database
from session_engine.store.db import create_db_engine
from session_engine.store.fanout.memory import MemoryFanout
from session_engine.store.schema import migrate

from .report_formats import FORMATS, SHEETS, render_report, translator
from .settings import Settings


def write_report(
    settings: Settings,
    output: Path,
    *,
    session: str | None,
    programme: int | None,
    fmt: str,
    sheet: str,
) -> None:
    """Build the report from the database in settings and write it in one format."""
    if fmt not in FORMATS or sheet not in SHEETS:
        _fail(f"--format is one of {', '.join(FORMATS)}; --sheet one of {', '.join(SHEETS)}.")
    migrate(settings.database_url)
    engine = create_db_engine(settings.database_url)
    database = Database(engine, MemoryFanout())
    threshold = settings.segment_threshold
    try:
        if session is not None:
            report = database.read_sync(
                session_report, session, translator=translator, threshold=threshold
            )
        else:
            assert programme is not None
            report = database.read_sync(
                programme_report, programme, translator=translator, threshold=threshold
            )
    except EngineError as exc:
        _fail(exc.message)
    finally:
        database.close()
        engine.dispose()
    output.write_bytes(render_report(report, fmt, sheet=sheet).body)


def _fail(message: str) -> None:
    typer.echo(f"versnellingskamer: {message}", err=True)
    raise typer.Exit(2)

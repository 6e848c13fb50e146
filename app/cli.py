"""The `versnellingskamer` command: serve, create-session, close-session, report, check-content,
init-content, backup, purge, --version."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import secrets
import shutil
from pathlib import Path
from typing import Annotated, NoReturn

import typer
import uvicorn
from pydantic import ValidationError
from sqlalchemy.exc import InternalError, OperationalError

from session_engine.actors import ORGANISER
from session_engine.closing import close_session
from session_engine.content import ContentError, load_content
from session_engine.errors import EngineError
from session_engine.installed import DEFAULT_CONTENT, bundled, version
from session_engine.models import utcnow
from session_engine.programmes import load_programme
from session_engine.sessions import CreatedSession, create_session, find_session, rotate_keys
from session_engine.store.backup import BackupError, backup_database
from session_engine.store.database import Database
from session_engine.store.db import (
    check_writable,
    checkpoint_wal,
    create_db_engine,
    database_name,
)
from session_engine.store.fanout.memory import MemoryFanout
from session_engine.store.schema import migrate

from .frames import FrameWebSocketProtocol
from .links import links_for
from .logs import server_log_config
from .protocol import guarded_protocol
from .settings import DATA_DIR, Settings
from .templating import gettext

cli = typer.Typer(
    help="Versnellingskamer: a self-hosted, real-time group decision room.",
    pretty_exceptions_enable=False,
)
WS_MAX_MESSAGE = 16 * 1024
KEEP_ALIVE = 5  # seconds an idle connection is kept between requests


def show_version(asked: bool) -> None:
    if asked:
        typer.echo(f"versnellingskamer {version()}")
        raise typer.Exit()


@cli.callback()
def options(
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=show_version, is_eager=True, help="Print the version and stop."
        ),
    ] = False,
) -> None:
    """Versnellingskamer: a self-hosted, real-time group decision room."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def fail(message: str) -> NoReturn:
    typer.echo(f"versnellingskamer: {message}", err=True)
    raise typer.Exit(2)


def read_settings() -> Settings:
    """The settings from the environment; a bad one is one line naming it, not a traceback."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = [
            f"setting {'.'.join(str(p) for p in error['loc']).upper()}: "
            f"{error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        ]
        fail("\n".join(problems))


def prepare_database(url: str) -> None:
    """Migrate the database and check it can be written: a problem (a read-only file, a
    folder that is a file, a server that does not answer) is one line, not a traceback."""
    try:
        migrate(url)
        check_writable(url)
    except (OperationalError, InternalError, OSError) as exc:
        fail(f"cannot use the database {database_name(url)}: {database_problem(exc)}")


def database_problem(exc: Exception) -> str:
    if isinstance(exc, FileExistsError):  # the folder to hold the file: a file has its name
        return f"{exc.filename} is a file, not a folder"
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    cause = getattr(exc, "orig", None) or exc
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def check_content(settings: Settings) -> None:
    try:
        load_content(settings.scenarios_file, settings.statements_file)
    except ContentError as exc:
        fail(f"the content files are not valid:\n{exc}")


def local_organiser_token(data_dir: Path) -> str:
    """make run's local organiser token, made once and kept under data/."""
    path = data_dir / "organiser-token"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()


def demo_session(settings: Settings, title: str) -> CreatedSession:
    """The session `make run` prints links for: created once, with fresh keys each start."""
    content = load_content(settings.scenarios_file, settings.statements_file)
    engine = create_db_engine(settings.database_url)
    database = Database(engine, MemoryFanout())
    try:
        programme, _ = database.write_sync(load_programme, content=content)
        assert programme.id is not None
        existing, _ = database.write_sync(find_session, programme_id=programme.id, title=title)
        if existing is not None:
            created, _ = database.write_sync(rotate_keys, session_id=existing.id)
        else:
            created, _ = database.write_sync(
                create_session, programme_id=programme.id, title=title, translate=gettext
            )
        return created
    finally:
        database.close()
        engine.dispose()


def print_links(base: str, created: CreatedSession, organiser_token: str | None) -> None:
    links = links_for(base, created)
    organiser = f"{base}/organiser" + (f"?token={organiser_token}" if organiser_token else "")
    typer.echo(
        "\n".join(
            [
                "",
                "Versnellingskamer is starting. Open:",
                f"  Organiser:    {organiser}",
                f"  Facilitator:  {links.facilitator}",
                f"  Participants: {links.participant}   (code {created.session.code})",
                f"  Projector:    {links.projector}",
                f"  API schema:   {base}/openapi.json",
                "",
            ]
        )
    )


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool, typer.Option(help="Create (or re-key) a demo session and print its links.")
    ] = False,
    access_log: Annotated[
        bool,
        typer.Option(
            help="Log a line per request: method, route template, status (never the "
            "client's address, the address as sent or its query)."
        ),
    ] = True,
) -> None:
    """Migrate the database, load the programme and serve the app."""
    settings = read_settings()
    if demo and settings.organiser_token is None:
        settings.organiser_token = local_organiser_token(DATA_DIR)
    if not is_loopback(host) and not settings.organiser_token:
        fail(f"refusing to listen on {host} without ORGANISER_TOKEN: set one (a long secret).")
    check_content(settings)
    prepare_database(settings.database_url)
    if demo:
        base = settings.public_url or f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}"
        print_links(base, demo_session(settings, "Demo"), settings.organiser_token)
    from .main import create_app

    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        http=guarded_protocol(settings.header_timeout),
        ws=FrameWebSocketProtocol,  # uvicorn's, writing prepared frames (app/frames.py)
        timeout_keep_alive=KEEP_ALIVE,
        ws_max_size=WS_MAX_MESSAGE,
        ws_per_message_deflate=False,
        ws_ping_interval=settings.ws_ping_interval,
        ws_ping_timeout=settings.ws_ping_timeout,
        timeout_graceful_shutdown=5,
        log_level="info",
        log_config=server_log_config(access=access_log),
        access_log=False,  # uvicorn's line holds the client's address and the full path
    )


@cli.command("create-session")
def create_session_command(
    title: Annotated[str, typer.Option(help="Session title.")] = "",
    location: Annotated[str, typer.Option()] = "",
    date: Annotated[str, typer.Option()] = "",
    base_url: Annotated[
        str, typer.Option(help="Base URL for the printed links.")
    ] = "http://127.0.0.1:8000",
) -> None:
    """Create a session of the loaded programme and print its code and secret links."""
    settings = read_settings()
    check_content(settings)
    prepare_database(settings.database_url)
    content = load_content(settings.scenarios_file, settings.statements_file)
    engine = create_db_engine(settings.database_url)
    database = Database(engine, MemoryFanout())
    try:
        programme, _ = database.write_sync(load_programme, content=content)
        assert programme.id is not None
        created, _ = database.write_sync(
            create_session,
            programme_id=programme.id,
            title=title,
            location=location,
            date=date,
            translate=gettext,
        )
    finally:
        database.close()
        engine.dispose()
    print_links(settings.public_url or base_url, created, None)


@cli.command("close-session")
def close_session_command(
    session: Annotated[str, typer.Argument(help="The session's id.")],
) -> None:
    """Close SESSION for good ("Sessie afsluiten"): what was written in it no longer names
    anyone, participants' links stop working, and it cannot be reopened. The server may run."""
    settings = read_settings()
    prepare_database(settings.database_url)
    engine = create_db_engine(settings.database_url)
    database = Database(engine, MemoryFanout())
    try:
        closed, _ = database.write_sync(close_session, session_id=session, actor=ORGANISER)
        checkpoint_wal(engine)
    except EngineError as exc:
        fail(exc.message)
    finally:
        database.close()
        engine.dispose()
    done = "closed; its contributions no longer name anyone" if closed else "was already closed"
    typer.echo(f"Session {session} {done}.")


@cli.command("backup")
def backup_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
) -> None:
    """Copy the database to FILE while the server runs (SQLite; for PostgreSQL use pg_dump)."""
    settings = read_settings()
    try:
        report = backup_database(settings.database_url, output)
    except BackupError as exc:
        fail(f"no backup made: {exc}")
    typer.echo(
        f"Backed up to {report.path}: {report.sessions} sessions, {report.events} events, "
        "integrity checked, every event log complete."
    )


@cli.command("purge")
def purge_command() -> None:
    """Delete the contributions of every programme past its retention period (RETENTION_MONTHS
    after its last session), keeping the reports (RETENTION_KEEP); safe while the server runs,
    and running it again deletes nothing more."""
    from .retention import purge  # builds reports: not loaded for the other commands

    settings = read_settings()
    prepare_database(settings.database_url)
    logging.basicConfig(level=logging.INFO, format="%(message)s")  # each session's counts
    engine = create_db_engine(settings.database_url)
    database = Database(engine, MemoryFanout())
    try:
        done = asyncio.run(purge(database, settings, utcnow()))
    finally:
        database.close()
        engine.dispose()
    items = sum(p.items for p in done)
    people = sum(p.participants for p in done)
    typer.echo(f"Purged {len(done)} sessions: {items} items, {people} participants deleted.")


@cli.command("report")
def report_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    session: Annotated[str | None, typer.Option(help="Session id.")] = None,
    programme: Annotated[int | None, typer.Option(help="Programme id (all its sessions).")] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="html, md, docx, pdf, xlsx, csv or json.")
    ] = "docx",
    sheet: Annotated[
        str, typer.Option(help="CSV only: items, votes, statements, participants.")
    ] = "items",
) -> None:
    """Write the report of a session (--session) or of a programme (--programme) to a file."""
    from .reports_cli import write_report

    if (session is None) == (programme is None):
        fail("give either --session ID or --programme ID.")
    write_report(
        read_settings(), output, session=session, programme=programme, fmt=fmt, sheet=sheet
    )
    typer.echo(f"wrote {output}")


@cli.command("check-content")
def check_content_command() -> None:
    """Validate scenarios.yaml and statements.yaml and say what is wrong, if anything."""
    settings = read_settings()
    check_content(settings)
    typer.echo(f"{settings.scenarios_file} and {settings.statements_file} are valid.")


@cli.command("init-content")
def init_content_command(
    folder: Annotated[Path, typer.Argument(help="The folder to write them to (made if needed).")],
    force: Annotated[bool, typer.Option(help="Overwrite files that are already there.")] = False,
) -> None:
    """Write the default scenarios.yaml and statements.yaml to FOLDER, to edit and then use
    with CONTENT_DIR=FOLDER."""
    targets = [folder / name for name in DEFAULT_CONTENT]
    existing = [str(target) for target in targets if target.exists()]
    if existing and not force:
        fail(f"not overwriting {', '.join(existing)} (use --force to replace).")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, target in zip(DEFAULT_CONTENT, targets, strict=True):
            shutil.copyfile(bundled(name), target)
    except OSError as exc:
        fail(f"cannot write to {folder}: {exc.strerror or exc}")
    typer.echo(f"wrote {' and '.join(map(str, targets))}; use them with CONTENT_DIR={folder}")


def main() -> None:
    cli(prog_name="versnellingskamer")


if __name__ == "__main__":
    main()

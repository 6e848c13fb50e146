"""Hot statements run on the driver's cursor: compiled once per dialect by SQLAlchemy, then
executed without building an execution context and a result object per call.

`Connection.execute` costs about 20 µs of Python per statement on top of the driver (cache
key, execution context, parameter processing, result metadata); an item's submission runs
seven statements, and one writer thread runs every submission of a SQLite server. A
`Prepared` statement keeps what SQLAlchemy computed the first time (the SQL text for the
dialect, its parameter order, the bind and result processors of its columns' types) and
afterwards does only the driver call and those conversions, so values go in and come out
exactly as through `Connection.execute` (tests/engine/test_prepared.py compares the two on
every column type the hot path reads and writes). Driver errors are wrapped as SQLAlchemy's
(`IntegrityError`, `DataError`, …) with parameters hidden, as the engine hides them.

For the few statements on the write path only: the rest of the engine uses
`Connection.execute` as usual (SQLAlchemy's echo does not show prepared statements)."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, exc
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql import ClauseElement


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positional: tuple[str, ...] | None  # parameter names in order (qmark); None: by name
    escaped: Mapping[str, str]  # by name: names the SQL spells otherwise (PostgreSQL)
    bind: Mapping[str, Callable[[Any], Any]]
    fill: Callable[[Mapping[str, Any]], dict[str, Any]]  # defaults of literal binds added
    results: tuple[Callable[[Any], Any] | None, ...]  # per result column
    row: Any  # a named tuple of the result columns, by their keys as in a Row
    converts: bool  # any result processor at all


class Prepared:
    """A Core statement run on the DBAPI cursor of the connection it is given."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def _compile(self, dialect: Dialect) -> _Compiled:
        key = dialect.name + "+" + str(dialect.driver)
        found = self._by_dialect.get(key)
        if found is not None:
            return found
        compiled: Any = self.statement.compile(dialect=dialect)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("expanding parameters cannot be prepared")
        results = tuple(
            column.type._cached_result_processor(dialect, None)
            for column in compiled._result_columns
        )

        def fill(params: Mapping[str, Any]) -> dict[str, Any]:
            values: dict[str, Any] = compiled.construct_params(params, escape_names=False)
            return values

        names = [column.keyname for column in compiled._result_columns]
        found = _Compiled(
            sql=compiled.string,
            positional=tuple(compiled.positiontup) if compiled.positional else None,
            escaped=dict(compiled.escaped_bind_names or {}),
            bind=dict(compiled._bind_processors),
            fill=fill,
            results=results,
            converts=any(p is not None for p in results),
            row=namedtuple("PreparedRow", names, rename=True),
        )
        self._by_dialect[key] = found
        return found

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[Any]:
        """Run the statement in `connection`'s transaction; its rows as named tuples (none
        for a DML statement without RETURNING)."""
        dialect = connection.dialect
        compiled = self._compile(dialect)
        values = compiled.fill(params)
        bind = compiled.bind
        for name, process in bind.items():
            if name in values:
                values[name] = process(values[name])
        arguments: Sequence[Any] | Mapping[str, Any]
        if compiled.positional is not None:
            arguments = dialect.execute_sequence_format([values[n] for n in compiled.positional])
        elif compiled.escaped:
            arguments = {compiled.escaped.get(n, n): v for n, v in values.items()}
        else:
            arguments = values
        cursor = connection.connection.cursor()
        try:
            cursor.execute(compiled.sql, arguments)
            fetched = cursor.fetchall() if cursor.description is not None else []
        except dialect.loaded_dbapi.Error as error:
            raise exc.DBAPIError.instance(
                compiled.sql,
                None,
                error,
                dialect.loaded_dbapi.Error,
                hide_parameters=True,
                dialect=dialect,
            ) from error
        finally:
            cursor.close()
        make = compiled.row._make
        if not compiled.converts:
            return [make(row) for row in fetched]
        processors = compiled.results
        return [
            make(
                value if process is None or value is None else process(value)
                for process, value in zip(processors, row, strict=True)
            )
            for row in fetched
        ]

    def first(self, connection: Connection, params: Mapping[str, Any]) -> Any | None:
        found = self.rows(connection, params)
        return found[0] if found else None

    def one(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        found = self.rows(connection, params)
        if len(found) != 1:
            raise exc.NoResultFound("no row") if not found else exc.MultipleResultsFound("rows")
        return found[0]

    def run(self, connection: Connection, params: Mapping[str, Any]) -> None:
        self.rows(connection, params)

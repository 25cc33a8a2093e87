"""All SQL of full-text search: the FTS5 trigram indexes, their upkeep and their queries.

Each searchable table has an *external-content* FTS5 table named ``search_<...>`` (the text
is stored once, in the table itself) kept current by SQLite triggers created by migration
0002, so every writer — the write path, sync, import, a raw ``executemany`` — updates it.
The definitions below repeat the migration's, for :func:`ensure_schema` to repair a damaged
database; ``tests/workbench/store/test_search_index.py`` checks that the two agree.

Queries return candidates newest first (FTS rowid order, which is insertion order) under a
cap: FTS5 walks its doclists in rowid order and stops at the LIMIT, so a term found in a
third of a million rows costs as little as a rare one. FTS5's own ``bm25()`` is not used
for the same reason: it counts every row holding each phrase before scoring the first.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

TOKENIZE = "tokenize='trigram case_sensitive 0'"
PREFIX = "search_"
# FTS5 collects new terms in memory and writes a segment each time they pass "hashsize"
# (1 MiB by default). A bulk load indexes with a 64 MiB buffer: fewer, larger segments
# and less merging (about 20 % less CPU per indexed row), then puts the default back.
BULK_HASH_BYTES = 64 << 20
DEFAULT_HASH_BYTES = 1 << 20


@dataclass(frozen=True)
class IndexSpec:
    """One FTS5 table: the table whose rows it indexes and the columns it reads."""

    name: str
    table: str
    columns: tuple[str, ...]
    key: str = "id"  # what a hit names: the row's id, or its ticket for a message
    where: str = "1"  # rows that are never shown (archived articles) are still indexed


TICKETS = IndexSpec("search_tickets", "tickets", ("subject",))
EVENTS = IndexSpec("search_ticket_events", "ticket_events", ("body",), key="ticket_id")
CUSTOMERS = IndexSpec("search_customers", "customers", ("name", "email", "phone", "organisation"))
ARTICLES = IndexSpec(
    "search_articles", "kb_articles", ("title", "body", "tags"), where="archived_at IS NULL"
)
INDEXES = (TICKETS, EVENTS, CUSTOMERS, ARTICLES)


# -- schema ----------------------------------------------------------------------------------
def create_sql(spec: IndexSpec) -> str:
    cols = ", ".join(spec.columns)
    return (
        f"CREATE VIRTUAL TABLE {spec.name} USING fts5({cols}, "
        f"content='{spec.table}', {TOKENIZE})"
    )


def trigger_sql(spec: IndexSpec) -> dict[str, str]:
    """Trigger name -> DDL, exactly as migration 0002 creates them."""
    fts, names = spec.name, ", ".join(spec.columns)
    new = ", ".join(f"new.{c}" for c in spec.columns)
    old = ", ".join(f"old.{c}" for c in spec.columns)
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.rowid, {new});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.rowid, {old});"
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in spec.columns)
    return {
        f"{fts}_ai": f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {spec.table} BEGIN {insert} END",
        f"{fts}_ad": f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {spec.table} BEGIN {delete} END",
        f"{fts}_au": f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {spec.table} "
        f"WHEN {changed} BEGIN {delete} {insert} END",
    }


def is_search_object(name: str | None) -> bool:
    """True for the FTS tables and their shadow tables, which the models do not declare
    (for Alembic's ``include_name`` so autogenerate and schema checks leave them alone)."""
    return bool(name) and str(name).startswith(PREFIX)


def _schema_objects(session: Session) -> dict[str, str]:
    rows = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'trigger') "
             "AND name LIKE 'search\\_%' ESCAPE '\\'")
    )
    return {str(r[0]): str(r[1]) for r in rows}


def missing_objects(session: Session) -> list[str]:
    """Names of FTS tables or triggers that should exist and do not."""
    have = _schema_objects(session)
    want = [name for s in INDEXES for name in (s.name, *trigger_sql(s))]
    return [name for name in want if name not in have]


def ensure_schema(session: Session) -> list[str]:
    """Create whatever FTS table or trigger is missing; returns what was created.

    A table rebuilt by a batch migration loses its triggers (SQLite drops them with the
    table); this puts them back. Call :func:`rebuild` afterwards to refill the index.
    """
    created = missing_objects(session)
    for spec in INDEXES:
        if spec.name in created:
            session.execute(text(create_sql(spec)))
        for name, ddl in trigger_sql(spec).items():
            if name in created:
                session.execute(text(ddl))
    return created


def rebuild(session: Session) -> dict[str, int]:
    """Refill every index from its table; returns the number of rows indexed per table."""
    counts: dict[str, int] = {}
    for spec in INDEXES:
        session.execute(text(f"INSERT INTO {spec.name}({spec.name}) VALUES ('rebuild')"))
        counts[spec.table] = int(session.scalar(text(f"SELECT count(*) FROM {spec.table}")) or 0)
    return counts


def integrity_errors(session: Session) -> dict[str, str]:
    """Index -> what is wrong, for each index that disagrees with its table (slow: reads
    every row; for a "check the database" command, not for startup)."""
    errors: dict[str, str] = {}
    for spec in INDEXES:
        try:
            with session.begin_nested():
                session.execute(
                    text(f"INSERT INTO {spec.name}({spec.name}, rank) "
                         "VALUES ('integrity-check', 1)")
                )
        except DBAPIError as exc:
            errors[spec.name] = str(exc.orig)
    return errors


def optimize(session: Session) -> None:
    """Merge each index into one segment (after a large load: faster queries)."""
    for spec in INDEXES:
        session.execute(text(f"INSERT INTO {spec.name}({spec.name}) VALUES ('optimize')"))


@contextmanager
def bulk_load(session: Session, *, appended_only: bool = True) -> Iterator[None]:
    """Suspend the index triggers for a large load inside *session*'s transaction.

    A trigger adds every row to the index on its own, which costs several times the insert
    itself; indexing the new rows in one statement afterwards does not. With
    ``appended_only`` (only INSERTs happened inside) the rows added since entry are indexed;
    otherwise every index is rebuilt. The triggers come back in the same transaction, so
    no other connection ever sees the tables without them, and a rollback restores them.
    Nested inside another bulk load it does nothing: the outer one indexes everything.
    """
    session.flush()
    objects = _schema_objects(session)
    triggers = {n: sql for n, sql in objects.items() if n.endswith(("_ai", "_ad", "_au"))}
    if not triggers:
        yield
        return
    before = {s.name: max_rowid(session, s.table) for s in INDEXES}
    for name in triggers:
        session.execute(text(f"DROP TRIGGER {name}"))
    yield
    session.flush()
    for sql in triggers.values():
        session.execute(text(sql))
    for spec in INDEXES:
        _hash_size(session, spec, BULK_HASH_BYTES)
        if appended_only:
            cols = ", ".join(spec.columns)
            session.execute(
                text(f"INSERT INTO {spec.name}(rowid, {cols}) SELECT rowid, {cols} "
                     f"FROM {spec.table} WHERE rowid > :after"),
                {"after": before[spec.name]},
            )
        else:
            session.execute(text(f"INSERT INTO {spec.name}({spec.name}) VALUES ('rebuild')"))
        _hash_size(session, spec, DEFAULT_HASH_BYTES)


def _hash_size(session: Session, spec: IndexSpec, size: int) -> None:
    """Set the index's in-memory term buffer (an FTS5 option that SQLite keeps in the
    index's config table); an SQLite without the option indexes as before."""
    try:
        with session.begin_nested():
            session.execute(text(f"INSERT INTO {spec.name}({spec.name}, rank) "
                                 f"VALUES ('hashsize', {int(size)})"))
    except DBAPIError:
        pass


# -- statistics ------------------------------------------------------------------------------
def _rows(session: Session, sql: str, params: dict[str, Any]) -> Sequence[Any]:
    # Straight to the driver: the SQL below is assembled per query, so text() would
    # compile and cache a new statement on every keystroke for nothing.
    return session.connection().exec_driver_sql(sql, params).all()


def max_rowid(session: Session, table: str) -> int:
    """The newest row's rowid: a cheap stand-in for the row count (rows are rarely deleted)."""
    return int(_rows(session, f"SELECT max(rowid) FROM {table}", {})[0][0] or 0)


def mean_length(session: Session, spec: IndexSpec, sample: int = 1000) -> float:
    """Mean indexed characters per row over the newest *sample* rows (for bm25's avgdl)."""
    length = " + ".join(f"coalesce(length({c}), 0)" for c in spec.columns)
    value = session.scalar(
        text(f"SELECT avg({length}) FROM (SELECT {', '.join(spec.columns)} FROM {spec.table} "
             "ORDER BY rowid DESC LIMIT :n)"),
        {"n": sample},
    )
    return float(value or 1.0)


def match_extent(session: Session, spec: IndexSpec, match: str, cap: int) -> tuple[int, int]:
    """(rows found, oldest rowid among them) for the newest *cap* matches of *match*."""
    row = _rows(
        session,
        f"SELECT count(*), min(rowid) FROM (SELECT rowid FROM {spec.name} "
        f"WHERE {spec.name} MATCH :m ORDER BY rowid DESC LIMIT :cap)",
        {"m": match, "cap": cap},
    )[0]
    return int(row[0]), int(row[1] or 0)


# -- queries ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scoring:
    """How to rank candidates with BM25: what to count, and the weights.

    ``needles[i]`` are the case forms of term *i*, lower case first; ``idf[i]`` its weight;
    ``weights`` one per column, as FTS5's ``bm25()`` takes them.
    """

    needles: Sequence[Sequence[str]]
    idf: Sequence[float]
    weights: Sequence[float]
    avgdl: float
    k1: float = 1.2
    b: float = 0.75


@dataclass(frozen=True)
class Hit:
    rowid: int
    key: str
    score: float


@dataclass(frozen=True)
class Ranked:
    """The best hits, and (found, oldest rowid) of all the rows that were ranked."""

    hits: list[Hit]
    found: int
    oldest: int


def _ranked(session: Session, spec: IndexSpec, where: str, params: dict[str, Any],
            scoring: Scoring, limit: int) -> Ranked:
    """BM25 over the rows *where* selects (a bounded set), best *limit* first.

    Everything per row — counting each term with length(replace()), the formula — runs
    inside SQLite: done in Python it costs ten times more, and only *limit* rows come out.
    """
    cols = [f"coalesce({c}, '')" for c in spec.columns]
    tfs = []
    for ti, variants in enumerate(scoring.needles):
        per_column = []
        for col, weight in zip(cols, scoring.weights, strict=True):
            counts = []
            for vi, needle in enumerate(variants):
                key = f"n{ti}_{vi}"
                params[key] = needle
                # The first form is lower case and meets lower(), which folds ASCII only;
                # upper-case and capitalised forms of other scripts come as more forms.
                hay = f"lower({col})" if vi == 0 else col
                counts.append(f"(length({hay}) - length(replace({hay}, :{key}, ''))) "
                              f"/ length(:{key})")
            per_column.append(f"{float(weight)!r} * ({' + '.join(counts)})")
        tfs.append(f"({' + '.join(per_column)}) AS tf{ti}")
        params[f"idf{ti}"] = float(scoring.idf[ti])
    params.update(k1=scoring.k1, b=scoring.b, avgdl=scoring.avgdl, limit=limit,
                  best=max(scoring.idf, default=1.0))
    norm = "(:k1 * (1 - :b + :b * dl / :avgdl))"
    terms = [f":idf{i} * tf{i} * (:k1 + 1) / (tf{i} + {norm})" for i in range(len(tfs))]
    # The index matched the row, but a case form no count caught (mixed case in a cased
    # script) can leave it at 0: rank it as one occurrence of the rarest term.
    score = f"coalesce(nullif({' + '.join(terms) or '0'}, 0), :best * (:k1 + 1) / (1 + {norm}))"
    sql = (
        f"WITH c AS MATERIALIZED (SELECT rowid AS rid, {spec.key} AS k, "
        f"{' + '.join(f'length({c})' for c in cols)} AS dl{''.join(', ' + t for t in tfs)} "
        f"FROM {spec.table} WHERE {where}) "
        f"SELECT rid, k, {score} AS score, (SELECT count(*) FROM c), (SELECT min(rid) FROM c) "
        "FROM c ORDER BY score DESC, rid DESC LIMIT :limit"
    )
    rows = _rows(session, sql, params)
    hits = [Hit(int(r[0]), str(r[1]), float(r[2])) for r in rows]
    return Ranked(hits, int(rows[0][3]) if rows else 0, int(rows[0][4]) if rows else 0)


def _like(columns: Sequence[str], groups: Sequence[Sequence[str]], params: dict[str, Any],
          name: str) -> list[str]:
    """One SQL condition per group: one of its needles is in one of *columns*.

    LIKE folds ASCII case only, so callers pass other case variants as more needles. A
    needle holding LIKE's wildcards goes through instr(): an ESCAPE clause would make
    every comparison three times slower.
    """
    conditions = []
    for gi, group in enumerate(groups):
        ors = []
        for ni, needle in enumerate(group):
            key = f"{name}{gi}_{ni}"
            wild = any(c in needle for c in "%_")
            params[key] = needle if wild else f"%{needle}%"
            ors += [f"instr({c}, :{key})" if wild else f"{c} LIKE :{key}" for c in columns]
        conditions.append("(" + " OR ".join(ors) + ")")
    return conditions


def matching(
    session: Session,
    spec: IndexSpec,
    match: str,
    scoring: Scoring,
    cap: int,
    limit: int,
    require: Sequence[Sequence[str]] = (),
    reject: Sequence[str] = (),
) -> Ranked:
    """The best *limit* of the newest *cap* rows matching the FTS5 expression *match*.

    *require* and *reject* are needle groups for terms too short for the index: rows must
    hold one needle of each required group and none of *reject*.
    """
    params: dict[str, Any] = {"m": match, "cap": cap}
    extra = _like(spec.columns, require, params, "r")
    extra += [f"NOT {c}" for c in _like(spec.columns, [reject] if reject else [], params, "x")]
    where = " AND ".join([
        f"rowid IN (SELECT rowid FROM {spec.name} WHERE {spec.name} MATCH :m "
        "ORDER BY rowid DESC LIMIT :cap)", spec.where, *extra,
    ])
    return _ranked(session, spec, where, params, scoring, limit)


def containing(
    session: Session,
    spec: IndexSpec,
    columns: Sequence[str],
    groups: Sequence[Sequence[str]],
    scoring: Scoring,
    window: int,
    limit: int,
    reject: Sequence[str] = (),
) -> Ranked:
    """The substring scan for text too short for the trigram index: among the newest
    *window* rows, the newest *limit* where every group has a needle in one of *columns*,
    best first."""
    params: dict[str, Any] = {"window": window, "scan": limit}
    conditions = _like(columns, groups, params, "g")
    if not conditions:
        return Ranked([], 0, 0)
    conditions += [f"NOT {c}" for c in _like(columns, [reject] if reject else [], params, "x")]
    # The visibility test goes last: archived_at is the last column of an article, after
    # its body, and reading it for every row scanned would read every body.
    where = " AND ".join([
        f"rowid > (SELECT coalesce(max(rowid), 0) FROM {spec.table}) - :window",
        *conditions, spec.where,
    ])
    return _ranked(session, spec, where + " ORDER BY rowid DESC LIMIT :scan", params,
                   scoring, limit)


def texts(session: Session, spec: IndexSpec, rowids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The indexed columns of a few rows (the hits being shown), by rowid."""
    cols = ", ".join(f"coalesce({c}, '')" for c in spec.columns)
    rows = _rows(
        session,
        f"SELECT rowid, {cols} FROM {spec.table} "
        "WHERE rowid IN (SELECT value FROM json_each(:ids))",
        {"ids": json.dumps(list(rowids))},
    )
    return {int(r[0]): tuple(r[1:]) for r in rows}


def ticket_heads(session: Session, ids: Sequence[str]) -> dict[str, tuple[int | None, str]]:
    """Ticket id -> (number, subject) for the result titles."""
    rows = _rows(
        session,
        "SELECT id, number, subject FROM tickets WHERE id IN (SELECT value FROM json_each(:ids))",
        {"ids": json.dumps(list(ids))},
    )
    return {str(r[0]): (None if r[1] is None else int(r[1]), str(r[2])) for r in rows}


def ticket_by_number(session: Session, number: int) -> str | None:
    """The id of the ticket with this human number, if there is one."""
    rows = _rows(session, "SELECT id FROM tickets WHERE number = :n", {"n": number})
    return str(rows[0][0]) if rows else None

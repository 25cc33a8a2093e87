"""Schema facts, SQL and cross-line checks for the JSON-Lines exchange (export / import).

Everything is read from what the store declares (columns, storage types, foreign and unique
keys, derived columns), so a model added later is exported and checked with no change here.
The format is described in docs/exchange-format.md.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import Select, func, select, text, tuple_
from sqlalchemy.orm import Session

from workbench.store.models import Base, Ticket, Tombstone, syncable_models

ColumnKind = Literal["str", "int", "time", "bool", "json"]
Row = dict[str, Any]

# SQLite integers are signed 64-bit; a larger Python int fails deep inside the driver.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
# Instants are epoch ms; past the year 3000 is a typo, and the SLA calendar arithmetic
# (datetime) would overflow long before SQLite does.
TIME_MAX = 32_503_680_000_000
# Readable order of the file (parents first); models not named here follow, by name.
PREFERRED_ORDER = (
    "team", "agent", "agent_pulse", "customer", "customer_preference", "customer_note",
    "handoff", "sla_calendar", "sla_policy", "kb_category", "kb_article", "kb_article_version",
    "article_view", "ticket", "ticket_event", "call", "canned_use", "survey_answer",
)
CHUNK = 500  # ids per IN (...) list: far below SQLite's bound-parameter limit


@dataclass(frozen=True)
class ColumnSpec:
    """One exported column: what JSON it holds and what the store demands of it."""

    name: str
    kind: ColumnKind
    nullable: bool
    max_length: int | None
    ref: str | None  # table a foreign key points to
    default: Callable[[], Any] | None  # fills the column when a line leaves it out

    @property
    def is_id(self) -> bool:
        return self.name == "id" or self.ref is not None

    def problem(self, value: Any) -> str | None:
        """Why *value* cannot be stored in this column, or None when it can."""
        if value is None:
            return None if self.nullable or self.kind == "json" else "must not be null"
        if self.kind == "str":
            if not isinstance(value, str):
                return f"must be a string, not {_json_type(value)}"
            if self.max_length is not None and len(value) > self.max_length:
                return f"is {len(value):,} characters long; the limit is {self.max_length:,}"
        elif self.kind in ("int", "time"):
            if isinstance(value, bool) or not isinstance(value, int):
                return f"must be a whole number, not {_json_type(value)}"
            if self.kind == "time" and not 0 <= value < TIME_MAX:
                return f"{value} is not a time (milliseconds since 1970-01-01 UTC, before 3000)"
            if not INT_MIN <= value <= INT_MAX:
                return f"{value} is too large"
        elif self.kind == "bool" and not isinstance(value, bool):
            return f"must be true or false, not {_json_type(value)}"
        return None


@dataclass(frozen=True)
class EntitySpec:
    """One exchange type: its readable name, its model and its exported columns."""

    name: str
    model: type[Base]
    columns: tuple[ColumnSpec, ...]
    uniques: tuple[tuple[str, ...], ...]  # unique keys other than the id
    by_name: dict[str, ColumnSpec] = field(compare=False, repr=False)
    allowed: frozenset[str] = field(compare=False, repr=False)  # fields a line may have

    @property
    def table(self) -> str:
        return str(self.model.__tablename__)

    @property
    def append_only(self) -> bool:
        return self.model.__sync__ == "append"

    def parse(self, fields: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """The complete row a line's *fields* make (defaults filled in) and what is wrong.

        Derived columns (e.g. a ticket's next deadline) are ignored: the import recomputes
        them. Unknown fields are refused, so a misspelt field is not silently lost.
        """
        if not fields.keys() <= self.allowed:
            unknown = sorted(fields.keys() - self.allowed)
            return {}, [f"{self.name} has no field {', '.join(map(repr, unknown))}"]
        row: dict[str, Any] = {}
        bad = []
        for col in self.columns:
            if col.name in fields:
                value = fields[col.name]
            elif col.default is not None:
                value = col.default()
            elif col.nullable:
                value = None
            else:
                bad.append(f"{self.name}.{col.name} is missing")
                continue
            why = col.problem(value)
            if why is None and col.is_id and value is not None and not is_id(value):
                why = f"{value!r} is not an id (a lower-case UUID)"
            if why:
                bad.append(f"{self.name}.{col.name} {why}")
            row[col.name] = value
        return row, bad

    def differences(self, stored: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
        """The fields of *row* whose value differs from *stored*, JSON types included."""
        return {c.name: row[c.name] for c in self.columns
                if not _same(stored[c.name], row[c.name])}


def _same(a: Any, b: Any) -> bool:
    # Python says 1 == 1.0 == True; the exchange keeps JSON types apart.
    if isinstance(a, list | dict) or isinstance(b, list | dict):
        return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    return type(a) is type(b) and a == b


def is_id(value: Any) -> bool:
    """True for an id as the store writes it: a UUID in canonical lower-case form."""
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def id_number(value: str) -> int:
    """An id as a 128-bit int: a third of the memory of the string in a set of millions."""
    return int(value.replace("-", ""), 16)


_JSON_TYPES = {bool: "true/false", int: "a number", float: "a number", str: "a string",
               list: "a list", dict: "an object"}


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _default(column: Any) -> Callable[[], Any] | None:
    if (default := column.default) is None:
        return None
    arg = default.arg  # SQLAlchemy wraps a callable default to take an execution context
    return (lambda: arg(None)) if default.is_callable else (lambda: arg)


def _kind(column: Any) -> ColumnKind:
    # BigInteger before Integer: it is a subclass, and every BigInteger column is an instant.
    for sql_type, kind in ((sa.BigInteger, "time"), (sa.Integer, "int"), (sa.Boolean, "bool"),
                           (sa.JSON, "json"), (sa.String, "str")):
        if isinstance(column.type, sql_type):
            return kind  # type: ignore[return-value]
    raise TypeError(f"{column} has a type the exchange does not know")


def type_name(model: type[Base]) -> str:
    """``KbArticleVersion`` -> ``kb_article_version``: the name a line's "type" carries."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


def _spec(model: type[Base]) -> EntitySpec:
    table = Base.metadata.tables[model.__tablename__]
    columns = []
    for column in table.columns:
        if column.name in model.__derived__:
            continue
        if column.name == "type":
            raise TypeError(f"{model.__name__}.type would clash with the line's type field")
        refs = [fk.column.table.name for fk in column.foreign_keys]
        columns.append(ColumnSpec(
            name=column.name, kind=_kind(column), nullable=bool(column.nullable),
            max_length=getattr(column.type, "length", None),
            ref=refs[0] if refs else None, default=_default(column),
        ))
    keys: list[Any] = [k for k in table.constraints if isinstance(k, sa.UniqueConstraint)]
    keys += [ix for ix in table.indexes if ix.unique]
    uniques = tuple(tuple(c.name for c in key.columns) for key in keys)
    by_name = {c.name: c for c in columns}
    return EntitySpec(type_name(model), model, tuple(columns), uniques, by_name,
                      frozenset(by_name) | model.__derived__ | {"type"})


def exchange_entities() -> tuple[EntitySpec, ...]:
    """Every syncable entity, each after the entities it references (self-references aside)."""
    specs = {spec.table: spec for spec in map(_spec, syncable_models().values())}
    rank = {name: i for i, name in enumerate(PREFERRED_ORDER)}
    needs = {t: {c.ref for c in s.columns if c.ref and c.ref != t} for t, s in specs.items()}
    ordered: list[EntitySpec] = []
    while needs:
        ready = [t for t, parents in needs.items() if not parents & needs.keys()]
        if not ready:
            raise TypeError(f"foreign keys form a cycle among {sorted(needs)}")
        first = min(ready, key=lambda t: (rank.get(specs[t].name, len(rank)), specs[t].name))
        ordered.append(specs[first])
        del needs[first]
    return tuple(ordered)


# -- queries ---------------------------------------------------------------------------------
def _in_chunks(session: Session, query: Callable[[Sequence[Any]], Select[Any]],
               values: Sequence[Any]) -> Iterator[Any]:
    """The rows of *query* run for each chunk of *values* (one IN (...) list at a time)."""
    for start in range(0, len(values), CHUNK):
        yield from session.execute(query(values[start:start + CHUNK]))


def count_rows(session: Session, spec: EntitySpec) -> int:
    return session.scalar(select(func.count()).select_from(spec.model.__table__)) or 0


def iter_pages(session: Session, spec: EntitySpec, size: int = 1000) -> Iterator[list[Row]]:
    """Every row of *spec* in id order, *size* rows at a time (keyset pages, not OFFSET)."""
    table = spec.model.__table__
    cols = [table.c[c.name] for c in spec.columns]
    after = ""
    while rows := session.execute(
        select(*cols).where(table.c.id > after).order_by(table.c.id).limit(size)
    ).all():
        yield [dict(row._mapping) for row in rows]
        after = rows[-1].id


def rows_by_id(session: Session, spec: EntitySpec, ids: Sequence[str]) -> dict[str, Row]:
    """The stored rows among *ids*, as id -> column -> value (exported columns only)."""
    table = spec.model.__table__
    cols = [table.c[c.name] for c in spec.columns]
    rows = _in_chunks(session, lambda chunk: select(*cols).where(table.c.id.in_(chunk)), ids)
    return {row.id: dict(row._mapping) for row in rows}


def existing_ids(session: Session, table_name: str, ids: Sequence[str]) -> set[str]:
    """Those of *ids* that are rows of the table *table_name*."""
    table = Base.metadata.tables[table_name]
    rows = _in_chunks(session, lambda chunk: select(table.c.id).where(table.c.id.in_(chunk)), ids)
    return {row[0] for row in rows}


def deleted_ids(session: Session, spec: EntitySpec, ids: Sequence[str]) -> set[str]:
    """Those of *ids* this replica deleted (a tombstone keeps them from coming back)."""
    ts = Tombstone
    rows = _in_chunks(session, lambda chunk: select(ts.row_id).where(
        ts.entity == spec.table, ts.row_id.in_(chunk)), ids)
    return {row[0] for row in rows}


def unique_holders(session: Session, spec: EntitySpec, key: tuple[str, ...],
                   values: Sequence[tuple[Any, ...]]) -> dict[tuple[Any, ...], str]:
    """For each value of the unique *key* already stored: the id of the row holding it."""
    table = spec.model.__table__
    cols = [table.c[name] for name in key]
    rows = _in_chunks(session, lambda chunk: select(table.c.id, *cols).where(
        tuple_(*cols).in_(chunk)), values)
    return {tuple(row[1:]): row[0] for row in rows}


def tickets_by_id(session: Session, ids: Sequence[str]) -> list[Ticket]:
    return list(session.scalars(select(Ticket).where(Ticket.id.in_(ids))))


def defer_foreign_keys(session: Session) -> None:
    """Check foreign keys at commit, not per statement, until this transaction ends.

    A file may list a child before its parent (a category under a later category); the
    import has checked every reference, and SQLite checks them all again at commit.
    """
    session.execute(text("PRAGMA defer_foreign_keys = ON"))


def skip_used_numbers(session: Session) -> None:
    """Move this node's number blocks past the ticket numbers an import brought in, so a
    new ticket is never handed a number an imported one has (numbers are unique)."""
    session.execute(text(
        "UPDATE number_blocks SET next = MAX(next, 1 + COALESCE((SELECT MAX(t.number) "
        "FROM tickets t WHERE t.number BETWEEN number_blocks.first AND number_blocks.last), 0))"
    ))


# -- checks across lines ----------------------------------------------------------------------
class IntegrityCheck:
    """What one line cannot show: repeated ids, references, unique keys, stored rows.

    Memory stays bounded: ids (as 128-bit ints) are kept only of entities that rows refer
    to or that have unique keys; stored rows are looked up a batch at a time.
    """

    def __init__(self, session: Session, specs: Sequence[EntitySpec],
                 report: Callable[[int, str], None]) -> None:
        self.s, self.report = session, report
        self.specs = {spec.table: spec for spec in specs}
        keep = {c.ref for s in specs for c in s.columns if c.ref}
        self.ids = {t: set[int]() for t in keep | {s.table for s in specs if s.uniques} if t}
        self.last: dict[str, int] = {}
        self.unsorted: set[str] = set()  # entities whose lines are not in id order
        self.seen: Counter[str] = Counter()
        self.plan: Counter[str] = Counter()
        self.stored: dict[str, set[int]] = defaultdict(set)  # referenced ids found stored
        self.keys: dict[tuple[str, tuple[str, ...]], set[tuple[Any, ...]]] = defaultdict(set)
        self.later: list[tuple[int, str, str, str]] = []  # problem unless the id is in the file
        self.batch: dict[str, list[tuple[int, Row]]] = defaultdict(list)

    def add(self, number: int, spec: EntitySpec, row: Row) -> None:
        self.seen[spec.name] += 1
        own = id_number(row["id"])
        if (ids := self.ids.get(spec.table)) is not None:
            if own in ids:
                self.report(number, f"{spec.name} {row['id']} is in the file twice")
            ids.add(own)
        elif spec.table not in self.unsorted:
            # Rows in rising id order (as exported) cannot repeat one: no need to keep them.
            if own <= self.last.get(spec.table, -1):
                self.unsorted.add(spec.table)
            self.last[spec.table] = own
        for key in spec.uniques:
            values = tuple(row[c] for c in key)
            if None not in values:
                if values in self.keys[(spec.table, key)]:
                    self.report(number, f"{spec.name} {_key(key, values)} is on an earlier "
                                        "line too; it must be unique")
                self.keys[(spec.table, key)].add(values)
        self.batch[spec.table].append((number, row))
        if len(self.batch[spec.table]) >= CHUNK:
            self._flush(spec.table)

    def _flush(self, table: str) -> None:
        spec, batch = self.specs[table], self.batch.pop(table, [])
        wanted: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        for number, row in batch:
            for col in spec.columns:
                if col.ref and (value := row[col.name]) is not None:
                    ref = id_number(value)
                    if ref not in self.ids[col.ref] and ref not in self.stored[col.ref]:
                        wanted[col.ref].append((number, f"{spec.name}.{col.name}", value))
        for target, refs in wanted.items():
            found = existing_ids(self.s, target, list({v for _, _, v in refs}))
            self.stored[target].update(id_number(v) for v in found)
            self.later += [(n, target, f"{what} refers to {self.specs[target].name} {v}, which "
                            "is neither in the file nor in this database", v)
                           for n, what, v in refs if v not in found]
        for key in spec.uniques:
            values = [tuple(r[c] for c in key) for _, r in batch]
            holders = unique_holders(self.s, spec, key, [v for v in values if None not in v])
            for (number, row), value in zip(batch, values, strict=True):
                holder = holders.get(value) or row["id"]
                if holder != row["id"]:  # no clash if the file gives the holder another value
                    self.later.append((number, table, f"{spec.name} {_key(key, value)} is "
                                       f"already used by {spec.name} {holder} here", holder))
        stored = rows_by_id(self.s, spec, [row["id"] for _, row in batch])
        gone = deleted_ids(self.s, spec, [r["id"] for _, r in batch if r["id"] not in stored])
        for number, row in batch:
            old = stored.get(row["id"])
            if row["id"] in gone:
                self.report(number, f"{spec.name} {row['id']} was deleted here; an import "
                                    "does not bring deleted records back")
            elif old is None:
                self.plan[spec.name] += 1
            elif diff := spec.differences(old, row):
                self.plan[f"{spec.name}.updated"] += 1
                if spec.append_only:
                    self.report(number, f"{spec.name} {row['id']} is stored with other values "
                                f"({', '.join(diff)}); {spec.name} records never change")

    def finish(self) -> tuple[dict[str, int], dict[str, int]]:
        """Settle what waited for the whole file; returns (plan, records seen per type)."""
        for table in list(self.batch):
            self._flush(table)
        for number, table, problem, row_id in self.later:
            if id_number(row_id) not in self.ids[table]:
                self.report(number, problem)
        return dict(self.plan), dict(self.seen)

    def find_duplicates(self, records: Iterable[tuple[int, EntitySpec, Row]]) -> None:
        """Report repeated ids of the entities whose lines were not in id order."""
        first: dict[tuple[str, str], int] = {}
        for number, spec, row in records:
            key = (spec.table, row["id"])
            if spec.table in self.unsorted and (at := first.setdefault(key, number)) != number:
                self.report(number, f"{spec.name} {row['id']} is on line {at} too")


def _key(key: tuple[str, ...], values: tuple[Any, ...]) -> str:
    return ", ".join(f"{k} {v!r}" for k, v in zip(key, values, strict=True))

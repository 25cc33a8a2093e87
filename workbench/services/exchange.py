"""Export and import every record as documented JSON Lines (docs/exchange-format.md).

Export streams each entity from one read snapshot, parents first and rows by id, so two
exports of the same data are byte-identical apart from the header's time. Import is all
or nothing: a first pass checks the whole file (syntax, types, enumerations, references,
duplicates, clashes with stored rows) keeping only ids, and reports every problem with its
line number. Only a clean file is written, in one transaction through the one write path,
so each imported row gets its change-log entry and syncs like any other change.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from sqlalchemy.exc import IntegrityError

from workbench.domain import enums
from workbench.domain.clock import iso_utc
from workbench.domain.sla import BusinessCalendar, SlaPolicy
from workbench.domain.validation import clean_email, clean_line
from workbench.services.customers import PLANS, check_zone
from workbench.services.errors import ValidationError
from workbench.store import exchange_queries as xq
from workbench.store.exchange_queries import EntitySpec, IntegrityCheck, Row

if TYPE_CHECKING:
    from workbench.services.context import Workbench
    from workbench.store.changelog import Writer

FORMAT = "support-workbench"
VERSION = 1
MAX_LINE_BYTES = 16 * 1024 * 1024
SHOWN = 20  # problems listed in the message; the rest are counted
BATCH = 500  # rows per bulk insert
Rule = Callable[[Any], str | None]
Records = Iterator[tuple[int, EntitySpec, Row]]


# -- rules of the product that the schema cannot express ------------------------------------
def _one_of(values: Any) -> Rule:
    allowed = tuple(str(getattr(v, "value", v)) for v in values)
    return lambda v: None if v in allowed else f"{v!r} is not one of {', '.join(allowed)}"


def _raises(check: Callable[[Any], object], prefix: str = "") -> Rule:
    def rule(value: Any) -> str | None:
        try:
            check(value)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            return f"{prefix}{exc}".strip()
        return None
    return rule


def _lower_email(value: Any) -> None:
    if value is not None and clean_email(value) != value:
        raise ValueError(f"{value!r} must be a lower-case e-mail address")


def _document(parse: Callable[[Any], object]) -> Rule:
    valid = _raises(parse, "is not valid: ")
    return lambda v: valid(v) if isinstance(v, dict) else "must be an object"


def _tags(value: Any) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    return None if ok else "must be a list of strings"


def _not_negative(value: Any) -> str | None:
    return "must not be negative" if value < 0 else None


# Names and subjects as the services take them: no bidi overrides, no line breaks.
_line = _raises(lambda v: clean_line(v, ""))


_RULES: dict[tuple[str, str], Rule] = {
    ("team", "name"): _line,
    ("team", "time_zone"): _raises(check_zone),
    ("agent", "name"): _line,
    ("agent", "email"): _raises(_lower_email),
    ("agent", "role"): _one_of(enums.Role),
    ("customer", "name"): _line,
    ("customer", "email"): _raises(_lower_email),
    ("customer", "plan"): _one_of(PLANS),
    ("customer", "time_zone"): _raises(check_zone),
    ("customer", "tags"): _tags,
    ("sla_calendar", "definition"): _document(BusinessCalendar.from_dict),
    ("sla_policy", "definition"): _document(SlaPolicy.from_dict),
    ("kb_article", "tags"): _tags,
    ("kb_article", "version"): _not_negative,
    ("kb_article_version", "version"): _not_negative,
    ("article_view", "seconds"): _not_negative,
    ("ticket", "subject"): _line,
    ("ticket", "status"): _one_of(enums.TicketStatus),
    ("ticket", "priority"): _one_of(enums.Priority),
    ("ticket", "channel"): _one_of(enums.Channel),
    ("ticket", "tags"): _tags,
    ("ticket", "reopen_count"): _not_negative,
    ("ticket_event", "kind"): _one_of(enums.EventKind),
    ("call", "direction"): _one_of(enums.CallDirection),
    ("call", "outcome"): _one_of(enums.CallOutcome),
    ("call", "duration_s"): _not_negative,
    ("call", "hold_s"): _not_negative,
    ("survey_answer", "kind"): _one_of(enums.SurveyKind),
}
_RULES_OF = {t: [(col, rule) for (t2, col), rule in _RULES.items() if t2 == t] for t, _ in _RULES}
# Status and priority changes feed the SLA clock, which needs real values in them.
_EVENT_VALUES = {enums.EventKind.STATUS_CHANGE.value: tuple(enums.TicketStatus),
                 enums.EventKind.PRIORITY_CHANGE.value: tuple(enums.Priority)}


def _rule_problem(spec: EntitySpec, row: Row) -> str | None:
    """The first product rule *row* breaks (its columns already fit the store), if any."""
    for col, rule in _RULES_OF.get(spec.name, ()):
        if why := rule(row[col]):
            return f"{spec.name}.{col} {why}"
    if spec.name == "survey_answer":
        low, high = enums.SurveyKind(row["kind"]).scale
        if not low <= row["score"] <= high:
            return f"a {row['kind']} score runs from {low} to {high}, not {row['score']}"
    allowed = _EVENT_VALUES.get(row["kind"], ()) if spec.name == "ticket_event" else ()
    if allowed and (row["new_value"] not in allowed or row["old_value"] not in (None, *allowed)):
        return f"a {row['kind']} needs old_value and new_value among {', '.join(allowed)}"
    return None


class _Problems:
    """Problems found so far, each with its line number; raised together at the end."""

    def __init__(self, path: Path) -> None:
        self.path, self.items, self.total = path, list[tuple[int, str]](), 0

    def add(self, line: int, message: str) -> None:
        self.total += 1
        if len(self.items) < 50 * SHOWN:  # enough to show the earliest lines, bounded
            self.items.append((line, message))

    def fatal(self, message: str) -> ValidationError:
        return ValidationError(f"{self.path.name} cannot be imported: {message}")

    def raise_any(self) -> None:
        if not self.total:
            return
        lines = [f"  line {n}: {m}" for n, m in sorted(self.items)[:SHOWN]]
        if self.total > SHOWN:
            lines.append(f"  ... and {self.total - SHOWN:,} more")
        noun = "problem" if self.total == 1 else "problems"
        raise ValidationError(f"{self.path.name} cannot be imported ({self.total:,} {noun}; "
                              "nothing was changed):\n" + "\n".join(lines))


# -- export --------------------------------------------------------------------------------
def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def export_jsonl(wb: Workbench, out: TextIO) -> dict[str, int]:
    """Write the header and every syncable record to *out*; returns records per type."""
    specs = xq.exchange_entities()
    written = Counter({spec.name: 0 for spec in specs})
    with wb.read() as s:  # one read transaction: counts and rows come from one snapshot
        counts = {spec.name: xq.count_rows(s, spec) for spec in specs}
        out.write(_dumps({"format": FORMAT, "version": VERSION,
                          "exported_at": iso_utc(wb.now_ms()), "counts": counts}) + "\n")
        for spec in specs:
            for page in xq.iter_pages(s, spec):
                out.write("".join(_dumps({"type": spec.name, **row}) + "\n" for row in page))
                written[spec.name] += len(page)
    return dict(written)


# -- reading -------------------------------------------------------------------------------
def _lines(fh: IO[bytes], digest: Any) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes without end of line); None for a line over the size limit."""
    number = 0
    while raw := fh.readline(MAX_LINE_BYTES + 1):
        digest.update(raw)
        number += 1
        if len(raw) > MAX_LINE_BYTES:  # read on to the end of the line without keeping it
            while raw and not raw.endswith(b"\n"):
                raw = fh.readline(MAX_LINE_BYTES)
                digest.update(raw)
            yield number, None
        else:
            yield number, raw.rstrip(b"\r\n")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        names = [k for k, _ in pairs]
        raise ValueError(f"field {next(k for k in names if names.count(k) > 1)!r} appears twice")
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _decode(raw: bytes | None) -> Any:
    """The JSON value of one line; ValueError says why there is none."""
    if raw is None:
        raise ValueError(f"the line is longer than {MAX_LINE_BYTES // 2**20} MB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte 0x{raw[exc.start]:02X} at position "
                         f"{exc.start + 1}); the file must be UTF-8") from None
    try:
        value = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:  # duplicate field, NaN, 5000-digit number...
        raise ValueError(f"not valid JSON ({exc or 'nested too deeply'})") from None
    if _SURROGATE.search(text):
        try:  # an escaped lone surrogate decodes to a string no database can store
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("an unpaired \\uD800-\\uDFFF escape is not Unicode text") from None
    return value


def _records(lines: Iterator[tuple[int, bytes | None]], specs: dict[str, EntitySpec],
             problems: _Problems) -> Records:
    """Each valid record after the header as (line, entity, complete row); notes the rest."""
    for number, raw in lines:
        if raw is not None and not raw.strip():
            continue  # a blank line (one newline too many at the end, say) carries nothing
        try:
            obj = _decode(raw)
            spec = specs.get(str(obj.get("type"))) if isinstance(obj, dict) else None
            if spec is None:
                raise ValueError("must be a JSON object" if not isinstance(obj, dict) else
                                 f"unknown type {obj.get('type')!r}; expected one of "
                                 + ", ".join(specs))
        except ValueError as exc:
            problems.add(number, str(exc))
            continue
        row, bad = spec.parse(obj)
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        if why := (bad[0] + more if bad else _rule_problem(spec, row)):
            problems.add(number, why)
        else:
            yield number, spec, row


def _header(raw: bytes | None, problems: _Problems) -> dict[str, int] | None:
    """The record counts a valid header announces (None if it gives none); raises if bad."""
    if raw is not None and raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise problems.fatal("the file is UTF-16 text; exports are UTF-8 (save it as UTF-8)")
    try:
        obj = _decode(raw.removeprefix(b"\xef\xbb\xbf") if raw else raw)  # tolerate a BOM
    except ValueError as exc:
        obj = str(exc)
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        why = f" ({obj})" if isinstance(obj, str) else ""
        raise problems.fatal(f"it is not a Support Workbench export{why}; line 1 should be a "
                             'header such as {"format": "support-workbench", "version": 1, ...}')
    version = obj.get("version")
    if type(version) is not int or version != VERSION:  # neither 1.0 nor true is 1 here
        newer = "; update the app to read it" if type(version) is int and version > VERSION else ""
        raise problems.fatal(f"it is in exchange format version {version!r}, and this Support "
                             f"Workbench reads version {VERSION}{newer}")
    counts = obj.get("counts")
    if counts is not None and not (isinstance(counts, dict) and all(
            type(v) is int and v >= 0 for v in counts.values())):
        raise problems.fatal("the header's counts must map record types to whole numbers")
    return counts


@contextmanager
def _open(path: Path, specs: dict[str, EntitySpec], problems: _Problems,
          digest: Any) -> Iterator[tuple[dict[str, int] | None, Records]]:
    """The header's counts and the file's records, read as they are consumed."""
    with path.open("rb") as fh:
        lines = _lines(fh, digest)
        first = next(lines, None)
        if first is None or (first[1] is not None and not first[1].strip()):
            raise problems.fatal("the file is empty or starts with a blank line (an export "
                                 "starts with a header line)")
        yield _header(first[1], problems), _records(lines, specs, problems)


# -- the API -------------------------------------------------------------------------------
def check_jsonl(wb: Workbench, path: Path) -> dict[str, int]:
    """Check a whole file without writing; returns what importing it would do: new records
    per type (``"ticket"``) and stored ones it would change (``"ticket.updated"``)."""
    return _check(wb, path)[0]


def _check(wb: Workbench, path: Path) -> tuple[dict[str, int], str]:
    specs = {spec.name: spec for spec in xq.exchange_entities()}
    problems, digest = _Problems(path), hashlib.sha256()
    with wb.read() as s, _open(path, specs, problems, digest) as (announced, records):
        check = IntegrityCheck(s, tuple(specs.values()), problems.add)
        for number, spec, row in records:
            check.add(number, spec, row)
        plan, seen = check.finish()
    for name, count in (announced or {}).items():
        if count != seen.get(name, 0):
            problems.add(1, f"the header announces {count:,} {name} records but the file "
                            f"holds {seen.get(name, 0):,} (is it cut short?)")
    if check.unsorted:  # duplicates among rows not in id order need a second look
        with _open(path, specs, _Problems(path), hashlib.sha256()) as (_, records):
            check.find_duplicates(records)
    problems.raise_any()
    return plan, digest.hexdigest()


def import_jsonl(wb: Workbench, path: Path) -> dict[str, int]:
    """Import a file written by :func:`export_jsonl`: all of it, or nothing.

    Records new to this database are inserted; a stored mutable record that differs is
    updated (only the differing fields, logged); an identical one is left alone. Returns
    the records inserted per type and, as ``"<type>.updated"``, the records changed.
    """
    checked = _check(wb, path)[1]
    specs = {spec.name: spec for spec in xq.exchange_entities()}
    problems, digest = _Problems(path), hashlib.sha256()
    done: Counter[str] = Counter({name: 0 for name in specs})
    tickets: set[str] = set()  # tickets whose SLA deadline the import may move
    try:
        with wb.write() as w, _open(path, specs, problems, digest) as (_, records):
            xq.defer_foreign_keys(w.session)
            batches: dict[str, list[Row]] = defaultdict(list)
            for _, spec, row in records:
                batches[spec.name].append(row)
                if len(batches[spec.name]) >= BATCH:
                    _write(w, spec, batches.pop(spec.name), done, tickets)
            for name, rows in batches.items():
                _write(w, specs[name], rows, done, tickets)
            if problems.total or digest.hexdigest() != checked:
                raise problems.fatal("the file changed while it was being imported")
            xq.skip_used_numbers(w.session)
            _refresh_deadlines(wb, w, tickets)
    except IntegrityError as exc:  # another writer got in between the check and the write
        raise problems.fatal(f"the database changed during the import ({exc.orig}); "
                             "nothing was imported, please try again") from exc
    finally:
        wb.sla.forget_cached_policy()
    return dict(done)


def _write(w: Writer, spec: EntitySpec, rows: list[Row], done: Counter[str],
           tickets: set[str]) -> None:
    stored = xq.rows_by_id(w.session, spec, [row["id"] for row in rows])
    done[spec.name] += w.bulk_insert(spec.model, [r for r in rows if r["id"] not in stored])
    for row in rows:
        old = stored.get(row["id"])
        diff = spec.differences(old, row) if old is not None else {}
        if diff and spec.append_only:
            raise ValidationError(f"{spec.name} {row['id']} changed during the import; "
                                  "nothing was imported, please try again")
        if diff and w.update(w.session.get_one(spec.model, row["id"]), **diff):
            done[f"{spec.name}.updated"] += 1
        if spec.name == "ticket" and (diff or (old is None and row["status"] in _OPEN)):
            tickets.add(row["id"])
        elif spec.name == "ticket_event" and old is None:
            tickets.add(row["ticket_id"])
    w.session.flush()


_OPEN = frozenset(s.value for s in enums.TicketStatus if s.is_open)


def _refresh_deadlines(wb: Workbench, w: Writer, ticket_ids: set[str]) -> None:
    """Recompute the derived deadline of every ticket whose data the import touched."""
    wb.sla.forget_cached_policy()  # a policy imported just now applies to these tickets already
    ordered = sorted(ticket_ids)
    for start in range(0, len(ordered), BATCH):
        for ticket in xq.tickets_by_id(w.session, ordered[start:start + BATCH]):
            if ticket.status not in _OPEN and all(
                    getattr(ticket, name) is None for name in ticket.__derived__):
                continue  # a closed ticket has no deadline, and this one shows none
            try:
                wb.sla.refresh_deadline(w, ticket)
            except (ValueError, OverflowError) as exc:
                raise ValidationError(f"the SLA deadline of ticket {ticket.id} cannot be "
                                      f"computed ({exc}); nothing was imported") from exc
        w.session.flush()

"""Customers: create, find, list and update the people the team serves."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

from sqlalchemy import func, or_, select

from workbench.domain.enums import TicketStatus
from workbench.domain.ids import is_uuid
from workbench.domain.validation import clean_email, clean_line, clean_tags
from workbench.services.dto import CustomerInfo
from workbench.services.errors import NotFound, ValidationError
from workbench.store import customer_queries as cq
from workbench.store.models import Agent, Customer, CustomerPreference, Ticket

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from workbench.services.context import Workbench

PLANS = ("free", "standard", "premium", "enterprise")
OPEN_STATUSES = [s.value for s in TicketStatus if s.is_open]
_ZONES: set[str] = set()


@dataclass(frozen=True)
class CustomerActivity:
    """What the customer list shows beside a name: open tickets and the last contact."""

    open_tickets: int = 0
    last_contact_at: int | None = None


def check_zone(zone: str) -> str:
    if not _ZONES:
        _ZONES.update(available_timezones())
    if zone not in _ZONES:
        raise ValidationError(f"{zone!r} is not an IANA time zone (e.g. Europe/Berlin)")
    return zone


def _info(s: Session, c: Customer, with_details: bool = False) -> CustomerInfo:
    owner = s.get(Agent, c.owner_id) if c.owner_id else None
    prefs: dict[str, Any] = {}
    open_count = 0
    if with_details:
        prefs = {
            p.key: p.value
            for p in s.scalars(
                select(CustomerPreference).where(CustomerPreference.customer_id == c.id)
            )
        }
        open_count = s.scalar(
            select(func.count())
            .select_from(Ticket)
            .where(Ticket.customer_id == c.id, Ticket.status.in_(OPEN_STATUSES))
        ) or 0
    return CustomerInfo(
        id=c.id,
        name=c.name,
        email=c.email,
        phone=c.phone,
        organisation=c.organisation,
        plan=c.plan,
        time_zone=c.time_zone,
        language=c.language,
        owner_id=c.owner_id,
        owner_name=owner.name if owner else None,
        tags=list(c.tags),
        active_since=c.active_since,
        churned_at=c.churned_at,
        created_at=c.created_at,
        updated_at=c.updated_at,
        preferences=prefs,
        open_tickets=open_count,
    )


class CustomerService:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb

    def _clean(self, fields: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        try:
            for key, value in fields.items():
                if key == "name":
                    out[key] = clean_line(value, "the customer's name")
                elif key == "email":
                    out[key] = clean_email(value) if value else None
                elif key in ("phone", "organisation"):
                    out[key] = clean_line(value, key, required=False) or None if value else None
                elif key == "plan":
                    if value not in PLANS:
                        raise ValueError(f"plan must be one of {', '.join(PLANS)}")
                    out[key] = value
                elif key == "time_zone":
                    out[key] = check_zone(value)
                elif key == "language":
                    out[key] = clean_line(value, "the language", limit=16)
                elif key == "tags":
                    out[key] = clean_tags(list(value))
                elif key in ("owner_id", "churned_at", "active_since"):
                    out[key] = value
                else:
                    raise ValueError(f"customers have no field {key!r}")
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        return out

    def create(self, name: str, email: str | None = None, **fields: Any) -> CustomerInfo:
        data = self._clean({"name": name, "email": email, **fields})
        with self.wb.write() as w:
            if data.get("email") and w.session.scalar(
                select(Customer.id).where(Customer.email == data["email"])
            ):
                raise ValidationError(f"a customer with e-mail {data['email']} already exists")
            if data.get("owner_id") and w.session.get(Agent, data["owner_id"]) is None:
                raise NotFound("the owner is not an agent of this team")
            data.setdefault("active_since", w.now_ms)
            c = w.insert(Customer(**data, created_at=w.now_ms, updated_at=w.now_ms))
            return _info(w.session, c)

    def _find(self, s: Session, ref: str) -> Customer:
        ref = ref.strip()
        c = s.get(Customer, ref) if is_uuid(ref) else None
        if c is None and "@" in ref:
            c = s.scalar(select(Customer).where(Customer.email == ref.lower()))
        if c is None:
            raise NotFound(f"no customer with id or e-mail {ref!r}")
        return c

    def get(self, ref: str) -> CustomerInfo:
        """A customer by id or e-mail, with preferences and open-ticket count."""
        with self.wb.read() as s:
            return _info(s, self._find(s, ref), with_details=True)

    def update(self, ref: str, **fields: Any) -> CustomerInfo:
        data = self._clean(fields)
        with self.wb.write() as w:
            c = self._find(w.session, ref)
            if w.update(c, **data):
                w.update(c, updated_at=w.now_ms)
            return _info(w.session, c, with_details=True)

    def set_preference(self, ref: str, key: str, value: Any) -> None:
        key = key.strip()
        if not key or len(key) > 100:
            raise ValidationError("a preference needs a name of at most 100 characters")
        with self.wb.write() as w:
            c = self._find(w.session, ref)
            pref = w.session.scalar(
                select(CustomerPreference).where(
                    CustomerPreference.customer_id == c.id, CustomerPreference.key == key
                )
            )
            if pref is None:
                w.insert(
                    CustomerPreference(customer_id=c.id, key=key, value=value, updated_at=w.now_ms)
                )
            elif w.update(pref, value=value):
                w.update(pref, updated_at=w.now_ms)

    def remove_preference(self, ref: str, key: str) -> bool:
        """Forget one preference (a tombstone keeps it forgotten); False if it was not set."""
        with self.wb.write() as w:
            c = self._find(w.session, ref)
            pref = w.session.scalar(
                select(CustomerPreference).where(
                    CustomerPreference.customer_id == c.id, CustomerPreference.key == key.strip()
                )
            )
            if pref is None:
                return False
            w.delete(pref)
            w.update(c, updated_at=w.now_ms)  # listeners of "customers" hear of it
            return True

    def list(
        self, query: str = "", limit: int = 50, offset: int = 0, owner_id: str | None = None
    ) -> list[CustomerInfo]:
        """Customers by name; *query* matches name, e-mail, phone or organisation;
        *owner_id* keeps only the customers that agent owns."""
        with self.wb.read() as s:
            q = select(Customer).order_by(Customer.name, Customer.id)
            if owner_id is not None:
                q = q.where(Customer.owner_id == owner_id)
            if query.strip():
                pattern = f"%{query.strip()}%"
                q = q.where(
                    or_(
                        Customer.name.ilike(pattern),
                        Customer.email.ilike(pattern),
                        Customer.phone.ilike(pattern),
                        Customer.organisation.ilike(pattern),
                    )
                )
            return [_info(s, c) for c in s.scalars(q.limit(limit).offset(offset))]

    def by_ids(self, ids: Sequence[str]) -> builtins.list[CustomerInfo]:
        """The customers of *ids* in that order (search hits); ids not found are skipped."""
        with self.wb.read() as s:
            found = cq.customers_by_ids(s, set(ids))
            return [_info(s, found[i]) for i in dict.fromkeys(ids) if i in found]

    def activity(self, ids: Sequence[str]) -> dict[str, CustomerActivity]:
        """Open tickets and last contact of a page of customers, in two grouped queries."""
        with self.wb.read() as s:
            counts = cq.open_ticket_counts(s, set(ids))
            last = cq.last_contacts(s, set(ids))
        return {i: CustomerActivity(counts.get(i, 0), last.get(i)) for i in ids}

    def count(self, owner_id: str | None = None) -> int:
        with self.wb.read() as s:
            q = select(func.count()).select_from(Customer)
            if owner_id is not None:
                q = q.where(Customer.owner_id == owner_id)
            return s.scalar(q) or 0

"""Demo people: the team and its agents, customers with preferences, notes and hand-offs,
and the agents' weekly pulse answers."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from workbench.demo.common import DAY, HOUR, MINUTE, WEEK, WINDOW_DAYS, Row, between, lognormal
from workbench.demo.ids import IdMint
from workbench.demo.vocab import Language, Vocab

PLANS = ("free", "standard", "premium", "enterprise")
_PLAN_WEIGHTS = {True: (20, 40, 25, 15), False: (60, 35, 5, 0)}  # with / without organisation
_PLAN_TICKETS = {"free": 0.5, "standard": 1.0, "premium": 1.6, "enterprise": 2.5}
_CHANNELS = ("email", "phone", "chat", "web")
_HOURS = ("09:00-17:00", "08:00-16:00", "10:00-18:00", "13:00-20:00", "08:30-12:30")
FAR_FUTURE = 1 << 62


@dataclass
class Staff:
    """Who works in the team; ``handlers`` (agents and leads) take tickets."""

    team_id: str
    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    first_names: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    manager: int = 0
    leads: list[int] = field(default_factory=list)
    handlers: list[int] = field(default_factory=list)
    handler_cum: list[float] = field(default_factory=list)


@dataclass
class Customers:
    """Parallel lists over every customer, what the ticket generator needs to pick one."""

    ids: list[str] = field(default_factory=list)
    lang: list[int] = field(default_factory=list)
    first: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    active_since: list[int] = field(default_factory=list)
    until: list[int] = field(default_factory=list)  # churned_at, else FAR_FUTURE
    cum_weights: list[float] = field(default_factory=list)
    steady: list[int] = field(default_factory=list)  # active over the whole window


def staff_size(tickets: int) -> int:
    """8 agents for a small demo, growing slowly to 15 at a million tickets."""
    extra = 2 * math.log10(tickets / 300) if tickets > 300 else 0.0
    return max(8, min(15, 8 + round(extra)))


def _email(local: str, domain: str, taken: dict[str, int]) -> str:
    n = taken.get(local, 0)
    taken[local] = n + 1
    return f"{local}{n + 1 if n else ''}@{domain}"


def make_staff(
    rng: random.Random, mint: IdMint, vocab: Vocab, now: int, tickets: int
) -> tuple[Staff, Row, list[Row]]:
    """The team row, its agents' rows and the :class:`Staff` index over them."""
    team = vocab.team
    created = now - 1200 * DAY
    team_row: Row = {"id": mint.at(created), "name": team.team_name, "time_zone": team.team_zone,
                     "created_at": created}
    staff = Staff(team_id=team_row["id"])
    n_agents = staff_size(tickets)
    roles = ["manager"] + ["lead"] * (1 if n_agents < 12 else 2) + ["agent"] * n_agents
    langs = rng.choices(vocab.languages, weights=vocab.weights, k=len(roles))
    used: set[tuple[str, str]] = set()
    taken: dict[str, int] = {}
    rows: list[Row] = []
    for index, (role, lang) in enumerate(zip(roles, langs, strict=True)):
        while True:
            first, last = rng.choice(lang.first_names), rng.choice(lang.last_names)
            if (first[0], last[0]) not in used:
                used.add((first[0], last[0]))
                break
        name = lang.full_name(first[0], last[0])
        joined = created + index * DAY + between(rng.random, 0, 400) * DAY
        row: Row = {
            "id": mint.at(joined), "name": name,
            "email": _email(f"{first[1]}.{last[1]}", team.agent_domain, taken),
            "role": role, "team_id": staff.team_id, "active": True, "created_at": joined,
        }
        rows.append(row)
        staff.ids.append(row["id"])
        staff.names.append(name)
        staff.first_names.append(first[0])
        staff.roles.append(role)
        if role == "lead":
            staff.leads.append(index)
        if role != "manager":
            staff.handlers.append(index)
    total = 0.0
    for index in staff.handlers:
        total += 0.4 if staff.roles[index] == "lead" else 1.0
        staff.handler_cum.append(total)
    return staff, team_row, rows


def _phone(rng: random.Random, lang: Language, zone: str) -> str:
    prefix = lang.zone_phones.get(zone) or rng.choice(lang.phone_prefixes)
    area = sum(ch.isdigit() for ch in prefix.split(" ", 1)[1])
    if area >= 4:  # the prefix already holds the area and exchange: the line number is left
        return f"{prefix} {rng.randrange(1000, 10000)}"
    return f"{prefix} {rng.randrange(100, 1000)} {rng.randrange(1000, 10000)}"


class CustomerBook:
    """Builds the customers and everything the team keeps about them."""

    def __init__(self, rng: random.Random, mint: IdMint, vocab: Vocab, staff: Staff, now: int):
        self.rng, self.mint, self.vocab, self.staff, self.now = rng, mint, vocab, staff, now
        self.window_start = now - WINDOW_DAYS * DAY
        self.index = Customers()
        self.owner: list[int | None] = []
        self.rows: list[Row] = []

    def build(self, count: int) -> None:
        rng, now, vocab = self.rng, self.now, self.vocab
        rnd = rng.random
        langs = rng.choices(range(len(vocab.languages)), weights=vocab.weights, k=count)
        taken: dict[str, int] = {}
        cum = 0.0
        for i, li in enumerate(langs):
            lang = vocab.languages[li]
            first, last = rng.choice(lang.first_names), rng.choice(lang.last_names)
            has_org = rnd() < 0.7
            plan = rng.choices(PLANS, weights=_PLAN_WEIGHTS[has_org])[0]
            if i == 0 or rnd() < 0.85:  # customer 0 is always around: a safe fallback
                since = now - between(rnd, WINDOW_DAYS + 1, 4 * WINDOW_DAYS) * DAY
            else:
                since = now - between(rnd, 7, WINDOW_DAYS - 5) * DAY
            since -= between(rnd, 0, DAY)
            churned = None
            earliest = max(since + 30 * DAY, self.window_start)
            if i and rnd() < 0.08 and earliest < now - 2 * DAY:
                churned = between(rnd, earliest, now - DAY)
            owner = self.staff.handlers[int(rnd() * len(self.staff.handlers))]
            self.owner.append(owner if rnd() < 0.85 else None)
            tags = rng.sample(vocab.team.customer_tags, k=rng.choices((0, 1, 2), (45, 40, 15))[0])
            zone = rng.choice(lang.zones)
            email = None
            if rnd() < 0.92:
                email = _email(f"{first[1]}.{last[1]}", rng.choice(lang.email_domains), taken)
            row: Row = {
                "id": self.mint.at(since), "name": lang.full_name(first[0], last[0]),
                "email": email, "phone": _phone(rng, lang, zone) if rnd() < 0.8 else None,
                "organisation": rng.choice(lang.organisations) if has_org else None,
                "plan": plan, "time_zone": zone, "language": lang.code,
                "owner_id": None, "tags": tags, "active_since": since, "churned_at": churned,
                "created_at": since,
                "updated_at": churned or min(now, since + between(rnd, 0, 300) * DAY),
            }
            self.rows.append(row)
            ix = self.index
            ix.ids.append(row["id"])
            ix.lang.append(li)
            ix.first.append(first[0])
            ix.names.append(row["name"])
            ix.active_since.append(since)
            ix.until.append(churned if churned is not None else FAR_FUTURE)
            cum += lognormal(rnd, 1.0, 1.0) * _PLAN_TICKETS[plan]
            ix.cum_weights.append(cum)
            if since < self.window_start and churned is None:
                ix.steady.append(i)

    def handoffs(self) -> list[Row]:
        """A few hand-offs; acknowledged ones make the receiver the customer's owner."""
        rng, rnd, staff, now = self.rng, self.rng.random, self.staff, self.now
        count = len(self.rows)
        if count == 0 or len(staff.handlers) < 2:
            return []
        n = min(max(4, count // 30), 400, count)
        out: list[Row] = []
        for i in sorted(rng.sample(range(count), n)):
            row = self.rows[i]
            frm = self.owner[i]
            to = rng.choice([h for h in staff.handlers if h != frm])
            created = max(row["created_at"], now - between(rnd, 1, 120) * DAY)
            if created >= (row["churned_at"] or now):  # nobody hands over a customer who left
                continue
            ack = created + int(lognormal(rnd, 3 * HOUR, 1.2))
            acknowledged = ack if rnd() < 0.65 and ack < now else None
            by = frm if frm is not None else rng.choice(staff.leads or staff.handlers)
            out.append({
                "id": self.mint.at(created), "customer_id": row["id"],
                "from_agent_id": staff.ids[frm] if frm is not None else None,
                "to_agent_id": staff.ids[to], "created_by_id": staff.ids[by],
                "summary": rng.choice(self.vocab.team.handoffs).replace("{customer}", row["name"]),
                "include_tickets": rnd() < 0.5, "created_at": created,
                "acknowledged_at": acknowledged,
            })
            if acknowledged is not None:
                self.owner[i] = to
                row["updated_at"] = max(row["updated_at"], acknowledged)
        return out

    def finish(self) -> list[Row]:
        """The customer rows, with owners settled by the hand-offs."""
        for row, owner in zip(self.rows, self.owner, strict=True):
            row["owner_id"] = self.staff.ids[owner] if owner is not None else None
        return self.rows

    def preferences(self) -> list[Row]:
        rng, rnd, out = self.rng, self.rng.random, []
        for i, row in enumerate(self.rows):
            if rnd() >= 0.4:
                continue
            lang = self.vocab.languages[self.index.lang[i]].code
            prefs: dict[str, object] = {}
            for key in rng.sample(("preferred_channel", "contact_hours", "language"), between(
                    rnd, 1, 4)):
                if key == "preferred_channel":
                    prefs[key] = rng.choice(_CHANNELS)
                elif key == "contact_hours":
                    prefs[key] = rng.choice(_HOURS)
                else:
                    prefs[key] = lang if rnd() < 0.8 else "en"
            if rnd() < 0.15:
                prefs["do_not_call"] = True
            if rnd() < 0.08:
                prefs["do_not_email"] = True
            for key, value in prefs.items():
                at = between(rnd, row["created_at"], self.now)
                out.append({"id": self.mint.at(at), "customer_id": row["id"], "key": key,
                            "value": value, "updated_at": at})
        return out

    def notes(self) -> list[Row]:
        rng, rnd, staff, out = self.rng, self.rng.random, self.staff, []
        for i, row in enumerate(self.rows):
            lang = self.vocab.languages[self.index.lang[i]]
            for _ in range(rng.choices((0, 1, 2, 3), (45, 35, 15, 5))[0]):
                owner = self.owner[i]
                author = owner if owner is not None and rnd() < 0.7 else rng.choice(
                    staff.handlers)
                created = between(rnd, row["created_at"], min(row["updated_at"] + DAY, self.now))
                edited = created + between(rnd, MINUTE, 3 * DAY) if rnd() < 0.15 else created
                out.append({"id": self.mint.at(created), "customer_id": row["id"],
                            "author_id": staff.ids[author], "body": rng.choice(lang.notes),
                            "created_at": created, "updated_at": min(edited, self.now)})
        return out


def make_pulses(rng: random.Random, mint: IdMint, vocab: Vocab, staff: Staff,
                now: int) -> list[Row]:
    """Weekly 1-5 answers from most agents over the year, sometimes with a comment."""
    rnd, out = rng.random, []
    for week in range(WINDOW_DAYS // 7, 0, -1):
        friday = now - week * WEEK + 4 * DAY
        for index in staff.handlers:
            if rnd() >= 0.85:
                continue
            at = friday + between(rnd, 9 * HOUR, 18 * HOUR)
            if at >= now:
                continue
            score = rng.choices((1, 2, 3, 4, 5), (4, 10, 28, 38, 20))[0]
            comment = rng.choice(vocab.team.pulse_comments) if rnd() < 0.2 else ""
            out.append({"id": mint.at(at), "agent_id": staff.ids[index], "score": score,
                        "comment": comment, "answered_at": at})
    return out

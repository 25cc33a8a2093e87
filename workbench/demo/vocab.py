"""The demo's seed vocabularies (``seeds/*.json``), loaded once and expanded into pools.

Each language file holds real names, organisation words and short phrases in one script;
``team.json`` holds the team's own (English) vocabulary: KB categories, tags, hand-off and
pulse texts. Pools are expanded here, once, so the generators only pick by index.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

LANGUAGE_FILES = ("en", "fa", "bn", "km", "am", "hy")

Name = tuple[str, str]  # (written in its script, romanised for e-mail addresses)


def _pairs(items: list[str], joiner: str) -> tuple[str, ...]:
    """Short texts: every item alone (three times, so half are one sentence), then every
    ordered pair of two neighbouring-in-spirit items (each with the next three)."""
    n = len(items)
    out = list(items) * 3
    out.extend(items[i] + joiner + items[(i + k) % n] for i in range(n) for k in (1, 2, 3))
    return tuple(out)


@dataclass(frozen=True)
class Language:
    """One language's vocabulary, with its phrase pools already expanded."""

    code: str
    script: str
    weight: float
    family_first: bool
    zones: tuple[str, ...]
    phone_prefixes: tuple[str, ...]
    zone_phones: dict[str, str]  # a zone's own prefix, where the file gives one
    email_domains: tuple[str, ...]
    first_names: tuple[Name, ...]
    last_names: tuple[Name, ...]
    organisations: tuple[str, ...]
    products: tuple[str, ...]
    subjects: tuple[str, ...]
    messages: tuple[str, ...]  # one or two customer sentences
    replies: tuple[str, ...]  # one or two agent sentences
    reply_sentences: tuple[str, ...]
    notes: tuple[str, ...]
    steps: tuple[str, ...]
    kb_titles: tuple[str, ...]
    feedback_good: tuple[str, ...]
    feedback_bad: tuple[str, ...]
    greeting: str  # contains {name}
    signoff: str
    steps_heading: str
    reference: str
    joiner: str

    def full_name(self, first: str, last: str) -> str:
        return f"{last} {first}" if self.family_first else f"{first} {last}"

    def greet(self, name: str) -> str:
        return self.greeting.replace("{name}", name)

    @classmethod
    def from_seed(cls, data: dict[str, Any]) -> Language:
        joiner: str = data["joiner"]
        subjects: list[str] = []
        for template in data["subjects"]:
            if "{product}" in template:
                subjects.extend(template.replace("{product}", p) for p in data["products"])
            else:
                subjects.append(template)
        organisations = [
            pattern.replace("{a}", a).replace("{b}", b)
            for pattern in data["org_patterns"]
            for a in data["org_a"]
            for b in (data["org_b"] if "{b}" in pattern else [""])
        ]
        return cls(
            code=data["language"],
            script=data["script"],
            weight=float(data["weight"]),
            family_first=data["name_order"] == "last_first",
            zones=tuple(data["zones"]),
            phone_prefixes=tuple(data["phone_prefixes"]),
            zone_phones=dict(data.get("zone_phones", {})),
            email_domains=tuple(data["email_domains"]),
            first_names=tuple((n, r) for n, r in data["first_names"]),
            last_names=tuple((n, r) for n, r in data["last_names"]),
            organisations=tuple(organisations),
            products=tuple(data["products"]),
            subjects=tuple(subjects),
            messages=_pairs(data["messages"], joiner),
            replies=_pairs(data["replies"], joiner),
            reply_sentences=tuple(data["replies"]),
            notes=tuple(data["notes"]),
            steps=tuple(data["steps"]),
            kb_titles=tuple(data["kb_titles"]),
            feedback_good=tuple(data["feedback_good"]),
            feedback_bad=tuple(data["feedback_bad"]),
            greeting=data["greeting"],
            signoff=data["signoff"],
            steps_heading=data["steps_heading"],
            reference=data["reference"],
            joiner=joiner,
        )


@dataclass(frozen=True)
class InternalArticle:
    title: str
    category: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class TeamVocab:
    """The team's own words: its name, KB structure, tags and the texts agents write."""

    team_name: str
    team_zone: str
    agent_domain: str
    categories: tuple[tuple[str, tuple[str, ...]], ...]
    topic_categories: tuple[str, ...]
    topic_tags: tuple[tuple[str, ...], ...]
    internal_articles: tuple[InternalArticle, ...]
    ticket_tags: tuple[str, ...]
    customer_tags: tuple[str, ...]
    article_tags: tuple[str, ...]
    handoffs: tuple[str, ...]
    pulse_comments: tuple[str, ...]
    call_outcomes: tuple[tuple[str, int], ...]

    @classmethod
    def from_seed(cls, data: dict[str, Any]) -> TeamVocab:
        return cls(
            team_name=data["team"]["name"],
            team_zone=data["team"]["time_zone"],
            agent_domain=data["agent_domain"],
            categories=tuple((c["name"], tuple(c["children"])) for c in data["kb_categories"]),
            topic_categories=tuple(data["topic_categories"]),
            topic_tags=tuple(tuple(t) for t in data["topic_tags"]),
            internal_articles=tuple(
                InternalArticle(a["title"], a["category"], tuple(a["lines"]))
                for a in data["internal_articles"]
            ),
            ticket_tags=tuple(data["ticket_tags"]),
            customer_tags=tuple(data["customer_tags"]),
            article_tags=tuple(data["article_tags"]),
            handoffs=tuple(data["handoffs"]),
            pulse_comments=tuple(data["pulse_comments"]),
            call_outcomes=tuple((k, int(v)) for k, v in data["call_outcomes"].items()),
        )


@dataclass(frozen=True)
class Vocab:
    languages: tuple[Language, ...]
    team: TeamVocab

    @property
    def weights(self) -> list[float]:
        return [lang.weight for lang in self.languages]


def _read(name: str) -> dict[str, Any]:
    text = resources.files("workbench.demo").joinpath("seeds", f"{name}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def load_vocab() -> Vocab:
    """Every seed file, parsed and expanded (cached: the files never change at run time)."""
    languages = tuple(Language.from_seed(_read(code)) for code in LANGUAGE_FILES)
    return Vocab(languages, TeamVocab.from_seed(_read("team")))

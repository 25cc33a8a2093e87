"""Demo knowledge base: two levels of categories and articles in every script.

Articles are Markdown with the placeholders agents insert into replies
(``{customer.first_name}``, ``{ticket.number}``, ``{agent.name}``). Topics are aligned
across the language files, so the same topic in six languages shares a translation group.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from workbench.demo.common import DAY, HOUR, Row, between
from workbench.demo.ids import IdMint
from workbench.demo.people import Staff
from workbench.demo.vocab import Language, Vocab

MIN_ARTICLES, MAX_ARTICLES = 40, 200


@dataclass
class Knowledge:
    categories: list[Row] = field(default_factory=list)
    articles: list[Row] = field(default_factory=list)
    versions: list[Row] = field(default_factory=list)
    # What agents insert into replies (published, customer-facing), per language code.
    canned: dict[str, list[str]] = field(default_factory=dict)
    readable: list[str] = field(default_factory=list)  # everything not archived


def article_count(tickets: int) -> int:
    return max(MIN_ARTICLES, min(MAX_ARTICLES, MIN_ARTICLES + tickets // 5000))


def _body(lang: Language, title: str, intro: list[str], steps: list[str]) -> str:
    numbered = "\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1))
    return (
        f"# {title}\n\n{lang.greet('{customer.first_name}')}\n\n{lang.joiner.join(intro)}\n\n"
        f"## {lang.steps_heading}\n\n{numbered}\n\n{lang.reference}\n\n"
        f"{lang.signoff}\n{{agent.name}}\n"
    )


class KnowledgeBuilder:
    def __init__(self, rng: random.Random, mint: IdMint, vocab: Vocab, staff: Staff, now: int):
        self.rng, self.mint, self.vocab, self.staff, self.now = rng, mint, vocab, staff, now
        self.kb = Knowledge()
        self.category_ids: dict[str, str] = {}
        self.groups: dict[tuple[int, int], str] = {}

    def build(self, tickets: int) -> Knowledge:
        self._categories()
        total = article_count(tickets)
        internal = self.vocab.team.internal_articles
        public = total - len(internal)
        languages = self.vocab.languages
        topics = len(languages[0].kb_titles)
        for i in range(public):
            lang = languages[i % len(languages)]
            topic = (i // len(languages)) % topics
            variant = i // (len(languages) * topics)
            title = lang.kb_titles[topic]
            if variant:
                product = lang.products[(variant - 1 + topic) % len(lang.products)]
                title = f"{title}{' ' if lang.joiner else ''}({product})"
            tags = list(self.vocab.team.topic_tags[topic])
            category = self.vocab.team.topic_categories[topic]
            self._article(lang, title, category, tags, (topic, variant), internal=False,
                          lines=None)
        english = languages[0]
        for art in internal:
            self._article(english, art.title, art.category, ["internal"], None, internal=True,
                          lines=list(art.lines))
        return self.kb

    def _categories(self) -> None:
        created = self.now - 800 * DAY
        for position, (parent, _children) in enumerate(self.vocab.team.categories):
            pid = self.mint.at(created)
            self.category_ids[parent] = pid
            self.kb.categories.append({"id": pid, "parent_id": None, "name": parent,
                                       "position": position, "created_at": created})
        for parent, children in self.vocab.team.categories:
            for position, child in enumerate(children):
                cid = self.mint.at(created + DAY)
                self.category_ids[child] = cid
                self.kb.categories.append({
                    "id": cid, "parent_id": self.category_ids[parent], "name": child,
                    "position": position, "created_at": created + DAY,
                })

    def _article(self, lang: Language, title: str, category: str, tags: list[str],
                 group: tuple[int, int] | None, *, internal: bool,
                 lines: list[str] | None) -> None:
        rng, rnd, staff, now = self.rng, self.rng.random, self.staff, self.now
        version = rng.choices((1, 2, 3, 4), (50, 30, 15, 5))[0]
        intro = rng.sample(lang.reply_sentences, 2)
        steps = sorted(rng.sample(range(len(lang.steps)), between(rnd, 3, 6)))

        def body(ver: int) -> str:
            if lines is not None:
                return f"# {title}\n\n" + "\n".join(f"- {line}" for line in lines[: 1 + ver]) + "\n"
            keep = max(2, len(steps) - (version - ver))
            return _body(lang, title, intro, [lang.steps[s] for s in steps[:keep]])

        author = rng.choice(staff.leads + staff.handlers)
        created = now - between(rnd, 60, 700) * DAY - between(rnd, 0, DAY)
        at = created
        article_id = self.mint.at(created)
        group_id = self.groups.setdefault(group, self.mint.at(created)) if group else None
        for ver in range(1, version):
            editor = author if ver == 1 else rng.choice(staff.handlers)
            self.kb.versions.append({
                "id": self.mint.at(at), "article_id": article_id, "version": ver, "title": title,
                "body": body(ver), "editor_id": self.staff.ids[editor], "created_at": at,
            })
            at += between(rnd, DAY, 40 * DAY)
        updated = min(at, now - HOUR)
        archived = min(updated + between(rnd, DAY, 60 * DAY), now - HOUR) if rnd() < 0.04 else None
        extra = [rng.choice(self.vocab.team.article_tags)] if rnd() < 0.5 else []
        self.kb.articles.append({
            "id": article_id, "category_id": self.category_ids[category], "title": title,
            "body": body(version), "tags": tags + [t for t in extra if t not in tags],
            "language": lang.code, "internal": internal, "translation_group": group_id,
            "author_id": staff.ids[author],
            "editor_id": staff.ids[rng.choice(staff.handlers)] if version > 1 else None,
            "version": version, "source_path": None, "source_hash": None,
            "created_at": created, "updated_at": updated, "archived_at": archived,
        })
        if archived is None:
            self.kb.readable.append(article_id)
            if not internal:
                self.kb.canned.setdefault(lang.code, []).append(article_id)

"""All SQL of the knowledge base: categories, articles, versions, usage, placeholder facts.

Functions are named by what they are for and return ORM rows (for the service to update
through the write path) or plain dicts (for read-only records). The article list never
reads bodies: a body can be 200 kB and the list is read whenever the panel refreshes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from workbench.domain.enums import EventKind
from workbench.store.models import (
    Agent,
    ArticleView,
    CannedUse,
    Customer,
    KbArticle,
    KbArticleVersion,
    KbCategory,
    Team,
    Ticket,
    TicketEvent,
)

_SUMMARY_COLUMNS = (
    KbArticle.id, KbArticle.title, KbArticle.category_id, KbArticle.tags, KbArticle.language,
    KbArticle.internal, KbArticle.translation_group, KbArticle.version, KbArticle.updated_at,
    KbArticle.archived_at,
)


# -- categories ------------------------------------------------------------------------------
def categories(s: Session) -> list[KbCategory]:
    """Every category, siblings in their position then name order."""
    return list(s.scalars(select(KbCategory).order_by(KbCategory.position, KbCategory.name)))


def child_category(s: Session, parent_id: str | None, name: str) -> KbCategory | None:
    """The category called *name* directly under *parent_id* (None: at the top)."""
    parent = (
        KbCategory.parent_id.is_(None) if parent_id is None else KbCategory.parent_id == parent_id
    )
    return s.scalar(select(KbCategory).where(parent, KbCategory.name == name).limit(1))


def next_category_position(s: Session, parent_id: str | None) -> int:
    parent = (
        KbCategory.parent_id.is_(None) if parent_id is None else KbCategory.parent_id == parent_id
    )
    return int(s.scalar(select(func.coalesce(func.max(KbCategory.position) + 1, 0))
                        .where(parent)) or 0)


# -- articles --------------------------------------------------------------------------------
def article_summaries(s: Session, include_archived: bool = False) -> list[dict[str, Any]]:
    """Every article without its body, titles in alphabetical order."""
    q = select(*_SUMMARY_COLUMNS).order_by(KbArticle.title, KbArticle.id)
    if not include_archived:
        q = q.where(KbArticle.archived_at.is_(None))
    return [dict(r._mapping) for r in s.execute(q)]


def article(s: Session, article_id: str) -> KbArticle | None:
    return s.get(KbArticle, article_id)


def articles_by_id_suffix(s: Session, suffix: str, limit: int = 2) -> list[KbArticle]:
    """Articles whose id ends with *suffix* (the short form the CLI prints)."""
    return list(s.scalars(select(KbArticle).where(KbArticle.id.endswith(suffix)).limit(limit)))


def articles_titled(s: Session, title: str, limit: int = 2) -> list[KbArticle]:
    return list(s.scalars(select(KbArticle).where(KbArticle.title == title).limit(limit)))


def agent_names(s: Session, ids: Iterable[str | None]) -> dict[str, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {r[0]: r[1] for r in s.execute(select(Agent.id, Agent.name).where(Agent.id.in_(wanted)))}


def translations_of(s: Session, group: str, exclude_id: str) -> list[KbArticle]:
    """The other articles of a translation group, by language."""
    return list(s.scalars(
        select(KbArticle)
        .where(KbArticle.translation_group == group, KbArticle.id != exclude_id)
        .order_by(KbArticle.language, KbArticle.id)
    ))


def versions_of(s: Session, article_id: str, limit: int) -> list[dict[str, Any]]:
    """The stored (superseded) versions of an article, newest first, with the editor's name."""
    editor = aliased(Agent)
    q = (
        select(KbArticleVersion.version, KbArticleVersion.title, KbArticleVersion.body,
               KbArticleVersion.editor_id, editor.name.label("editor_name"),
               KbArticleVersion.created_at)
        .outerjoin(editor, editor.id == KbArticleVersion.editor_id)
        .where(KbArticleVersion.article_id == article_id)
        .order_by(KbArticleVersion.version.desc(), KbArticleVersion.created_at.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in s.execute(q)]


def version_of(s: Session, article_id: str, version: int) -> KbArticleVersion | None:
    """The newest stored copy of one version number (two offline edits may share one)."""
    return s.scalar(
        select(KbArticleVersion)
        .where(KbArticleVersion.article_id == article_id, KbArticleVersion.version == version)
        .order_by(KbArticleVersion.created_at.desc()).limit(1)
    )


def articles_by_source(s: Session, paths: Iterable[str]) -> dict[str, KbArticle]:
    """Imported articles by the source path they came from."""
    wanted = list(set(paths))
    if not wanted:
        return {}
    rows = s.scalars(select(KbArticle).where(KbArticle.source_path.in_(wanted)))
    return {a.source_path: a for a in rows if a.source_path is not None}


def usage_counts(s: Session, article_id: str) -> tuple[int, int]:
    """(views, insertions as a canned answer) of one article, all time."""
    views = s.scalar(select(func.count()).select_from(ArticleView)
                     .where(ArticleView.article_id == article_id)) or 0
    uses = s.scalar(select(func.count()).select_from(CannedUse)
                    .where(CannedUse.article_id == article_id)) or 0
    return int(views), int(uses)


def article_flags(s: Session, ids: Iterable[str]) -> dict[str, tuple[str, bool, str | None]]:
    """Live article id -> (language, internal, translation group) for a few search hits."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = s.execute(
        select(KbArticle.id, KbArticle.language, KbArticle.internal, KbArticle.translation_group)
        .where(KbArticle.id.in_(wanted), KbArticle.archived_at.is_(None))
    )
    return {r[0]: (r[1], bool(r[2]), r[3]) for r in rows}


# -- placeholder values ----------------------------------------------------------------------
def ticket_facts(s: Session, ticket_id: str) -> dict[str, Any] | None:
    """What placeholders say about a ticket: its own fields, its customer's and its team's."""
    q = (
        select(Ticket.id, Ticket.number, Ticket.subject, Ticket.priority, Ticket.status,
               Ticket.team_id, Team.name.label("team_name"),
               Customer.name.label("customer_name"), Customer.email, Customer.phone,
               Customer.organisation, Customer.plan, Customer.time_zone, Customer.language)
        .join(Customer, Customer.id == Ticket.customer_id)
        .outerjoin(Team, Team.id == Ticket.team_id)
        .where(Ticket.id == ticket_id)
    )
    row = s.execute(q).first()
    return dict(row._mapping) if row else None


def agent_facts(s: Session, agent_id: str) -> dict[str, Any] | None:
    """An agent's name, e-mail and team name."""
    q = (
        select(Agent.name, Agent.email, Team.name.label("team_name"))
        .outerjoin(Team, Team.id == Agent.team_id)
        .where(Agent.id == agent_id)
    )
    row = s.execute(q).first()
    return dict(row._mapping) if row else None


def last_customer_message(s: Session, ticket_id: str) -> str | None:
    """The body of the newest message the customer wrote on a ticket."""
    return s.scalar(
        select(TicketEvent.body)
        .where(TicketEvent.ticket_id == ticket_id,
               TicketEvent.kind == EventKind.CUSTOMER_MESSAGE.value)
        .order_by(TicketEvent.created_at.desc(), TicketEvent.id.desc()).limit(1)
    )

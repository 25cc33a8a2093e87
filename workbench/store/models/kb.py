"""Knowledge base: categories, articles (also canned answers), versions, reads and uses."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.store.models.base import Base, Id, Ms, OptMs


class KbCategory(Base):
    __tablename__ = "kb_categories"
    __sync__ = "mutable"
    id: Mapped[Id]
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("kb_categories.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[Ms]


class KbArticle(Base):
    __tablename__ = "kb_articles"
    __sync__ = "mutable"
    id: Mapped[Id]
    category_id: Mapped[str | None] = mapped_column(
        ForeignKey("kb_categories.id"), nullable=True, index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(16), default="en")
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    # Articles that are translations of each other share one group id.
    translation_group: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"), nullable=True)
    editor_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source_path: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    source_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[Ms]
    updated_at: Mapped[Ms]
    archived_at: Mapped[OptMs]


class KbArticleVersion(Base):
    __tablename__ = "kb_article_versions"
    __sync__ = "append"
    id: Mapped[Id]
    article_id: Mapped[str] = mapped_column(ForeignKey("kb_articles.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    editor_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"), nullable=True)
    created_at: Mapped[Ms]


class ArticleView(Base):
    __tablename__ = "article_views"
    __sync__ = "append"
    __table_args__ = (Index("ix_article_views_at", "viewed_at"),)
    id: Mapped[Id]
    article_id: Mapped[str] = mapped_column(ForeignKey("kb_articles.id"), index=True)
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"), nullable=True)
    viewed_at: Mapped[Ms]
    seconds: Mapped[int] = mapped_column(Integer)


class CannedUse(Base):
    __tablename__ = "canned_uses"
    __sync__ = "append"
    __table_args__ = (Index("ix_canned_uses_at", "used_at"),)
    id: Mapped[Id]
    article_id: Mapped[str] = mapped_column(ForeignKey("kb_articles.id"), index=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id"))
    ticket_id: Mapped[str | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    used_at: Mapped[Ms]

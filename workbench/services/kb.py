"""The knowledge base: categories, articles, versions, translations, reads and canned answers.

``KbService(wb)`` works on its own (the CLI and the UI build one when ``wb.kb`` is absent).

* **Versions.** Every change of an article's title or body bumps ``version`` and appends a
  copy of the *new* text to ``kb_article_versions`` (creation writes version 1), so every
  text an article ever had — including an edit that lost a sync race — stays restorable.
  Restoring is one more edit with the old text: history is never rewritten. Tags,
  category, language and the internal flag are metadata: changing them records the editor
  but makes no version.
* **Translations** share a ``translation_group`` (the first article's id); a group holds at
  most one live article per language.
* **Reads and uses** are append-only rows: a view of at least
  :data:`~workbench.domain.kpi.MIN_READ_SECONDS` (shorter ones are glances, as in the
  metrics), and one row per inserted answer saying whether the agent edited it.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import TYPE_CHECKING, Any

from workbench.domain.placeholders import Rendered
from workbench.domain.validation import clean_body, clean_line, clean_tags
from workbench.services import kb_answers
from workbench.services.errors import NotFound, ValidationError
from workbench.services.kb_dto import (
    ArticleInfo,
    ArticleSuggestion,
    ArticleSummary,
    ArticleVersionInfo,
    CategoryInfo,
    ImportReport,
    TranslationLink,
)
from workbench.store import kb_queries as kq
from workbench.store.changelog import Writer
from workbench.store.models import KbArticle, KbArticleVersion, KbCategory

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import Session

    from workbench.services.context import Workbench

HISTORY_LIMIT = 10
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


class Keep(Enum):
    """"Leave this field as it is" for :meth:`KbService.update` (None means "no category")."""

    KEEP = 0


KEEP = Keep.KEEP


def clean_language(value: str) -> str:
    code = value.strip().lower().replace("_", "-")
    if not _LANGUAGE.match(code) or len(code) > 16:
        raise ValidationError(f"{value!r} is not a language code (e.g. en, fa, pt-br)")
    return code


def _valid(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def summary(row: dict[str, Any]) -> ArticleSummary:
    return ArticleSummary(**{**row, "tags": list(row["tags"] or []),
                             "internal": bool(row["internal"])})


class KbService:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb

    # -- categories ----------------------------------------------------------------------
    def categories(self) -> list[CategoryInfo]:
        """Every category with its full path, parents before children."""
        with self.wb.read() as s:
            return _category_infos(s)

    def create_category(self, name: str, parent_id: str | None = None) -> CategoryInfo:
        name = _valid(clean_line, name, "the category name", limit=200)
        if "/" in name:
            raise ValidationError("a category name cannot contain '/' (it separates levels)")
        with self.wb.write() as w:
            if parent_id is not None and w.session.get(KbCategory, parent_id) is None:
                raise NotFound(f"no category {parent_id!r}")
            if kq.child_category(w.session, parent_id, name) is not None:
                raise ValidationError(f"there is already a category {name!r} there")
            cat = self._new_category(w, parent_id, name)
            return next(c for c in _category_infos(w.session) if c.id == cat.id)

    def _new_category(self, w: Writer, parent_id: str | None, name: str) -> KbCategory:
        position = kq.next_category_position(w.session, parent_id)
        return w.insert(KbCategory(parent_id=parent_id, name=name, position=position,
                                   created_at=w.now_ms))

    def category_for_path(self, w: Writer, path: str) -> tuple[str | None, list[str]]:
        """The id of the category at *path* ("Billing/Refunds"), creating missing levels;
        returns it with the paths it created."""
        parent: str | None = None
        created: list[str] = []
        walked: list[str] = []
        for part in (p.strip() for p in path.split("/")):
            if not part:
                continue
            name = _valid(clean_line, part, "a category name", limit=200)
            walked.append(name)
            found = kq.child_category(w.session, parent, name)
            if found is None:
                found = self._new_category(w, parent, name)
                created.append("/".join(walked))
            parent = found.id
        return parent, created

    # -- reading articles ----------------------------------------------------------------
    def articles(self, include_archived: bool = False) -> list[ArticleSummary]:
        """Every article (live ones unless *include_archived*), by title, without bodies."""
        with self.wb.read() as s:
            return [summary(r) for r in kq.article_summaries(s, include_archived)]

    def get(self, ref: str) -> ArticleInfo:
        """An article by id, the end of its id (6+ characters, as the CLI shows) or title."""
        with self.wb.read() as s:
            return self._info(s, self._find(s, ref))

    def _find(self, s: Session, ref: str) -> KbArticle:
        ref = ref.strip()
        found = kq.article(s, ref)
        if found is not None:
            return found
        for matches in (kq.articles_by_id_suffix(s, ref.lower()) if len(ref) >= 6 else [],
                        kq.articles_titled(s, ref)):
            if len(matches) > 1:
                raise ValidationError(f"{ref!r} names several articles; use the full id")
            if matches:
                return matches[0]
        raise NotFound(f"no article {ref!r}")

    def _info(self, s: Session, a: KbArticle) -> ArticleInfo:
        names = kq.agent_names(s, (a.author_id, a.editor_id))
        paths = {c.id: c.path for c in _category_infos(s)}
        links = []
        if a.translation_group:
            links = [TranslationLink(t.id, t.language, t.title, t.archived_at is not None)
                     for t in kq.translations_of(s, a.translation_group, a.id)]
        views, uses = kq.usage_counts(s, a.id)
        return ArticleInfo(
            id=a.id, title=a.title, body=a.body, category_id=a.category_id,
            category_path=paths.get(a.category_id) if a.category_id else None,
            tags=list(a.tags or []), language=a.language, internal=bool(a.internal),
            translation_group=a.translation_group, author_id=a.author_id,
            author_name=names.get(a.author_id or ""), editor_id=a.editor_id,
            editor_name=names.get(a.editor_id or ""), version=a.version,
            source_path=a.source_path, created_at=a.created_at, updated_at=a.updated_at,
            archived_at=a.archived_at, translations=links, views=views, uses=uses,
        )

    def history(self, article_id: str, limit: int = HISTORY_LIMIT) -> list[ArticleVersionInfo]:
        """The article's text now, then its earlier versions, newest first (*limit* in all)."""
        with self.wb.read() as s:
            a = self._find(s, article_id)
            names = kq.agent_names(s, (a.editor_id or a.author_id,))
            editor = a.editor_id or a.author_id
            out = [ArticleVersionInfo(a.version, a.title, a.body, editor,
                                      names.get(editor or ""), a.updated_at, current=True)]
            for v in kq.versions_of(s, a.id, limit + 1):
                if v["version"] == a.version and (v["title"], v["body"]) == (a.title, a.body):
                    continue  # the stored copy of the current text
                out.append(ArticleVersionInfo(**v))
            return out[:max(1, limit)]

    # -- writing articles ----------------------------------------------------------------
    def create(self, title: str, body: str = "", *, category_id: str | None = None,
               tags: list[str] | None = None, language: str = "en",
               internal: bool = False) -> ArticleInfo:
        fields = self._clean(title=title, body=body, tags=tags or [], language=language)
        with self.wb.write() as w:
            self._check_category(w, category_id)
            a = self.insert_article(w, category_id=category_id, internal=internal, **fields)
            return self._info(w.session, a)

    def insert_article(self, w: Writer, **fields: Any) -> KbArticle:
        """A new article and its version 1, inside *w* (fields already cleaned)."""
        a = w.insert(KbArticle(author_id=w.actor_id, editor_id=None, version=1,
                               created_at=w.now_ms, updated_at=w.now_ms, **fields))
        self._append_version(w, a)
        return a

    def update(self, article_id: str, *, title: str | None = None, body: str | None = None,
               tags: list[str] | None = None, category_id: str | Keep | None = KEEP,
               language: str | None = None, internal: bool | None = None) -> ArticleInfo:
        """Change what is given; a new title or body makes a new version."""
        given = {"title": title, "body": body, "tags": tags, "language": language}
        fields = self._clean(**{k: v for k, v in given.items() if v is not None})
        if internal is not None:
            fields["internal"] = internal
        with self.wb.write() as w:
            a = self._find(w.session, article_id)
            if not isinstance(category_id, Keep):
                self._check_category(w, category_id)
                fields["category_id"] = category_id
            self.edit_article(w, a, fields)
            return self._info(w.session, a)

    def edit_article(self, w: Writer, a: KbArticle, fields: dict[str, Any]) -> bool:
        """Apply cleaned *fields* inside *w* as one logged change; True when any differed."""
        changed = {k: v for k, v in fields.items() if getattr(a, k) != v}
        if not changed:
            return False
        if "language" in changed and a.translation_group:
            self._check_language_free(w.session, a.translation_group, a.id, changed["language"])
        content = "title" in changed or "body" in changed
        if content:
            changed["version"] = a.version + 1
        w.update(a, **changed, editor_id=w.actor_id, updated_at=w.now_ms)
        if content:
            self._append_version(w, a)
        return True

    def _append_version(self, w: Writer, a: KbArticle) -> None:
        w.insert(KbArticleVersion(article_id=a.id, version=a.version, title=a.title,
                                  body=a.body, editor_id=w.actor_id, created_at=w.now_ms))

    def restore(self, article_id: str, version: int) -> ArticleInfo:
        """Make an earlier version's title and body current again, as a new version."""
        with self.wb.write() as w:
            a = self._find(w.session, article_id)
            old = kq.version_of(w.session, a.id, version)
            if old is None:
                raise NotFound(f"article {a.title!r} has no version {version}")
            self.edit_article(w, a, {"title": old.title, "body": old.body})
            return self._info(w.session, a)

    def archive(self, article_id: str) -> ArticleInfo:
        """Hide an article from lists, the picker and search; it stays restorable."""
        return self._set_archived(article_id, True)

    def unarchive(self, article_id: str) -> ArticleInfo:
        return self._set_archived(article_id, False)

    def _set_archived(self, article_id: str, archived: bool) -> ArticleInfo:
        with self.wb.write() as w:
            a = self._find(w.session, article_id)
            if archived and a.archived_at is None:
                w.update(a, archived_at=w.now_ms)
            elif not archived and a.archived_at is not None:
                if a.translation_group:
                    self._check_language_free(w.session, a.translation_group, a.id, a.language)
                w.update(a, archived_at=None)
            return self._info(w.session, a)

    def add_translation(self, article_id: str, language: str, title: str | None = None,
                        body: str | None = None) -> ArticleInfo:
        """A new article in *language* linked to this one; it starts as a copy to translate."""
        code = clean_language(language)
        with self.wb.write() as w:
            source = self._find(w.session, article_id)
            if code == source.language:
                raise ValidationError(f"the article is already in {code!r}")
            group = source.translation_group or source.id
            if source.translation_group is None:
                w.update(source, translation_group=group)
            fields = self._clean(title=title or source.title,
                                 body=source.body if body is None else body)
            self._check_language_free(w.session, group, None, code)
            a = self.insert_article(
                w, category_id=source.category_id, tags=list(source.tags or []), language=code,
                internal=source.internal, translation_group=group, **fields)
            return self._info(w.session, a)

    def _check_language_free(self, s: Session, group: str, exclude_id: str | None,
                             code: str) -> None:
        for other in kq.translations_of(s, group, exclude_id or ""):
            if other.language == code and other.archived_at is None:
                raise ValidationError(
                    f"this article already has a {code!r} translation: {other.title!r}")

    def _check_category(self, w: Writer, category_id: str | None) -> None:
        if category_id is not None and w.session.get(KbCategory, category_id) is None:
            raise NotFound(f"no category {category_id!r}")

    def _clean(self, **fields: Any) -> dict[str, Any]:
        out = dict(fields)
        if "title" in out:
            out["title"] = _valid(clean_line, out["title"], "the title")
        if "body" in out:
            out["body"] = _valid(clean_body, out["body"], "the article", required=False)
        if "tags" in out:
            out["tags"] = _valid(clean_tags, list(out["tags"]))
        if "language" in out:
            out["language"] = clean_language(out["language"])
        return out

    # -- reads and uses ------------------------------------------------------------------
    def record_view(self, article_id: str, seconds: float) -> bool:
        """Record that the acting agent read an article for *seconds* (on screen, window
        active); a glance under MIN_READ_SECONDS is not a read and is not recorded."""
        return kb_answers.record_view(self.wb, article_id, seconds)

    def record_use(self, article_id: str, ticket_id: str | None, inserted_text: str,
                   sent_text: str) -> bool:
        """Record one insertion of an article into a reply sent on a ticket (id or
        reference); returns whether the agent edited it (the inserted text no longer
        appears as it was in *sent_text*)."""
        return kb_answers.record_use(self.wb, article_id, ticket_id, inserted_text, sent_text)

    # -- canned answers ------------------------------------------------------------------
    def placeholder_values(self, ticket_ref: str | None,
                           agent_id: str | None) -> dict[str, str | None]:
        """Every known placeholder's value for this ticket and agent (None: unknown)."""
        return kb_answers.placeholder_values(self.wb, ticket_ref, agent_id)

    def render_for_ticket(self, article_id: str, ticket_ref: str | None,
                          agent_id: str | None) -> Rendered:
        """The article as an answer: its body (without a leading "# title" line) with the
        placeholders filled from the ticket, its customer and the agent."""
        article = self.get(article_id)
        values = self.placeholder_values(ticket_ref, agent_id)
        return kb_answers.render_answer(article.title, article.body, values)

    def ticket_language(self, ticket_ref: str) -> str | None:
        """The language of the ticket's customer (answers in it are offered first)."""
        return kb_answers.ticket_language(self.wb, ticket_ref)

    def suggest_for_ticket(self, ticket_ref: str, limit: int = 5) -> list[ArticleSuggestion]:
        """Up to *limit* live articles that may answer the ticket, best first ([] if none)."""
        return kb_answers.suggest_for_ticket(self.wb, ticket_ref, limit)

    def import_paths(self, paths: list[Path]) -> ImportReport:
        """Import Markdown files and folders (see :mod:`workbench.services.kb_import`)."""
        from workbench.services.kb_import import import_paths

        return import_paths(self, paths)


def _category_infos(s: Session) -> list[CategoryInfo]:
    """Categories with their paths, in tree order (each parent, then its children by
    position and name)."""
    rows = kq.categories(s)
    by_id = {c.id: c for c in rows}

    def chain(c: KbCategory) -> list[KbCategory]:
        out, seen = [c], {c.id}
        while c.parent_id and c.parent_id in by_id and c.parent_id not in seen:
            c = by_id[c.parent_id]
            seen.add(c.id)  # a cycle (two nodes re-parenting concurrently) must not hang
            out.append(c)
        return out[::-1]

    chains = {c.id: chain(c) for c in rows}
    ordered = sorted(rows, key=lambda c: [(x.position, x.name, x.id) for x in chains[c.id]])
    return [CategoryInfo(c.id, c.parent_id, c.name, c.position,
                         "/".join(x.name for x in chains[c.id])) for c in ordered]

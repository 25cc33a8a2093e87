"""Read-only records of the knowledge base that the services hand to the UI and the CLI.

Plain frozen dataclasses (``to_jsonable`` turns them into JSON for ``--json``); no ORM
object ever leaves the service layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CategoryInfo:
    """A category; *path* is its name with its ancestors' ("Billing/Refunds")."""

    id: str
    parent_id: str | None
    name: str
    position: int
    path: str


@dataclass(frozen=True)
class ArticleSummary:
    """One row of the article list and the answer picker (no body: the list stays light)."""

    id: str
    title: str
    category_id: str | None
    tags: list[str]
    language: str
    internal: bool
    translation_group: str | None
    version: int
    updated_at: int
    archived_at: int | None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


@dataclass(frozen=True)
class TranslationLink:
    """Another language of the same article."""

    id: str
    language: str
    title: str
    archived: bool


@dataclass(frozen=True)
class ArticleInfo:
    """An article in full, with who wrote it, its translations and how much it is used."""

    id: str
    title: str
    body: str
    category_id: str | None
    category_path: str | None
    tags: list[str]
    language: str
    internal: bool
    translation_group: str | None
    author_id: str | None
    author_name: str | None
    editor_id: str | None
    editor_name: str | None
    version: int
    source_path: str | None
    created_at: int
    updated_at: int
    archived_at: int | None
    translations: list[TranslationLink] = field(default_factory=list)
    views: int = 0
    uses: int = 0

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


@dataclass(frozen=True)
class ArticleVersionInfo:
    """One version of an article; *current* marks the text the article holds now."""

    version: int
    title: str
    body: str
    editor_id: str | None
    editor_name: str | None
    created_at: int
    current: bool = False


@dataclass(frozen=True)
class ArticleSuggestion:
    """An article that may answer a ticket, best first; *snippet* carries match markers."""

    id: str
    title: str
    snippet: str
    language: str
    internal: bool
    score: float


@dataclass(frozen=True)
class ImportedFile:
    """What ``kb import`` did with one file: created, updated or unchanged."""

    path: str
    outcome: str
    article_id: str
    title: str


@dataclass(frozen=True)
class ImportReport:
    """The outcome of one import run (all files, or none when any of them is malformed)."""

    files: list[ImportedFile]
    categories_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "path:line: unknown key ... ignored"

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

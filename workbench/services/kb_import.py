"""``workbench kb import``: Markdown files (or folders of them) become articles.

A file may start with a small front matter block (a subset of YAML, parsed here)::

    ---
    title: Refund a card payment
    category: Billing/Refunds        # nested categories, created when missing
    tags: [refunds, cards]           # or: refunds, cards   or a "- item" list below
    language: en
    internal: false                  # true/false, yes/no
    ---
    The body, in Markdown.

Without a title the first ``# heading`` is used, else the file name; without a category a
file found inside a given folder goes to the category of its sub-folder path. Keys other
tools write (``layout``, ``date``...) are ignored with a warning.

**All or nothing per run**: every file is read and checked first; if any is malformed the
run imports nothing and the error names each bad file and line (``path:3: ...``), so a
fixed run never leaves half a documentation set behind. Each article remembers its file
(absolute path) and the SHA-256 of its bytes: importing an unchanged file again changes
nothing; a changed one updates its article (a new version when the title or body changed).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.domain.validation import clean_body, clean_line, clean_tags
from workbench.services.errors import ValidationError
from workbench.services.kb_dto import ImportedFile, ImportReport
from workbench.store import kb_queries as kq

if TYPE_CHECKING:
    from workbench.services.kb import KbService

KEYS = ("title", "category", "tags", "language", "internal")
SUFFIXES = (".md", ".markdown")
MAX_ERRORS_SHOWN = 20
_KEY_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(.*)$")
_TRUE, _FALSE = ("true", "yes", "on"), ("false", "no", "off")


class FileError(ValueError):
    """What is wrong with one file, at which line (0: the file as a whole)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class ParsedArticle:
    """One file, read and checked, ready to write."""

    source: str
    digest: str
    fields: dict[str, Any]
    category: str | None
    warnings: list[str] = field(default_factory=list)


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _without_comment(value: str) -> str:
    """The value without a trailing ``# comment`` (a quoted value keeps its '#')."""
    value = value.strip()
    if value[:1] in ("'", '"'):
        close = value.find(value[0], 1)
        if close > 0:
            return value[:close + 1]
    cut = re.search(r"\s#", value)
    return value[:cut.start()].rstrip() if cut else value


def _list(value: str, line: int) -> list[str]:
    value = value.strip()
    if value.startswith("["):
        if not value.endswith("]"):
            raise FileError(line, "a list that opens with '[' must close with ']' on its line")
        value = value[1:-1]
    return [_unquote(v) for v in value.split(",") if v.strip()]


def parse_front_matter(text: str) -> tuple[dict[str, tuple[int, Any]], str, list[str]]:
    """(key -> (line, value), body, warnings) of a Markdown text; raises FileError."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, []
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise FileError(1, "the front matter opened here with '---' is never closed "
                           "(end it with a line holding only '---')")
    found: dict[str, tuple[int, Any]] = {}
    warnings: list[str] = []
    block = None  # "tags" right after "tags:" with no value: "- item" lines follow
    for index in range(1, end):
        number, raw = index + 1, lines[index]
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if raw[0] in " \t-":
            if block == "ignored":  # the nested value of a key other tools use
                continue
            if block == "tags" and stripped.startswith("-"):
                line, items = found["tags"]
                found["tags"] = (line, [*items, _unquote(stripped[1:])])
                continue
            raise FileError(number, f"expected 'key: value', found {stripped!r} (nested values "
                                    "are not supported)")
        m = _KEY_LINE.match(raw)
        if m is None:
            raise FileError(number, f"expected 'key: value', found {stripped!r}")
        key, value = m.group(1).lower(), _without_comment(m.group(2))
        if key in found:
            raise FileError(number, f"{key!r} is given twice (first on line {found[key][0]})")
        block = key if not value else None
        if key not in KEYS:
            warnings.append(f"{number}: unknown key {key!r} ignored (known: {', '.join(KEYS)})")
            block = "ignored"
            continue
        found[key] = (number, _list(value, number) if key == "tags" else _unquote(value))
    return found, "\n".join(lines[end + 1:]).lstrip("\n"), warnings


def parse_file(path: Path, category: str | None) -> ParsedArticle:
    """Read and check one file; *category* is the folder-derived default."""
    from workbench.services.kb import clean_language

    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise FileError(0, f"not UTF-8 text (byte {exc.start + 1})") from None
    meta, body, warnings = parse_front_matter(text)
    out: dict[str, Any] = {"internal": False, "language": "en", "tags": []}
    for key, (line, value) in meta.items():
        try:
            if key == "title":
                out["title"] = clean_line(value, "the title")
            elif key == "category":
                parts = [clean_line(p, "a category name", limit=200)
                         for p in value.split("/") if p.strip()]
                category = "/".join(parts) or None
            elif key == "tags":
                out["tags"] = clean_tags(value)
            elif key == "language":
                out["language"] = clean_language(value)
            elif value.lower() in _TRUE + _FALSE:
                out["internal"] = value.lower() in _TRUE
            else:
                raise ValueError(f"internal must be true or false, not {value!r}")
        except ValueError as exc:  # ValidationError is one too
            raise FileError(line, str(exc)) from None
    if "title" not in out:
        heading = next((x[2:].strip() for x in body.split("\n") if x.startswith("# ")), "")
        fallback = path.stem.replace("-", " ").replace("_", " ").strip()
        try:
            out["title"] = clean_line(heading or fallback, "the title")
        except ValueError as exc:
            raise FileError(0, str(exc)) from None
    try:
        out["body"] = clean_body(body, "the article", required=False)
    except ValueError as exc:
        raise FileError(0, str(exc)) from None
    digest = hashlib.sha256(data).hexdigest()
    return ParsedArticle(str(path.resolve()), digest, out, category, warnings)


def collect(paths: list[Path]) -> tuple[list[tuple[Path, str | None]], list[str]]:
    """(file, folder-derived category) for every Markdown file named or found; errors."""
    found: dict[Path, tuple[Path, str | None]] = {}
    errors: list[str] = []
    for given in paths:
        if given.is_dir():
            files = sorted(p for p in given.rglob("*") if p.suffix.lower() in SUFFIXES
                           and p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(given).parts))
            if not files:
                errors.append(f"{given}: no Markdown (*.md) files in this folder")
            for f in files:
                folder = "/".join(f.relative_to(given).parent.parts) or None
                found.setdefault(f.resolve(), (f, folder))
        elif given.is_file():
            found.setdefault(given.resolve(), (given, None))
        else:
            errors.append(f"{given}: no such file or folder")
    return list(found.values()), errors


def import_paths(kb: KbService, paths: list[Path]) -> ImportReport:
    files, errors = collect(paths)
    parsed: list[ParsedArticle] = []
    warnings: list[str] = []
    for path, category in files:
        try:
            item = parse_file(path, category)
        except FileError as exc:
            errors.append(f"{path}:{exc.line}: {exc}" if exc.line else f"{path}: {exc}")
        except OSError as exc:
            errors.append(f"{path}: cannot be read ({exc.strerror or exc})")
        else:
            parsed.append(item)
            warnings += [f"{path}:{w}" for w in item.warnings]
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        more = len(errors) - len(shown)
        raise ValidationError(
            f"nothing was imported: {len(errors)} problem(s) to fix first\n  "
            + "\n  ".join(shown) + (f"\n  ... and {more} more" if more > 0 else ""))
    results: list[ImportedFile] = []
    created_categories: list[str] = []
    with kb.wb.write() as w:
        existing = kq.articles_by_source(w.session, [p.source for p in parsed])
        for item in parsed:
            article = existing.get(item.source)
            if article is not None and article.source_hash == item.digest:
                results.append(ImportedFile(item.source, "unchanged", article.id, article.title))
                continue
            category_id, made = (kb.category_for_path(w, item.category) if item.category
                                 else (None, []))
            created_categories += made
            fields = {**item.fields, "category_id": category_id, "source_hash": item.digest}
            if article is None:
                article = kb.insert_article(w, source_path=item.source, **fields)
                outcome = "created"
            else:
                kb.edit_article(w, article, fields)
                outcome = "updated"
            results.append(ImportedFile(item.source, outcome, article.id, article.title))
    return ImportReport(results, created_categories, warnings)

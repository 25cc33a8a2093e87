"""``workbench kb import|list|show`` end to end, and what an import does to the articles.

Import rules under test: new files become articles (with nested categories), an unchanged
file changes nothing, a changed one updates its article with a new version, and a malformed
front matter names the file and line and imports nothing at all.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

import workbench.cli as cli
from workbench.cli import kb as kb_cli
from workbench.config import resolve_paths
from workbench.services.context import Workbench
from workbench.services.kb import KbService

real_build_parser = cli.build_parser


def _parser() -> argparse.ArgumentParser:
    """The real parser, with ``kb`` added if the lead has not wired it yet."""
    parser = real_build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "kb" not in sub.choices:
        kb_cli.register(sub)
    return parser


@pytest.fixture(autouse=True)
def wired(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "build_parser", _parser)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "Billing" / "Refunds").mkdir(parents=True)
    (folder / ".git").mkdir()
    (folder / ".git" / "ignored.md").write_text("# not an article\n")
    (folder / "Billing" / "Refunds" / "card.md").write_text(
        "---\ntitle: Refund a card payment\ntags: [refunds, 'cards']\nlanguage: en\n"
        "internal: false\n---\n\nHi {customer.first_name|there},\n\nRefunds take 5 days.\n")
    (folder / "Billing" / "invoice-address.md").write_text(
        "# Change the invoice address\n\nOpen Billing → Address.\n")
    (folder / "vpn.md").write_text(
        "---\ntitle: \"VPN: reconnect\"  # a comment\ncategory: IT / Network\ntags:\n"
        "  - vpn\n  - network\ninternal: yes\nlayout: page\nmenu:\n  main: 1\n---\nSteps.\n")
    (folder / "fa.md").write_text(
        "\ufeff---\r\ntitle: بازپرداخت وجه\r\nlanguage: fa\r\n---\r\n"
        "سلام {customer.first_name}\r\n",
        encoding="utf-8", newline="")
    return folder


@pytest.fixture
def data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    folder = str(tmp_path / "data")
    assert run(capsys, "--data-dir", folder, "agent", "create", "--name", "Dana Smith",
               "--email", "dana@example.com", "--role", "lead")[0] == 0
    return folder


def open_kb(data: str) -> tuple[Workbench, KbService]:
    wb = Workbench.open(resolve_paths(data).database)
    return wb, KbService(wb)


def test_import_creates_articles_in_nested_categories_then_is_idempotent(
    capsys: pytest.CaptureFixture[str], data: str, docs: Path
) -> None:
    code, out, err = run(capsys, "--data-dir", data, "kb", "import", str(docs), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert sorted(f["outcome"] for f in report["files"]) == ["created"] * 4
    assert report["warnings"] == [f"{docs / 'vpn.md'}:8: unknown key 'layout' ignored "
                                  "(known: title, category, tags, language, internal)",
                                  f"{docs / 'vpn.md'}:9: unknown key 'menu' ignored "
                                  "(known: title, category, tags, language, internal)"]
    wb, kb = open_kb(data)
    try:
        by_title = {a.title: kb.get(a.id) for a in kb.articles()}
        card = by_title["Refund a card payment"]
        assert (card.category_path, card.tags, card.internal) == (
            "Billing/Refunds", ["cards", "refunds"], False)
        assert by_title["Change the invoice address"].category_path == "Billing"
        vpn = by_title["VPN: reconnect"]
        assert (vpn.category_path, vpn.tags, vpn.internal) == ("IT/Network", ["network", "vpn"],
                                                                True)
        assert by_title["بازپرداخت وجه"].language == "fa"
        assert by_title["بازپرداخت وجه"].body == "سلام {customer.first_name}\n"
        assert card.author_name == "Dana Smith"
    finally:
        wb.close()

    code, out, _ = run(capsys, "--data-dir", data, "kb", "import", str(docs))
    assert code == 0 and out.strip().endswith("0 created, 0 updated, 4 unchanged")


def test_a_changed_file_updates_its_article_with_a_new_version(
    capsys: pytest.CaptureFixture[str], data: str, docs: Path
) -> None:
    assert run(capsys, "--data-dir", data, "kb", "import", str(docs))[0] == 0
    card = docs / "Billing" / "Refunds" / "card.md"
    card.write_text(card.read_text().replace("5 days", "3 days"))
    code, out, _ = run(capsys, "--data-dir", data, "kb", "import", str(docs))
    assert code == 0 and "1 updated, 3 unchanged" in out
    wb, kb = open_kb(data)
    try:
        article = kb.get("Refund a card payment")
        assert article.version == 2 and "3 days" in article.body
        assert [v.version for v in kb.history(article.id)] == [2, 1]
    finally:
        wb.close()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("---\ntitle: x\n", 1, "never closed"),
        ("---\ntitle: x\njust words\n---\n", 3, "expected 'key: value'"),
        ("---\ntitle: a\ntitle: b\n---\n", 3, "given twice (first on line 2)"),
        ("---\ninternal: maybe\n---\n", 2, "internal must be true or false"),
        ("---\ntags: [a, b\n---\n", 2, "must close with ']'"),
        ("---\nlanguage: English (UK)\n---\n", 2, "not a language code"),
        ("---\ntitle:\n---\n", 2, "the title is empty"),
        ("---\ntitle: x\n  nested: 1\n---\n", 3, "nested values are not supported"),
    ],
)
def test_malformed_front_matter_names_file_and_line_and_imports_nothing(
    capsys: pytest.CaptureFixture[str], data: str, docs: Path, text: str, line: int,
    message: str
) -> None:
    bad = docs / "bad.md"
    bad.write_text(text)
    code, out, err = run(capsys, "--data-dir", data, "kb", "import", str(docs))
    assert code == 1 and out == ""
    assert "nothing was imported" in err
    assert f"{bad}:{line}: " in err and message in err
    wb, kb = open_kb(data)
    try:
        assert kb.articles() == [] and kb.categories() == []
    finally:
        wb.close()


def test_missing_paths_and_binary_files_are_errors(
    capsys: pytest.CaptureFixture[str], data: str, tmp_path: Path
) -> None:
    binary = tmp_path / "x.md"
    binary.write_bytes(b"\xff\xfe\x00bad")
    code, _, err = run(capsys, "--data-dir", data, "kb", "import", str(binary),
                       str(tmp_path / "nope"), str(tmp_path / "data"))
    assert code == 1
    assert f"{binary}: not UTF-8 text" in err
    assert f"{tmp_path / 'nope'}: no such file or folder" in err
    assert "no Markdown (*.md) files" in err


def test_list_and_show(capsys: pytest.CaptureFixture[str], data: str, docs: Path) -> None:
    assert run(capsys, "--data-dir", data, "kb", "import", str(docs))[0] == 0
    code, out, _ = run(capsys, "--data-dir", data, "kb", "list")
    assert code == 0 and "Refund a card payment" in out and "Billing/Refunds" in out
    code, out, _ = run(capsys, "--data-dir", data, "kb", "list", "--json")
    listed = json.loads(out)
    assert len(listed) == 4
    card = next(a for a in listed if a["title"] == "Refund a card payment")
    code, out, _ = run(capsys, "--data-dir", data, "kb", "show", card["id"][-8:])
    assert code == 0 and out.startswith("Refund a card payment\n") and "Refunds take 5 days" in out
    code, out, _ = run(capsys, "--data-dir", data, "kb", "show", card["id"], "--json")
    assert json.loads(out)["category_path"] == "Billing/Refunds"
    code, _, err = run(capsys, "--data-dir", data, "kb", "show", "no-such-article")
    assert code == 1 and "no article" in err

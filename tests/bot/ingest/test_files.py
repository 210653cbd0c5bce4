"""Reading article files of every supported kind, and refusing bad ones with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.ingest.files import ImportFailure, read_article_file
from bot.news.articles import ParsedArticle
from tests.conftest import seed_article


def read_written(path: Path, text: str) -> ParsedArticle:
    """The one story ``read_article_file`` finds in ``text`` written to ``path``."""
    path.write_text(text, encoding="utf-8")
    [article] = read_article_file(path)
    return article


def test_seed_article_is_read_with_its_header() -> None:
    [article] = read_article_file(seed_article())
    assert article.title == "Hamilton offers words of support for Russell"
    assert article.author == "Michelle Foster"
    assert article.tags == ("George Russell",)
    assert "George Russell (GBR) Williams Racing" not in article.body
    assert article.body.startswith("Not for the first time, Lewis Hamilton")
    assert "official Formula 1 store" not in article.body
    assert "Follow us on Twitter" not in article.body
    # The paragraph between the two boilerplate lines stays.
    assert "Hamilton’s response comes in the wake of a rumour" in article.body
    assert article.body.endswith("between myself and Lewis.”")
    assert article.summary.startswith("Not for the first time")


def test_plain_text_without_header_uses_first_line_as_title(tmp_path: Path) -> None:
    article = read_written(
        tmp_path / "plain.txt",
        "Norris takes pole in Monza\n"
        "Lando Norris beat Oscar Piastri to pole by a tenth.\n\n"
        "“It was a great lap,” Norris said.\n",
    )
    assert article.title == "Norris takes pole in Monza"
    assert article.author == ""
    assert article.body.startswith("Lando Norris beat Oscar Piastri")
    assert "great lap" in article.body


def test_html_page_main_text_is_extracted(tmp_path: Path) -> None:
    article = read_written(
        tmp_path / "page.html",
        "<html><head><title>Leclerc wins at home</title>"
        '<meta name="author" content="Ana Ruiz">'
        '<meta property="article:published_time" content="2024-05-26T15:00:00Z"></head>'
        "<body><nav>Home | News | Shop</nav><article><h1>Leclerc wins at home</h1>"
        "<p>Charles Leclerc finally won the Monaco Grand Prix on Sunday, leading every lap "
        "from pole position in front of his home crowd.</p>"
        "<p>“This one means more than any other win,” Leclerc said after the race in the "
        "principality.</p></article><footer>Cookie settings</footer></body></html>",
    )
    assert article.title == "Leclerc wins at home"
    assert article.author == "Ana Ruiz"
    assert article.published_at is not None and article.published_at.startswith("2024-05-26")
    assert "leading every lap" in article.body
    assert "Cookie settings" not in article.body
    assert "Home | News" not in article.body


def test_json_and_json_lines_records(tmp_path: Path) -> None:
    record = {
        "title": "Alonso signs new deal",
        "url": "https://example.com/alonso",
        "published": "2025-01-02T08:00:00+01:00",
        "author": "Sam Lee",
        "body": "Fernando Alonso has signed on for two more seasons.",
    }
    single = tmp_path / "one.json"
    single.write_text(json.dumps(record), encoding="utf-8")
    [article] = read_article_file(single)
    assert article.url == "https://example.com/alonso"
    assert article.published_at == "2025-01-02T07:00:00+00:00"
    assert article.author == "Sam Lee"

    lines = tmp_path / "many.jsonl"
    second = {"title": "Stroll fit to race", "text": "Lance Stroll has been cleared to race."}
    lines.write_text(json.dumps(record) + "\n\n" + json.dumps(second) + "\n", encoding="utf-8")
    articles = read_article_file(lines)
    assert [a.title for a in articles] == ["Alonso signs new deal", "Stroll fit to race"]
    assert articles[1].body == "Lance Stroll has been cleared to race."


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n\n  ", "blank"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("latin1.txt", "Räikkönen wins".encode("latin-1"), "UTF-8"),
        ("broken.json", b'{"title": "Half a record", ', "malformed JSON"),
        ("broken.jsonl", b'{"title": "ok", "text": "fine"}\n{"title": \n', "line 2"),
        ("list.json", b"[1, 2]", "not a JSON object"),
        ("nothing.json", b'{"url": "https://example.com"}', "neither a title nor a text"),
    ],
)
def test_bad_files_are_refused_with_a_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFailure, match=reason):
        read_article_file(path)


def test_a_50_megabyte_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(ImportFailure, match=r"50\.0 MB, over the 10 MB limit"):
        read_article_file(path)

"""Reading article files: scraped text, plain text, HTML pages, JSON and JSON Lines.

Every problem with a file becomes an ``ImportFailure`` whose message names the reason in
words a person can act on; the caller reports it and goes on with the next file.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from bot.news.articles import ParsedArticle, normalise_timestamp, summarise

# For a file read whole, and for one line of JSON Lines, which is read a line at a time.
MAX_FILE_BYTES = 10 * 1024 * 1024
JSON_LINES_SUFFIXES = frozenset({".jsonl", ".ndjson"})
ARTICLE_SUFFIXES = frozenset(
    {".txt", ".text", ".md", ".html", ".htm", ".json", ".jsonl", ".ndjson"}
)

# Site furniture that scraped pages carry between and after paragraphs.
_BOILERPLATE = re.compile(
    r"""^(?:
        check\ out\ all\ the\ latest\ .{0,80}\ (?:via|at|from)\ the\ official\ formula\ 1\ store\.?
      | follow\ us\ on\ (?:twitter|x|facebook|instagram|tiktok|youtube)\b.*
      | show\ your\ support\ for\ .{0,60}\ (?:official\ )?merchandise.*
      | (?:like|join)\ (?:us|our)\ (?:on\ )?facebook\b.*
      | leave\ a\ comment
      | your\ email\ address\ will\ not\ be\ published.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# "George Russell (GBR) Williams Racing": the driver card some sites print under the byline.
_DRIVER_CARD = re.compile(r"^[A-ZÀ-Ý][\w'’.\- ]{2,60} \([A-Z]{3}\) [\w&'’.\- ]{2,60}$")
_BYLINE = re.compile(
    r"^(?:[Bb]y\s+)?([A-ZÀ-Ý][\w'’\-]+(?: (?:[A-ZÀ-Ý][\w'’\-]+|de|van|von|da|di)){1,3})$"
)
_QUOTE_MARKS = frozenset("\"“”‘’«»„'")
_BINARY = "it looks like a binary file, not text"
_BLANK = "the file holds only blank space"
_JSON_LINES_ADVICE = "; as JSON Lines (.jsonl, one story a line) an archive may be of any size"


class ImportFailure(Exception):
    """A file that cannot be read as an article; the message says why."""


def find_article_files(paths: Iterable[Path]) -> Iterator[Path | ImportFailure]:
    """Files named directly, and article files inside folders (sorted, recursive)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in ARTICLE_SUFFIXES:
                    yield child
        elif path.is_file():
            yield path
        elif path.exists():
            yield ImportFailure(f"{path}: not a regular file")
        else:
            yield ImportFailure(f"{path}: no such file or folder")


def read_articles(path: Path) -> Iterator[ParsedArticle | ImportFailure]:
    """The stories of one file in order, as they are read.

    JSON Lines (``.jsonl``, ``.ndjson``) is read a line at a time, so a file of any size
    holds only one story in memory; a line that is not a story is yielded as an
    ``ImportFailure`` naming its number, and the lines after it are still read. Other
    formats are one document, read whole up to ``MAX_FILE_BYTES``. Raises ImportFailure
    when the file as a whole cannot be read.
    """
    if path.suffix.lower() in JSON_LINES_SUFFIXES:
        yield from _json_lines(path)
    else:
        yield from read_article_file(path)


def read_article_file(path: Path, *, max_bytes: int | None = None) -> list[ParsedArticle]:
    """All articles in one file, up to ``max_bytes`` (``MAX_FILE_BYTES``); raises
    ImportFailure when the file, or any story in it, is unusable."""
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    size = _size_of(path)
    if size > limit:
        advice = "" if path.suffix.lower() in JSON_LINES_SUFFIXES else _JSON_LINES_ADVICE
        raise ImportFailure(
            f"the file is {size / 1_048_576:.1f} MB, over the {_megabytes(limit)} limit{advice}"
        )
    if path.suffix.lower() in JSON_LINES_SUFFIXES:
        articles = []
        for item in _json_lines(path):
            if isinstance(item, ImportFailure):
                raise item
            articles.append(item)
        return articles
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailure(f"cannot read it ({exc.strerror})") from None
    if b"\x00" in raw[:8192]:
        raise ImportFailure(_BINARY)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailure(
            f"it is not valid UTF-8 text (bad byte at offset {exc.start})"
        ) from None
    if not text.strip():
        raise ImportFailure(_BLANK)
    return parse_article_text(text, kind=_kind_of(path, text), name=path.name)


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:g} MB"


def _size_of(path: Path) -> int:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFailure(f"cannot read it ({exc.strerror})") from None
    if size == 0:
        raise ImportFailure("the file is empty")
    return size


def _json_lines(path: Path) -> Iterator[ParsedArticle | ImportFailure]:
    """Each line of a JSON Lines file as a story, or as the failure saying why it is not."""
    _size_of(path)
    try:
        with path.open("rb") as handle:
            if b"\x00" in handle.read(8192):
                raise ImportFailure(_BINARY)
            handle.seek(0)
            any_text = False
            for number, line in enumerate(_bounded_lines(handle, MAX_FILE_BYTES), start=1):
                if line is None:
                    limit = _megabytes(MAX_FILE_BYTES)
                    yield ImportFailure(f"line {number} is over the {limit} limit for a story")
                    continue
                if number == 1:
                    line = line.removeprefix(codecs.BOM_UTF8)
                if not line.strip():
                    continue
                any_text = True
                yield _line_story(line, number)
    except OSError as exc:
        raise ImportFailure(f"cannot read it ({exc.strerror})") from None
    if not any_text:
        raise ImportFailure(_BLANK)


def _bounded_lines(handle: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The lines of ``handle``; None for a line longer than ``limit``, skipped without
    ever being held whole."""
    while line := handle.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := handle.readline(limit)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def _line_story(line: bytes, number: int) -> ParsedArticle | ImportFailure:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ImportFailure(
            f"line {number} is not valid UTF-8 text (bad byte at offset {exc.start})"
        )
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return ImportFailure(f"malformed JSON on line {number} (column {exc.colno}: {exc.msg})")
    try:
        return _article_from_record(record, f"line {number}")
    except ImportFailure as exc:
        return exc


def _kind_of(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".json", ".jsonl", ".ndjson"):
        return "json"
    if suffix in (".html", ".htm"):
        return "html"
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    return "text"


def parse_article_text(text: str, *, kind: str = "text", name: str = "") -> list[ParsedArticle]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if kind == "json":
        return _parse_json(text)
    if kind == "html":
        return [_parse_html(text)]
    return [_parse_plain(text)]


def _clean_paragraphs(lines: list[str]) -> str:
    """Body text with boilerplate paragraphs dropped and blank runs folded to one."""
    kept: list[str] = []
    for block in "\n".join(lines).split("\n\n"):
        block_lines = [ln for ln in block.split("\n") if not _BOILERPLATE.match(ln.strip())]
        cleaned = "\n".join(block_lines).strip()
        if cleaned:
            kept.append(cleaned)
    return "\n\n".join(kept)


def _is_header_line(line: str) -> bool:
    stripped = line.strip()
    return (
        0 < len(stripped) <= 80
        and not stripped.endswith((".", "!", "?", ":", ","))
        and not any(mark in stripped for mark in _QUOTE_MARKS)
        and len(stripped.split()) <= 8
    )


def _parse_plain(text: str) -> ParsedArticle:
    """Scraped layout (title, byline, tags, driver card, body) or plain text (title + body)."""
    lines = text.strip("\n").split("\n")
    title = lines[0].strip()
    rest = lines[1:]
    author = ""
    tags: tuple[str, ...] = ()
    # The scraped layout: a blank line, a block of short byline/tag lines, a blank line.
    if len(rest) >= 3 and not rest[0].strip():
        end = 1
        while end < len(rest) and rest[end].strip():
            end += 1
        block = rest[1:end]
        byline = _BYLINE.match(block[0].strip()) if block else None
        if byline and len(block) <= 6 and end < len(rest) and all(map(_is_header_line, block)):
            author = byline.group(1)
            tags = tuple(dict.fromkeys(t.strip() for t in block[1:]))
            rest = rest[end:]
            body_start = next((i for i, ln in enumerate(rest) if ln.strip()), len(rest))
            if body_start < len(rest) and _DRIVER_CARD.match(rest[body_start].strip()):
                rest = rest[body_start + 1 :]
    if len(title) > 300:
        # A page that starts straight with a paragraph: keep it in the body, shorten the title.
        rest = [title, *rest]
        title = title[:200].rsplit(" ", 1)[0] + "…"
    body = _clean_paragraphs(rest)
    if not title:
        raise ImportFailure("it has no title line")
    return ParsedArticle(title=title, body=body, author=author, tags=tags, summary=summarise(body))


def _parse_html(text: str) -> ParsedArticle:
    import trafilatura
    from trafilatura.settings import Document

    document = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False)
    # Without as_dict it returns a Document (its type also allows the as_dict form).
    if not isinstance(document, Document) or not (document.text or "").strip():
        raise ImportFailure("no article text could be found in the HTML page")
    main_text = document.text or ""
    title = (document.title or "").strip()
    lines = [ln.strip() for ln in main_text.split("\n") if ln.strip()]
    if lines and title and lines[0] == title:
        lines = lines[1:]
    if not title:
        if not lines:
            raise ImportFailure("the HTML page has no title and no text")
        title, lines = lines[0], lines[1:]
    body = _clean_paragraphs("\n\n".join(lines).split("\n"))
    return ParsedArticle(
        title=title,
        body=body,
        author=(document.author or "").strip(),
        tags=tuple(t.strip() for t in (document.tags or []) if t.strip()),
        url=document.url or None,
        source=(document.sitename or "").strip(),
        published_at=normalise_timestamp(document.date),
        summary=summarise(body),
    )


def _parse_json(text: str) -> list[ParsedArticle]:
    stripped = text.strip()
    records: list[object]
    try:
        loaded = json.loads(stripped)
    except json.JSONDecodeError as whole_error:
        records = []
        for number, line in enumerate(stripped.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                if number == 1 and not records:
                    raise ImportFailure(
                        f"malformed JSON (line {whole_error.lineno}, column "
                        f"{whole_error.colno}: {whole_error.msg})"
                    ) from None
                raise ImportFailure(f"malformed JSON on line {number}") from None
    else:
        if isinstance(loaded, dict) and isinstance(loaded.get("articles"), list):
            records = loaded["articles"]
        elif isinstance(loaded, list):
            records = loaded
        else:
            records = [loaded]
    if not records:
        raise ImportFailure("the JSON holds no articles")
    return [
        _article_from_record(record, f"record {index}")
        for index, record in enumerate(records, start=1)
    ]


def _field(record: dict[str, object], *names: str) -> str:
    for name in names:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _article_from_record(record: object, where: str) -> ParsedArticle:
    """The story in one JSON record; ``where`` names the record in a failure."""
    if not isinstance(record, dict):
        raise ImportFailure(f"{where} is not a JSON object")
    title = _field(record, "title", "headline")
    body_text = _field(record, "text", "body", "content")
    if not title and not body_text:
        raise ImportFailure(f"{where} has neither a title nor a text")
    if not title:
        first, _, body_text = body_text.partition("\n")
        title = first.strip()
    body = _clean_paragraphs(body_text.replace("\r\n", "\n").split("\n"))
    raw_tags = record.get("tags")
    tags: tuple[str, ...] = ()
    if isinstance(raw_tags, list):
        tags = tuple(str(t).strip() for t in raw_tags if str(t).strip())
    elif isinstance(raw_tags, str) and raw_tags.strip():
        tags = tuple(t.strip() for t in raw_tags.split(",") if t.strip())
    published = _field(record, "published", "published_at", "date", "pubDate")
    return ParsedArticle(
        title=title,
        body=body,
        author=_field(record, "author", "byline"),
        tags=tags,
        url=_field(record, "url", "link") or None,
        guid=_field(record, "guid", "id") or None,
        source=_field(record, "source", "site"),
        published_at=normalise_timestamp(published) if published else None,
        summary=_field(record, "summary", "description") or summarise(body),
    )

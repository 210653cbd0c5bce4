import pytest

from bot.feeds.reading import FeedError, html_to_text, page_text, parse_feed
from tests.bot.feeds.conftest import Item, article_page, atom, hours_ago, rss

FEED_URL = "https://www.example.org/f1/feed.xml"
RSS1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://example.org/"><title>RDF News</title>
    <link>https://example.org/</link><description>d</description></channel>
  <item rdf:about="https://example.org/rdf-1">
    <title>Norris takes pole in Monaco</title><link>https://example.org/rdf-1</link>
    <description>Lando Norris took pole position in Monaco.</description>
    <dc:date>2025-05-24T15:00:00Z</dc:date>
  </item>
</rdf:RDF>"""


def test_rss2_entries_become_articles() -> None:
    body = rss(
        [
            Item(
                "Older &amp; wiser",
                "https://EXAMPLE.org/a?utm_source=rss",
                guid="1001",
                description="<p>Short teaser.</p>",
                published=hours_ago(5),
            ),
            Item(
                "Newest",
                "https://example.org/b",
                content="<p>First paragraph.</p><p>Second &amp; last.</p>",
                published=hours_ago(1),
            ),
        ]
    )
    feed = parse_feed(body, FEED_URL)
    assert feed.title == "Test Paddock Feed"
    newest, older = feed.entries
    assert newest.title == "Newest"
    assert newest.content == "First paragraph.\n\nSecond & last."
    assert not newest.needs_page
    assert older.title == "Older & wiser"
    assert older.link == "https://example.org/a"
    assert older.guid == "example.org#1001"  # bare GUIDs are named after their feed
    assert older.needs_page
    article = older.article("Example")
    assert article.body == "Short teaser."
    assert article.published_at is not None


def test_atom_entries_are_read() -> None:
    feed = parse_feed(
        atom([Item("Atom story", "https://example.org/atom-1", content="<p>Words.</p>")]),
        FEED_URL,
    )
    assert [e.title for e in feed.entries] == ["Atom story"]
    assert feed.entries[0].guid == "https://example.org/atom-1"
    assert feed.entries[0].content == "Words."


def test_rss1_entries_are_read() -> None:
    feed = parse_feed(RSS1, FEED_URL)
    assert feed.title == "RDF News"
    assert feed.entries[0].published_at == "2025-05-24T15:00:00+00:00"


def test_a_fingerprint_changes_when_an_entry_is_edited() -> None:
    item = Item("Story", "https://example.org/s", description="One.", published=hours_ago(2))
    before = parse_feed(rss([item]), FEED_URL).entries[0]
    edited = Item("Story", "https://example.org/s", description="Two.", published=hours_ago(2))
    after = parse_feed(rss([edited]), FEED_URL).entries[0]
    assert before.key == after.key
    assert before.fingerprint != after.fingerprint


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n",
        b"<html><body><h1>Not a feed</h1><p>Welcome!</p></body></html>",
        b"\x89PNG\r\n\x1a\n\x00\x00binary",
        b'{"json": "not a feed"}',
    ],
)
def test_things_that_are_not_feeds_are_refused(body: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(body, FEED_URL)


def test_malformed_xml_keeps_what_can_be_read() -> None:
    broken = rss([Item("Survivor", "https://example.org/ok")]).replace(b"</channel></rss>", b"")
    feed = parse_feed(broken + b"<item><title>Half", FEED_URL)
    assert "Survivor" in [e.title for e in feed.entries]


def test_a_feed_with_no_entries_is_fine() -> None:
    assert parse_feed(rss([]), FEED_URL).entries == []


def test_html_to_text_keeps_paragraphs_and_drops_scripts() -> None:
    html = "<p>One&nbsp;two</p><script>alert(1)</script><div>Three<br>Four</div>"
    assert html_to_text(html) == "One two\n\nThree\n\nFour"


def test_page_text_extracts_the_article() -> None:
    paragraphs = [
        "Max Verstappen said the team had found a real step with the new floor this weekend.",
        "The Dutchman finished ahead of both McLarens after a long first stint on hards.",
        "Red Bull will bring a further upgrade to the next round, according to the team.",
    ]
    text = page_text(article_page("Verstappen upbeat", paragraphs), "https://example.org/v")
    assert text is not None
    assert paragraphs[0] in text
    assert "Cookie settings" not in text

"""Embeds and text for replies, kept within Discord's limits and free of pings."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.news.articles import Article

EMBED_COLOUR = discord.Colour(0xE10600)  # racing red
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
FOOTER_LIMIT = 2048
AUTHOR_LIMIT = 256
SUMMARY_LIMIT = 1500
CHOICE_LIMIT = 100


def clip(text: str, limit: int) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def safe(text: str, limit: int | None = None) -> str:
    """User or article text made inert: no markdown tricks, no mention syntax."""
    cleaned = "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in text)
    cleaned = discord.utils.escape_mentions(discord.utils.escape_markdown(cleaned))
    return clip(cleaned, limit) if limit else cleaned


def plain(text: str, limit: int) -> str:
    """Article text for places Discord shows as typed (an embed's author line):
    markdown is not rendered there, so only control characters and mentions are defused."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text)
    return clip(discord.utils.escape_mentions(cleaned), limit)


def quoted(text: str, limit: int) -> str:
    """A quote between curly marks, without the comma that led into "…, he said"."""
    words = safe(text.strip().rstrip(",;:–— ").strip())
    return f"“{clip(words, limit - 2)}”"


def echo(text: str, limit: int = 60) -> str:
    """What the user typed, quoted back in a message: one line, short, inert."""
    return safe(" ".join(text.split()), limit)


def short_date(article: Article) -> str:
    return article.date[:10]


def byline(article: Article) -> str:
    parts = [p for p in (article.author, article.source) if p]
    return " · ".join(parts) if parts else "Unknown author"


def web_address(url: str | None) -> str | None:
    """A story's address fit for a link, or None when it is not a web address.

    Brackets and spaces would end a masked link early, so they are encoded.
    """
    if not url or not url.startswith(("https://", "http://")):
        return None
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def link(text: str, url: str | None) -> str:
    """``text`` as a masked link to ``url``, or in bold when there is nowhere to link."""
    address = web_address(url)
    return f"[{text}]({address})" if address else f"**{text}**"


def _story_embed_base(article: Article, description: str | None) -> discord.Embed:
    embed = discord.Embed(
        title=safe(article.title, TITLE_LIMIT),
        url=web_address(article.url),
        description=description or None,
        colour=EMBED_COLOUR,
    )
    embed.set_author(name=plain(f"{byline(article)} · {short_date(article)}", AUTHOR_LIMIT))
    return embed


def article_embed(article: Article, *, footer: str | None = None) -> discord.Embed:
    # The summary is kept short so the fields added beside it stay within 6,000 characters.
    embed = _story_embed_base(article, safe(article.summary or "", SUMMARY_LIMIT))
    if footer:
        embed.set_footer(text=clip(footer, FOOTER_LIMIT))
    return embed


def source_embed(article: Article, context: str) -> discord.Embed:
    """Where a quote was said: the story, and the paragraph around the quote."""
    embed = _story_embed_base(article, safe(context, DESCRIPTION_LIMIT))
    add_link_field(embed, article)
    return embed


def add_link_field(embed: discord.Embed, article: Article) -> None:
    """The address in full, for readers whose client hides the title's link."""
    address = web_address(article.url)
    if address and len(address) <= FIELD_LIMIT:
        embed.add_field(name="Link", value=address, inline=False)


def page_embed(article: Article, page: str, number: int, count: int) -> discord.Embed:
    """One page of a story in the reader."""
    embed = discord.Embed(
        title=safe(article.title, TITLE_LIMIT),
        url=web_address(article.url),
        description=safe(page, DESCRIPTION_LIMIT),
    )
    embed.set_footer(text=f"Page {number} of {count}")
    return embed


def list_embed(title: str, articles: list[Article]) -> discord.Embed:
    """Headlines with their bylines; whole entries only, never one cut inside its link."""
    embed = discord.Embed(title=clip(title, TITLE_LIMIT), colour=EMBED_COLOUR)
    entries: list[str] = []
    used = 0
    for article in articles:
        headline = link(safe(article.title, 200), article.url)
        entry = f"{headline}\n{safe(byline(article), 80)} · {short_date(article)}"
        used += len(entry) + (2 if entries else 0)
        if used > DESCRIPTION_LIMIT:
            break
        entries.append(entry)
    embed.description = "\n\n".join(entries)
    return embed


def notice_embed(text: str) -> discord.Embed:
    return discord.Embed(description=clip(text, DESCRIPTION_LIMIT), colour=discord.Colour.greyple())


def person_choices(found: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices from the people service's (label, person id) pairs, each label
    cut to what Discord shows."""
    return [
        app_commands.Choice(name=label[:CHOICE_LIMIT], value=person_id)
        for label, person_id in found
    ]

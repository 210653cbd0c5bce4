"""Embeds and text for replies, kept within Discord's limits and free of pings."""

from __future__ import annotations

import discord

from bot.articles import Article

EMBED_COLOUR = discord.Colour(0xE10600)  # racing red
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_LIMIT = 1024
FOOTER_LIMIT = 2048


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


def echo(text: str, limit: int = 60) -> str:
    """What the user typed, quoted back in a message: one line, short, inert."""
    return safe(" ".join(text.split()), limit)


def short_date(article: Article) -> str:
    return article.date[:10]


def byline(article: Article) -> str:
    parts = [p for p in (article.author, article.source) if p]
    return " · ".join(parts) if parts else "Unknown author"


def article_embed(article: Article, *, footer: str | None = None) -> discord.Embed:
    embed = discord.Embed(
        title=clip(article.title, TITLE_LIMIT),
        url=article.url or None,
        description=clip(article.summary or "", DESCRIPTION_LIMIT) or None,
        colour=EMBED_COLOUR,
    )
    embed.set_author(name=clip(f"{byline(article)} · {short_date(article)}", 256))
    if footer:
        embed.set_footer(text=clip(footer, FOOTER_LIMIT))
    return embed


def list_embed(title: str, articles: list[Article]) -> discord.Embed:
    embed = discord.Embed(title=clip(title, TITLE_LIMIT), colour=EMBED_COLOUR)
    lines = []
    for article in articles:
        headline = safe(article.title, 200)
        linked = f"[{headline}]({article.url})" if article.url else f"**{headline}**"
        lines.append(f"{linked}\n{safe(byline(article), 80)} · {short_date(article)}")
    embed.description = clip("\n\n".join(lines), DESCRIPTION_LIMIT)
    return embed


def notice_embed(text: str) -> discord.Embed:
    return discord.Embed(description=clip(text, DESCRIPTION_LIMIT), colour=discord.Colour.greyple())

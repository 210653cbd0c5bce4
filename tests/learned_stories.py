"""Stories that quote people Paddock does not know yet, shared by the storage and the Discord
tests of people learned from the news."""

from __future__ import annotations

from bot.news.articles import ParsedArticle

HONDA = ParsedArticle(
    title="Watanabe: Honda wants the title",
    body=(
        "Ahead of the pre-season test, HRC president Koji Watanabe spoke about the "
        "partnership with Aston Martin.\n\n"
        "“We want to fight for the championship from the very first race,” Watanabe said."
    ),
    url="https://example.com/honda-title",
    published_at="2025-02-20T09:00:00+00:00",
)
HONDA_AGAIN = ParsedArticle(
    title="Honda upbeat after the test",
    body=(
        "Koji Watanabe was pleased with the reliability of the new power unit.\n\n"
        "“The engine ran every lap we planned and nothing broke,” Koji Watanabe said."
    ),
    url="https://example.com/honda-test",
    published_at="2025-02-28T09:00:00+00:00",
)
HERVE = ParsedArticle(
    title="Leclerc's father believed",
    body=(
        "Charles Leclerc won in Monaco on Sunday.\n\n"
        "“Charles will race in Formula 1 one day, I have no doubt about it,” Herve Leclerc "
        "told a local paper in 2010."
    ),
    url="https://example.com/herve",
    published_at="2025-05-25T09:00:00+00:00",
)
LAMBIASE = ParsedArticle(
    title="Lambiase on Verstappen",
    body=(
        "Red Bull race engineer Gianpiero Lambiase spoke after the race.\n\n"
        "“Max drove an incredible race from start to finish,” Lambiase said."
    ),
    url="https://example.com/lambiase",
    published_at="2025-03-16T09:00:00+00:00",
)

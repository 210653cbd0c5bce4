"""Formula 1 teams as fans name them, for ``/latest about:`` and moderator filters."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process


@dataclass(frozen=True, slots=True)
class Team:
    id: str
    name: str
    # Names a story may use for the team; the first is the one searched for in articles.
    aliases: tuple[str, ...]


TEAMS: tuple[Team, ...] = (
    Team("red-bull", "Red Bull", ("Red Bull", "Red Bull Racing", "RBR", "Oracle Red Bull")),
    Team("ferrari", "Ferrari", ("Ferrari", "Scuderia Ferrari", "Scuderia", "Prancing Horse")),
    Team("mercedes", "Mercedes", ("Mercedes", "Mercedes AMG", "Merc", "Silver Arrows")),
    Team("mclaren", "McLaren", ("McLaren", "Papaya")),
    Team(
        "aston-martin",
        "Aston Martin",
        ("Aston Martin", "Aston", "AMR", "Racing Point", "Force India"),
    ),
    Team("alpine", "Alpine", ("Alpine", "Renault", "Enstone")),
    Team("williams", "Williams", ("Williams", "Grove")),
    Team("haas", "Haas", ("Haas", "Haas F1")),
    Team(
        "racing-bulls",
        "Racing Bulls",
        (
            "Racing Bulls",
            "Visa Cash App RB",
            "VCARB",
            "RB",
            "AlphaTauri",
            "Alpha Tauri",
            "Toro Rosso",
        ),
    ),
    Team("sauber", "Sauber", ("Sauber", "Kick Sauber", "Kick", "Stake", "Alfa Romeo")),
    Team("audi", "Audi", ("Audi",)),
    Team("cadillac", "Cadillac", ("Cadillac", "Cadillac F1")),
)

_BY_ALIAS = {alias.casefold(): team for team in TEAMS for alias in (team.id, *team.aliases)}
_ALIASES = list(_BY_ALIAS)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^\w\s-]", " ", text).casefold().split())


def resolve_team(query: str) -> Team | None:
    """The team a fan means, tolerating one typo in longer names; None when unsure."""
    plain = _plain(query).removesuffix(" f1 team").removesuffix(" racing")
    if not plain or len(plain) > 40:
        return None
    if plain in _BY_ALIAS:
        return _BY_ALIAS[plain]
    if len(plain) < 5:
        return None
    match = process.extractOne(plain, _ALIASES, scorer=fuzz.ratio, score_cutoff=85)
    return _BY_ALIAS[match[0]] if match else None


def suggest_teams(typed: str, limit: int = 25) -> list[Team]:
    """Teams for autocomplete, best first: the name starts with what was typed, then an
    alias does, then a word of the name does, then the text appears anywhere in them."""
    plain = _plain(typed)
    if not plain:
        return list(TEAMS[:limit])

    def rank(team: Team) -> int | None:
        name = _plain(team.name)
        aliases = [_plain(alias) for alias in (team.id, *team.aliases)]
        if name.startswith(plain):
            return 0
        if any(alias.startswith(plain) for alias in aliases):
            return 1
        if any(word.startswith(plain) for word in name.split()):
            return 2
        if any(plain in alias for alias in (name, *aliases)):
            return 3
        return None

    ranked = [(r, i, team) for i, team in enumerate(TEAMS) if (r := rank(team)) is not None]
    return [team for _, _, team in sorted(ranked, key=lambda entry: entry[:2])][:limit]


def teams_in(text: str) -> frozenset[str]:
    """Ids of the teams a story names (whole-word, case-sensitive aliases of 3+ letters)."""
    found = set()
    for team in TEAMS:
        for alias in team.aliases:
            if len(alias) >= 3 and re.search(rf"\b{re.escape(alias)}\b", text):
                found.add(team.id)
                break
    return frozenset(found)

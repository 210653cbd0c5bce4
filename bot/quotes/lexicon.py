"""The words quote attribution reads, loaded from the package's data files.

``words.json`` holds the word lists (speech verbs, descriptor heads, nationality nouns, group
nouns, ...): data, not code, so adding a word never touches the logic. Each season's drivers'
champion comes from the F1DB summary the bot ships. Everything is loaded once, at import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any, TypeAlias

from bot.people.directory import builtin_summary


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files(__package__).joinpath(name).read_text("utf-8")
    )
    return data


_WORDS = _load("words.json")


# A prefix tree of words by letter; the empty key marks where a word ends.
_Trie: TypeAlias = dict[str, "_Trie"]


def alternation(words: Iterable[str]) -> str:
    """A regex alternative for any of ``words``, factored by shared prefixes: the regex
    engine tries alternatives one by one, so "s(?:aid|ays)" is far cheaper than
    "said|says", and a pattern whose branches open with letters lets it skip to them."""
    tree: _Trie = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: _Trie) -> str:
        branches = [re.escape(char) + emit(node[char]) for char in sorted(node) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" not in node:
            return body
        return (body if len(branches) == 1 and len(body) == 1 else f"(?:{body})") + "?"

    return "(?:" + emit(tree) + ")"


def _speech_forms() -> list[str]:
    """Every form of the speech verbs: -s, -ed, -ing of each regular verb, the forms of the
    irregular ones as listed, and the phrases ("pointed out")."""
    verbs = _WORDS["speech_verbs"]
    forms: set[str] = set()
    for verb in verbs["regular"]:
        stem = verb[:-1] if verb.endswith("e") else verb
        forms.update({verb + "s", stem + "ed", stem + "ing"})
        if verb.endswith(("sh", "ch", "x", "ss")):
            forms.add(verb + "es")
        if verb.endswith("y") and verb[-2:-1] not in "aeiou":
            forms.update({verb[:-1] + "ies", verb[:-1] + "ied"})
    for verb in verbs["final_consonant_doubled"]:
        forms.update({verb + verb[-1] + "ed", verb + verb[-1] + "ing"})
    forms.update(verbs["irregular_forms"])
    return [*verbs["phrases"], *forms]


SPEECH = re.compile(r"\b" + alternation(_speech_forms()) + r"\b(?![\-’'])")
# Speakers that are not one person: a team's statement, an unnamed spokesperson.
GROUP_NOUNS = frozenset(_WORDS["group_nouns"])
# Small words a title in Title Case leaves in lower case.
TITLE_SMALL_WORDS = frozenset(_WORDS["title_small_words"])
# Words after which a name stands as a sentence's subject ("and Russell said").
BEFORE_A_SUBJECT = frozenset(_WORDS["before_a_subject"])
# Role words that may stand between a subject's opening and the name ("team boss Toto Wolff").
BEFORE_A_NAME = frozenset(_WORDS["before_a_name"])
# Every line of page furniture holds one of these (substring tests are cheap).
CLUTTER_HINTS: tuple[str, ...] = tuple(_WORDS["clutter_hints"])
# Head nouns of a descriptor, grouped by what they say about the person.
DRIVER_HEADS = frozenset(_WORDS["driver_heads"])
BOSS_HEADS = frozenset(_WORDS["boss_heads"])
# Heads that say a role or a relation and nothing the directory can test ("the pundit").
OTHER_HEADS = frozenset(_WORDS["other_heads"])
# Role words an article ties to a name ("race director Michael Masi").
ROLE_WORDS = frozenset(_WORDS["role_words"])
# Nouns for people of a nation, as news writers use them ("the Finn", "the Spaniard").
NATION_NOUNS: dict[str, str] = _WORDS["nation_nouns"]
TITLE_COUNTS: dict[str, int] = _WORDS["title_counts"]
TEAM_ALIASES: dict[str, str] = _WORDS["team_aliases"]
NAME_PARTICLES = frozenset(_WORDS["name_particles"])
# Capitalised words that are never part of a person's name ("The", "Grand", "Monday").
NOT_NAME_WORDS = frozenset(_WORDS["not_name_words"])
# Drivers' world champions by season, from the final standings F1DB records (the summary the
# bot ships): a title count ("the four-time champion") tells who a descriptor means.
WORLD_CHAMPIONS: dict[int, str] = dict(builtin_summary().champions)

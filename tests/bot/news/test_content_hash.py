"""The content hash is stored in a UNIQUE column of every database, so however it is worked
out it must give exactly the digest of the formula the first databases were filled with:
NFKC, then case folding, then whitespace runs to one space, trimmed, in UTF-8."""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
import unicodedata
from pathlib import Path

import pytest

from bot.ingest.files import read_article_file
from bot.news.articles import ParsedArticle, _folded_words_utf8, content_hash
from tests.conftest import REPO, seed_article

_SPACE = re.compile(r"\s+")


def reference_hash(title: str, body: str) -> str:
    """The formula as it was first written (commit 10ac5ae)."""
    plain = unicodedata.normalize("NFKC", f"{title}\n{body}").casefold()
    plain = _SPACE.sub(" ", plain).strip()
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def assert_same(title: str, body: str) -> None:
    assert content_hash(title, body) == reference_hash(title, body), (title, body)


# Characters each of which breaks a shortcut somewhere: whitespace beyond ASCII and the
# separators str.isspace() counts (\x1c-\x1f, U+0085); compatibility forms NFKC rewrites
# (ligatures, full-width letters, NBSP, thin space, Kelvin, Ohm, micro, long s, the
# ellipsis); folds that are longer than their character (ß, ẞ, ŉ, ΐ, İ, ﬁ) or leave ASCII
# (K, ſ); combining marks that compose with the letter before them, in or out of order;
# Hangul jamo, which compose without being marks; final sigma; Cherokee, which folds to
# capitals; emoji with selectors and joiners; and the curly quotes and accents of F1 prose.
ADVERSARIAL = [
    *"aZ09 \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2009\u2002\u3000\u2028\u2029\u1680\u200b",
    *"“”‘’–—…éÉèüÜöÖäÄōÁåÅßẞŉΐİıIiΣσςΩΩKKµμſﬁﬀﬃＮｎ①²ǅǄǆ",
    *"\u0301\u0300\u0327\u0308\u0323\u0345\u0307\u1100\u1161\u11a8\ud55c\u0b47\u0b3e",
    *"\u13a0\uab70\u10a0\u2d00\U00010400\U00010428\U0001d400\U0001f3ce\ufe0f\u200d\U0001f3c1",
]


def test_typical_stories_hash_on_the_byte_path() -> None:
    # Otherwise the comparisons below would only test the fallback.
    byte_path = ["Norris on pole", "“I’m happy,” said PÉREZ.\n\nΣΑΣ agreed: Hülkenberg"]
    fallback = ["Oﬀ the pace", "Norris\u00a0on pole", "Ne\u0301e", "x\x85y", "\u1100\u1161"]
    assert all(_folded_words_utf8(text) is not None for text in byte_path)
    assert all(_folded_words_utf8(text) is None for text in fallback)


def test_matches_the_formula_on_real_stories(shared_dir: Path) -> None:
    stories = [*read_article_file(seed_article())]
    for path in sorted((shared_dir / "corpus" / "dev").glob("*.json")):
        stories += read_article_file(path)
    for path in sorted((REPO / "tests" / "data" / "quotes_heldout").glob("*.json")):
        stories.append(read_text_only(path))
    assert len(stories) > 40
    for story in stories:
        assert_same(story.title, story.body)
        assert_same(story.title.upper(), story.body.swapcase().replace(" ", "  \n"))


def read_text_only(path: Path) -> ParsedArticle:
    title, _, body = json.loads(path.read_text(encoding="utf-8"))["text"].partition("\n")
    return ParsedArticle(title=title, body=body)


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("", ""),
        (" ", "\n"),
        ("\x1c", "\x1f"),
        ("  Norris  ", "  on\n\n\npole   "),
        ("a\x1cb", "c\x1dd\x1ee\x1ff"),
        ("NBSP", "a\u00a0b\u2009c\u3000d"),
        ("line", "a\x85b\u2028c\u2029d\u1680e"),
        ("Oﬀ the pace", "Straße STRASSE ẞ"),
        ("Ｎorris", "ﬁnal ﬂat"),
        ("Cafe\u0301", "cafe\u0301 café Cafe\u0327\u0301 cafe\u0301\u0327"),
        ("ΣΊΣΥΦΟΣ", "ὈΔΥΣΣΕΎΣ σοφός ς"),
        ("İstanbul", "DİYARBAKIR ıI i̇"),
        ("Kelvin", "K Ω Å µ ſ ŉ ΐ ǅ"),
        ("Hangul", "\u1100\u1161\u11a8 \ud55c \u1100 \u1161"),
        ("Cherokee", "\u13a0\u13a1 \uab70\uab71"),
        ("Emoji", "🏎️ 🏁 👨\u200d👩\u200d👧 🇬🇧"),
        ("Combining alone", "\u0301 \u0345 x\u0345"),
        ("Deseret", "\U00010400\U00010428 𝐀𝐁 ①②"),
        ("“Quote”", "“I’m happy,” said Pérez. ÉRIC — Hülkenberg…"),
    ],
)
def test_matches_the_formula_on_awkward_text(title: str, body: str) -> None:
    assert_same(title, body)


def test_matches_the_formula_on_random_mixes() -> None:
    rng = random.Random(20250307)
    for _ in range(5_000):
        title = "".join(rng.choices(ADVERSARIAL, k=rng.randint(0, 6)))
        body = "".join(rng.choices(ADVERSARIAL, k=rng.randint(0, 40)))
        assert_same(title, body)
        assert_same(f"Norris {title} pole", f"Lando “took” pole {body} in Melbourne. ")


def test_matches_the_formula_for_every_character_in_context() -> None:
    # Every character after an ASCII letter (where marks compose), after a jamo, between
    # words and runs of spaces and alone, in both title and body.
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        if code > 0xFFFF and not (
            char.casefold() != char
            or unicodedata.decomposition(char)
            or unicodedata.combining(char)
            or char.isspace()
            or code % 61 == 0
        ):
            continue
        assert_same(char, f"A{char}b  {char}\n\n\u1100{char} {char}{char}\u0301 Σ{char}")


def test_text_that_cannot_be_encoded_fails_as_before() -> None:
    for hash_of in (content_hash, reference_hash):
        with pytest.raises(UnicodeEncodeError):
            hash_of("Norris", "lone \ud800 surrogate")

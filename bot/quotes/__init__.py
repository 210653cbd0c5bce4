"""Direct quotations in an article and who said them.

- ``marks``: quote marks paired paragraph by paragraph;
- ``text``: words, sentences, page clutter, titles;
- ``candidates``: who may be speaking in the text around a quotation;
- ``speakers``: the people directory as lookups for names and descriptors;
- ``article``: each quotation's cue and speaker;
- ``lexicon``: the word lists, read from ``words.json`` and ``champions.json``.
"""

from bot.quotes.article import Quote, extract_quotes
from bot.quotes.speakers import LocalNames, SpeakerIndex
from bot.quotes.text import MIN_WORDS, article_year, word_count

__all__ = [
    "MIN_WORDS",
    "LocalNames",
    "Quote",
    "SpeakerIndex",
    "article_year",
    "extract_quotes",
    "word_count",
]

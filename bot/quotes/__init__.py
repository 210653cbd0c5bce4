"""Direct quotations in an article and who said them.

- ``marks``: quote marks paired paragraph by paragraph;
- ``text``: words, sentences, page clutter, titles;
- ``candidates``: who may be speaking in the text around a quotation;
- ``reading``: pass 1 over an article, paragraphs, quotations and who is named where;
- ``speakers``: the people directory as lookups for names, and people it does not know;
- ``descriptors``: what "the Finn" or "the Mercedes boss" says about a person;
- ``salience``: candidate speakers for a pronoun, descriptor or uncued quotation;
- ``ranker``: the learned model that chooses among them (``ranker.json``; ``train``);
- ``article``: each quotation's cue and speaker;
- ``lexicon``: the word lists, read from ``words.json``, and the champions from F1DB's summary.
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

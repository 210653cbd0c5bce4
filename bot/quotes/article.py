"""Direct quotations in an article and who said them.

Three passes over the text:

1. Quote marks are paired paragraph by paragraph. Marks are read by their surroundings
   rather than their glyph, because scraped pages mix straight and curly marks freely; an
   opening mark inside an open quotation closes it (paragraph breaks collapsed into one
   line), and a quotation may stay open at a paragraph's end (it continues in the next).
2. The text outside quotations (the "frame") is scanned in order for the names of people
   and teams, which teach the article's short forms of names; a paragraph that used a short
   form before the article explained it (a headline's "Lambiase") is read again after.
   Who else may be speaking there (he/she, descriptors such as "the Finn" or "the
   Mercedes boss", teams and spokespeople, which are never a person) is worked out a
   sentence at a time, only for the sentences attribution looks at.
3. Each quotation takes its speaker from the nearest cue: a speech verb after it ("," he
   said), before it (Russell said: ...), or the frame sentence around a partial quotation;
   a quotation without a cue continues the previous speaker or the paragraph before it.
   Anything uncertain is dropped: a missed quote costs less than a misattributed one.

Import runs this on every story, so the patterns are built for the regex engine's fast
paths (alternatives factored by prefix, a plain character first) and work is cached per
article and, in the speaker index, across articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.quotes.candidates import (
    Agent,
    Paragraph,
)
from bot.quotes.lexicon import SPEECH
from bot.quotes.marks import BLANK, Span, end_of
from bot.quotes.ranker import Ranker
from bot.quotes.reading import ArticleReading
from bot.quotes.salience import Candidates, anaphor_candidates, described
from bot.quotes.speakers import SpeakerIndex
from bot.quotes.text import (
    COORDINATED,
    CUE_DASH,
    CUE_LEAD,
    CUE_OPENING,
    INVERTED_GAP,
    LOOSE_GAP,
    MIN_WORDS,
    OPEN_CLASS_CUE,
    PERSONAL,
    SENTENCE_END,
    SHORT_TAIL,
    TITLE_CONTEXT,
    TRANSPARENT,
    article_year,
    first_sentence_end,
    has_words,
    has_words_enough,
    is_question,
    is_title,
    last_sentence_start,
    norm,
    not_speech,
    sentence_start,
)


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation: its words without marks, who said it (a person id, or None when it is a
    team or an unnamed source), where it stands and the words that attributed it."""

    text: str
    speaker_id: str | None
    paragraph: int
    start: int
    end: int
    cue: str


# After a sentence's subject and before its speech verb: an aside between commas, then
# perhaps a verb that hands on to the speech verb ("tried to explain").
_PAST_ASIDE = re.compile(
    r"\s*,[^§]{1,240}?,\s*(?:(?:tried|wanted|went on|was keen|decided|had|has|also|then)\s+"
    r"(?:to\s+)?)*"
)
# Just before a name: the one spoken to, not the speaker ("It was suggested to Wolff").
_ADDRESSEE = re.compile(r"\b(?:to|at|towards)\s+$", re.IGNORECASE)
# A verb of telling someone to do something, in the passive: its subject is the one told.
_TOLD_TO = re.compile(r"(?:told|asked|urged|advised|instructed|ordered)\s+to\s", re.IGNORECASE)
_BEING_TOLD = re.compile(r"\s+(?:(?:was|were|is|are|being|been|got)\s+)?" + _TOLD_TO.pattern, re.I)


def _spoken_to(frame: str, agent: Agent) -> bool:
    """Whether the sentence names ``agent`` as the one spoken to: "suggested to Wolff",
    "with Croft told to ..."."""
    return bool(
        _ADDRESSEE.search(frame, max(0, agent.start - 12), agent.start)
        or _BEING_TOLD.match(frame, agent.end)
    )


# A name calling something by a name: "... Vowles called “...”".
_A_PERSON_CALLED = re.compile(r"\s+(?:called|dubbed|labelled|labeled|branded)\s*$")
# A speech verb in its participle form ("saying", "adding").
_PARTICIPLE = re.compile(r"[a-z]+ing\b", re.IGNORECASE)

# A speaker decision: ("person", id), ("none", None) for teams and unnamed sources, or
# ("unknown", None) when nothing trustworthy was found.
_Who = tuple[str, str | None]
# What stands in a decision's cue when no words of the text attributed it.
_NO_CUE = frozenset({"continuation", "context", "repeated"})
_UNKNOWN: _Who = ("unknown", None)
_NOBODY: _Who = ("none", None)


# A ranked decision as training reads it: the quotation and its candidates with features.
Decision = tuple[str, Candidates]


def extract_quotes(
    text: str,
    index: SpeakerIndex,
    *,
    year: int | None = None,
    ranker: Ranker | None = None,
    trace: list[Decision] | None = None,
) -> list[Quote]:
    """Every quotation of four or more words in ``text`` with its speaker; ``ranker`` other
    than the shipped one and ``trace`` (filled with every ranked decision) are for training."""
    if year is None:
        year = article_year(text)
    return _Article(text, index, year, ranker or Ranker.shipped(), trace).run()


class _Article:
    def __init__(
        self,
        text: str,
        index: SpeakerIndex,
        year: int | None,
        ranker: Ranker,
        trace: list[Decision] | None,
    ) -> None:
        self.reading = ArticleReading(text, index, year)
        self.ranker = ranker
        self.trace = trace
        self.decided: list[tuple[Paragraph, Span, _Who, str]] = []
        self.last_speaker: str | None = None

    # -- pass 2: speakers ----------------------------------------------------------------------

    def run(self) -> list[Quote]:
        self.reading.read()
        body = self.reading.body
        for position, para in enumerate(body):
            for k, span in enumerate(para.spans):
                who, cue = self._attribute(body, position, k)
                if who[0] == "person" and who[1] is not None:
                    quote = para.text[span.start : span.end]
                    if cue in ("continuation", "context") and who[1] in self.reading.names_in(
                        quote
                    ):
                        who = _UNKNOWN
                    elif has_words_enough(quote, MIN_WORDS):
                        # A scare quote ("a “shocking” call") is no one speaking.
                        self.last_speaker = who[1]
                self.decided.append((para, span, who, cue))
        return self._finish()

    def _finish(self) -> list[Quote]:
        quotes: list[Quote] = []
        known: list[tuple[str, str | None]] | None = None
        for para, span, who, cue in self.decided:
            words = para.text[span.start : span.end]
            if not has_words_enough(words, MIN_WORDS):
                continue
            if who[0] == "unknown":
                # A headline that repeats a line from the body takes that line's speaker.
                if known is None:
                    known = [
                        (norm(p.text[s.start : s.end]), w[1])
                        for p, s, w, _ in self.decided
                        if w[0] == "person"
                    ]
                plain = norm(words)
                echo = {pid for text, pid in known if plain and (plain in text or text in plain)}
                if len(echo) != 1:
                    continue
                who = ("person", echo.pop())
                cue = "repeated"
            if is_title(words) and not (who[0] == "person" and cue.endswith(":")):
                # Title Case words are a title, unless a headline labels them with a
                # speaker ("Horner: 'We Will Bounce Back'").
                continue
            quotes.append(
                Quote(
                    text=words,
                    speaker_id=who[1],
                    paragraph=para.index,
                    start=para.offset + span.start,
                    end=para.offset + span.end,
                    cue=cue,
                )
            )
        return quotes

    def _attribute(self, body: list[Paragraph], position: int, k: int) -> tuple[_Who, str]:
        para = body[position]
        span = para.spans[k]
        frame = para.frame
        quote = para.text[span.start : span.end]
        after_end = para.spans[k + 1].open_at if k + 1 < len(para.spans) else len(frame)
        if span.close_at is not None:
            found = self._after_cue(para, span.close_at + 1, after_end, quote)
            if found is not None:
                return found
        before_start = end_of(para.spans[k - 1]) if k else 0
        before = frame[before_start : span.open_at]
        if k and self.decided and self.decided[-1][0] is para:
            _, _, who, cue = self.decided[-1]
            if cue and cue not in _NO_CUE and cue in before:
                # '"A," she explained. "B."' or '"A," Piastri told reporters. "B."': one
                # cue sentence between two quotations says both.
                stop = first_sentence_end(frame, before_start, span.open_at)
                if not has_words(frame[stop : span.open_at]):
                    return who, "continuation"
        # With the quotation's first mark in view, a sentence that ends just before it
        # ("On the Red Bull employee. “...”") is narrative, not the quotation's own clause.
        sentence_start = last_sentence_start(frame[before_start : span.open_at + 1])
        sentence_start = min(sentence_start, len(before)) + before_start
        fragment = frame[sentence_start : span.open_at]
        if fragment.strip():
            whole = last_sentence_start(frame[: span.open_at])
            if whole < sentence_start and fragment.rstrip().endswith(":"):
                # "Lambiase on ‘younger brother’ Verstappen: ‘...’": a scare quote inside a
                # label does not start it; the label is the whole sentence.
                sentence_start = whole
            found = self._before_cue(para, sentence_start, span.open_at, quote, span)
            if (found is None or found[0][0] == "unknown") and whole < sentence_start:
                # A second partial quotation in one sentence: look at the whole sentence.
                found = self._before_cue(para, whole, span.open_at, quote, span) or found
            if found is not None:
                return found
        narrative_end = sentence_start
        if narrative_end > before_start and has_words(frame[before_start:narrative_end]):
            who = self._narrative(para, before_start, narrative_end, quote)
            if who[0] != "unknown" or k == 0:
                return self._checked(who, quote, para, span, body, position), "context"
        if k:
            return self._previous_in(para, k), "continuation"
        return self._opening(body, position, quote, span)

    def _previous_in(self, para: Paragraph, k: int) -> _Who:
        for earlier_para, earlier_span, who, _ in reversed(self.decided):
            if earlier_para is para and earlier_span is para.spans[k - 1]:
                return who
        return _UNKNOWN

    def _opening(
        self, body: list[Paragraph], position: int, quote: str, span: Span
    ) -> tuple[_Who, str]:
        """A quotation that opens its paragraph with no cue of its own."""
        para = body[position]
        if position == 0:
            return _UNKNOWN, "context"
        previous = body[position - 1]
        gap = self.reading.paragraphs[previous.index + 1 : para.index]
        if previous.spans and self.decided:
            last_para, last_span, who, _ = self.decided[-1]
            if last_para is previous and last_span.close_at is None:
                return who, "continuation"
        if previous.spans and not gap:
            tail = previous.frame[end_of(previous.spans[-1]) :]
            if not has_words(tail) or not SENTENCE_END.search(tail):
                last = next((w for p, _, w, _ in reversed(self.decided) if p is previous), None)
                if last is not None:
                    return last, "continuation"
        if previous.spans and gap:
            last = next((w for p, _, w, _ in reversed(self.decided) if p is previous), None)
            if last is not None and all(g.clutter for g in gap):
                return last, "continuation"
        start = end_of(previous.spans[-1]) if previous.spans else 0
        who = self._narrative(previous, start, len(previous.frame), quote)
        return self._checked(who, quote, para, span, body, position), "context"

    def _checked(
        self,
        who: _Who,
        quote: str,
        para: Paragraph,
        span: Span,
        body: list[Paragraph],
        position: int,
    ) -> _Who:
        """Context alone is weak evidence: keep it only for words that sound like speech."""
        if who[0] == "unknown":
            return who
        if span.close_at is None:
            following = body[position + 1] if position + 1 < len(body) else None
            continued = following is not None and following.frame.lstrip().startswith(BLANK)
            if not continued and not PERSONAL.search(quote) and following is not None:
                return _UNKNOWN
        elif not PERSONAL.search(quote) and not has_words_enough(quote, 12):
            return _UNKNOWN
        return who

    # -- cues --------------------------------------------------------------------------------

    def _after_cue(
        self, para: Paragraph, start: int, end: int, quote: str
    ) -> tuple[_Who, str] | None:
        frame = para.frame
        lead = CUE_LEAD.match(frame, start, end)
        begin = lead.end() if lead else start
        stop = first_sentence_end(frame, begin, end)
        dash = CUE_DASH.match(frame, start, stop)
        if dash:
            agent = self._agent_at(para, dash.end())
            if agent is not None and agent.kind == "person":
                if agent.possessive:
                    return _UNKNOWN, frame[start:stop].strip()
                return self._resolve(para, agent, quote), frame[start:stop].strip()
            return None
        for verb in SPEECH.finditer(frame, begin, stop):
            if verb.start() - begin > 70:
                break
            if not_speech(frame, verb):
                continue
            cue = frame[begin : verb.end()].strip()
            if verb.start() == begin:
                agent = self._inverted_subject(para, verb.end(), stop)
                if agent is not None:
                    who = self._resolve(para, agent, quote)
                    return who, frame[begin : agent.end].strip()
                continue
            # '"...," Dan Towriss, the chief executive of TWG Motorsports, said'.
            agent = self._subject_of(
                para, begin, verb.start(), strict=True
            ) or self._subject_past_aside(para, begin, verb.start())
            if quote.endswith(".") and not SHORT_TAIL.fullmatch(frame, verb.end(), stop):
                # After a full stop inside the marks, "Vowles said the result was deserved"
                # starts a sentence of its own; only "Vowles said (on Sunday)." is a cue.
                return None
            if agent is not None and CUE_OPENING.fullmatch(frame[begin : agent.start]):
                return self._resolve(para, agent, quote), cue
            return None
        if quote.endswith((",", "!", "?")):
            # '"...," Russell reviewed.': after a quotation that stops on a comma, a name and
            # one verb make a cue whatever the verb ("reviewed", "shrugged").
            open_verb = OPEN_CLASS_CUE.fullmatch(frame, begin, stop)
            if open_verb is not None:
                agent = self._agent_at(para, begin)
                if agent is not None and agent.end == open_verb.start(1) and not agent.possessive:
                    return self._resolve(para, agent, quote), frame[begin:stop].strip()
        return None

    def _before_cue(
        self, para: Paragraph, start: int, end: int, quote: str, span: Span
    ) -> tuple[_Who, str] | None:
        frame = para.frame
        fragment = frame[start:end].rstrip()
        cue = fragment.strip()
        verbs = [v for v in SPEECH.finditer(frame, start, end) if not not_speech(frame, v)]
        if fragment.endswith(":"):
            for verb in reversed(verbs):
                agent = self._subject_of(para, start, verb.start())
                if agent is not None:
                    return self._resolve(para, agent, quote), cue
            agent = self._first_subject(para, start, end)
            if agent is not None:
                return self._resolve(para, agent, quote), cue
            return None
        if TITLE_CONTEXT.search(fragment[-40:]):
            # "what team principal James Vowles called “a huge vote of confidence”": a person
            # calling something a name says it; a podcast called "..." is only a title.
            calling = _A_PERSON_CALLED.search(fragment, max(0, len(fragment) - 40))
            if calling is not None:
                agent = next(
                    (
                        a
                        for a in self.reading.agents_of(para, start, end)
                        if a.kind == "person" and a.end == start + calling.start()
                    ),
                    None,
                )
                if agent is not None and not agent.possessive:
                    return self._resolve(para, agent, quote), cue
            return _UNKNOWN, cue
        for verb in reversed(verbs):
            if verb.group().lower().startswith("according"):
                # "According to Red Bull advisor Helmut Marko, ...": the source follows.
                agent = self._inverted_subject(para, verb.end(), end)
                if agent is not None:
                    return self._resolve(para, agent, quote), cue
                continue
            agent = self._subject_of(para, start, verb.start())
            if agent is None and (
                # The conjunction stands just before the verb: only the last words are searched.
                COORDINATED.search(frame, max(start, verb.start() - 40), verb.start())
                or verb.group().endswith("ing")
            ):
                # "Leclerc was booed by the fans and said", "X interjected, stating": the
                # first clause's subject.
                agent = self._first_subject(para, start, verb.start())
            if agent is not None:
                return self._resolve(para, agent, quote), cue
        if fragment.endswith(","):
            return None
        # A partial quotation inside a sentence belongs to the sentence's subject.
        agent = self._first_subject(para, start, end)
        if agent is None:
            people = [
                a
                for a in self.reading.agents_of(para, start, end)
                if start <= a.start
                and a.end <= end
                and a.kind in ("person", "descriptor")
                and not _spoken_to(para.frame, a)
            ]
            agent = people[-1] if people else None
        if agent is None:
            return _UNKNOWN, cue
        return self._resolve(para, agent, quote), cue

    def _narrative(self, para: Paragraph, start: int, end: int, quote: str) -> _Who:
        """The speaker a stretch of narrative sets up for the quotation that follows it."""
        frame = para.frame
        best: Agent | None = None
        for verb in SPEECH.finditer(frame, start, end):
            if not_speech(frame, verb) or is_question(frame, verb.end(), end):
                # "What did Vasseur say to you?": an interviewer asks about someone.
                continue
            sentence = sentence_start(frame, verb.start(), start)
            agent = self._subject_of(para, sentence, verb.start())
            if agent is None and frame[verb.start() : verb.end()].endswith("ing"):
                agent = self._first_subject(para, sentence, verb.start())
            if agent is not None:
                best = agent
        if best is not None:
            return self._resolve(para, best, quote)
        if frame[start:end].rstrip().endswith(":"):
            # "Here is Red Bull's statement in full:" introduces whoever it names last.
            sentence = sentence_start(frame, end, start)
            named = [
                a
                for a in self.reading.agents_of(para, sentence, end)
                if sentence <= a.start < end and a.kind != "other"
            ]
            if named:
                return self._resolve(para, named[-1], quote)
        # No cue: whoever the text around makes most likely, as the ranker learned it.
        return self._ranked(para, Agent(start, end, "context", frame), quote)

    # -- finding and resolving subjects --------------------------------------------------------

    def _agent_at(self, para: Paragraph, position: int) -> Agent | None:
        return next(
            (a for a in self.reading.agents_of(para, position, position) if a.start == position),
            None,
        )

    def _subject_of(
        self, para: Paragraph, start: int, verb: int, strict: bool = False
    ) -> Agent | None:
        frame = para.frame
        if _TOLD_TO.match(frame, verb):
            # "with Croft told to ‘go back and listen’": the one told, not the speaker.
            return None
        for agent in reversed(self.reading.agents_of(para, start, verb)):
            if agent.end > verb or agent.start < start:
                continue
            gap = frame[agent.end : verb]
            if "," in gap and _PARTICIPLE.match(frame, verb):
                # "Leclerc paid tribute to his father Herve, who died in 2017, saying:": a
                # participle after a comma belongs to the clause's subject, not the name
                # before it.
                return None
            if TRANSPARENT.match(gap):
                return agent
            if not strict and LOOSE_GAP.match(gap) and agent.subject:
                return agent
            break
        return None if strict else self._subject_past_aside(para, start, verb)

    def _subject_past_aside(self, para: Paragraph, start: int, verb: int) -> Agent | None:
        """The sentence's subject when only an aside between commas, which may name others,
        stands between it and the verb ("Tom Stallard, Piastri's engineer, who rowed for
        Great Britain, tried to explain")."""
        first = self._first_subject(para, start, verb)
        if (
            first is not None
            and first.kind != "team"
            and _PAST_ASIDE.fullmatch(para.frame, first.end, verb)
        ):
            return first
        return None

    def _inverted_subject(self, para: Paragraph, verb_end: int, stop: int) -> Agent | None:
        for agent in self.reading.agents_of(para, verb_end, stop):
            if agent.start < verb_end:
                continue
            if agent.start >= stop:
                return None
            if INVERTED_GAP.match(" " + para.frame[verb_end : agent.start]):
                return agent
            return None
        return None

    def _first_subject(self, para: Paragraph, start: int, end: int) -> Agent | None:
        """The first subject that can be a person; failing that, the first team or group."""
        subjects = [
            a
            for a in self.reading.agents_of(para, start, end)
            if start <= a.start and a.end <= end and a.subject
        ]
        people = [a for a in subjects if a.kind in ("person", "pronoun", "descriptor")]
        if people:
            return people[0]
        return subjects[0] if subjects else None

    def _resolve(self, para: Paragraph, agent: Agent, quote: str) -> _Who:
        position = para.offset + agent.start
        if agent.kind in ("team", "group"):
            return _NOBODY
        if agent.kind == "person":
            if len(agent.ids) == 1:
                return ("person", agent.ids[0])
            if self.last_speaker in agent.ids:
                return ("person", self.last_speaker)
            recent = [pid for _, pid in self.reading.known_before(position) if pid in agent.ids]
            return ("person", recent[-1]) if recent else ("person", agent.ids[0])
        if agent.kind in ("pronoun", "descriptor"):
            return self._ranked(para, agent, quote)
        return _UNKNOWN

    def _ranked(self, para: Paragraph, agent: Agent, quote: str) -> _Who:
        """A pronoun, a descriptor or the context of a quotation without a cue: the
        candidate the learned ranker scores best, unless that is "nobody named here"."""
        candidates = anaphor_candidates(self.reading, para, agent, quote, self.last_speaker)
        person = described(candidates)
        if person is not None:
            return ("person", person)
        if self.trace is not None:
            self.trace.append((quote, candidates))
        best = self.ranker.best(candidates)
        return _UNKNOWN if best is None else ("person", best)

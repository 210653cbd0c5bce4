"""Who "he" or "the Mercedes boss" stands for: candidate people and what speaks for each.

Every person the text before the pronoun or descriptor makes salient is a candidate, with
features that say how: the subject of the nearest sentences or only named in them, in a
possessive, the last speaker, the article's subject, named inside the quotation itself,
and for a descriptor whether its words fit the person. The learned ranker (``ranker.py``)
weighs them; nothing here is a hand-set weight.
"""

from __future__ import annotations

from bot.quotes.candidates import Agent, Paragraph
from bot.quotes.marks import BLANK
from bot.quotes.reading import ArticleReading
from bot.quotes.text import is_question, sentence_bounds, word_count

# Sentences read back from a pronoun, over at most this many paragraphs.
_SENTENCES_BACK = 7
_PARAGRAPHS_BACK = 3

# Each candidate's person id, None for "nobody named here", and its features.
Candidates = list[tuple[str | None, dict[str, float]]]


def described(candidates: Candidates) -> str | None:
    """The one person a descriptor's words fit among those in view, or failing that the
    one the article tied its role words to: the words then say who it is, and nothing is
    left to rank."""
    fitting = [pid for pid, features in candidates if features.get("fits")]
    if len(fitting) == 1:
        return fitting[0]
    # Role words the article tied to one name ("race engineer Gianpiero Lambiase" before
    # "the engineer"), when the directory has nothing to test them against.
    roles = [pid for pid, features in candidates if features.get("role")]
    return roles[0] if len(roles) == 1 and not fitting else None


def _described_person(reading: ArticleReading, para: Paragraph, agent: Agent) -> str | None:
    """Whom a descriptor in the text names: the one person named before it whose facts
    fit its words ("the McLaren boss" after Andrea Stella), if exactly one does."""
    words = list(agent.words)
    seasons = reading.seasons()
    named = dict.fromkeys(pid for _, pid in reading.known_before(para.offset + agent.start))
    fitting = [
        pid
        for pid in named
        if reading.index.descriptor_fits(pid, words, reading.year, seasons) is True
    ]
    return fitting[0] if len(fitting) == 1 else None


def anaphor_candidates(
    reading: ArticleReading,
    para: Paragraph,
    agent: Agent,
    quote: str,
    last_speaker: str | None,
) -> Candidates:
    """The people a pronoun or descriptor ``agent`` may stand for, each with its features."""
    kind = agent.kind
    # A context agent spans the narrative before the quotation; the others are words.
    at = agent.end if kind == "context" else agent.start
    position = para.offset + at
    seen, nearest_subject = _context(reading, para, at, last_speaker)
    # A few words with no cue before a quotation ("On the Red Bull employee.") label a
    # topic in an interview: the interviewee goes on speaking.
    label = kind == "context" and word_count(para.frame[agent.start : agent.end]) <= 6
    # Whom such a label is about ("More on Horner."): spoken of, not speaking.
    labelled = (
        {
            pid
            for a in reading.agents_of(para, agent.start, agent.end)
            if a.kind == "person" and agent.start <= a.start < agent.end
            for pid in a.ids
        }
        if label
        else set()
    )
    pronoun = para.frame[agent.start : agent.end].lower() if kind == "pronoun" else ""
    gender = {"he": "male", "she": "female"}.get(pronoun)
    in_quote = reading.names_in(quote)
    words = list(agent.words)
    fits: dict[str, bool | None] = {}
    roles_of: set[str] = set()
    directory: list[str] = []
    counts: dict[str, int] = {}
    for _, pid in reading.known_before(position):
        counts[pid] = counts.get(pid, 0) + 1
    order = list(dict.fromkeys(pid for _, pid in reversed(reading.known_before(position))))
    people = list(dict.fromkeys([*seen, *order[:6]]))
    if last_speaker is not None and last_speaker not in people:
        people.append(last_speaker)
    if reading.topic is not None and reading.topic not in people:
        people.append(reading.topic)
    if kind == "descriptor":
        roles = reading.roles()
        for size in (2, 1):
            person = roles.get(" ".join(words[-size:]))
            if person is not None:
                roles_of.add(person)
                if person not in people:
                    people.append(person)
        seasons = reading.seasons()
        for pid in people:
            fits[pid] = reading.index.descriptor_fits(pid, words, reading.year, seasons)
        if not any(fits.values()):
            directory = reading.index.candidates_for(words, reading.year)[:4]
            for pid in directory:
                if pid not in people:
                    people.append(pid)
                    fits[pid] = True
    # Who stands nearest: the subject of the nearest sentence that has one, and the last
    # person named (``seen`` is in order of nearness).
    nearest_named = next(iter(seen), None)
    # Scores are relative within a decision, so "nobody" carries what is constant across
    # the people: how often a pronoun or a descriptor names nobody in the text.
    nobody = {f"nobody.{kind}": 1.0}
    if label:
        nobody["nobody.label"] = 1.0
    candidates: Candidates = [(None, nobody)]
    for pid in people:
        if pid in in_quote or (kind == "descriptor" and fits.get(pid) is False):
            # Someone the quotation speaks of, or whom the words cannot describe.
            continue
        if gender is not None and reading.index.gender(pid) not in (None, gender):
            # "she" is not a man the directory knows, nor "he" a woman.
            continue
        facts = seen.get(pid, {})
        features = {
            "last_speaker": float(pid == last_speaker),
            "topic": float(pid == reading.topic),
            "mentions": min(counts.get(pid, 0), 5) / 5,
            "nearest_subject": float(pid == nearest_subject),
            "nearest_named": float(pid == nearest_named),
            "label_last_speaker": float(label and pid == last_speaker),
            "label_topic": float(label and pid == reading.topic),
            "label_names": float(pid in labelled),
            **facts,
        }
        if kind == "descriptor":
            fit = fits.get(pid)
            features["fits"] = float(fit is True)
            features["role"] = float(pid in roles_of)
            features["directory"] = float(pid in directory and pid not in counts)
        candidates.append((pid, features))
    return candidates


def _context(
    reading: ArticleReading, para: Paragraph, start: int, last_speaker: str | None
) -> tuple[dict[str, dict[str, float]], str | None]:
    """People named in the sentences before ``start``, nearest first, with how they stand
    there: the first subject of a sentence at distance 0, 1 or further, only named, or
    named in a possessive; and the subject of the nearest sentence that has one."""
    sentences: list[tuple[Paragraph, int, int]] = []
    body = reading.body
    at = reading.place[para.index]
    for back in range(_PARAGRAPHS_BACK):
        if at - back < 0:
            break
        current = body[at - back]
        stop = start if back == 0 else len(current.frame)
        for s, e in reversed(sentence_bounds(current.frame, 0, stop)):
            sentences.append((current, s, e))
        if len(sentences) >= 5:
            break
    seen: dict[str, dict[str, float]] = {}
    nearest_subject: str | None = None
    # Whether a quotation lies between the sentence and the pronoun: a subject named after
    # the last quotation is where the text has moved on to.
    crossed_quote = False
    for distance, (sentence_para, s, e) in enumerate(sentences[:_SENTENCES_BACK]):
        near = "0" if distance == 0 else "1" if distance == 1 else "2"
        cue = BLANK in sentence_para.frame[s:e]
        if is_question(sentence_para.frame, s, e + 1):
            # An interviewer's question names whom it asks about, not who answers.
            continue
        inside = [a for a in reading.agents_of(sentence_para, s, e) if s <= a.start and a.end <= e]
        if not any(a.subject for a in inside):
            # No clear subject ("it was Russell who..."): the first person named stands in.
            named = next((a for a in inside if a.kind == "person" and not a.possessive), None)
            if named is not None:
                named.stands_as_subject = True
        first = True
        for agent in inside:
            if agent.kind == "person":
                ids = agent.ids
                pid = last_speaker if len(ids) > 1 and last_speaker in ids else ids[0]
            elif agent.kind == "descriptor":
                found = _described_person(reading, sentence_para, agent)
                if found is None:
                    continue
                pid = found
            else:
                # A team or "he" as the subject: whoever is named after it is not.
                if agent.subject and agent.kind in ("team", "group", "pronoun"):
                    first = False
                continue
            facts = seen.setdefault(pid, {})
            if agent.subject and first and not agent.possessive:
                first = False
                facts.setdefault("subject" + near, 1.0)
                if nearest_subject is None:
                    nearest_subject = pid
                if not cue and not crossed_quote:
                    facts.setdefault("fresh_subject", 1.0)
            elif agent.possessive:
                facts.setdefault("possessive" + near, 1.0)
            else:
                facts.setdefault("named" + near, 1.0)
            if sentence_para is para:
                facts["same_paragraph"] = 1.0
        # The pronoun's own sentence holds the quotation being attributed.
        crossed_quote = crossed_quote or (cue and distance > 0)
    return seen, nearest_subject

"""Pass 1 over an article: its paragraphs, quotations, and who it names where.

The text outside quotations (the "frame") is scanned in order for the names of people and
teams, which teach the article's short forms of names. Who else may be speaking there
(he/she, descriptors such as "the Finn" or "the Mercedes boss", teams and spokespeople,
which are never a person) is worked out a sentence at a time, only for the sentences
attribution looks at.
"""

from __future__ import annotations

import re

from bot.quotes.candidates import (
    GROUP_WORDS,
    HEAD_AHEAD,
    PRONOUNS,
    TRIGGER,
    Agent,
    Paragraph,
    is_word_char,
    noun_phrase,
    qualifies_next,
    start_of,
)
from bot.quotes.lexicon import GROUP_NOUNS, alternation
from bot.quotes.marks import blank_spans, pair_marks
from bot.quotes.speakers import LocalNames, SpeakerIndex
from bot.quotes.text import (
    GAP,
    LETTER_WORDS,
    NEXT_CAPITAL,
    THE_NAME,
    has_clutter_hint,
    is_clutter,
    sentence_bounds,
)

_KIN = (
    r"((?i:father|dad|mother|mum|mom|brother|sister|son|daughter|wife|husband|girlfriend|"
    r"boyfriend|uncle|aunt|grandfather|grandmother|cousin|nephew|niece))"
)
_SAME_KIN = {"dad": "father", "mum": "mother", "mom": "mother"}
# After a possessive name: "'s (famous) father (, ) Anthony".
RELATIVE_AFTER = re.compile(
    r"\s+(?:(?i:late|famous|proud|own|younger|older|elder|little|big)\s+)?"
    + _KIN
    # The name: right after the noun, or between commas ("father, Anthony,").
    + r"\b(?:\s+([A-Z][a-z]+)\b(?![\-’']|\s+[A-Z])|,\s+([A-Z][a-z]+),)?"
)
# "his father, Adam,": the relative of the person named last before it.
RELATIVE_OF_HIS = re.compile(
    r"\b(?:[Hh]is|[Hh]er)\s+" + _KIN + r",?\s+([A-Z][a-z]+)\b(?![\-’']|\s+[A-Z])"
)
# After a team's possessive: a statement, a document or a spokesperson of the team.
OWNED_TEXT = re.compile(
    r"\s+(?:[\w\-]+\s+){0,2}?" + alternation(GROUP_NOUNS) + r"\b", re.IGNORECASE
)
SENIOR_AFTER = re.compile(r"\s+(?:senior|snr\.?)(?![\w\-])", re.IGNORECASE)


class ArticleReading:
    """What pass 1 learns of one article, and the lookups attribution asks of it."""

    def __init__(self, text: str, index: SpeakerIndex, year: int | None) -> None:
        self.text = text
        self.index = index
        self.local = LocalNames(year, text)
        self.year = year
        self.paragraphs: list[Paragraph] = []
        self.mentions: list[tuple[int, str]] = []  # (absolute position, person id) in order
        self.topic: str | None = None
        # Where the article names people, in order, to read the role words before each name
        # ("race director Michael Masi") when a descriptor first needs them.
        # (absolute position, paragraph frame, position in it, person id)
        self._roles_to_learn: list[tuple[int, str, int, str]] = []
        self._names_cache: dict[str, set[str]] = {}
        self._era: frozenset[int] | None = None
        # Relatives the article has named: (person id, "father") -> the relative's id.
        self.relatives: dict[tuple[str, str], str] = {}
        self.body: list[Paragraph] = []  # paragraphs that are not page clutter
        self.place: dict[int, int] = {}  # a paragraph's index -> its position in ``body``

    # -- pass 1: paragraphs, quotations and who is named ---------------------------------------

    def read(self) -> None:
        offset = 0
        count = 0
        hinted = has_clutter_hint(self.text)
        for line in self.text.split("\n"):
            if line.strip():
                clutter = is_clutter(line, hinted)
                para = Paragraph(count, offset, line, clutter)
                count += 1
                if not clutter:
                    para.spans = pair_marks(line)
                    para.frame = blank_spans(line, para.spans)
                self.paragraphs.append(para)
            offset += len(line) + 1
        # Each paragraph is read with what the article has taught so far, noting what each
        # single word it met meant then.
        meant: dict[int, dict[str, str | None]] = {}
        for para in self.paragraphs:
            if not para.clutter:
                meant[para.index] = {}
                para.named = self._named(para, meant[para.index])
        # Headlines and standfirsts use short forms ("Lambiase on Verstappen: ...") that the
        # body explains later ("race engineer Gianpiero Lambiase"): a paragraph whose words
        # the rest of the article has since taught another meaning is read again.
        self.local.settle()
        taught = self.local.meaning
        again = [
            para
            for para in self.paragraphs
            if not para.clutter
            and any(taught(key) != person for key, person in meant[para.index].items())
        ]
        if again:
            self._read_again(again)
        for para in self.paragraphs[:3]:
            people = [a for a in para.named if a.kind == "person" and len(a.ids) == 1]
            if people and not para.clutter:
                self.topic = people[0].ids[0]
                break
        self.body = [p for p in self.paragraphs if not p.clutter]
        self.place = {para.index: position for position, para in enumerate(self.body)}

    def _read_again(self, paragraphs: list[Paragraph]) -> None:
        """Read ``paragraphs`` again with everything the article taught, keeping the
        article's mentions and role sightings in the order they stand."""
        spans = [(p.offset, p.offset + len(p.text)) for p in paragraphs]

        def elsewhere(position: int) -> bool:
            return not any(start <= position < end for start, end in spans)

        self.mentions = [m for m in self.mentions if elsewhere(m[0])]
        self._roles_to_learn = [r for r in self._roles_to_learn if elsewhere(r[0])]
        for para in paragraphs:
            para.named = self._named(para)
        self.mentions.sort(key=lambda mention: mention[0])
        self._roles_to_learn.sort(key=lambda sighting: sighting[0])

    def _named(self, para: Paragraph, meant: dict[str, str | None] | None = None) -> list[Agent]:
        """People and teams the paragraph names, read in order for every paragraph: each full
        name teaches the article's short forms of it, and mentions feed descriptors.
        ``meant`` collects what each single word meant as read."""
        frame = para.frame
        agents: list[Agent] = []
        for start, end, kind, ids, possessive in self.index.scan(frame, 0, self.local, meant):
            if kind == "person":
                agents.append(Agent(start, end, "person", frame, ids, (), possessive))
                if len(ids) == 1:
                    self.mentions.append((para.offset + start, ids[0]))
                    self._roles_to_learn.append((para.offset + start, frame, start, ids[0]))
            elif kind == "team":
                agents.append(Agent(start, end, "team", frame, (), (), possessive))
        return self._relatives(para, agents)

    def _relatives(self, para: Paragraph, agents: list[Agent]) -> list[Agent]:
        """Family and namesakes, never the driver they are named after: "Lewis Hamilton's
        father Anthony", "his father, Adam," and "Carlos Sainz senior" are people of their
        own; "Norris' dad" is the father the article has named, else nobody it can name."""
        frame = para.frame
        found: list[Agent] = []
        for k, agent in enumerate(agents):
            if agent.kind != "person" or len(agent.ids) != 1:
                continue
            owner = agent.ids[0]
            senior = SENIOR_AFTER.match(frame, agent.end)
            if senior is not None and not agent.possessive:
                person = self.index.relative(owner, "", senior=True)
                found.append(Agent(agent.start, senior.end(), "person", frame, (person,)))
                self.mentions.append((para.offset + agent.start, person))
                continue
            if not agent.possessive:
                continue
            relation = RELATIVE_AFTER.match(frame, agent.end)
            if relation is None:
                continue
            found.append(self._relative(para, agent.start, relation, owner))
            agents[k] = Agent(agent.start, agent.end, "other", frame, agent.ids)
        for relation in RELATIVE_OF_HIS.finditer(frame):
            owners = [a for a in agents if a.kind == "person" and a.end <= relation.start()]
            if owners and len(owners[-1].ids) == 1 and relation.group(2):
                found.append(self._relative(para, relation.start(), relation, owners[-1].ids[0]))
        if not found:
            return agents
        spans = [(a.start, a.end) for a in found]
        kept = [a for a in agents if not any(s <= a.start < e for s, e in spans)]
        return sorted([*kept, *found], key=start_of)

    def _relative(self, para: Paragraph, start: int, relation: re.Match[str], owner: str) -> Agent:
        kin = relation.group(1).lower()
        kin = _SAME_KIN.get(kin, kin)
        first = relation.group(2) or relation.group(3)
        frame = para.frame
        if first is None:
            person = self.relatives.get((owner, kin))
            if person is None:
                return Agent(start, relation.end(), "other", frame)
        else:
            person = self.index.relative(owner, first)
            self.relatives[(owner, kin)] = person
            self.local.teach_first(first, person)
        self.mentions.append((para.offset + start, person))
        return Agent(start, relation.end(), "person", frame, (person,))

    def agents_of(self, para: Paragraph, start: int, end: int) -> list[Agent]:
        """Everyone who may be speaking in the sentences of ``para`` that meet ``start`` to
        ``end``, in order: names, pronouns, descriptors, groups. Worked out a sentence at a
        time on first need: attribution looks at the sentences around quotations (a cue,
        the subjects before a pronoun), and nothing it looks for spans a full stop."""
        if para.sentences is None:
            para.sentences = sentence_bounds(para.frame, 0, len(para.frame))
            para.agents = [None] * len(para.sentences)
        found: list[Agent] = []
        for i, (first, last) in enumerate(para.sentences):
            if first > end:
                break
            if last <= start:
                continue
            agents = para.agents[i]
            if agents is None:
                agents = para.agents[i] = self._agents(para, first, last)
            found += agents
        return found

    def _agents(self, para: Paragraph, first: int, last: int) -> list[Agent]:
        frame = para.frame
        agents = [a for a in para.named if first <= a.start < last]
        taken = [(a.start, a.end) for a in agents if a.kind == "person"]
        pronouns: list[Agent] = []
        described: list[Agent] = []
        groups: list[Agent] = []
        the_names: list[re.Match[str]] = []
        # One pass finds every pronoun, determiner and bare group noun in the frame.
        for match in TRIGGER.finditer(frame, first, last):
            start = match.start()
            if start and is_word_char(frame[start - 1]):
                continue
            word = match.group()
            if word in PRONOUNS:
                pronouns.append(Agent(start, match.end(), "pronoun", frame))
                continue
            if word in GROUP_WORDS:
                groups.append(Agent(start, match.end(), "group", frame))
                continue
            if word == "the":
                name = THE_NAME.match(frame, match.end())
                if name is not None:
                    the_names.append(name)
            gap = GAP.match(frame, match.end())
            if gap is None or not HEAD_AHEAD.match(frame, gap.end()):
                continue
            agent = self._described(frame, start, gap.end(), agents, taken)
            if agent is not None:
                described.append(agent)
        agents += pronouns
        agents += described
        agents += groups
        for k, agent in enumerate(agents):
            if agent.kind in ("team", "group") and (
                agent.possessive or frame.startswith(("'s", "’s"), agent.end)
            ):
                # "Red Bull's statement", "the FIA's official documentation": a body
                # speaks through a text, not a person.
                text = OWNED_TEXT.match(frame, agent.end + (0 if agent.possessive else 2))
                if text is not None:
                    agents[k] = Agent(agent.start, text.end(), "group", frame)
        if described:
            spans = [(a.start, a.end) for a in described if a.kind in ("descriptor", "group")]
            agents = [
                a
                for a in agents
                if a.kind != "team" or not any(s <= a.start and a.end <= e for s, e in spans)
            ]
        for name in the_names:
            if any(a.start <= name.start(1) < a.end for a in agents):
                continue
            ids = self.index.resolve_surface(name.group(1), self.local)
            if len(ids) == 1:
                agents.append(Agent(name.start(1) - 4, name.end(), "person", frame, ids))
        if not agents:
            return agents
        agents.sort(key=start_of)
        if not any(a.kind == "team" or a.possessive for a in agents):
            return agents
        following: list[Agent | None] = [*agents[1:], None]
        return [
            a for a, b in zip(agents, following, strict=True) if not qualifies_next(frame, a, b)
        ]

    @staticmethod
    def _described(
        frame: str, start: int, words_at: int, named: list[Agent], taken: list[tuple[int, int]]
    ) -> Agent | None:
        """A descriptor ("the Mercedes boss") or a group ("a team spokesperson") opened by the
        determiner at ``start``; None when the phrase only introduces a name."""
        phrase = noun_phrase(frame, words_at)
        if phrase is None:
            return None
        end, words, head_kind = phrase
        if head_kind == "group":
            return Agent(start, end, "group", frame)
        if NEXT_CAPITAL.match(frame, end):
            # "the Mercedes boss Toto Wolff": the name that follows is the agent.
            return None
        if frame[start].lower() == "a":
            # "a journalist", "another engineer": someone the text does not name.
            return Agent(start, end, "group", frame)
        if frame[start].lower() != "t":
            return None
        if any(s < end and start < e for s, e in taken):
            return None
        possessive = frame.startswith(("'s", "’s"), end)
        return Agent(start, end, "descriptor", frame, words=tuple(words), possessive=possessive)

    def roles(self) -> dict[str, str]:
        """Role words the article has tied to people ("race director" -> Masi), learnt on
        first need: most articles never resolve a descriptor."""
        for _, frame, position, person_id in self._roles_to_learn:
            found = LETTER_WORDS.findall(frame, max(0, position - 40), position)
            if not found:
                continue
            last = position
            while last and frame[last - 1].isspace():
                last -= 1
            if frame[last - 1 : last] not in (",", ".", ":", ";"):
                self.local.learn_role([w.lower() for w in found[-2:]], person_id)
        self._roles_to_learn.clear()
        return self.local.roles

    def known_before(self, position: int) -> list[tuple[int, str]]:
        return [(p, pid) for p, pid in self.mentions if p < position]

    def seasons(self) -> frozenset[int]:
        """For an undated article, the seasons in which everyone it names was active: what
        it may be about, to check ages against."""
        if self.year is not None:
            return frozenset()
        if self._era is None:
            era: set[int] | None = None
            for person_id in dict.fromkeys(pid for _, pid in self.mentions):
                person = self.index.people.get(person_id)
                if person is None:
                    continue
                active = {s.season for s in person.roles}
                era = active if era is None else (era & active or era)
            self._era = frozenset(era or ())
        return self._era

    def names_in(self, quote: str) -> set[str]:
        """People a quotation names without doubt (it speaks of them, so it is not theirs)."""
        names = self._names_cache.get(quote)
        if names is None:
            names = self._names_cache[quote] = {
                ids[0]
                for _, _, kind, ids, _ in self.index.scan(quote, 0, self.local)
                if kind == "person" and len(ids) == 1
            }
        return names

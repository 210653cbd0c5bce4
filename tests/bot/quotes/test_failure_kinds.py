"""One small hand-written article for each kind of attribution failure issue 25 lists: who
"he" is, speakers the directory does not know, relatives who share a driver's name, sources
that are not people, interview and radio layouts, open-class speech verbs and odd marks.

Each case of ``FAILURE_KINDS`` is named (its pytest id) by the kind of failure it covers."""

from __future__ import annotations

import pytest

from bot.quotes import SpeakerIndex, extract_quotes
from tests.bot.quotes.conftest import Speakers, speakers

FAILURE_KINDS = [
    pytest.param(
        (
            "“The balance was good from the first lap,” said Lando Norris.\n\n"
            "Oscar Piastri struggled for grip all afternoon in the other McLaren.\n\n"
            "“I could never get the rear tyres to work,” he said."
        ),
        [
            ("The balance was", "Lando Norris"),
            ("I could never", "Oscar Piastri"),
        ],
        id="a pronoun after the text moves on is the new subject",
    ),
    pytest.param(
        (
            "Lewis Hamilton congratulated Abbi Pulling on the F1 Academy title.\n\n"
            "“It was the best weekend of my life so far,” she said."
        ),
        [("It was the", "Abbi Pulling")],
        id="she is never a man the directory knows",
    ),
    pytest.param(
        (
            "Bianca Bustamante spoke about her team-mate Doriane Pin.\n\n"
            "“Doriane is super quick and I learn a lot from her data,” she explained. "
            "“We push each other every single weekend.”"
        ),
        [
            ("Doriane is super", "Bianca Bustamante"),
            ("We push each", "Bianca Bustamante"),
        ],
        id="one cue between two quotations says both",
    ),
    pytest.param(
        (
            "Toto Wolff praised his young driver after the race.\n\n"
            "He added that Kimi Antonelli had learned a lot this year. "
            "“He is calmer in the car and he listens to the engineers,” he added."
        ),
        [("He is calmer", "Toto Wolff")],
        id="he added that someone did not make them the speaker",
    ),
    pytest.param(
        (
            "Andrea Stella and Lando Norris spoke to the media on Thursday.\n\n"
            "“We will keep letting both drivers race each other,” the McLaren boss said."
        ),
        [("We will keep", "Andrea Stella")],
        id="a descriptor names the one person it fits",
    ),
    pytest.param(
        (
            "Ferrari CEO Benedetto Vigna spoke to investors in Maranello on Tuesday.\n\n"
            "“Our racing programme is the heart of this company and it always will be,” "
            "Vigna said.\n\n"
            "Sky's Karun Chandhok was less sure about the plan.\n\n"
            "“I don't see how they fix the car before the summer break,” Chandhok said."
        ),
        [
            ("Our racing programme", "Benedetto Vigna"),
            ("I don't see", "Karun Chandhok"),
        ],
        id="a named person outside the directory is the speaker",
    ),
    pytest.param(
        (
            "Max Verstappen spoke at length this week.\n\n"
            "In an interview with De Telegraaf, the champion was relaxed about his future.\n\n"
            "“I am happy where I am and I do not need to change anything,” he said."
        ),
        [("I am happy", "Max Verstappen")],
        id="a medium spoken to is never a speaker",
    ),
    pytest.param(
        (
            "Carlos Sainz finished sixth for Williams in Austin.\n\n"
            "Carlos Sainz Sr. watched from the garage. “He drove a very mature race today,” "
            "Sainz Sr. said.\n\n"
            "Lewis Hamilton's father Anthony was also in the paddock. "
            "“I have never seen him this relaxed,” Anthony said."
        ),
        [
            ("He drove a", "Carlos Sainz Sr."),
            ("I have never", "Anthony Hamilton"),
        ],
        id="relatives never merge into the driver",
    ),
    pytest.param(
        (
            "When Lando Norris won in Miami, his father, Adam, watched from home.\n\n"
            "“It has been a long time coming,” Adam said.\n\n"
            "“People don't realise how many bad days there were along the way,” Norris' dad "
            "continued."
        ),
        [
            ("It has been", "Adam Norris"),
            ("People don't realise", "Adam Norris"),
        ],
        id="a relative named by first name is followed through the article",
    ),
    pytest.param(
        (
            "Max Verstappen was given a five-second penalty in Baku.\n\n"
            "The stewards' decision read: “The driver of car 1 left the track and gained a "
            "lasting advantage.”\n\n"
            "Here is Red Bull's statement in full:\n\n"
            "“We accept the decision of the stewards and will not appeal against it.”\n\n"
            "“The penalty was harsh but fair in the end,” one source close to the team said."
        ),
        [
            ("The driver of", None),
            ("We accept the", None),
            ("The penalty was", None),
        ],
        id="sources that are not people have no speaker",
    ),
    pytest.param(
        (
            "Toto Wolff was calm at first.\n\n"
            "Another journalist interjected, however, stating, “They are. It is absolute rubbish!”"
            "\n\n“That is not a black eye for the sport at all,” a Williams team statement read."
        ),
        [("They are. It", None), ("That is not", None)],
        id="an unnamed person is nobody named",
    ),
    pytest.param(
        (
            "Wolff: 'We have to take this one on the chin'\n\n"
            "Toto Wolff did not hide his frustration after the race in Monza."
        ),
        [("We have to", "Toto Wolff")],
        id="a labelled headline is the labelled person",
    ),
    pytest.param(
        (
            "Horner: ‘We Will Bounce Back Soon’\n\n"
            "Christian Horner insisted the team would recover after a difficult season."
        ),
        [("We Will Bounce", "Christian Horner")],
        id="a labelled headline in title case is still a quote",
    ),
    pytest.param(
        (
            "Max Verstappen won again.\n\n"
            "His race engineer Gianpiero Lambiase was impressed with the drive.\n\n"
            "“Nobody else could have won from that grid slot today,” the engineer said."
        ),
        [("Nobody else could", "Gianpiero Lambiase")],
        id="a role the article tied to a name resolves the descriptor",
    ),
    pytest.param(
        (
            "Martin Brundle has responded to criticism of his grid walk.\n\n"
            "The Sky Sports commentator posted on X: “Some days you get the interview, some "
            "days you don't.”\n\n"
            "One fan replied: “You are the best part of the whole broadcast, never change.”\n\n"
            "Lewis Hamilton (@LewisHamilton) wrote: “Leave Martin alone, he is a legend.”\n\n"
            "“Proud of every single person in this team today” — Lando Norris (@LandoNorris) "
            "March 3, 2025"
        ),
        [
            ("Some days you", "Martin Brundle"),
            ("You are the", None),
            ("Leave Martin alone,", "Lewis Hamilton"),
            ("Proud of every", "Lando Norris"),
        ],
        id="social posts go to their author and fans to nobody",
    ),
    pytest.param(
        (
            "Lando Norris crashed out on the final lap in Montreal.\n\n"
            "“Are you alright, mate?” said Norris' engineer Will Joseph on the radio. "
            "“Yes, I am so sorry about that,” replied Norris."
        ),
        [
            ("Are you alright,", "Will Joseph"),
            ("Yes, I am", "Lando Norris"),
        ],
        id="team radio goes to the engineer and the driver",
    ),
    pytest.param(
        (
            "George Russell looked back on a difficult weekend in Singapore.\n\n"
            "“We simply did not have the pace on the hard tyre,” Russell reviewed."
        ),
        [("We simply did", "George Russell")],
        id="an open class speech verb is a cue",
    ),
    pytest.param(
        (
            "Charles Leclerc was upbeat after qualifying.\n\n"
            "''The car felt alive in every corner today,'' Leclerc said.\n\n"
            "Carlos Sainz said: ‘It was a tough session for us but we learned a lot\n\n"
            "Pierre Gasly added: \u201cWe have made a real step forward this weekend\u2033"
        ),
        [
            ("The car felt", "Charles Leclerc"),
            ("It was a", "Carlos Sainz Jr."),
            ("We have made", "Pierre Gasly"),
        ],
        id="odd quote marks still make quotations",
    ),
    pytest.param(
        (
            "Oscar Piastri sat down with us before the Dutch Grand Prix.\n\n"
            "How do you feel about the title fight?\n\n"
            "“Honestly I try not to think about the points too much.”\n\n"
            "And your relationship with Lando?\n\n"
            "“It is good, we both know the rules and we both respect them.”"
        ),
        [
            ("Honestly I try", "Oscar Piastri"),
            ("It is good,", "Oscar Piastri"),
        ],
        id="a question and answer interview gives the answers to the interviewee",
    ),
    pytest.param(
        (
            "Charles Leclerc spoke to us in Monaco.\n\n"
            "Does Lewis Hamilton push you harder than your previous team-mates?\n\n"
            "“He does, and I learn something from his data every single weekend.”\n\n"
            "What did Fred Vasseur say to you after the race?\n\n"
            "“He told me to enjoy it because days like this do not come often.”"
        ),
        [
            ("He does, and", "Charles Leclerc"),
            ("He told me", "Charles Leclerc"),
        ],
        id="an interviewer asking about someone does not make them the speaker",
    ),
    pytest.param(
        (
            "Oscar Piastri was asked about the team orders in Monza.\n\n"
            "“I think we handled it well as a team,” Piastri told reporters. "
            "“There is no drama at all.”"
        ),
        [
            ("I think we", "Oscar Piastri"),
            ("There is no", "Oscar Piastri"),
        ],
        id="a cue sentence between two quotations says both",
    ),
    pytest.param(
        (
            "According to Red Bull advisor Helmut Marko, “Max will stay with us next year, "
            "there is no doubt about that.”"
        ),
        [("Max will stay", "Helmut Marko")],
        id="according to someone before a quotation",
    ),
    pytest.param(
        (
            "Fernando Alonso and Lance Stroll both spoke after the race in Austin.\n\n"
            "“We have to be patient, the new car will be a big step,” the former Renault "
            "driver said."
        ),
        [("We have to", "Fernando Alonso")],
        id="a former team in a descriptor is any earlier season",
    ),
    pytest.param(
        (
            "Dutch journalist Erik van Haren wrote in De Telegraaf: “Red Bull are preparing "
            "for a season without their star driver.”"
        ),
        [("Red Bull are", "Erik van Haren")],
        id="a name with a lower case particle is a person",
    ),
    pytest.param(
        (
            "“The drivers should focus on driving and talk a lot less,” Ferrari chairman "
            "John Elkann was quoted as saying by Corriere dello Sport."
        ),
        [("The drivers should", "John Elkann")],
        id="quoted as saying is a cue",
    ),
]


@pytest.mark.parametrize(("text", "expected"), FAILURE_KINDS)
def test_each_failure_kind_gets_its_speakers(
    index: SpeakerIndex, text: str, expected: Speakers
) -> None:
    assert speakers(text, index) == expected


def test_an_unknown_speaker_gets_a_news_id_and_keeps_the_name(index: SpeakerIndex) -> None:
    text = "“Box this lap, box this lap,” race engineer Gianpiero Lambiase told the driver."
    [quote] = extract_quotes(text, index, year=2025)
    assert quote.speaker_id == "news:gianpiero-lambiase"
    assert index.name(quote.speaker_id) == "Gianpiero Lambiase"

"""One small hand-written article for each kind of attribution failure issue 25 lists: who
"he" is, speakers the directory does not know, relatives who share a driver's name, sources
that are not people, interview and radio layouts, open-class speech verbs and odd marks."""

from __future__ import annotations

import pytest

from bot.people.directory import builtin_directory_text, parse_builtin_directory
from bot.people.resolver import PeopleDirectory
from bot.quotes import SpeakerIndex, extract_quotes


@pytest.fixture(scope="module")
def index() -> SpeakerIndex:
    people = parse_builtin_directory(builtin_directory_text())
    return SpeakerIndex(people, PeopleDirectory(people).prominence)


def speakers(text: str, index: SpeakerIndex) -> list[tuple[str, str | None]]:
    """Each quotation's first words and its speaker's name (None: not a named person)."""
    return [
        (" ".join(q.text.split()[:3]), index.name(q.speaker_id) if q.speaker_id else None)
        for q in extract_quotes(text, index, year=2025)
    ]


def test_a_pronoun_after_the_text_moves_on_is_the_new_subject(index: SpeakerIndex) -> None:
    text = (
        "“The balance was good from the first lap,” said Lando Norris.\n\n"
        "Oscar Piastri struggled for grip all afternoon in the other McLaren.\n\n"
        "“I could never get the rear tyres to work,” he said."
    )
    assert speakers(text, index) == [
        ("The balance was", "Lando Norris"),
        ("I could never", "Oscar Piastri"),
    ]


def test_she_is_never_a_man_the_directory_knows(index: SpeakerIndex) -> None:
    text = (
        "Lewis Hamilton congratulated Abbi Pulling on the F1 Academy title.\n\n"
        "“It was the best weekend of my life so far,” she said."
    )
    assert speakers(text, index) == [("It was the", "Abbi Pulling")]


def test_one_cue_between_two_quotations_says_both(index: SpeakerIndex) -> None:
    text = (
        "Bianca Bustamante spoke about her team-mate Doriane Pin.\n\n"
        "“Doriane is super quick and I learn a lot from her data,” she explained. "
        "“We push each other every single weekend.”"
    )
    assert speakers(text, index) == [
        ("Doriane is super", "Bianca Bustamante"),
        ("We push each", "Bianca Bustamante"),
    ]


def test_he_added_that_someone_did_not_make_them_the_speaker(index: SpeakerIndex) -> None:
    text = (
        "Toto Wolff praised his young driver after the race.\n\n"
        "He added that Kimi Antonelli had learned a lot this year. "
        "“He is calmer in the car and he listens to the engineers,” he added."
    )
    assert speakers(text, index) == [("He is calmer", "Toto Wolff")]


def test_a_descriptor_names_the_one_person_it_fits(index: SpeakerIndex) -> None:
    text = (
        "Andrea Stella and Lando Norris spoke to the media on Thursday.\n\n"
        "“We will keep letting both drivers race each other,” the McLaren boss said."
    )
    assert speakers(text, index) == [("We will keep", "Andrea Stella")]


def test_a_named_person_outside_the_directory_is_the_speaker(index: SpeakerIndex) -> None:
    text = (
        "Ferrari CEO Benedetto Vigna spoke to investors in Maranello on Tuesday.\n\n"
        "“Our racing programme is the heart of this company and it always will be,” "
        "Vigna said.\n\n"
        "Sky's Karun Chandhok was less sure about the plan.\n\n"
        "“I don't see how they fix the car before the summer break,” Chandhok said."
    )
    assert speakers(text, index) == [
        ("Our racing programme", "Benedetto Vigna"),
        ("I don't see", "Karun Chandhok"),
    ]


def test_an_unknown_speaker_gets_a_news_id_and_keeps_the_name(index: SpeakerIndex) -> None:
    text = "“Box this lap, box this lap,” race engineer Gianpiero Lambiase told the driver."
    [quote] = extract_quotes(text, index, year=2025)
    assert quote.speaker_id == "news:gianpiero-lambiase"
    assert index.name(quote.speaker_id) == "Gianpiero Lambiase"


def test_a_medium_spoken_to_is_never_a_speaker(index: SpeakerIndex) -> None:
    text = (
        "Max Verstappen spoke at length this week.\n\n"
        "In an interview with De Telegraaf, the champion was relaxed about his future.\n\n"
        "“I am happy where I am and I do not need to change anything,” he said."
    )
    assert speakers(text, index) == [("I am happy", "Max Verstappen")]


def test_relatives_never_merge_into_the_driver(index: SpeakerIndex) -> None:
    text = (
        "Carlos Sainz finished sixth for Williams in Austin.\n\n"
        "Carlos Sainz Sr. watched from the garage. “He drove a very mature race today,” "
        "Sainz Sr. said.\n\n"
        "Lewis Hamilton's father Anthony was also in the paddock. "
        "“I have never seen him this relaxed,” Anthony said."
    )
    assert speakers(text, index) == [
        ("He drove a", "Carlos Sainz Sr."),
        ("I have never", "Anthony Hamilton"),
    ]


def test_a_relative_named_by_first_name_is_followed_through_the_article(
    index: SpeakerIndex,
) -> None:
    text = (
        "When Lando Norris won in Miami, his father, Adam, watched from home.\n\n"
        "“It has been a long time coming,” Adam said.\n\n"
        "“People don't realise how many bad days there were along the way,” Norris' dad "
        "continued."
    )
    assert speakers(text, index) == [
        ("It has been", "Adam Norris"),
        ("People don't realise", "Adam Norris"),
    ]


def test_sources_that_are_not_people_have_no_speaker(index: SpeakerIndex) -> None:
    text = (
        "Max Verstappen was given a five-second penalty in Baku.\n\n"
        "The stewards' decision read: “The driver of car 1 left the track and gained a "
        "lasting advantage.”\n\n"
        "Here is Red Bull's statement in full:\n\n"
        "“We accept the decision of the stewards and will not appeal against it.”\n\n"
        "“The penalty was harsh but fair in the end,” one source close to the team said."
    )
    assert speakers(text, index) == [
        ("The driver of", None),
        ("We accept the", None),
        ("The penalty was", None),
    ]


def test_an_unnamed_person_is_nobody_named(index: SpeakerIndex) -> None:
    text = (
        "Toto Wolff was calm at first.\n\n"
        "Another journalist interjected, however, stating, “They are. It is absolute rubbish!”"
        "\n\n“That is not a black eye for the sport at all,” a Williams team statement read."
    )
    assert speakers(text, index) == [("They are. It", None), ("That is not", None)]


def test_a_labelled_headline_is_the_labelled_person(index: SpeakerIndex) -> None:
    text = (
        "Wolff: 'We have to take this one on the chin'\n\n"
        "Toto Wolff did not hide his frustration after the race in Monza."
    )
    assert speakers(text, index) == [("We have to", "Toto Wolff")]


def test_a_labelled_headline_in_title_case_is_still_a_quote(index: SpeakerIndex) -> None:
    text = (
        "Horner: ‘We Will Bounce Back Soon’\n\n"
        "Christian Horner insisted the team would recover after a difficult season."
    )
    assert speakers(text, index) == [("We Will Bounce", "Christian Horner")]


def test_a_role_the_article_tied_to_a_name_resolves_the_descriptor(
    index: SpeakerIndex,
) -> None:
    text = (
        "Max Verstappen won again.\n\n"
        "His race engineer Gianpiero Lambiase was impressed with the drive.\n\n"
        "“Nobody else could have won from that grid slot today,” the engineer said."
    )
    assert speakers(text, index) == [("Nobody else could", "Gianpiero Lambiase")]


def test_social_posts_go_to_their_author_and_fans_to_nobody(index: SpeakerIndex) -> None:
    text = (
        "Martin Brundle has responded to criticism of his grid walk.\n\n"
        "The Sky Sports commentator posted on X: “Some days you get the interview, some "
        "days you don't.”\n\n"
        "One fan replied: “You are the best part of the whole broadcast, never change.”\n\n"
        "Lewis Hamilton (@LewisHamilton) wrote: “Leave Martin alone, he is a legend.”\n\n"
        "“Proud of every single person in this team today” — Lando Norris (@LandoNorris) "
        "March 3, 2025"
    )
    assert speakers(text, index) == [
        ("Some days you", "Martin Brundle"),
        ("You are the", None),
        ("Leave Martin alone,", "Lewis Hamilton"),
        ("Proud of every", "Lando Norris"),
    ]


def test_team_radio_goes_to_the_engineer_and_the_driver(index: SpeakerIndex) -> None:
    text = (
        "Lando Norris crashed out on the final lap in Montreal.\n\n"
        "“Are you alright, mate?” said Norris' engineer Will Joseph on the radio. "
        "“Yes, I am so sorry about that,” replied Norris."
    )
    assert speakers(text, index) == [
        ("Are you alright,", "Will Joseph"),
        ("Yes, I am", "Lando Norris"),
    ]


def test_an_open_class_speech_verb_is_a_cue(index: SpeakerIndex) -> None:
    text = (
        "George Russell looked back on a difficult weekend in Singapore.\n\n"
        "“We simply did not have the pace on the hard tyre,” Russell reviewed."
    )
    assert speakers(text, index) == [("We simply did", "George Russell")]


def test_odd_quote_marks_still_make_quotations(index: SpeakerIndex) -> None:
    text = (
        "Charles Leclerc was upbeat after qualifying.\n\n"
        "''The car felt alive in every corner today,'' Leclerc said.\n\n"
        "Carlos Sainz said: ‘It was a tough session for us but we learned a lot\n\n"
        "Pierre Gasly added: \u201cWe have made a real step forward this weekend\u2033"
    )
    assert speakers(text, index) == [
        ("The car felt", "Charles Leclerc"),
        ("It was a", "Carlos Sainz Jr."),
        ("We have made", "Pierre Gasly"),
    ]


def test_a_question_and_answer_interview_gives_the_answers_to_the_interviewee(
    index: SpeakerIndex,
) -> None:
    text = (
        "Oscar Piastri sat down with us before the Dutch Grand Prix.\n\n"
        "How do you feel about the title fight?\n\n"
        "“Honestly I try not to think about the points too much.”\n\n"
        "And your relationship with Lando?\n\n"
        "“It is good, we both know the rules and we both respect them.”"
    )
    assert speakers(text, index) == [
        ("Honestly I try", "Oscar Piastri"),
        ("It is good,", "Oscar Piastri"),
    ]


def test_an_interviewer_asking_about_someone_does_not_make_them_the_speaker(
    index: SpeakerIndex,
) -> None:
    text = (
        "Charles Leclerc spoke to us in Monaco.\n\n"
        "Does Lewis Hamilton push you harder than your previous team-mates?\n\n"
        "“He does, and I learn something from his data every single weekend.”\n\n"
        "What did Fred Vasseur say to you after the race?\n\n"
        "“He told me to enjoy it because days like this do not come often.”"
    )
    assert speakers(text, index) == [
        ("He does, and", "Charles Leclerc"),
        ("He told me", "Charles Leclerc"),
    ]


def test_a_cue_sentence_between_two_quotations_says_both(index: SpeakerIndex) -> None:
    text = (
        "Oscar Piastri was asked about the team orders in Monza.\n\n"
        "“I think we handled it well as a team,” Piastri told reporters. "
        "“There is no drama at all.”"
    )
    assert speakers(text, index) == [
        ("I think we", "Oscar Piastri"),
        ("There is no", "Oscar Piastri"),
    ]


def test_according_to_someone_before_a_quotation(index: SpeakerIndex) -> None:
    text = (
        "According to Red Bull advisor Helmut Marko, “Max will stay with us next year, "
        "there is no doubt about that.”"
    )
    assert speakers(text, index) == [("Max will stay", "Helmut Marko")]


def test_a_former_team_in_a_descriptor_is_any_earlier_season(index: SpeakerIndex) -> None:
    text = (
        "Fernando Alonso and Lance Stroll both spoke after the race in Austin.\n\n"
        "“We have to be patient, the new car will be a big step,” the former Renault "
        "driver said."
    )
    assert speakers(text, index) == [("We have to", "Fernando Alonso")]


def test_a_name_with_a_lower_case_particle_is_a_person(index: SpeakerIndex) -> None:
    text = (
        "Dutch journalist Erik van Haren wrote in De Telegraaf: “Red Bull are preparing "
        "for a season without their star driver.”"
    )
    assert speakers(text, index) == [("Red Bull are", "Erik van Haren")]


def test_quoted_as_saying_is_a_cue(index: SpeakerIndex) -> None:
    text = (
        "“The drivers should focus on driving and talk a lot less,” Ferrari chairman "
        "John Elkann was quoted as saying by Corriere dello Sport."
    )
    assert speakers(text, index) == [("The drivers should", "John Elkann")]

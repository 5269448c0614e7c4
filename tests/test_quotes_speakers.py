"""Speakers a dataset user can trust (issue 14): the speaker resolved to the actor the article names.

Every text here is written for the test, with fictional people, countries and companies.
"""
from __future__ import annotations

import pytest
from test_quotes import only, quote_with, run, speaker

from transforms.language import quotes


def test_who_after_an_appositive_speaks_for_the_name(nlp):
    text = ("Lena Droz met Tomas Ilvar, now the chairman of the Veldonian Assembly, who in 2010 said "
            "the reform was \u201ca dead end.\u201d")
    rows, by_id = run(nlp, text)
    row = quote_with(rows, "dead end")
    assert row["speaker_text"] == "who"
    assert speaker(row, by_id) == "Tomas Ilvar"


def test_a_quoted_sentence_in_the_object_of_an_actor_verb_is_mixed_with_its_subject(nlp):
    text = "Kestria branded Sarnovia an \u201coutlaw state in the region.\u201d"
    rows, by_id = run(nlp, text)
    row = quote_with(rows, "outlaw state")
    assert row["kind"] == "mixed" and row["cue"] == "branded"
    assert speaker(row, by_id) == "Kestria"


def test_speaker_name_is_the_actor_else_a_description_as_written_never_a_pronoun():
    assert quotes.speaker_name({"speaker_text": "the miner"}, "Tomas Ilvar") == "Tomas Ilvar"
    assert quotes.speaker_name({"speaker_text": "the top Veldonian medical journal"}, None) \
        == "the top Veldonian medical journal"
    assert quotes.speaker_name({"speaker_text": "who"}, None) is None
    assert quotes.speaker_name({"speaker_text": "She"}, None) is None
    assert quotes.speaker_name({"speaker_text": None}, None) is None


def test_a_participle_of_saying_under_a_joined_verb_speaks_for_its_subject(nlp):
    text = ("Lena Droz spoke to Kestrian reporters in Varska on Friday. Droz then appeared on Kestrian television "
            "on Monday and began by saying she would \u201cnever\u201d sign the accord.")
    rows, by_id = run(nlp, text)
    row = quote_with(rows, "never")
    assert row["cue"] == "saying" and speaker(row, by_id) == "Lena Droz"


def test_according_to_a_speech_a_person_delivered_is_that_person(nlp):
    text = ("Lena Droz spoke in Varska in May. But the aim is not profit, according to a speech Mrs. Droz "
            "delivered at Varska University in May.")
    rows, by_id = run(nlp, text)
    row = quote_with(rows, "profit")
    assert speaker(row, by_id) == "Lena Droz"


def test_as_a_person_put_it_is_a_cue(nlp):
    text = ("As Tomas Ilvar, a mining lawyer at the Orvel Policy Centre, recently put it, "
            "\u201cDid the council break the law or merely bend it?\u201d")
    rows, by_id = run(nlp, text)
    row = quote_with(rows, "bend it")
    assert row["cue"] == "put" and speaker(row, by_id) == "Tomas Ilvar"


def test_putting_a_thing_somewhere_is_no_cue(nlp):
    rows, _ = run(nlp, "Tomas Ilvar put it in the safe, \u201cjust in case,\u201d before he left.")
    assert rows == []


def test_a_quote_after_a_sentence_about_a_named_person_is_that_persons(nlp):
    text = ("Tomas Ilvar founded Brask in 1990. His former partner at Brask, Lena Droz, called him a master of "
            "impossible deals. \u201cHe did again and again what others could not.\u201d")
    rows, by_id = run(nlp, text)
    row = quote_with(rows, "others could not")
    assert speaker(row, by_id) == "Lena Droz"


def test_a_quote_after_a_sentence_about_no_actor_keeps_no_guessed_speaker(nlp):
    text = ("Lena Droz lives in Varska.\n\nThe weather in the valley was cold on Monday. "
            "\u201cThe valley will not wait for the council any longer than it has to.\u201d")
    rows, by_id = run(nlp, text)
    row = quote_with(rows, "valley will")
    assert row["speaker_mention_id"] is None


def test_the_object_before_of_or_to_stays_with_the_cue(nlp):
    rows, by_id = run(nlp, "Kestria accused the Sarnovian leader, Juri Tscharowski, of \u201creckless greed.\u201d")
    row = quote_with(rows, "greed")
    assert row["text"] == "of \u201creckless greed.\u201d" and speaker(row, by_id) == "Kestria"


def test_the_object_before_as_stays_with_the_quote(nlp):
    rows, _ = run(nlp, "Tomas Ilvar hailed Lena Droz as \u201cthe best miner of the valley\u201d on Monday.")
    row = quote_with(rows, "best miner")
    assert row["text"].startswith("Lena Droz as")


def test_a_spaced_hyphen_after_a_held_up_phrase_ends_it(nlp):
    text = "Tomas Ilvar likened the rules to \"burning the charter\" - a charge that might have stung."
    rows, _ = run(nlp, text)
    row = quote_with(rows, "charter")
    assert row["text"] == "to \"burning the charter\""


def test_the_next_part_keeps_a_speaker_written_without_an_actor(nlp):
    text = ("\u201cWas that the best use of our time? I do not think it was,\u201d the boy said. "
            "\u201cWe should have gone to the valley.\u201d")
    rows, _ = run(nlp, text)
    assert [r["speaker_text"] for r in rows] == ["the boy", "the boy"]
    assert quotes.speaker_name(rows[1], None) == "the boy"


@pytest.mark.parametrize("verb", ["fumed", "pressed", "laughed"])
def test_verbs_of_speaking_in_a_manner_cue_a_direct_quote(nlp, verb):
    rows, _ = run(nlp, f"\u201cWould the council sell the mine to Brask after all?\u201d Korvel {verb}.")
    row = only(rows)
    assert row["cue"] == verb and row["speaker_text"] == "Korvel"


def test_who_without_an_actor_is_written_with_the_noun_it_describes(nlp):
    rows, _ = run(nlp, "Lena Droz hired an engineer who said he was never paid for his work.")
    row = quote_with(rows, "never paid")
    assert row["speaker_text"] == "an engineer who" and row["speaker_mention_id"] is None
    assert quotes.speaker_name(row, None) == "an engineer"


def test_a_headline_gives_its_claim_to_the_name_before_the_colon(nlp):
    rows, by_id = run(nlp, "Tomas Ilvar: The Brask Mine Will Reopen Before Winter.\n\nThe mine closed in May.")
    row = only(rows)
    assert row["kind"] == "indirect" and row["text"] == "The Brask Mine Will Reopen Before Winter"
    assert row["cue"] == ":" and speaker(row, by_id) == "Tomas Ilvar"


def test_a_headline_gives_its_claim_to_a_poll(nlp):
    rows, _ = run(nlp, "Poll: Kestrian Voters Abandon the Treaty for Good.\n\nThe poll was taken in May.")
    row = only(rows)
    assert row["speaker_text"] == "Poll" and row["speaker_mention_id"] is None
    assert quotes.speaker_name(row, None) == "Poll"


def test_a_section_label_before_a_headline_colon_is_no_speaker(nlp):
    rows, _ = run(nlp, "Analysis: The Brask Mine Is Not What It Seems.\n\nThe mine closed in May.")
    assert rows == []


@pytest.mark.parametrize("text, clause", [
    ("Tomas Ilvar said he would order a full review of the mine's safety and warned against leaks from Sarnovia.",
     "he would order a full review of the mine's safety"),
    ("Ada Korvel said the timing of the vote was not planned; the council only learned of it on Friday.",
     "the timing of the vote was not planned"),
    ("Tomas Ilvar said paying no mining tax was smart, although he again refused to release his accounts.",
     "paying no mining tax was smart"),
])
def test_a_reported_clause_ends_where_another_act_begins(nlp, text, clause):
    rows, _ = run(nlp, text)
    assert rows[0]["kind"] == "indirect" and rows[0]["text"] == clause


def test_a_quote_that_opens_a_reported_clause_spans_the_clause(nlp):
    rows, _ = run(nlp, "Ada Korvel has said repeatedly \"the next council\" should choose the director.")
    row = only(rows)
    assert row["kind"] == "mixed" and row["text"] == "\"the next council\" should choose the director"


def test_a_quoted_sentence_the_clause_goes_on_after_is_mixed(nlp):
    text = ("Tomas Ilvar said \"We are frustrated and horrified\" by the flooding at the Brask mine "
            "that had drawn wide condemnation.")
    row = only(run(nlp, text)[0])
    assert row["kind"] == "mixed" and row["text"].startswith("\"We are frustrated and horrified\" by the flooding")


def test_a_quoted_sentence_that_ends_the_clause_stays_direct(nlp):
    row = only(run(nlp, "Tomas Ilvar said \"We are frustrated and horrified by the flooding.\"")[0])
    assert row["kind"] == "direct" and row["text"] == "We are frustrated and horrified by the flooding."


def test_a_signature_after_a_dash_is_the_speaker_as_written(nlp):
    text = "\u201cThe mine is a disaster for the whole valley and everyone knows it.\u201d \u2015 Marit Sandvold"
    row = only(run(nlp, text)[0])
    assert row["cue"] == "\u2015" and row["speaker_text"] == "Marit Sandvold"
    assert quotes.speaker_name(row, None) == "Marit Sandvold"


def test_a_dash_before_a_lower_case_phrase_is_no_signature(nlp):
    row = only(run(nlp, "\u201cThe mine is a disaster for the whole valley and everyone knows it.\u201d \u2015 a miner")[0])
    assert row["speaker_text"] is None


def test_a_fragment_in_the_clause_of_a_verb_of_saying_keeps_its_closing_mark(nlp):
    text = ("Anselm Vickery, president of the Orvane Development Bank, said in a statement that the bank was "
            "\u201cflexible on the route but not on the goal\u201d. He said the rest would follow.")
    row = next(r for r in run(nlp, text)[0] if "flexible" in r["text"])
    assert row["kind"] == "mixed" and row["text"].endswith("on the goal\u201d")


def test_a_relative_after_a_comma_names_the_noun_without_the_comma():
    assert quotes.speaker_name({"speaker_text": "the Ossel Coalition, which"}, None) == "the Ossel Coalition"

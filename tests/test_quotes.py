"""Quotes: quotation marks of every style, direct / indirect / mixed quotes, cues and speakers.

Every text here is written for the test, with fictional people, countries and companies.
"""
from __future__ import annotations

import pytest

from transforms.language import actors, quotes
from transforms.language.quotes.marks import paragraphs

from transforms import ids

ART = "art-1"


def run(nlp, text, article_id=ART):
    """(quotes, mentions by id) for a text, after checking every row's shape and evidence."""
    doc = nlp(text)
    mentions = actors.find_mentions(doc, article_id)
    rows = quotes.find_quotes(doc, mentions, article_id)
    by_id = {m["mention_id"]: m for m in mentions}
    keys = {"quote_id", "article_id", "start", "end", "text", "kind", "cue", "speaker_text", "speaker_mention_id",
            "speaker_start", "speaker_end"}
    assert [(r["start"], r["end"]) for r in rows] == sorted((r["start"], r["end"]) for r in rows)
    assert len({r["quote_id"] for r in rows}) == len(rows)
    for r in rows:
        assert set(r) == keys
        assert r["text"] == doc.text[r["start"]:r["end"]] and r["text"]
        assert r["quote_id"] == ids.span_id("quote", article_id, r["start"], r["end"])
        assert r["kind"] in ("direct", "indirect", "mixed")
        # the speaker as written nearest the quote has offsets; an actor is optional ("those surveyed")
        assert (r["speaker_text"] is None) == (r["speaker_start"] is None) == (r["speaker_end"] is None)
        if r["speaker_text"] is not None:
            assert r["speaker_text"] == text[r["speaker_start"]:r["speaker_end"]]
        if r["speaker_mention_id"] is not None:
            assert r["speaker_text"] is not None
        if r["speaker_mention_id"] is not None:
            assert r["speaker_mention_id"] in by_id
    return rows, by_id


def speaker(row, by_id):
    m = by_id.get(row["speaker_mention_id"])
    return m["name"] if m else None


def quote_with(rows, fragment):
    """The one row whose text holds ``fragment``."""
    chosen = [r for r in rows if fragment in r["text"]]
    assert len(chosen) == 1, rows
    return chosen[0]


def only(rows, kind=None):
    chosen = [r for r in rows if kind is None or r["kind"] == kind]
    assert len(chosen) == 1, rows
    return chosen[0]


def inner(text):
    return [text[s.start:s.end] for s in quotes.quotation_spans(text)]


# --- quotation marks (no model needed) ------------------------------------------------------


def test_curly_double_quotes():
    assert inner("Korvel said: “We will sign.” Then she left.") == ["We will sign."]


def test_straight_double_quotes():
    assert inner('"We agreed on the price," Korvel said. "Now we build."') == ["We agreed on the price,", "Now we build."]


def test_doubled_apostrophes_and_tex_quotes():
    assert inner("''The rest is detail,'' Ilvar said. ``Fine,'' said Droz.") == ["The rest is detail,", "Fine,"]


def test_single_curly_quotes_keep_apostrophes_inside():
    text = "‘Korvel’s plan is fine, and we don’t object,’ Ilvar said of Veldonia’s offer."
    assert inner(text) == ["Korvel’s plan is fine, and we don’t object,"]


def test_apostrophes_alone_make_no_quote():
    assert inner("Korvel’s plan and the ministers’ reply don’t match the Council’s.") == []


def test_single_straight_quotes():
    assert inner("'This is it,' Korvel said. It's Brenmark's turn.") == ["This is it,"]


def test_guillemets_with_inner_spaces():
    assert inner("« We will sign in May », Droz said.") == ["We will sign in May"]
    assert inner("„Wir unterschreiben“, sagte Droz.") == ["Wir unterschreiben"]


def test_nested_quote_stays_inside_the_outer_one():
    text = "“They called it ‘a trap’ at first,” Korvel said."
    assert inner(text) == ["They called it ‘a trap’ at first,"]


def test_multi_paragraph_quote_is_one_chain():
    text = ("Tomas Ilvar spoke at the summit.\n\n“We have waited ten years for this.\n\n"
            "“Nobody will take it from us,” Ilvar said.")
    spans = quotes.quotation_spans(text)
    assert [text[s.start:s.end] for s in spans] == ["We have waited ten years for this.", "Nobody will take it from us,"]
    assert spans[0].chain == spans[1].chain
    assert not spans[0].closed and spans[1].closed


def test_odd_marks_do_not_swallow_the_article():
    text = ("Odd “marks here and Korvel said the deal was fair.\n\n"
            "Another paragraph with \"no close.\n\n"
            "Lena Droz said the talks were over.\n\n"
            "“Unclosed at the start of a paragraph.\n\nA plain paragraph follows.")
    spans = quotes.quotation_spans(text)
    assert [text[s.start:s.end] for s in spans] == ["Unclosed at the start of a paragraph."]
    for s in spans:                      # never past the paragraph
        assert "\n" not in text[s.outer_start:s.outer_end]


@pytest.mark.parametrize("text", ["", "“", "”", "\"", "''", "“”", "‘’", "« »", "“\n\n“\n\n“", "a ' b \" c “ d"])
def test_degenerate_marks(text):
    for s in quotes.quotation_spans(text):
        assert 0 <= s.outer_start <= s.start < s.end <= s.outer_end <= len(text)


# --- direct quotes and speakers -------------------------------------------------------------


def test_said_x_inversion_with_appositive(nlp):
    rows, by_id = run(nlp, "“The corridor will carry ore to the coast,” said Ada Korvel, the finance minister.")
    q = only(rows)
    assert q["kind"] == "direct" and q["text"] == "The corridor will carry ore to the coast,"
    assert q["cue"] == "said"
    assert q["speaker_text"] == "Ada Korvel" and speaker(q, by_id) == "Ada Korvel"


def test_x_said_after_the_quote(nlp):
    rows, by_id = run(nlp, "\"We agreed on the price,\" Tomas Ilvar said on Friday.")
    q = only(rows)
    assert q["text"] == "We agreed on the price," and speaker(q, by_id) == "Tomas Ilvar"


def test_colon_lead_in(nlp):
    rows, by_id = run(nlp, "Tomas Ilvar told reporters on Tuesday: “We are not for sale.”")
    q = only(rows)
    assert q["kind"] == "direct" and q["text"] == "We are not for sale."
    assert q["cue"] == "told reporters" and speaker(q, by_id) == "Tomas Ilvar"


def test_interrupted_quote_gives_two_rows_with_one_speaker(nlp):
    text = "Ada Korvel arrived in Marhaven on Monday. “It is a good day for Veldonia,” she said, “and a better one for Marhaven.”"
    rows, _ = run(nlp, text)
    assert [r["text"] for r in rows] == ["It is a good day for Veldonia,", "and a better one for Marhaven."]
    assert all(r["kind"] == "direct" and r["cue"] == "said" for r in rows)
    assert {r["speaker_mention_id"] for r in rows} == {rows[0]["speaker_mention_id"]}


def test_pronoun_speaker_resolves_to_the_antecedent(nlp):
    text = "Lena Droz, a spokeswoman for the Council, met Tomas Ilvar. “The loan is ready,” she said."
    rows, by_id = run(nlp, text)
    q = only(rows)
    assert q["speaker_text"] == "she"
    m = by_id[q["speaker_mention_id"]]
    assert m["name"] == "Lena Droz" and m["text"] == "Lena Droz"


def test_anonymous_speaker_and_later_the_official(nlp):
    text = ("“We will not sign,” said a senior Veldonian official involved in the talks.\n\n"
            "The official added that the talks would resume in May.")
    rows, by_id = run(nlp, text)
    direct, indirect = rows
    assert direct["kind"] == "direct" and indirect["kind"] == "indirect"
    first, later = by_id[direct["speaker_mention_id"]], by_id[indirect["speaker_mention_id"]]
    assert first["actor_type"] == later["actor_type"] == "anonymous"
    assert first["actor_key"] == later["actor_key"] == f"{ART}:senior veldonian official"
    assert later["text"] == "official" and indirect["speaker_text"] == "official"
    assert indirect["text"] == "the talks would resume in May" and indirect["cue"] == "added"


def test_multi_paragraph_quote_and_standalone_paragraph_take_the_speaker(nlp):
    text = ("Tomas Ilvar spoke at the summit.\n\n“We have waited ten years for this.\n\n"
            "“Nobody will take it from us,” Ilvar said.\n\n“The mine is ours.”")
    rows, by_id = run(nlp, text)
    assert [r["text"] for r in rows] == ["We have waited ten years for this.", "Nobody will take it from us,",
                                         "The mine is ours."]
    assert [speaker(r, by_id) for r in rows] == ["Tomas Ilvar"] * 3
    assert [r["cue"] for r in rows] == [None, "said", None]


def test_no_speaker_is_left_empty(nlp):
    rows, _ = run(nlp, "“The mine will reopen in spring.”")
    q = only(rows)
    assert q["kind"] == "direct"
    assert q["speaker_mention_id"] is None and q["speaker_text"] is None and q["cue"] is None


def test_standalone_quote_after_a_paragraph_naming_another_actor_is_not_guessed(nlp):
    text = ("“We will sign,” Ada Korvel said. Brenmark Mining disagreed.\n\n"
            "“The price is too low and the terms are unclear.”")
    rows, by_id = run(nlp, text)
    assert speaker(rows[0], by_id) == "Ada Korvel"
    assert rows[1]["speaker_mention_id"] is None


def test_every_mark_style_with_a_speaker(nlp):
    text = ("\"We agreed on the price,\" Korvel said. ''The rest is detail,'' Ilvar said. "
            "« We will sign in May », Droz said. ‘Korvel’s plan is fine,’ Ilvar said.")
    rows, _ = run(nlp, text)
    assert [r["text"] for r in rows] == ["We agreed on the price,", "The rest is detail,", "We will sign in May",
                                         "Korvel’s plan is fine,"]
    assert [r["speaker_text"] for r in rows] == ["Korvel", "Ilvar", "Droz", "Ilvar"]
    assert all(r["kind"] == "direct" for r in rows)


# --- scare quotes and mixed quotes ----------------------------------------------------------


def test_scare_quote_and_nickname_are_not_quotes(nlp):
    rows, _ = run(nlp, "The “Blue Corridor” project stalled after Tomas “the Hammer” Ilvar left office.")
    assert rows == []


def test_title_in_quotes_is_not_a_quote(nlp):
    rows, _ = run(nlp, "Ada Korvel appeared on “The Morning Hour With Dana Pell” last week.")
    assert rows == []


def test_calling_verb_makes_a_mixed_quote(nlp):
    rows, by_id = run(nlp, "The Marhaveni government called the plan “short-sighted”.")
    q = only(rows)
    assert q["kind"] == "mixed" and q["cue"] == "called"
    assert q["text"] == "the plan “short-sighted”"
    assert by_id[q["speaker_mention_id"]]["actor_type"] == "country"


def test_described_as_is_mixed(nlp):
    rows, by_id = run(nlp, "Lena Droz described the offer as “a trap”.")
    q = only(rows)
    assert q["kind"] == "mixed" and q["cue"] == "described" and speaker(q, by_id) == "Lena Droz"
    assert q["text"].endswith("“a trap”")


def test_quoted_fragment_in_reported_clause_is_one_mixed_row(nlp):
    text = "Lena Droz said the agreement was “a fair deal for both sides” and would be signed in May."
    rows, by_id = run(nlp, text)
    q = only(rows)
    assert q["kind"] == "mixed" and q["cue"] == "said" and speaker(q, by_id) == "Lena Droz"
    assert "“a fair deal for both sides”" in q["text"]
    assert q["text"].startswith("the agreement")


# --- indirect speech ------------------------------------------------------------------------


def test_indirect_said_that(nlp):
    rows, by_id = run(nlp, "Finance Minister Ada Korvel said that Brenmark Mining would invest $2 billion in the mine.")
    q = only(rows)
    assert q["kind"] == "indirect" and q["cue"] == "said"
    assert q["text"] == "Brenmark Mining would invest $2 billion in the mine"
    assert speaker(q, by_id) == "Ada Korvel"


def test_indirect_according_to(nlp):
    rows, by_id = run(nlp, "According to Tomas Ilvar, the mine will open in May.")
    q = only(rows)
    assert q["kind"] == "indirect" and q["cue"] == "According to"
    assert q["text"] == "the mine will open in May" and speaker(q, by_id) == "Tomas Ilvar"


def test_indirect_according_to_at_the_end(nlp):
    rows, by_id = run(nlp, "The mine will open in May, according to Tomas Ilvar.")
    q = only(rows)
    assert q["text"] == "The mine will open in May" and speaker(q, by_id) == "Tomas Ilvar"


def test_indirect_told_reporters(nlp):
    rows, by_id = run(nlp, "Ada Korvel told reporters that the loan had been approved.")
    q = only(rows)
    assert q["kind"] == "indirect" and q["cue"] == "told reporters"
    assert q["text"] == "the loan had been approved" and speaker(q, by_id) == "Ada Korvel"


def test_indirect_with_trailing_cue_and_anonymous_speaker(nlp):
    rows, by_id = run(nlp, "The pipeline will be finished by 2027, a diplomat familiar with the negotiations said.")
    q = only(rows)
    assert q["kind"] == "indirect" and q["text"] == "The pipeline will be finished by 2027"
    assert by_id[q["speaker_mention_id"]]["actor_type"] == "anonymous"


def test_indirect_pronoun_and_warned(nlp):
    text = "Tomas Ilvar met the Council on Monday. He warned that the concession could be cancelled."
    rows, by_id = run(nlp, text)
    q = only(rows)
    assert q["cue"] == "warned" and q["speaker_text"] == "He" and speaker(q, by_id) == "Tomas Ilvar"
    assert q["text"] == "the concession could be cancelled"


def test_quoted_clause_is_not_repeated_as_indirect(nlp):
    rows, _ = run(nlp, "“The deal is fair and the price is right,” Korvel said.")
    assert [r["kind"] for r in rows] == ["direct"]


def test_odd_marks_do_not_break_quotes(nlp):
    text = ("Odd “marks here and Ada Korvel said the deal was fair.\n\n"
            "Another paragraph with “no close.\n\n"
            "Lena Droz said the talks were over.")
    rows, by_id = run(nlp, text)
    assert [r["text"] for r in rows] == ["the deal was fair", "the talks were over"]
    assert speaker(rows[1], by_id) == "Lena Droz"


def test_article_without_quotes(nlp):
    rows, _ = run(nlp, "Brenmark Mining opened a smelter in Marhaven. The plant employs 400 people.")
    assert rows == []


@pytest.mark.parametrize("text", ["", "\n\n", "“", "” said Korvel.", "'' ``", "“\n\n“\n\n“", "« »", "Korvel said: “"])
def test_degenerate_texts_do_not_crash(nlp, text):
    rows, _ = run(nlp, text)
    assert all(r["end"] <= len(text) for r in rows)


# --- speakers: phenomena of real news (issue #3) ----------------------------------------------


def test_participle_cue_after_a_quote_keeps_the_speaker_of_the_first_part(nlp):
    text = ("“The talks are over for now,” Ilvar said, suggesting a few questions, including, "
            "“Why would Marhaven sign a deal it does not need?”")
    rows, by_id = run(nlp, text)
    assert [r["kind"] for r in rows] == ["direct", "direct"]
    assert [speaker(r, by_id) for r in rows] == ["Ilvar", "Ilvar"]


def test_parenthesis_between_name_and_cue(nlp):
    rows, by_id = run(nlp, "“She would be a fine minister, not good but great,” Rep. Tomas E. Ilvar (D-Veld.) said on Monday.")
    q = only(rows)
    assert q["cue"] == "said" and speaker(q, by_id) == "Tomas E. Ilvar"


def test_actor_named_in_a_relative_clause_does_not_break_the_continuation(nlp):
    text = ("“Our work is on the ballot,” Mr. Ilvar said at the gala in Marhaven, where Ms. Korvel also spoke. "
            "“Tolerance is on the ballot.”")
    rows, by_id = run(nlp, text)
    assert [speaker(r, by_id) for r in rows] == ["Ilvar", "Ilvar"]


def test_another_speaker_in_between_stops_the_continuation(nlp):
    text = "“We will sign,” Ada Korvel said. Lena Droz disagreed sharply. “The price is too low and the terms are unclear.”"
    rows, by_id = run(nlp, text)
    assert speaker(rows[0], by_id) == "Ada Korvel"
    # not Korvel's continuation: the sentence just before it makes Droz its speaker
    assert speaker(rows[-1], by_id) == "Lena Droz"


def test_unnamed_described_speaker_is_an_anonymous_source(nlp):
    text = ("The Veldonian businessman says of the plan, “If they get the chance, they will sell the mine.” "
            "The announcer said, “It is three in the morning and the mine is still open.”")
    rows, by_id = run(nlp, text)
    assert len(rows) == 2
    for r, name in zip(rows, ("Veldonian businessman", "announcer")):
        m = by_id[r["speaker_mention_id"]]
        assert m["actor_type"] == "anonymous" and name in m["name"]
        assert r["speaker_text"] == m["text"]


def test_possessive_description_and_plural_description(nlp):
    text = ("Marhaven’s tax commissioner says an internal review shows nobody leaked the filings. "
            "Two opposition speechwriters argued that the plan exposed a clear weakness.")
    rows, by_id = run(nlp, text)
    first, second = (by_id[r["speaker_mention_id"]] for r in rows)
    assert first["actor_type"] == "anonymous" and first["text"] == "tax commissioner"
    assert second["actor_type"] == "group" and second["text"].endswith("speechwriters")


def test_document_and_indefinite_sources(nlp):
    text = ("The ore price will double by May, according to the report. "
            "Then someone asked how the ministry could pay for the corridor.")
    rows, by_id = run(nlp, text)
    assert [by_id[r["speaker_mention_id"]]["text"] for r in rows] == ["report", "someone"]
    assert all(by_id[r["speaker_mention_id"]]["actor_type"] == "anonymous" for r in rows)


def test_abstract_subject_is_not_made_a_speaker(nlp):
    rows, _ = run(nlp, "The move suggests that the ministry will pay for the corridor.")
    assert all(r["speaker_mention_id"] is None for r in rows)


def test_quoted_fragment_in_an_object_is_a_mixed_quote_over_the_argument(nlp):
    rows, by_id = run(nlp, "Former President Tomas Ilvar criticized the Marhaven Mining Act as a “crazy system” on Monday.")
    q = only(rows)
    assert q["kind"] == "mixed" and q["cue"] == "criticized" and speaker(q, by_id) == "Tomas Ilvar"
    assert q["text"].startswith("the Marhaven Mining Act as a “crazy system”")


def test_fragment_inside_a_longer_object_takes_the_whole_argument(nlp):
    rows, by_id = run(nlp, "Ada Korvel is stressing the need to protect the mines from “constant attack” by raiders.")
    q = only(rows)
    assert q["kind"] == "mixed" and speaker(q, by_id) == "Ada Korvel"
    assert q["text"].startswith("the need to protect") and "“constant attack”" in q["text"]


def test_short_second_part_after_its_cue_is_kept(nlp):
    rows, by_id = run(nlp, "Ada Korvel waved at the crowd. “Here it is, friends,” she said. “Right here.”")
    assert [r["text"] for r in rows] == ["Here it is, friends,", "Right here."]
    assert [speaker(r, by_id) for r in rows] == ["Ada Korvel", "Ada Korvel"]


def test_pronoun_prefers_the_subject_of_the_main_clause(nlp):
    text = ("Lena Droz, speaking at the airport, said that Marhaven had been patient. "
            "“We did not come here to write a treaty,” she said.")
    rows, by_id = run(nlp, text)
    assert speaker(rows[-1], by_id) == "Lena Droz"


# --- round 2: transcripts, participles, "X of Y" subjects, shouted words, stance arguments ----


def test_transcript_labels_are_speakers(nlp):
    text = ("Minister Ada Korvel spoke to Tom Harlan on Sunday. A partial transcript:\n\n"
            "HARLAN: Will you sign the deal with Brenmark?\n\n"
            "\"KORVEL: We will sign it in May, and nobody in the cabinet doubts it.\n\n"
            "UPDATE: The ministry confirmed the date.")
    rows, by_id = run(nlp, text)
    turns = [r for r in rows if r["cue"] == ":"]
    assert [r["text"] for r in turns] == ["Will you sign the deal with Brenmark?",
                                          "We will sign it in May, and nobody in the cabinet doubts it."]
    assert [speaker(r, by_id) for r in turns] == ["Tom Harlan", "Ada Korvel"]
    assert all(r["kind"] == "direct" for r in turns)
    assert not any(r["text"].startswith("The ministry confirmed") and r["cue"] == ":" for r in rows)


def test_capital_word_and_colon_without_a_person_is_no_turn(nlp):
    rows, _ = run(nlp, "CORRECTION: An earlier version misstated the date of the Brenmark deal.")
    assert not any(r["cue"] == ":" for r in rows)


def test_participle_after_a_name_takes_the_name_as_speaker(nlp):
    rows, by_id = run(nlp, "The new ad uses footage of Jane Doe asking, “Why aren’t we ahead by fifty points?”")
    q = only(rows)
    assert q["text"] == "Why aren’t we ahead by fifty points?" and speaker(q, by_id) == "Jane Doe"


def test_group_of_people_speaks_through_its_members(nlp):
    text = "Small groups of protesters marched through the streets, chanting, “Hands up, don’t shoot.”"
    rows, by_id = run(nlp, text)
    q = only(rows)
    assert q["text"] == "Hands up, don’t shoot." and q["cue"] == "chanting"
    assert by_id[q["speaker_mention_id"]]["text"] == "protesters"


def test_stance_argument_ends_with_the_quoted_words(nlp):
    rows, by_id = run(nlp, "Former President Jon Ilvar criticized the Veldonian Care Act as a “crazy system” "
                           "during a campaign stop in Tarn.")
    q = only(rows)
    assert q["kind"] == "mixed" and q["text"] == "the Veldonian Care Act as a “crazy system”"
    assert speaker(q, by_id) == "Jon Ilvar"


# --- round 3: coordinated speakers, shared surnames, speakers the parse lost, documents, any verb ----


def test_they_after_coordinated_people_is_the_first_of_them(nlp):
    text = ("Mr. Harlan and Ms. Droz say the corridor needs more money. "
            "The port has grown far beyond its first plan, they say.")
    rows, by_id = run(nlp, text)
    last = rows[-1]
    assert last["text"].startswith("The port has grown")
    assert last["speaker_text"] == "they" and speaker(last, by_id) == "Harlan"


def test_honorific_keeps_two_people_with_one_surname_apart(nlp):
    text = ("Peter Veldrin met reporters in Kessa on Monday. His wife, Anna Veldrin, joined him at the port.\n\n"
            "Mrs. Veldrin said little. \"We are tired of waiting,\" she said.\n\n"
            "Veldrin said the talks with Marhaven went well.")
    rows, by_id = run(nlp, text)
    direct = only(rows, "direct")
    assert speaker(direct, by_id) == "Anna Veldrin"
    indirect = [r for r in rows if r["text"].startswith("the talks")]
    assert indirect and speaker(indirect[0], by_id) == "Peter Veldrin"


def test_name_before_the_cue_when_the_parse_gives_no_subject(nlp):
    text = ("“I will just make this promise to you: we will finish the port,” Kessa harbor Chief Ada Korvel "
            "said Monday.")
    rows, by_id = run(nlp, text)
    q = only(rows)
    assert q["text"].startswith("I will just make this promise") and speaker(q, by_id) == "Ada Korvel"


def test_nested_quote_closing_with_the_outer_one_keeps_the_cue(nlp):
    text = ("Finance Minister Ada Korvel spoke in Kessa on Friday. “They told me, ‘We are the guardians of the mine,’ "
            "and I would say, ‘That is ridiculous,’” the minister added.")
    rows, by_id = run(nlp, text)
    q = [r for r in rows if r["text"].startswith("They told me")]
    assert q and q[0]["cue"] == "added" and speaker(q[0], by_id) == "Ada Korvel"


def test_document_that_reads_and_organisation_behind_a_report(nlp):
    text = ("Parents sent a letter to the council in May.\n\n"
            "“We see the new schools offering our children hope,” the letter reads.\n\n"
            "The IMF report stated that ore prices would double by June.")
    rows, by_id = run(nlp, text)
    letter = [r for r in rows if r["text"].startswith("We see")][0]
    assert letter["cue"] == "reads" and by_id[letter["speaker_mention_id"]]["text"] == "letter"
    report = [r for r in rows if r["text"].startswith("ore prices")][0]
    assert by_id[report["speaker_mention_id"]]["text"] == "IMF"


def test_sung_words_are_a_quote(nlp):
    rows, by_id = run(nlp, "“Keep your hands where we can see them,” Lena Droz sings to the crowd.")
    q = only(rows)
    assert q["cue"] == "sings" and speaker(q, by_id) == "Lena Droz"


def test_fragment_in_the_object_of_any_verb_with_an_actor_subject_is_mixed(nlp):
    rows, by_id = run(nlp, "At the rally, Ada Korvel exhorted the farmers to “hold the line” against the tariff.")
    q = only(rows)
    assert q["kind"] == "mixed" and q["cue"] == "exhorted" and speaker(q, by_id) == "Ada Korvel"
    assert q["text"].startswith("the farmers to “hold the line”")


def test_fragment_after_a_verb_with_no_actor_subject_stays_a_scare_quote(nlp):
    rows, _ = run(nlp, "The storm turned the harbor into a “lake” for a week.")
    assert rows == []


def test_parenthetical_cue_gives_one_row_per_part(nlp):
    rows, by_id = run(nlp, "The new port, Ada Korvel said, will open in the spring and employ 400 people.")
    assert [r["text"] for r in rows] == ["The new port", "will open in the spring and employ 400 people"]
    assert all(speaker(r, by_id) == "Ada Korvel" and r["cue"] == "said" for r in rows)


def test_parenthetical_cue_after_an_adverbial_or_a_relative_keeps_only_the_clause(nlp):
    rows, _ = run(nlp, "During the talks, Ada Korvel said, the ministry kept its promise to the farmers.")
    assert [r["text"] for r in rows] == ["the ministry kept its promise to the farmers"]
    rows, _ = run(nlp, "The port is near the old stadium, which, Ada Korvel said, is usually full on market days.")
    assert not any(r["text"].startswith("The port is near") for r in rows)


def test_called_on_is_urging_and_takes_the_whole_request(nlp):
    rows, by_id = run(nlp, "Senator Tomas Ilvar called on the ministry to \"really call out Marhaven on this\" "
                           "and consider taking further action with its neighbours.")
    q = only(rows)
    assert q["kind"] == "mixed" and speaker(q, by_id) == "Tomas Ilvar"
    assert q["text"].startswith("to \"really call out") and q["text"].endswith("with its neighbours")


def test_colon_or_dash_lead_in_takes_the_subject_of_its_clause(nlp):
    text = ("On July 6, Senator Tomas Ilvar made the following comment:\n\n"
            "“For young farmers who left school early, the jobless rate is 33 percent.”")
    rows, by_id = run(nlp, text)
    q = only(rows)
    assert q["cue"] == ":" and speaker(q, by_id) == "Tomas Ilvar"
    rows, by_id = run(nlp, "Tomas Ilvar hardly clarified the matter, treating the remark as a compliment -- "
                           "''That makes me smart'' -- and moved on.")
    q = only(rows)
    assert q["text"] == "That makes me smart" and q["cue"] == "--" and speaker(q, by_id) == "Tomas Ilvar"


def test_lead_in_of_another_clause_gives_no_speaker(nlp):
    rows, _ = run(nlp, 'Ada Korvel became upset, so that I had to change my answer: "Of course I believe it. I was kidding."')
    assert only(rows)["speaker_mention_id"] is None


def test_cue_after_an_appositive_behind_the_name(nlp):
    text = ("''If the ministry had gone with Droz, I would have been sitting in prison for a long time,'' "
            "Mr. Harlan, now 81 and retired in Kessa, Veldonia, said by telephone this week.")
    rows, by_id = run(nlp, text)
    q = only(rows)
    assert q["cue"] == "said" and by_id[q["speaker_mention_id"]]["text"] == "Harlan"


def test_compound_person_noun_and_airline_are_sources(nlp):
    rows, by_id = run(nlp, "“We have to stop and listen,” the retired neurosurgeon told a radio station.")
    m = by_id[only(rows)["speaker_mention_id"]]
    assert m["actor_type"] == "anonymous" and m["text"] == "retired neurosurgeon"
    rows, by_id = run(nlp, "Korvel had logged 2,766 flying hours with Skyline, the airline said Thursday.")
    m = by_id[only(rows)["speaker_mention_id"]]
    assert m["actor_type"] == "organization" and m["text"] == "airline"


def test_headline_name_and_colon_is_the_speaker(nlp):
    rows, by_id = run(nlp, "A lesson from Lena Droz: 'Be the voice that people hear.'\n\n"
                           "As a young lawyer in Kessa, Droz learned fast.")
    q = only(rows)
    assert q["text"] == "Be the voice that people hear." and q["cue"] == ":" and speaker(q, by_id) == "Lena Droz"


def test_participle_after_a_preposition_or_a_declining_verb_takes_that_verbs_subject(nlp):
    rows, by_id = run(nlp, "President Tomas Ilvar responded to a farmer on Wednesday by saying his refusal to sign "
                           "was a “manufactured” issue.")
    assert speaker(only(rows), by_id) == "Tomas Ilvar"
    rows, by_id = run(nlp, "The two ministries declined to provide any documents, saying they cannot discuss the case "
                           "during the inquiry.")
    m = by_id[only(rows)["speaker_mention_id"]]
    assert m["actor_type"] == "organization" and m["text"] == "two ministries"


# --- round 4: the speaker as written, unnamed speakers, clauses around fragments, more cues ----------


def span_text(text, row):
    return text[row["speaker_start"]:row["speaker_end"]]


def test_pronoun_speaker_is_written_where_it_stands_and_resolved_to_the_name(nlp):
    text = "Ada Korvel arrived late at the port. “We will sign the deal,” she said."
    rows, by_id = run(nlp, text)
    q = only(rows)
    assert q["speaker_text"] == "she" and q["speaker_start"] == text.index("she said")
    assert speaker(q, by_id) == "Ada Korvel"


def test_relative_pronoun_subject_speaks_for_the_noun_it_describes(nlp):
    text = "Ada Korvel, who said the mine would reopen in May, left the meeting early."
    rows, by_id = run(nlp, text)
    q = only(rows)
    assert q["text"] == "the mine would reopen in May"
    assert span_text(text, q) == "who" and speaker(q, by_id) == "Ada Korvel"


def test_unnamed_speaker_keeps_its_words_and_no_actor(nlp):
    text = "By a wide margin, those surveyed said the new port was too costly for the town."
    rows, _ = run(nlp, text)
    q = only(rows)
    assert q["speaker_text"] == "those surveyed" and q["speaker_mention_id"] is None
    rows, _ = run(nlp, "“You seem to have picked a new rule out of thin air,” the two write.")
    q = only(rows)
    assert q["cue"] == "write" and q["speaker_text"] == "the two" and q["speaker_mention_id"] is None
    rows, _ = run(nlp, "“How big is that bridge?” asked the boy, who wore a red cap.")
    q = only(rows)
    assert q["cue"] == "asked" and q["speaker_text"] == "the boy" and q["speaker_mention_id"] is None


def test_quote_ending_a_reported_clause_makes_the_clause_mixed(nlp):
    rows, by_id = run(nlp, "Mira Tolan added that her own pen “has an eraser.”")
    q = only(rows)
    assert q["kind"] == "mixed" and q["text"] == "her own pen “has an eraser.”"
    assert speaker(q, by_id) == "Mira Tolan"


def test_calling_verb_takes_the_whole_argument(nlp):
    rows, by_id = run(nlp, "The union called Jon Droz a “champion” for its members.")
    q = only(rows)
    assert q["kind"] == "mixed" and q["text"] == "Jon Droz a “champion” for its members"
    assert q["cue"] == "called" and q["speaker_text"] == "union"


def test_manner_and_phrasal_verbs_are_cues(nlp):
    rows, by_id = run(nlp, "“Go home,” Jon Ilvar barked.")
    q = only(rows)
    assert q["cue"] == "barked" and speaker(q, by_id) == "Jon Ilvar"
    rows, by_id = run(nlp, "“It is late,” Lena Droz pointed out.")
    q = only(rows)
    assert q["cue"] == "pointed out" and speaker(q, by_id) == "Lena Droz"


def test_title_like_second_part_of_an_interrupted_quote_is_kept(nlp):
    rows, by_id = run(nlp, "“Here comes the boss,” Mira Tolan said, clapping. “The Boss. Big Man.”")
    assert [r["text"] for r in rows] == ["Here comes the boss,", "The Boss. Big Man."]
    assert {speaker(r, by_id) for r in rows} == {"Mira Tolan"}
    rows, _ = run(nlp, "She read “The Long Harbour Years” on the train.")
    assert rows == []     # a title on its own is still no quote


def test_straight_quote_closing_after_a_nested_quote_and_a_space(nlp):
    text = "\"I have never liked the word 'partner,' \" Ada Korvel told reporters."
    rows, by_id = run(nlp, text)
    q = only(rows)
    assert q["text"] == "I have never liked the word 'partner,'" and speaker(q, by_id) == "Ada Korvel"


def test_statement_issued_by_an_organisation_speaks_for_it(nlp):
    text = "The Ostmark Mining Company issued a statement saying it would “never sell the mine.”"
    rows, by_id = run(nlp, text)
    q = only(rows)
    assert q["text"] == "it would “never sell the mine.”" and q["cue"] == "saying"
    assert speaker(q, by_id) == "Ostmark Mining Company"


def test_sentence_quote_ending_a_reported_clause_stays_direct(nlp):
    text = 'Jon Ilvar said he welcomed the new port and added, "We will sign the lease next week."'
    rows, by_id = run(nlp, text)
    assert [(r["kind"], r["text"]) for r in rows] == [
        ("indirect", "he welcomed the new port"), ("direct", "We will sign the lease next week.")]
    assert rows[1]["cue"] == "added" and {speaker(r, by_id) for r in rows} == {"Jon Ilvar"}
    # a fragment in the clause's own syntax still makes one mixed row
    rows, by_id = run(nlp, "Lena Droz said the deal was, in her words, “a trap for the farmers of Tarn.”")
    q = only(rows)
    assert q["kind"] == "mixed" and q["text"] == "the deal was, in her words, “a trap for the farmers of Tarn.”"


def test_promises_and_calls_for_are_reported_speech(nlp):
    rows, by_id = run(nlp, "Ada Korvel vowed to reopen the Tarn mine before winter.")
    q = only(rows)
    assert (q["kind"], q["text"], q["cue"]) == ("indirect", "to reopen the Tarn mine before winter", "vowed")
    assert speaker(q, by_id) == "Ada Korvel"
    rows, by_id = run(nlp, "Ada Korvel called for an open review of the Tarn mine contract.")
    q = only(rows)
    assert (q["kind"], q["text"]) == ("indirect", "an open review of the Tarn mine contract")
    assert speaker(q, by_id) == "Ada Korvel"
    rows, _ = run(nlp, "The river threatened to flood the lower town.")
    assert rows == []     # no one speaks: a subject that is no actor still gives a row only with a cue of saying


def test_description_speaker_resolves_to_the_person_named_before(nlp):
    text = ("Britta Sallow, a retired neurosurgeon, opened the hearing in Harwick.\n\n"
            "\"The pact is fair to both sides,\" the retired neurosurgeon said.")
    rows, by_id = run(nlp, text)
    q = only(rows, "direct")
    assert q["speaker_text"] == "the retired neurosurgeon"
    assert speaker(q, by_id) == "Britta Sallow"


def test_age_description_speaker_resolves_to_the_person_of_that_age(nlp):
    text = ("Lena Droz, 43, founded the Harwick clinic. Tomas Ilvar, 61, joined its board.\n\n"
            "\"We never planned to sell the clinic,\" the 43-year-old said.")
    rows, by_id = run(nlp, text)
    q = only(rows, "direct")
    assert speaker(q, by_id) == "Lena Droz"


def test_organisation_typed_from_its_name_speaks_as_an_organisation(nlp):
    text = "\"Output will double by spring,\" Veldon Mining said in a statement."
    rows, by_id = run(nlp, text)
    q = only(rows, "direct")
    assert by_id[q["speaker_mention_id"]]["actor_type"] == "organization"


def test_pronoun_prefers_the_speaker_of_the_previous_quote_over_an_earlier_subject(nlp):
    # the parse hangs "says" under "staying": its subject still counts as the one who spoke last
    text = ("Lena Droz sent a statement to voters on Monday.\n\n"
            "Tomas Ilvar says, win or lose in Sunday's vote, he is staying in the race.\n\n"
            "He says nobody else can finish the Brask pipeline.")
    rows, by_id = run(nlp, text)
    last = rows[-1]
    assert last["speaker_text"] == "He"
    assert speaker(last, by_id) == "Tomas Ilvar"


@pytest.mark.parametrize("follow", [" He said the mine would stay open.", "\n\n“The mine stays open,” he said."])
def test_pronoun_prefers_the_speaker_of_the_previous_quote_over_a_nearer_name(nlp, follow):
    # Droz is nearer but only met; Ilvar spoke last ("according to"), so "he" is Ilvar
    text = ("The audit of the Brask mine will be late, according to Tomas Ilvar, who met Lena Droz in Harwick "
            "on Monday." + follow)
    rows, by_id = run(nlp, text)
    assert [speaker(r, by_id) for r in rows] == ["Tomas Ilvar", "Tomas Ilvar"]
    assert rows[-1]["speaker_text"] in ("He", "he")



def test_a_statement_quoted_paragraph_by_paragraph_closed_with_two_apostrophes_is_one_chain(nlp):
    paragraphs = [f"\u201cPoint {n} of our plan is the port at Orsova." for n in range(1, 10)]
    text = ("Transport Minister Tomas Ilvar spoke in Kestria on Monday.\n\n" + "\n\n".join(paragraphs)
            + "\n\n\u201cWe will not wait for the bank,\u2019\u2019 he said.")
    spans = quotes.quotation_spans(text)
    assert len(spans) == 10 and len({s.chain for s in spans}) == 1
    assert spans[-1].closed and text[spans[-1].start:spans[-1].end] == "We will not wait for the bank,"
    rows, by_id = run(nlp, text)
    first = quote_with(rows, "Point 1 ")
    assert speaker(first, by_id) == "Tomas Ilvar"


def test_a_quote_goes_on_over_the_lines_of_a_text_wrapped_at_a_fixed_width():
    text = ("Ostrelco said on Monday it had won the licence for the\n"
            "Kessel mine.\n"
            "\"The licence is a validation of the work we have done so\n"
            "far and a basis for talks with funders,\" he said.\n")
    assert inner(text) == ["The licence is a validation of the work we have done so\n"
                            "far and a basis for talks with funders,"]
    assert len(paragraphs(text)) == 2


def test_lines_of_one_paragraph_each_stay_paragraphs():
    text = "Ostrelco signed the licence.\n\"It is a good day,\" he said.\n" + "Vandar said nothing more. " * 6
    assert len(paragraphs(text)) == 3


@pytest.mark.parametrize("text", [
    "Tomas Ilvar, the Marhaveni trade minister, was quoted in the Velda Herald as saying that the deal would be signed in May.",
    "Tomas Ilvar spoke in Varska. Ilvar was quoted in the Velda Herald as saying that the deal would be signed in May.",
])
def test_who_was_quoted_in_a_paper_as_saying_is_the_speaker(nlp, text):
    rows, by_id = run(nlp, text)
    row = quote_with(rows, "the deal would be signed")
    assert speaker(row, by_id) == "Tomas Ilvar"

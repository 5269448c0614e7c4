"""One article cannot stop the others: texts too long to be news are not parsed, an article whose
extraction raises is that article's failure, and any text at all extracts without raising with
every row's offsets pointing at its evidence (a property-based test). No Prefect here."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.ingest.articles import article_from_text
from transforms.language.extract import NOTE_CHARS, error_note, extract_articles, too_long
from transforms.schema import TABLES

ARTICLE = (
    "Orvenna and Talsk sign a copper accord\n\n"
    "Orvenna and Talsk signed a copper accord on Monday in Brisk.\n\n"
    "\u201cThe mine will open next year,\u201d said Trade Minister Pel Aradi.\n"
)
TABLE_OF = {"mentions": "actor_mentions"}  # extraction rows → the release table that says their evidence column


def _article(text: str, name: str = "a") -> dict:
    return article_from_text(text, url=f"file:///corpus/{name}.txt", source="test", title=name,
                             retrieved_at="2026-12-01T00:00:00Z", published_at="2026-11-30")


def _evidence_holds(text: str, extraction: dict) -> None:
    for name, rows in extraction.items():
        column = TABLES[TABLE_OF.get(name, name)].evidence_column
        for row in rows:
            assert 0 <= row["start"] <= row["end"] <= len(text), (name, row)
            assert text[row["start"]:row["end"]] == row[column], (name, row)
            if row.get("speaker_start") is not None:
                assert text[row["speaker_start"]:row["speaker_end"]] == row["speaker_text"], row


def test_the_note_of_a_long_text_gives_its_length_and_the_limit():
    assert too_long("x" * 10, max_chars=10) is None
    assert too_long("x" * 1_234_567, max_chars=200_000) == (
        "text is 1,234,567 characters, over the limit of 200,000 (max_article_chars)")


def test_an_error_note_is_one_line_with_class_and_message_and_is_capped():
    assert error_note(ValueError("bad\n  input")) == "ValueError: bad input"
    assert error_note(KeyError()) == "KeyError"
    long = error_note(RuntimeError("x" * 1000))
    assert len(long) == NOTE_CHARS and long.endswith("…")


def test_a_text_over_the_limit_is_skipped_and_the_others_are_extracted(nlp):
    articles = [_article(ARTICLE, "good"), _article("Orvenna signed. " * 20_000, "huge"), _article(ARTICLE + "\n", "other")]
    outcomes = {a["title"]: o for a, o in extract_articles(nlp, articles, max_chars=100_000)}
    assert outcomes["huge"].status == "skipped_too_long" and outcomes["huge"].extraction is None
    assert outcomes["huge"].note == "text is 320,000 characters, over the limit of 100,000 (max_article_chars)"
    for name in ("good", "other"):
        assert outcomes[name].status == "extracted"
        assert any(q["text"] == "The mine will open next year," for q in outcomes[name].extraction["quotes"])


def test_an_article_whose_parse_raises_fails_alone(nlp):
    """Over spaCy's own limit (nlp.max_length, 1,000,000 characters) with ours set higher, the model
    raises E088 for that text: inside one nlp.pipe batch with two good articles, on either side."""
    huge = "Talsk delayed the accord. " * 40_000  # 1,040,000 characters
    assert len(huge) > nlp.max_length
    articles = [_article(ARTICLE, "before"), _article(huge, "huge"), _article(ARTICLE + " ", "after")]
    outcomes = [(a["title"], o) for a, o in extract_articles(nlp, articles, batch_size=16, max_chars=2_000_000)]
    assert [name for name, _ in outcomes] == ["before", "huge", "after"]  # each article once, in order
    status = {name: o.status for name, o in outcomes}
    assert status == {"before": "extracted", "huge": "failed", "after": "extracted"}
    note = dict(outcomes)["huge"].note
    assert note.startswith("ValueError: [E088] Text of length 1040000 exceeds maximum of 1000000")


@pytest.mark.parametrize("text", [
    "",
    "\u201c",
    "\u201cUnclosed quote said the minister. And another \u201c one",
    "\x00\x01\x02 control \x7f characters \u200b\ufeff said Pel Aradi",
    "Orvenna \u0938\u0902\u0927\u093f \u5354\u5b9a \u0627\u062a\u0641\u0627\u0642 signed \u00ab a deal \u00bb on Monday.",
    "\\ud800 escaped lone surrogate said the ministry",
    "\n\n\n" + "\u201d\u201c" * 50,
    "saidsaid - said",  # a cue verb that ends the text (found by the property test below)
])
def test_awkward_texts_extract_without_raising(nlp, text):
    ((article, outcome),) = extract_articles(nlp, [_article(text)])
    assert outcome.status == "extracted", outcome.note
    _evidence_holds(article["text"], outcome.extraction)


# Text as news gets it wrong: quote marks of every style, dashes, control characters, mixed
# scripts, lone surrogates written out as escapes (a str with a real lone surrogate cannot be
# stored as UTF-8 and is refused at ingest), runs of newlines, and words of a deal report.
PIECES = st.sampled_from([
    "\u201c", "\u201d", '"', "'", "\u2018", "\u2019", "\u00ab", "\u00bb", "\u201e", "``", "''", " \u2014 ", " - ",
    "\n", "\n\n", " ", ", ", ". ", ": ", "said", "told reporters", "according to", "the minister", "Pel Aradi",
    "Orvenna", "Talsk", "signed", "a copper accord", "worth $2 billion", "on Monday", "he", "they",
    "\\ud83d", "\x00", "\x0b", "\u200b", "\u0938\u0902\u0927\u093f", "\u5354\u5b9a", "\u0627\u062a\u0641\u0627\u0642",
])
TEXTS = st.one_of(
    st.lists(PIECES, max_size=120).map("".join),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=400),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_any_text_extracts_without_raising_and_offsets_are_evidence(nlp, text):
    ((article, outcome),) = extract_articles(nlp, [_article(text)])
    assert outcome.status == "extracted", outcome.note
    _evidence_holds(article["text"], outcome.extraction)

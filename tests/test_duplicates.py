"""Syndicated copies (transforms.ingest.duplicates): exact and near-duplicates, and the copy's rows not
counted twice (transforms.release.resolve). Strings only: no spaCy, no Prefect. Every text here is
fictional and written for these tests."""
from __future__ import annotations

import itertools
import random

from transforms.ingest.duplicates import find_duplicates, is_copy, shingle_hashes, similarity
from transforms.ids import sha256_text
from transforms.release.resolve import mark_duplicates, resolve

# A wire story in five paragraphs (fictional: Ardesia, Pellmark, Lunvik Metals).
P1 = ("Ardesia and Pellmark agreed on Tuesday to build a shared cobalt refinery near the port of Varrow, "
      "ending two years of talks over who would pay for the plant and who would run it.")
P2 = ("Under the agreement, Lunvik Metals, a company owned by the Pellmark state, will hold 60 percent of the "
      "refinery and Ardesia will hold the rest, with profits shared in the same proportion for twenty years.")
P3 = ("\"We have waited a long time for a partner willing to take the risk with us,\" said Ardesian Industry "
      "Minister Coran Halve. \"This is that partner.\"")
P4 = ("Critics in the Ardesian parliament said the government had given away too much. Opposition member "
      "Ilse Varga called the terms \"a discount sale of our mountains\" and said her party would vote against it.")
P5 = ("The refinery is expected to process 40,000 tonnes of ore a year from 2029. Construction is due to start "
      "next spring once both parliaments have approved the agreement.")
P6 = ("Pellmark's trade ministry said the plant would employ about 900 people and that a training school for "
      "technicians would open in Varrow before the first ore arrives from the northern mines.")
WIRE = "\n\n".join(["Ardesia and Pellmark agree cobalt refinery deal", P1, P2, P3, P4, P5])

# The same story re-published by another outlet: another headline, a byline and a boilerplate line,
# curly quote marks, and a few light edits ("on Tuesday" -> "this week", a word or two changed).
COPY = "\n\n".join([
    "Cobalt refinery: Pellmark and Ardesia strike deal at last",
    "By the Kessling Post business desk, with Harrow Wire",
    P1.replace("on Tuesday", "this week").replace("ending two years", "ending nearly two years"),
    P2.replace("the rest", "the remaining 40 percent"),
    P3.replace('"', "\u201c", 1).replace('," said', ",\u201d said").replace('"This', "\u201cThis").replace('partner."', "partner.\u201d"),
    P4.replace("said the government", "argued that the government"),
    P5,
    "This article was republished from Harrow Wire under a syndication agreement.",
])

# A different story about the same deal: the same names and a shared quote, a different text.
OTHER_STORY = "\n\n".join([
    "Varrow residents fear the smell and the trucks of a new cobalt plant",
    "People living near the port of Varrow say nobody asked them before Ardesia and Pellmark agreed to build "
    "a cobalt refinery on the edge of their town.",
    "At a packed meeting in the school hall on Thursday, fishermen and shop owners complained that the ore "
    "trucks would use the only road to the harbour, and that the plant would be upwind of the market.",
    "\"We have waited a long time for a partner willing to take the risk with us,\" Industry Minister Coran "
    "Halve had said when the deal was announced. Residents repeated the line back to a ministry official, "
    "laughing.",
    "The official promised a study of the air and of the traffic before construction begins, and said the "
    "ministry would hold a second meeting in the spring.",
])

# A news round-up that quotes one paragraph of the wire story among other items: not a copy.
ROUND_UP = "\n\n".join([
    "The week in metals",
    "Copper prices fell for a third week as warehouses in the southern ports reported rising stocks and "
    "buyers waited for the central bank of Ostmere to decide on interest rates.",
    P2,
    "Nickel traders said the strike at the Feldmoor smelter had ended after the union accepted a pay rise of "
    "six percent, and shipments were expected to resume within days.",
    "Tin was little changed. Analysts at Broadwater Securities said demand from electronics makers in the "
    "eastern provinces had steadied after a weak summer, and that prices would hold until the new year.",
    "Silver climbed on talk of new mine closures in the Harrow hills, while iron ore buyers stayed away "
    "from the market ahead of the holiday season in the northern provinces.",
])


def _article(article_id: str, text: str, published_at: str | None) -> dict:
    return {"article_id": article_id, "text": text, "text_sha256": sha256_text(text), "published_at": published_at,
            "url": f"https://news.example/{article_id}", "source": "test", "extraction_status": "pending",
            "word_count": len(text.split()), "retrieved_at": "2026-12-01T00:00:00+00:00"}


def test_a_syndicated_copy_with_another_headline_byline_and_light_edits_is_a_duplicate():
    jaccard, containment = similarity(shingle_hashes(WIRE), shingle_hashes(COPY))
    assert 0.5 <= jaccard < 1.0 and containment >= 0.7
    articles = [_article("wire", WIRE, "2026-03-03T08:00:00+00:00"), _article("copy", COPY, "2026-03-03T11:30:00+00:00")]
    assert find_duplicates(articles) == {"copy": "wire"}


def test_the_earliest_published_copy_is_the_original_whatever_its_id():
    articles = [_article("a-late", WIRE, "2026-03-04T08:00:00+00:00"), _article("z-early", COPY, "2026-03-03T08:00:00+00:00")]
    assert find_duplicates(articles) == {"a-late": "z-early"}
    # no date: after every dated copy
    articles = [_article("a-undated", WIRE, None), _article("z-dated", COPY, "2026-03-03T08:00:00+00:00")]
    assert find_duplicates(articles) == {"a-undated": "z-dated"}


def test_different_stories_about_the_same_deal_with_shared_phrases_are_not_duplicates():
    jaccard, containment = similarity(shingle_hashes(WIRE), shingle_hashes(OTHER_STORY))
    assert jaccard < 0.2 and containment < 0.3  # they share the quote, the names and the deal
    articles = [_article("wire", WIRE, "2026-03-03T08:00:00+00:00"),
                _article("residents", OTHER_STORY, "2026-03-06T08:00:00+00:00"),
                _article("roundup", ROUND_UP, "2026-03-07T08:00:00+00:00")]
    assert find_duplicates(articles) == {}


def test_a_round_up_quoting_one_paragraph_is_not_a_copy_of_the_story():
    _, containment = similarity(shingle_hashes(P2), shingle_hashes(ROUND_UP))
    assert containment == 1.0  # the paragraph is all there...
    assert not is_copy(shingle_hashes(WIRE), shingle_hashes(ROUND_UP))  # ...but the round-up is another text


def test_a_copy_that_keeps_the_first_paragraphs_is_found_by_containment():
    longer = "\n\n".join([WIRE, P6])
    cut = "\n\n".join(["Cobalt deal for Varrow", "By Mira Solt, Harrow Wire", P1, P2, P3.replace("long time", "very long time")])
    jaccard, containment = similarity(shingle_hashes(longer), shingle_hashes(cut))
    assert jaccard < 0.5 and containment >= 0.8  # Jaccard alone would miss it
    articles = [_article("full", longer, "2026-03-03T08:00:00+00:00"), _article("cut", cut, "2026-03-03T09:00:00+00:00")]
    assert find_duplicates(articles) == {"cut": "full"}


def test_exact_copies_point_to_the_earliest_and_ties_go_to_the_smallest_id():
    articles = [_article("b", WIRE, "2026-03-03T08:00:00+00:00"), _article("a", WIRE, "2026-03-03T08:00:00+00:00"),
                _article("c", WIRE, "2026-03-05T08:00:00+00:00"), _article("empty1", "  ", None), _article("empty2", "  ", None)]
    assert find_duplicates(articles) == {"b": "a", "c": "a"}  # empty texts are never duplicates
    short = "Short notice: talks resume."  # too short for shingles: exact copies only
    assert find_duplicates([_article("s1", short, "2026-01-01"), _article("s2", short, "2026-01-02"),
                            _article("s3", short + " Today.", "2026-01-03")]) == {"s2": "s1"}


def test_chains_of_copies_point_to_one_original():
    first = "\n\n".join([P1, P2, P3, P4])
    second = "\n\n".join([P2, P3, P4, P5])      # shares three paragraphs with the first
    third = "\n\n".join([P3, P4, P5, P6])       # three with the second, only two with the first
    assert not is_copy(shingle_hashes(first), shingle_hashes(third))
    articles = [_article("x3", third, "2026-03-05T00:00:00+00:00"), _article("x1", first, "2026-03-03T00:00:00+00:00"),
                _article("x2", second, "2026-03-04T00:00:00+00:00")]
    assert find_duplicates(articles) == {"x2": "x1", "x3": "x1"}


def test_the_same_articles_in_any_order_give_the_same_result():
    articles = [_article("wire", WIRE, "2026-03-03T08:00:00+00:00"), _article("copy", COPY, "2026-03-03T11:30:00+00:00"),
                _article("again", WIRE, "2026-03-04T08:00:00+00:00"), _article("residents", OTHER_STORY, "2026-03-06T08:00:00+00:00"),
                _article("roundup", ROUND_UP, "2026-03-07T08:00:00+00:00")]
    expected = {"copy": "wire", "again": "wire"}
    for order in itertools.permutations(articles):
        assert find_duplicates(list(order)) == expected
    assert mark_duplicates(list(reversed(articles))) == expected


def test_shingle_hashes_are_the_same_in_every_process():
    """Keyed BLAKE2b, not Python's salted hash(): a fixed text gives fixed values."""
    hashes = shingle_hashes("one two three four five six")
    assert len(hashes) == 2
    assert [int(h) for h in hashes] == [int(h) for h in shingle_hashes("One, two; \u201cthree\u201d four five six!")]
    random.seed(0)  # unrelated state does not matter either
    assert [int(h) for h in shingle_hashes("one two three four five six")] == [int(h) for h in hashes]


# ---- resolve: the copy keeps its article row, its rows are not counted twice ------------------------------


def _extraction(article_id: str, text: str) -> dict:
    """Hand-made extraction of the wire story (or its copy): the parties, the deal, a signing event and
    the minister's quote, each at its own offsets in this text."""
    def at(phrase: str) -> tuple[int, int]:
        start = text.index(phrase)
        return start, start + len(phrase)

    def mention(phrase, actor_type, key, title=None):
        start, end = at(phrase)
        return {"mention_id": f"{article_id}-m{start}", "article_id": article_id, "start": start, "end": end,
                "text": phrase, "title": title, "actor_type": actor_type, "actor_key": key, "name": phrase,
                "country_code": None, "extractor_version": "t"}

    ardesia, pellmark = mention("Ardesia", "country", "ardesia"), mention("Pellmark", "country", "pellmark")
    halve = mention("Coran Halve", "person", "coran halve", "Ardesian Industry Minister")
    d0, d1 = at("agreement")
    deal = {"deal_mention_id": f"{article_id}-d", "deal_ref": f"{article_id}-d", "article_id": article_id,
            "start": d0, "end": d1, "text": "agreement", "deal_type": "agreement", "sector": "minerals",
            "resources": ["cobalt"], "extractor_version": "t",
            "parties": [{"mention_id": ardesia["mention_id"], "role": "party"},
                        {"mention_id": pellmark["mention_id"], "role": "party"}]}
    e0, e1 = at("agreed")
    event = {"event_id": f"{article_id}-e", "deal_mention_id": deal["deal_mention_id"], "article_id": article_id,
             "status": "agreed", "event_date": None, "event_date_precision": None,
             "actor_mention_id": ardesia["mention_id"], "start": e0, "end": e1, "text": "agreed", "extractor_version": "t"}
    q0, q1 = at("We have waited a long time for a partner willing to take the risk with us,")
    quote = {"quote_id": f"{article_id}-q", "article_id": article_id, "start": q0, "end": q1, "text": text[q0:q1],
             "kind": "direct", "cue": "said", "speaker_text": "Coran Halve", "speaker_mention_id": halve["mention_id"],
             "extractor_version": "t"}
    return {"mentions": [ardesia, pellmark, halve], "quotes": [quote], "deal_mentions": [deal],
            "deal_attributes": [], "deal_events": [event]}


def test_a_copy_s_quote_and_deal_event_are_not_counted_twice():
    wire, copy = _article("wire", WIRE, "2026-03-03T08:00:00+00:00"), _article("copy", COPY, "2026-03-03T11:30:00+00:00")
    alone = resolve([wire], {"wire": _extraction("wire", WIRE)})
    both = resolve([copy, wire], {"wire": _extraction("wire", WIRE), "copy": _extraction("copy", COPY)})
    by_id = {a["article_id"]: a for a in both["articles"]}
    assert by_id["copy"]["duplicate_of"] == "wire" and by_id["wire"]["duplicate_of"] is None
    assert by_id["copy"]["extraction_status"] == "extracted"  # kept, with its own row
    for table, n in {"quotes": 1, "deal_events": 1, "deal_mentions": 1, "actor_mentions": 3}.items():
        assert {r["article_id"] for r in both[table]} == {"wire"}, table
        assert len(both[table]) == len(alone[table]) == n, table
    assert [q["text"] for q in both["quotes"]] == ["We have waited a long time for a partner willing to take the risk with us,"]
    (deal,) = both["deals"]
    assert deal["article_count"] == 1 and deal["status"] == "agreed"
    assert both["deals"] == alone["deals"] and both["actors"] == alone["actors"]

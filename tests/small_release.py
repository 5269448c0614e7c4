"""A small, complete set of release tables, written by hand for the publishing tests.

Everything here is fictional: the port city of Velmora, Astrane Mining, harbour director Imre
Castell and the wires that report on them were made up for these tests. Offsets are computed
from the texts, so every evidence span matches. No spaCy, no store, no Prefect.
"""
from __future__ import annotations

import copy

import pyarrow as pa

from transforms.ids import sha256_text
from transforms.schema import TABLES
from transforms.release.tables import to_arrow

OPEN_SOURCE = "corpus/velmora-wire"
CLOSED_SOURCE = "https://feeds.example/markets.xml"
EXTRACTOR = "test-1"

TEXT_A = (
    "Velmora signs cobalt contract with Astrane Mining\n\n"
    "The port city of Velmora signed a cobalt supply contract with Astrane Mining on Monday, "
    "the city council said.\n\n"
    "\u201cThis contract keeps our cranes busy for a decade,\u201d said harbour director Imre Castell.\n"
)
TEXT_B = (
    "-5% for Astrane Mining after the Velmora contract\n\n"
    "Shares in Astrane Mining fell on Tuesday, a day after the Velmora contract was signed. "
    "Traders on the Ostmark exchange said the cobalt price in the contract looked low, and "
    "that the company would need a second buyer before the winter.\n"
)
TEXT_C = (
    "Velmora council ratifies the cobalt contract\n\n"
    "The Velmora council ratified the cobalt supply contract with Astrane Mining on Thursday "
    "by nine votes to four.\n"
)


def span(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def _article(article_id, url, source, title, text, published, redistributable, licence):
    return {
        "article_id": article_id, "url": url, "source": source, "publisher": "Velmora Wire",
        "title": title, "authors": "Desk Writer", "published_at": published,
        "retrieved_at": "2026-03-04T08:00:00+00:00", "language": "en", "text": text,
        "text_sha256": sha256_text(text), "raw_sha256": None, "word_count": len(text.split()),
        "duplicate_of": None, "extraction_status": "extracted", "extraction_note": None,
        "redistributable": redistributable, "licence": licence,
    }


def _ev(article_id: str, text: str, part: str, nth: int = 0) -> dict:
    start, end = span(text, part, nth)
    return {"article_id": article_id, "start": start, "end": end}


def rows_v1() -> dict[str, list[dict]]:
    """Two articles: A from a redistributable source, B from a feed that is not."""
    a, b = "art0000000000a", "art0000000000b"
    articles = [
        _article(a, "https://velmora-wire.example/cobalt-contract", OPEN_SOURCE,
                 "Velmora signs cobalt contract with Astrane Mining", TEXT_A, "2026-03-02T09:30:00+00:00",
                 True, "CC-BY-4.0"),
        _article(b, "https://markets.example/astrane-falls", CLOSED_SOURCE,
                 "-5% for Astrane Mining after the Velmora contract", TEXT_B, "2026-03-03T16:00:00+00:00",
                 False, None),
    ]
    actors = [
        {"actor_id": "act_velmora", "name": "Velmora", "actor_type": "organization", "country_code": None,
         "title": None, "mention_count": 1, "article_count": 1},
        {"actor_id": "act_astrane", "name": "Astrane Mining", "actor_type": "organization", "country_code": None,
         "title": None, "mention_count": 2, "article_count": 2},
        {"actor_id": "act_castell", "name": "Imre Castell", "actor_type": "person", "country_code": None,
         "title": "harbour director", "mention_count": 1, "article_count": 1},
    ]
    aliases = [
        {"actor_id": "act_astrane", "alias": "Astrane Mining", "mention_count": 2},
        {"actor_id": "act_castell", "alias": "Imre Castell", "mention_count": 1},
        {"actor_id": "act_velmora", "alias": "Velmora", "mention_count": 1},
    ]
    mentions = [
        {"mention_id": "men_a_velmora", **_ev(a, TEXT_A, "Velmora", 1), "actor_id": "act_velmora",
         "text": "Velmora", "title": None, "extractor_version": EXTRACTOR},
        {"mention_id": "men_a_astrane", **_ev(a, TEXT_A, "Astrane Mining", 1), "actor_id": "act_astrane",
         "text": "Astrane Mining", "title": None, "extractor_version": EXTRACTOR},
        {"mention_id": "men_a_castell", **_ev(a, TEXT_A, "Imre Castell"), "actor_id": "act_castell",
         "text": "Imre Castell", "title": "harbour director", "extractor_version": EXTRACTOR},
        {"mention_id": "men_b_astrane", **_ev(b, TEXT_B, "Astrane Mining", 1), "actor_id": "act_astrane",
         "text": "Astrane Mining", "title": None, "extractor_version": EXTRACTOR},
    ]
    quotes = [
        {"quote_id": "quo_a_castell", **_ev(a, TEXT_A, "This contract keeps our cranes busy for a decade,"),
         "text": "This contract keeps our cranes busy for a decade,", "kind": "direct", "cue": "said",
         "speaker_text": "Imre Castell", "speaker_mention_id": "men_a_castell", "speaker_actor_id": "act_castell",
         "deal_id": "deal_cobalt", "extractor_version": EXTRACTOR},
        {"quote_id": "quo_b_traders", **_ev(b, TEXT_B, "the cobalt price in the contract looked low"),
         "text": "the cobalt price in the contract looked low", "kind": "indirect", "cue": "said",
         "speaker_text": "Traders on the Ostmark exchange", "speaker_mention_id": None, "speaker_actor_id": None,
         "deal_id": "deal_cobalt", "extractor_version": EXTRACTOR},
    ]
    deals = [
        {"deal_id": "deal_cobalt", "name": "Velmora–Astrane Mining cobalt supply contract", "deal_type": "supply",
         "sector": "minerals", "status": "signed", "status_date": "2026-03-02",
         "first_reported_at": "2026-03-02T09:30:00+00:00", "last_reported_at": "2026-03-03T16:00:00+00:00",
         "article_count": 2},
        {"deal_id": "deal_buyer", "name": "Astrane Mining second cobalt buyer", "deal_type": "supply",
         "sector": "minerals", "status": None, "status_date": None,
         "first_reported_at": "2026-03-03T16:00:00+00:00", "last_reported_at": "2026-03-03T16:00:00+00:00",
         "article_count": 1},
    ]
    deal_mentions = [
        {"deal_mention_id": "dm_a", "deal_id": "deal_cobalt", **_ev(a, TEXT_A, "cobalt supply contract"),
         "text": "cobalt supply contract", "extractor_version": EXTRACTOR},
        {"deal_mention_id": "dm_b", "deal_id": "deal_cobalt", **_ev(b, TEXT_B, "Velmora contract", 1),
         "text": "Velmora contract", "extractor_version": EXTRACTOR},
        {"deal_mention_id": "dm_b_buyer", "deal_id": "deal_buyer", **_ev(b, TEXT_B, "a second buyer"),
         "text": "a second buyer", "extractor_version": EXTRACTOR},
    ]
    parties = [
        {"deal_id": "deal_cobalt", "actor_id": "act_astrane", "role": "party", "article_count": 2},
        {"deal_id": "deal_cobalt", "actor_id": "act_velmora", "role": "party", "article_count": 1},
    ]
    attributes = [
        {"attribute_id": "att_a_cobalt", "deal_id": "deal_cobalt", **_ev(a, TEXT_A, "cobalt", 1),
         "attribute": "resource", "value": "cobalt", "normalized": "cobalt", "unit": None, "polarity": "stated",
         "extractor_version": EXTRACTOR},
    ]
    events = [
        {"event_id": "evt_a_signed", "deal_id": "deal_cobalt", **_ev(a, TEXT_A, "signed"), "status": "signed",
         "event_date": "2026-03-02", "event_date_precision": "day", "actor_id": "act_velmora",
         "text": "signed", "extractor_version": EXTRACTOR},
    ]
    fetch_log = [
        {"fetch_id": "fet_a", "input": "corpus/velmora-wire/cobalt.txt", "source": OPEN_SOURCE, "outcome": "ok",
         "reason": None, "http_status": None, "retrieved_at": "2026-03-04T08:00:00+00:00", "article_id": a},
        {"fetch_id": "fet_b", "input": "https://markets.example/astrane-falls", "source": CLOSED_SOURCE,
         "outcome": "ok", "reason": None, "http_status": 200, "retrieved_at": "2026-03-04T08:00:01+00:00",
         "article_id": b},
    ]
    return {"articles": articles, "actors": actors, "actor_aliases": aliases, "actor_mentions": mentions,
            "quotes": quotes, "deals": deals, "deal_mentions": deal_mentions, "deal_parties": parties,
            "deal_attributes": attributes, "deal_events": events, "fetch_log": fetch_log}


def rows_v2() -> dict[str, list[dict]]:
    """v1 plus article C and its ratification event; the deal's status changes; one term is dropped."""
    rows = copy.deepcopy(rows_v1())
    c = "art0000000000c"
    rows["articles"].append(_article(c, "https://velmora-wire.example/ratified", OPEN_SOURCE,
                                     "Velmora council ratifies the cobalt contract", TEXT_C,
                                     "2026-03-12T18:00:00+00:00", True, "CC-BY-4.0"))
    rows["deal_events"].append({"event_id": "evt_c_ratified", "deal_id": "deal_cobalt",
                                **_ev(c, TEXT_C, "ratified", 0), "status": "ratified", "event_date": "2026-03-12",
                                "event_date_precision": "day", "actor_id": "act_velmora", "text": "ratified",
                                "extractor_version": EXTRACTOR})
    deal = rows["deals"][0]
    deal.update(status="ratified", status_date="2026-03-12", last_reported_at="2026-03-12T18:00:00+00:00",
                article_count=3)
    rows["deal_attributes"] = []
    rows["fetch_log"].append({"fetch_id": "fet_c", "input": "corpus/velmora-wire/ratified.txt",
                              "source": OPEN_SOURCE, "outcome": "ok", "reason": None, "http_status": None,
                              "retrieved_at": "2026-03-13T08:00:00+00:00", "article_id": c})
    return rows


def tables(rows: dict[str, list[dict]]) -> dict[str, pa.Table]:
    return {name: to_arrow(name, rows[name]) for name in TABLES}

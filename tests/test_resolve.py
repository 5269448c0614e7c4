"""Cross-article resolution on hand-made extractions (no spaCy, no Prefect)."""
from __future__ import annotations

from transforms.ids import sha256_text
from transforms.resolve import resolve


def _article(aid, text, published):
    return {"article_id": aid, "url": f"https://news.example/{aid}", "source": "test", "text": text,
            "text_sha256": sha256_text(text), "published_at": published, "extraction_status": "pending",
            "word_count": len(text.split()), "retrieved_at": published}


def _mention(aid, start, end, text, actor_type, key, name=None, title=None):
    return {"mention_id": f"{aid}-m{start}", "article_id": aid, "start": start, "end": end, "text": text,
            "title": title, "actor_type": actor_type, "actor_key": key, "name": name or text,
            "country_code": None, "extractor_version": "t"}


def _extraction(aid, text, sector="minerals", resources=("lithium",), status="proposed"):
    korvel = text.index("Korvel")
    veld, marh = text.index("Veldonia"), text.index("Marhaven")
    deal = text.index("agreement")
    mentions = [
        _mention(aid, korvel - 4, korvel + 6, "Ada Korvel" if text[korvel - 4:korvel] == "Ada " else text[korvel - 4:korvel + 6],
                 "person", "ada korvel", "Ada Korvel", "Finance Minister"),
        _mention(aid, veld, veld + 8, "Veldonia", "country", "veldonia"),
        _mention(aid, marh, marh + 8, "Marhaven", "country", "marhaven"),
        _mention(aid, 0, 17, "A senior official", "anonymous", f"{aid}:senior official"),
    ]
    dm = {"deal_mention_id": f"{aid}-d", "deal_ref": f"{aid}-d", "article_id": aid, "start": deal, "end": deal + 9,
          "text": "agreement", "deal_type": "agreement", "sector": sector, "resources": list(resources),
          "parties": [{"mention_id": f"{aid}-m{veld}", "role": "party"}, {"mention_id": f"{aid}-m{marh}", "role": "proposer"}],
          "extractor_version": "t"}
    event = {"event_id": f"{aid}-e", "deal_mention_id": f"{aid}-d", "article_id": aid, "status": status,
             "event_date": None, "event_date_precision": None, "actor_mention_id": f"{aid}-m{marh}",
             "start": deal, "end": deal + 9, "text": "agreement", "extractor_version": "t"}
    quote = {"quote_id": f"{aid}-q", "article_id": aid, "start": 18, "end": 22, "text": text[18:22], "kind": "direct",
             "cue": "said", "speaker_text": "Ada Korvel", "speaker_mention_id": f"{aid}-m{korvel - 4}", "extractor_version": "t"}
    return {"mentions": mentions, "quotes": [quote], "deal_mentions": [dm], "deal_attributes": [], "deal_events": [event]}


TEXT1 = "A senior official said Ada Korvel backed the agreement between Veldonia and Marhaven."
TEXT2 = "A senior official said Ada Korvel signed the agreement between Veldonia and Marhaven today."


def test_people_merge_across_articles_and_anonymous_sources_do_not():
    a1, a2 = _article("a1", TEXT1, "2026-01-01T00:00:00+00:00"), _article("a2", TEXT2, "2026-02-01T00:00:00+00:00")
    rows = resolve([a1, a2], {"a1": _extraction("a1", TEXT1), "a2": _extraction("a2", TEXT2, status="signed")})
    people = [a for a in rows["actors"] if a["actor_type"] == "person"]
    assert len(people) == 1 and people[0]["article_count"] == 2 and people[0]["title"] == "Finance Minister"
    assert len([a for a in rows["actors"] if a["actor_type"] == "anonymous"]) == 2
    assert all(q["speaker_actor_id"] == people[0]["actor_id"] for q in rows["quotes"])
    # one deal followed over two articles, latest status by publication date
    assert len(rows["deals"]) == 1
    deal = rows["deals"][0]
    assert deal["article_count"] == 2 and deal["status"] == "signed"
    assert {p["role"] for p in rows["deal_parties"]} == {"party", "proposer"}
    assert all(q["deal_id"] == deal["deal_id"] for q in rows["quotes"])


def test_ids_are_stable_when_articles_are_added():
    a1 = _article("a1", TEXT1, "2026-01-01T00:00:00+00:00")
    alone = resolve([a1], {"a1": _extraction("a1", TEXT1)})
    a2 = _article("a2", TEXT2, "2026-02-01T00:00:00+00:00")
    both = resolve([a1, a2], {"a1": _extraction("a1", TEXT1), "a2": _extraction("a2", TEXT2)})
    assert {a["actor_id"] for a in alone["actors"]} <= {a["actor_id"] for a in both["actors"]}
    assert alone["deals"][0]["deal_id"] == both["deals"][0]["deal_id"]


def test_different_sectors_stay_apart():
    a1, a2 = _article("a1", TEXT1, "2026-01-01T00:00:00+00:00"), _article("a2", TEXT2, "2026-02-01T00:00:00+00:00")
    rows = resolve([a1, a2], {"a1": _extraction("a1", TEXT1),
                              "a2": _extraction("a2", TEXT2, sector="oil_gas", resources=("gas",))})
    assert len(rows["deals"]) == 2


def test_exact_duplicates_are_marked_and_counted_once():
    a1, a2 = _article("a1", TEXT1, "2026-01-01T00:00:00+00:00"), _article("a2", TEXT1, "2026-01-02T00:00:00+00:00")
    rows = resolve([a1, a2], {"a1": _extraction("a1", TEXT1), "a2": _extraction("a2", TEXT1)})
    by_id = {a["article_id"]: a for a in rows["articles"]}
    assert by_id["a2"]["duplicate_of"] == "a1" and by_id["a1"]["duplicate_of"] is None
    assert rows["deals"][0]["article_count"] == 1 and len(rows["quotes"]) == 1

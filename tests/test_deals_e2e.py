"""End to end on the sample corpus: one deal followed over several articles, and two deals
between the same parties kept apart (the session fixture sample_tables: no Prefect, no store)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def tables(sample_tables):
    return sample_tables


def test_sample_deals_followed_across_articles(tables):
    from transforms.release.resolve import _event_order

    actors = {a["actor_id"]: a for a in tables["actors"]}
    articles = {a["article_id"]: a for a in tables["articles"]}
    titles = {aid: a["title"] for aid, a in articles.items()}

    def parties(deal_id):
        return {actors[p["actor_id"]]["name"] for p in tables["deal_parties"] if p["deal_id"] == deal_id}

    def article_titles(deal_id):
        return {titles[m["article_id"]] for m in tables["deal_mentions"] if m["deal_id"] == deal_id}

    # Deal B: the Ostrel Energy-Taluna gas contract, four articles, one deal.
    gas = [d for d in tables["deals"] if {"Ostrel Energy", "Taluna"} <= parties(d["deal_id"])]
    assert len(gas) == 1
    gas = gas[0]
    assert gas["article_count"] == 4 and gas["sector"] == "oil_gas" and gas["status"] == "cancelled"
    assert {a["normalized"] for a in tables["deal_attributes"]
            if a["deal_id"] == gas["deal_id"] and a["attribute"] == "resource"} >= {"natural_gas"}
    timeline = [e["status"] for e in sorted((e for e in tables["deal_events"] if e["deal_id"] == gas["deal_id"]),
                                            key=lambda e: _event_order(e, articles))]
    firsts = [timeline.index(s) for s in ("proposed", "agreed", "stalled", "cancelled")]
    assert firsts == sorted(firsts) and timeline[-1] == "cancelled"

    # Veldonia and Marhaven: the minerals agreement and the grain agreement stay two deals.
    both = [d for d in tables["deals"] if {"Veldonia", "Marhaven"} <= parties(d["deal_id"])]
    by_sector = {d["sector"]: d for d in both}
    assert len(both) == 2 and set(by_sector) == {"minerals", "trade"}
    grain, minerals = by_sector["trade"], by_sector["minerals"]
    assert grain["status"] == "signed" and minerals["status"] == "signed"
    assert all("grain" in t.lower() for t in article_titles(grain["deal_id"])) and grain["article_count"] == 2
    assert minerals["article_count"] >= 6
    for deal in both:
        assert not any(actors[p["actor_id"]]["actor_type"] == "person"
                       for p in tables["deal_parties"] if p["deal_id"] == deal["deal_id"])

"""Unit tests of transforms.language.deals on short fictional texts (no Prefect).

The ``mentions`` argument is built by a small gazetteer helper with the contract's keys, so
that these tests do not depend on the actor extractor's current behaviour; one test runs
``transforms.language.actors.find_mentions`` when it is importable and checks only the invariants.
"""
from __future__ import annotations

import re

import pytest

from transforms.language import deals

from transforms import ids
from transforms.schema import ATTRIBUTES, DEAL_STATUSES, DEAL_TYPES, PARTY_ROLES, POLARITIES, SECTORS

ARTICLE = "art-1"
PUB = "2026-03-04T10:00:00Z"  # a Wednesday

# Fictional actors; countries carry ISO 3166 user-assigned codes (X*).
COUNTRIES = {"Veldonia": "XV", "Marhaven": "XM", "Kestria": "XK", "Taluna": "XT", "Sarnovia": "XS", "Orsova": "XO"}
DEMONYMS = {"Veldonian": "Veldonia", "Marhaveni": "Marhaven", "Kestrian": "Kestria", "Talunan": "Taluna", "Sarnovian": "Sarnovia"}
ORGS = {"Orvane Development Bank": None, "Ostrel Energy": "XK", "Brellmark Dredging": None, "Kessel Bank": None}
PEOPLE = {"Ana Korvel": "XM", "Tomas Ilvar": "XV", "Lena Droz": None}


def make_mentions(text: str, article_id: str = ARTICLE) -> list[dict]:
    """Mention rows (the contract's keys) for the fictional names above."""
    names = [(n, "country", c, c) for n, c in COUNTRIES.items()]
    names += [(n, "country", COUNTRIES[c], COUNTRIES[c]) for n, c in DEMONYMS.items()]
    names += [(n, "organization", c, n.lower()) for n, c in ORGS.items()]
    names += [(n, "person", c, n.lower()) for n, c in PEOPLE.items()]
    rows, taken = [], []
    for name, kind, code, key in sorted(names, key=lambda x: -len(x[0])):
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            start, end = m.span()
            if any(a < end and start < b for a, b in taken):
                continue
            taken.append((start, end))
            rows.append({
                "mention_id": ids.span_id("mention", article_id, start, end), "article_id": article_id,
                "start": start, "end": end, "text": text[start:end], "title": None, "actor_type": kind,
                "actor_key": key, "name": name, "country_code": code,
            })
    return sorted(rows, key=lambda r: r["start"])


@pytest.fixture
def run(nlp):
    def _run(text: str, published_at=PUB, mentions=None):
        doc = nlp(text)
        mentions = make_mentions(text) if mentions is None else mentions
        out = deals.find_deals(doc, mentions, ARTICLE, published_at)
        _check_invariants(text, out, mentions)
        out["_names"] = {m["mention_id"]: m["text"] for m in mentions}
        return out
    return _run


def _check_invariants(text: str, out: dict, mentions: list[dict]) -> None:
    assert set(out) == {"deal_mentions", "deal_attributes", "deal_events"}
    mention_ids = {m["mention_id"] for m in mentions}
    dm_ids = {r["deal_mention_id"] for r in out["deal_mentions"]}
    for r in out["deal_mentions"]:
        assert r["text"] == text[r["start"]:r["end"]]
        assert r["deal_mention_id"] == ids.span_id("deal_mention", ARTICLE, r["start"], r["end"])
        assert r["article_id"] == ARTICLE
        assert r["deal_type"] in DEAL_TYPES and r["sector"] in SECTORS
        assert r["deal_ref"] in dm_ids
        assert isinstance(r["resources"], list)
        for p in r["parties"]:
            assert set(p) == {"mention_id", "role"}
            assert p["mention_id"] in mention_ids and p["role"] in PARTY_ROLES
    for r in out["deal_attributes"]:
        assert r["value"] == text[r["start"]:r["end"]]
        assert r["attribute_id"] == ids.span_id("attribute", ARTICLE, r["start"], r["end"], r["attribute"])
        assert r["attribute"] in ATTRIBUTES and r["polarity"] in POLARITIES
        assert r["deal_mention_id"] in dm_ids
    for r in out["deal_events"]:
        assert r["text"] == text[r["start"]:r["end"]]
        assert r["event_id"] == ids.span_id("event", ARTICLE, r["start"], r["end"], r["status"])
        assert r["status"] in DEAL_STATUSES
        assert r["deal_mention_id"] in dm_ids
        assert r["actor_mention_id"] is None or r["actor_mention_id"] in mention_ids
        assert (r["event_date"] is None) == (r["event_date_precision"] is None)
    for key, id_key in (("deal_mentions", "deal_mention_id"), ("deal_attributes", "attribute_id"), ("deal_events", "event_id")):
        assert len({r[id_key] for r in out[key]}) == len(out[key]), f"duplicate ids in {key}"


def _first(out) -> dict:
    return out["deal_mentions"][0]


def _attrs(out, attribute) -> list[dict]:
    return [a for a in out["deal_attributes"] if a["attribute"] == attribute]


def _events(out, status=None) -> list[dict]:
    return [e for e in out["deal_events"] if status is None or e["status"] == status]


def _parties(out, row=None) -> set[tuple[str, str]]:
    row = row or _first(out)
    return {(out["_names"][p["mention_id"]], p["role"]) for p in row["parties"]}


# --- deal mentions: type and sector ----------------------------------------------------------------

@pytest.mark.parametrize("text, mention, deal_type", [
    ("Veldonia and Marhaven signed a minerals agreement on Monday.", "a minerals agreement", "agreement"),
    ("Veldonia and Marhaven signed a memorandum of understanding on lithium.", "a memorandum of understanding", "memorandum"),
    ("Kestria and Orsova signed an MoU on grain exports.", "an MoU", "memorandum"),
    ("Sarnovia signed a contract with Brellmark Dredging to expand the port.", "a contract", "contract"),
    ("Kestria awarded Ostrel Energy a 30-year oil concession.", "a 30-year oil concession", "concession"),
    ("Veldonia and Marhaven ratified a border treaty in 2025.", "a border treaty", "treaty"),
    ("The Kessel Bank approved a €1.2bn loan to Sarnovia.", "a €1.2bn loan", "loan"),
    ("The Orvane Development Bank opened a $300 million credit line for Sarnovia.", "a $300 million credit line", "loan"),
    ("Taluna agreed a purchase of 12 frigates from Kestria.", "a purchase of 12 frigates", "purchase"),
    ("Ostrel Energy signed a 20-year gas supply contract with Taluna.", "a 20-year gas supply contract", "supply"),
    ("Veldonia and Kestria set up a joint venture to mine copper.", "a joint venture", "joint_venture"),
    ("Marhaven and Veldonia launched a $2 billion joint investment fund.", "a $2 billion joint investment fund", "investment_fund"),
    ("Kestria and Orsova signed a defence pact.", "a defence pact", "agreement"),
    ("Taluna and Kestria agreed an accord on fishing.", "an accord", "agreement"),
])
def test_deal_types(run, text, mention, deal_type):
    out = run(text)
    first = _first(out)
    assert first["text"] == mention
    assert first["deal_type"] == deal_type


@pytest.mark.parametrize("text, sector", [
    ("Taluna agreed a purchase of 12 frigates from Kestria.", "arms"),
    ("Kestria and Veldonia signed a deal to sell missiles.", "arms"),
    ("Kestria and Taluna signed a gas pipeline deal.", "oil_gas"),
    ("The Kessel Bank approved a €1.2bn loan to Sarnovia.", "finance"),
    ("Kestria and Orsova signed a trade agreement cutting tariffs.", "trade"),
    ("Sarnovia signed a contract with Brellmark Dredging to expand the port.", "infrastructure"),
    ("Veldonia and Marhaven signed a railway agreement.", "infrastructure"),
    ("Veldonia and Marhaven signed a lithium agreement.", "minerals"),
    ("Veldonia and Marhaven signed an agreement on rare earths.", "minerals"),
    ("Taluna signed an electricity supply deal with Veldonia.", "energy"),
    ("Taluna and Kestria signed a wheat deal.", "trade"),
    ("Veldonia and Marhaven signed an agreement.", "other"),
])
def test_sectors(run, text, sector):
    assert _first(run(text))["sector"] == sector


@pytest.mark.parametrize("text, surface, normalized", [
    ("Veldonia and Marhaven signed an agreement on rare earths.", "rare earths", "rare_earth_elements"),
    ("Veldonia and Marhaven signed a rare-earth elements deal.", "rare-earth elements", "rare_earth_elements"),
    ("Veldonia and Marhaven signed a deal on REEs.", "REEs", "rare_earth_elements"),
    ("Kestria offered Taluna a 20-year LNG supply contract.", "LNG", "natural_gas"),
    ("Kestria offered Taluna a natural gas supply contract.", "natural gas", "natural_gas"),
    ("Veldonia signed a crude oil deal with Orsova.", "crude oil", "oil"),
    ("Veldonia and Marhaven signed a graphite agreement.", "graphite", "graphite"),
    ("Veldonia and Marhaven signed a critical minerals agreement.", "critical minerals", "critical_minerals"),
])
def test_resource_normalisation(run, text, surface, normalized):
    out = run(text)
    resources = _attrs(out, "resource")
    assert [(a["value"], a["normalized"]) for a in resources] == [(surface, normalized)]
    assert normalized in _first(out)["resources"]


def test_resources_of_the_deal_and_resources_near_it(run):
    out = run("The agreement gives Marhaven a 30% share of lithium revenues. "
              "It comes as Veldonia closes its last coal mines.")
    assert [a["normalized"] for a in _attrs(out, "resource")] == ["lithium", "coal"]
    # Coal stands near the deal (the next sentence) but is not what the deal is about.
    assert _first(out)["resources"] == ["lithium"]
    assert _first(out)["sector"] == "minerals"


def test_resource_inside_an_actor_name_is_not_a_resource(run):
    out = run("Taluna signed a contract with Ostrel Energy.")
    assert not _attrs(out, "resource")
    assert _first(out)["sector"] == "other"


def test_not_deals(run):
    text = ("Veldonia has a great deal of influence. The ministers were in agreement about the weather. "
            "Marhaven dealt with the floods.")
    out = run(text)
    assert out == {"deal_mentions": [], "deal_attributes": [], "deal_events": [], "_names": out["_names"]}


def test_the_proposal_with_nothing_to_refer_to_is_not_a_deal(run):
    out = run("The proposal to rename the capital was debated on Monday.")
    assert out["deal_mentions"] == []


# --- attributes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value, normalized, unit", [
    ("Marhaven proposed a minerals agreement worth $500 billion.", "$500 billion", "500000000000", "USD"),
    ("The Kessel Bank approved a €1.2bn loan to Sarnovia.", "€1.2bn", "1200000000", "EUR"),
    ("Veldonia signed an arms deal with Kestria worth 2.4 billion dollars.", "2.4 billion dollars", "2400000000", "USD"),
    ("Veldonia signed a £300m arms deal with Kestria.", "£300m", "300000000", "GBP"),
    ("Sarnovia signed a loan agreement for US$1,250,000 with the Kessel Bank.", "US$1,250,000", "1250000", "USD"),
    ("Taluna signed a gas deal with Kestria worth 40 billion yuan.", "40 billion yuan", "40000000000", "CNY"),
    ("Taluna signed a gas deal worth two billion euros with Kestria.", "two billion euros", "2000000000", "EUR"),
])
def test_values(run, text, value, normalized, unit):
    values = _attrs(run(text), "value")
    assert [(a["value"], a["normalized"], a["unit"], a["polarity"]) for a in values] == [(value, normalized, unit, "stated")]


def test_share(run):
    out = run("Marhaven proposed a minerals agreement that would give it 50% of revenues from Veldonian mines.")
    shares = _attrs(out, "share")
    assert [(a["value"], a["normalized"], a["unit"]) for a in shares] == [("50% of revenues", "50", "percent")]
    out = run("Kestria will take a 49 percent stake under the joint venture agreement with Taluna.")
    assert [(a["value"], a["normalized"]) for a in _attrs(out, "share")] == [("49 percent stake", "49")]


def test_interest_rate_is_not_a_share(run):
    out = run("The Kessel Bank approved a €1.2bn loan to Sarnovia at an interest rate of 3.1 percent.")
    assert not _attrs(out, "share")
    assert [(a["value"], a["normalized"], a["unit"]) for a in _attrs(out, "other")] == [("3.1 percent", "3.1", "percent")]


@pytest.mark.parametrize("text, value, normalized, unit", [
    ("Ostrel Energy signed a 20-year gas supply contract with Taluna.", "20-year", "20", "years"),
    ("The Kessel Bank approved a loan to Sarnovia for ten years.", "for ten years", "10", "years"),
    ("Taluna signed an 18-month electricity supply deal with Veldonia.", "18-month", "18", "months"),
    ("Kestria signed a decade-long arms deal with Orsova.", "decade-long", "10", "years"),
])
def test_duration(run, text, value, normalized, unit):
    durations = _attrs(run(text), "duration")
    assert [(a["value"], a["normalized"], a["unit"]) for a in durations] == [(value, normalized, unit)]


def test_not_durations(run):
    out = run("Veldonia signed a minerals deal with Marhaven 20 years ago; the mine will produce 6 tonnes a year.")
    assert not _attrs(out, "duration")


def test_condition_absent_demanded_stated(run):
    out = run("Veldonia rejected the deal without security guarantees.")
    [cond] = _attrs(out, "condition")
    assert (cond["value"], cond["normalized"], cond["polarity"]) == ("without security guarantees", "security guarantees", "absent")

    out = run("Veldonia insists on security guarantees before it signs the minerals deal.")
    [cond] = _attrs(out, "condition")
    assert (cond["value"], cond["normalized"], cond["polarity"]) == ("insists on security guarantees", "security guarantees", "demanded")

    out = run("Marhaven demanded security guarantees in the minerals agreement.")
    assert [(c["value"], c["polarity"]) for c in _attrs(out, "condition")] == [("demanded security guarantees", "demanded")]

    out = run("The agreement includes a security guarantee from Kestria.")
    [cond] = _attrs(out, "condition")
    assert cond["polarity"] == "stated"
    assert ("Kestria", "guarantor") in _parties(out)

    out = run("The deal does not include a price guarantee.")
    [cond] = _attrs(out, "condition")
    assert (cond["value"], cond["polarity"]) == ("does not include a price guarantee", "absent")

    out = run("Veldonia will sign the agreement only if it is accompanied by security guarantees.")
    assert [c["polarity"] for c in _attrs(out, "condition")] == ["demanded"]


def test_condition_clause(run):
    out = run("The Kessel Bank approved a loan to Sarnovia on condition that tariffs rise, officials said.")
    [cond] = _attrs(out, "condition")
    assert cond["value"] == "on condition that tariffs rise"
    assert cond["normalized"] == "tariffs rise"
    assert cond["polarity"] == "stated"


def test_anonymity_is_not_a_condition(run):
    out = run("An official who spoke on condition of anonymity said the minerals deal was close.")
    assert not _attrs(out, "condition")


def test_consideration(run):
    out = run("Marhaven proposed a minerals agreement as compensation for past aid, officials said.")
    [c] = _attrs(out, "consideration")
    assert (c["value"], c["normalized"]) == ("as compensation for past aid", "past aid")
    out = run("Kestria offered Taluna a 20-year LNG supply contract in return for port access.")
    assert [(c["value"], c["normalized"]) for c in _attrs(out, "consideration")] == [("in return for port access", "port access")]


def test_location(run):
    out = run("Veldonia and Marhaven signed the agreement in Orsova on Wednesday.")
    [loc] = _attrs(out, "location")
    assert (loc["value"], loc["normalized"]) == ("Orsova", "XO")
    # The host country is where it was signed, not a party.
    assert "Orsova" not in {name for name, _ in _parties(out)}


def test_demanded_value(run):
    out = run("Sarnovia is seeking a $2 billion loan from the Kessel Bank.")
    [value] = _attrs(out, "value")
    assert value["polarity"] == "demanded"


def test_attributes_need_a_deal_in_reach(run):
    text = ("Veldonia and Marhaven signed a lithium agreement. It was cold in the capital. "
            "Elsewhere, copper prices rose 5% and the central bank held $40 billion in reserves.")
    out = run(text)
    values = [a["value"] for a in out["deal_attributes"]]
    assert "lithium" in values
    assert "copper" not in values and "$40 billion" not in values and "5%" not in values


# --- events -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, status", [
    ("Marhaven proposed a minerals agreement to Veldonia on Monday.", "proposed"),
    ("Kestria offered Taluna a gas supply contract.", "proposed"),
    ("Marhaven unveiled a draft minerals agreement.", "proposed"),
    ("Veldonia and Marhaven are negotiating a minerals agreement.", "negotiating"),
    ("Talks on a minerals deal between Veldonia and Marhaven resumed on Monday.", "negotiating"),
    ("Veldonia and Marhaven reached an agreement on lithium on Monday.", "agreed"),
    ("Veldonia and Marhaven agreed the terms of the minerals deal.", "agreed"),
    ("Veldonia and Marhaven signed a minerals agreement on Monday.", "signed"),
    ("Veldonia and Marhaven inked a minerals deal.", "signed"),
    ("Veldonia rejected the minerals deal.", "rejected"),
    ("Veldonia walked away from the minerals deal.", "rejected"),
    ("Kestria suspended the gas deal.", "stalled"),
    ("Kestria put the gas deal on hold.", "stalled"),
    ("Kestria scrapped the arms deal yesterday.", "cancelled"),
    ("Taluna cancelled the gas supply contract.", "cancelled"),
    ("Sarnovia's parliament ratified the loan agreement.", "ratified"),
    ("The treaty was approved by parliament on Monday.", "ratified"),
    ("The loan agreement took effect on 1 March 2026.", "implemented"),
    ("The minerals agreement came into force on Monday.", "implemented"),
])
def test_event_statuses(run, text, status):
    out = run(text)
    assert status in {e["status"] for e in _events(out)}, out["deal_events"]


@pytest.mark.parametrize("text, status", [
    ("Marhaven did not sign the minerals agreement on Tuesday.", "stalled"),
    ("Marhaven has not signed the minerals agreement.", "negotiating"),  # a negated perfect: not so far
    ("Marhaven failed to sign the minerals agreement.", "stalled"),
    ("No agreement has been signed.", "negotiating"),
    ("Veldonia refused to sign the minerals agreement.", "rejected"),
    ("Veldonia declined to sign the minerals agreement.", "rejected"),
    ("Veldonia will not sign the minerals agreement.", "rejected"),
])
def test_negated_signing_is_never_signed(run, text, status):
    out = run(text)
    statuses = [e["status"] for e in _events(out)]
    assert "signed" not in statuses
    assert statuses == [status]


@pytest.mark.parametrize("text", [
    "Marhaven is expected to sign the minerals agreement next week.",
    "Marhaven will sign the minerals agreement next week.",
    "Veldonia plans to sign the minerals agreement.",
    "Veldonia is set to sign the minerals agreement.",
    "Veldonia has yet to sign the minerals agreement.",
])
def test_expected_signing_is_negotiating(run, text):
    statuses = [e["status"] for e in _events(run(text))]
    assert statuses == ["negotiating"]


def test_hypothetical_and_obligation_yield_no_event(run):
    assert _events(run("If Veldonia signs the minerals agreement, Marhaven will pay.")) == []
    assert _events(run("Any loan agreement must be ratified by parliament.")) == []
    assert _events(run("The agreement takes effect once both parliaments approve it.")) == []
    signed = "Kestria and Sarnovia signed the power deal in May. "
    assert [e["status"] for e in _events(run(signed + "The Kestrian parliament did not need to approve "
                                             "the power arrangement."))] == ["signed"]
    assert [e["status"] for e in _events(run(signed + "The Kestrian parliament needs to approve "
                                             "the power arrangement."))] == ["signed"]


def test_people_familiar_with_the_talks_are_not_talks(run):
    out = run("Veldonia signed the minerals deal. A diplomat familiar with the negotiations praised it.")
    assert [e["status"] for e in _events(out)] == ["signed"]


def test_event_dates_relative_to_publication(run):
    out = run("Veldonia and Marhaven signed a minerals agreement on Monday.")
    [e] = _events(out, "signed")
    assert (e["event_date"], e["event_date_precision"]) == ("2026-03-02", "day")

    out = run("Marhaven is expected to sign the minerals agreement on Monday.")
    [e] = _events(out, "negotiating")
    assert (e["event_date"], e["event_date_precision"]) == ("2026-03-09", "day")  # future: the next Monday

    out = run("Kestria scrapped the arms deal yesterday.")
    assert _events(out, "cancelled")[0]["event_date"] == "2026-03-03"

    out = run("Talks on a gas pipeline deal between Taluna and Kestria stalled last month.")
    [e] = _events(out, "stalled")
    assert (e["event_date"], e["event_date_precision"]) == ("2026-02-01", "month")

    out = run("Veldonia and Marhaven ratified a border treaty in 2025.")
    assert (_events(out)[0]["event_date"], _events(out)[0]["event_date_precision"]) == ("2025-01-01", "year")


def test_event_without_date_or_publication(run):
    out = run("Veldonia rejected the minerals deal.")
    assert _events(out)[0]["event_date"] is None
    out = run("Veldonia rejected the minerals deal on Monday.", published_at=None)
    assert _events(out)[0]["event_date"] is None
    out = run("Veldonia rejected the minerals deal on 2 March 2026.", published_at=None)
    assert _events(out)[0]["event_date"] == "2026-03-02"


def test_event_date_belongs_to_its_own_clause(run):
    out = run("Veldonia walked away because the minerals deal it agreed in January no longer exists.")
    cancelled = _events(out, "cancelled")  # walking away from an agreed deal ends it
    agreed = _events(out, "agreed")
    assert cancelled and cancelled[0]["event_date"] is None
    assert agreed and agreed[0]["event_date"] == "2026-01-01"


def test_event_actor_and_evidence(run):
    text = "Veldonia and Marhaven signed a minerals agreement on Monday."
    out = run(text)
    [e] = _events(out)
    assert out["_names"][e["actor_mention_id"]] == "Veldonia"
    assert e["text"] == "Veldonia and Marhaven signed a minerals agreement on Monday"

    out = run("The deal was signed by Kestria on Monday.")
    assert out["_names"][_events(out)[0]["actor_mention_id"]] == "Kestria"


# --- parties ----------------------------------------------------------------------------------------

def test_party_roles(run):
    out = run("Marhaven proposed a minerals agreement to Veldonia.")
    assert _parties(out) == {("Marhaven", "proposer"), ("Veldonia", "counterparty")}

    out = run("Veldonia and Marhaven signed a minerals agreement. The deal was brokered by Kestria.")
    assert _parties(out) == {("Veldonia", "signatory"), ("Marhaven", "signatory"), ("Kestria", "mediator")}

    out = run("Talks on a gas pipeline deal between Taluna and Kestria stalled last month.")
    assert _parties(out) == {("Taluna", "party"), ("Kestria", "party")}

    out = run("The Kessel Bank approved a €1.2bn loan to Sarnovia.")
    assert _parties(out) == {("Kessel Bank", "party"), ("Sarnovia", "beneficiary")}

    out = run("Veldonia rejected Marhaven's minerals deal.")
    assert _parties(out) == {("Veldonia", "counterparty"), ("Marhaven", "party")}


def test_demonym_parties(run):
    out = run("The Veldonian-Marhaveni agreement was signed on Monday.")
    assert _parties(out) == {("Veldonian", "party"), ("Marhaveni", "party")}


def test_person_party_through_affiliation(run):
    out = run("President Ana Korvel of Marhaven signed the accord on Friday.")
    assert _parties(out) == {("Marhaven", "signatory")}
    # The event's actor is still the person who signed.
    assert out["_names"][_events(out)[0]["actor_mention_id"]] == "Ana Korvel"
    # Without a syntactic affiliation, the person's country code finds the country mention.
    out = run("Veldonia and Marhaven negotiated for months. Ana Korvel signed the accord on Friday.")
    assert ("Marhaven", "signatory") in _parties(out)


# --- several mentions, several deals ----------------------------------------------------------------

def test_anaphoric_mentions_share_the_deal(run):
    text = ("Veldonia and Marhaven signed a lithium agreement on Monday. "
            "The agreement gives Marhaven 50% of revenues. Critics said the deal was rushed. "
            "Officials called the document historic.")
    out = run(text)
    rows = out["deal_mentions"]
    assert [r["text"] for r in rows] == ["a lithium agreement", "The agreement", "the deal", "the document"]
    ref = rows[0]["deal_mention_id"]
    assert all(r["deal_ref"] == ref for r in rows)
    for r in rows:
        assert (r["deal_type"], r["sector"], r["resources"]) == ("agreement", "minerals", ["lithium"])
        assert r["parties"] == rows[0]["parties"]
    [share] = _attrs(out, "share")
    assert share["deal_mention_id"] == rows[1]["deal_mention_id"]


def test_two_deals_in_one_article_are_kept_apart(run):
    text = ("Veldonia and Marhaven signed a lithium agreement on Monday. "
            "Separately, the Kessel Bank approved a $2 billion loan to Taluna on Tuesday. "
            "The loan runs for ten years. "
            "Marhaven said the agreement would create jobs.")
    out = run(text)
    by_text = {r["text"]: r for r in out["deal_mentions"]}
    lithium, loan = by_text["a lithium agreement"], by_text["a $2 billion loan"]
    assert lithium["deal_ref"] != loan["deal_ref"]
    assert by_text["The loan"]["deal_ref"] == loan["deal_ref"]
    assert by_text["the agreement"]["deal_ref"] == lithium["deal_ref"]
    assert (lithium["deal_type"], lithium["sector"], lithium["resources"]) == ("agreement", "minerals", ["lithium"])
    assert (loan["deal_type"], loan["sector"], loan["resources"]) == ("loan", "finance", [])
    assert {n for n, _ in _parties(out, lithium)} == {"Veldonia", "Marhaven"}
    assert _parties(out, loan) == {("Kessel Bank", "party"), ("Taluna", "beneficiary")}
    ref_of = {r["deal_mention_id"]: r["deal_ref"] for r in out["deal_mentions"]}
    [duration] = _attrs(out, "duration")
    assert ref_of[duration["deal_mention_id"]] == loan["deal_ref"]
    [value] = _attrs(out, "value")
    assert ref_of[value["deal_mention_id"]] == loan["deal_ref"]
    signed, agreed = _events(out, "signed"), _events(out, "agreed")
    assert ref_of[signed[0]["deal_mention_id"]] == lithium["deal_ref"]
    assert ref_of[agreed[0]["deal_mention_id"]] == loan["deal_ref"]
    assert (signed[0]["event_date"], agreed[0]["event_date"]) == ("2026-03-02", "2026-03-03")


def test_another_deal_starts_a_new_one(run):
    text = ("Veldonia signed an arms deal with Kestria. "
            "Veldonia also signed another arms deal with Orsova.")
    out = run(text)
    refs = {r["deal_ref"] for r in out["deal_mentions"]}
    assert len(refs) == 2


def test_deals_with_different_resources_are_kept_apart(run):
    text = "Kestria signed a gas deal with Taluna and a wheat deal with Orsova."
    out = run(text)
    by_text = {r["text"]: r for r in out["deal_mentions"]}
    gas, wheat = by_text["a gas deal"], by_text["a wheat deal"]
    assert gas["deal_ref"] != wheat["deal_ref"]
    assert gas["resources"] == ["natural_gas"] and wheat["resources"] == ["wheat"]
    assert (gas["sector"], wheat["sector"]) == ("oil_gas", "trade")


def test_the_fund_an_agreement_sets_up_is_not_the_agreement(run):
    text = ("Marhaven proposed a minerals agreement that would pay 50% of revenues into a joint investment fund. "
            "The agreement was rejected by Veldonia.")
    out = run(text)
    by_text = {r["text"]: r for r in out["deal_mentions"]}
    assert by_text["The agreement"]["deal_ref"] == by_text["a minerals agreement"]["deal_ref"]
    assert by_text["a joint investment fund"]["deal_ref"] != by_text["a minerals agreement"]["deal_ref"]
    assert by_text["a minerals agreement"]["deal_type"] == "agreement"


def test_headline_on_its_own_line(run):
    text = "Veldonia signs minerals deal with Marhaven\n\nVeldonia signed a minerals deal with Marhaven on Monday."
    out = run(text)
    for e in _events(out):
        assert "\n" not in e["text"]
    assert ("2026-03-02", "day") in {(e["event_date"], e["event_date_precision"]) for e in _events(out, "signed")}


# --- purity, determinism, robustness ----------------------------------------------------------------

def test_deterministic_and_pure(nlp):
    text = "Veldonia and Marhaven signed a $2 billion lithium agreement on Monday. The deal runs for ten years."
    doc = nlp(text)
    mentions = make_mentions(text)
    snapshot = [dict(m) for m in mentions]
    a = deals.find_deals(doc, mentions, ARTICLE, PUB)
    b = deals.find_deals(doc, mentions, ARTICLE, PUB)
    assert a == b
    assert mentions == snapshot


def test_no_mentions_and_empty_text(nlp):
    out = deals.find_deals(nlp("Veldonia signed a minerals deal on Monday."), None, ARTICLE, PUB)
    assert [r["text"] for r in out["deal_mentions"]] == ["a minerals deal"]
    assert out["deal_mentions"][0]["parties"] == []
    assert _events(out, "signed")[0]["actor_mention_id"] is None
    assert deals.find_deals(nlp(""), [], ARTICLE, PUB) == {"deal_mentions": [], "deal_attributes": [], "deal_events": []}


def test_resources_file_is_consistent():
    data = deals.load_resources()
    assert set(data["resources"]) >= {
        "rare_earth_elements", "lithium", "graphite", "cobalt", "nickel", "copper", "uranium", "titanium",
        "manganese", "oil", "natural_gas", "coal", "electricity", "hydrogen", "wheat",
    }
    for name, entry in data["resources"].items():
        assert entry["sector"] in SECTORS, name
        assert entry["forms"], name
    assert set(data["sector_cues"]) <= set(SECTORS)
    for code in data["currencies"].values():
        assert code is None or re.fullmatch(r"[A-Z]{3}", code)


def test_with_the_actor_extractor(nlp):
    actors = pytest.importorskip("transforms.language.actors")
    text = ("Veldonia and Marhaven signed a $2 billion minerals agreement in Orsova on Wednesday. "
            "President Ana Korvel of Marhaven said the deal gives Veldonia 50% of revenues for 20 years. "
            "Kestria refused to sign a separate arms deal without security guarantees.")
    doc = nlp(text)
    mentions = actors.find_mentions(doc, ARTICLE)
    out = deals.find_deals(doc, mentions, ARTICLE, PUB)
    _check_invariants(text, out, mentions)
    assert {e["status"] for e in out["deal_events"]} >= {"signed", "rejected"}
    assert len({r["deal_ref"] for r in out["deal_mentions"]}) == 2


# --- rules added for issue #5 ------------------------------------------------------------------------

def test_negated_present_perfect_is_pending_not_stalled(run):
    out = run("Sarnovia opened talks on a loan with the Orvane Development Bank. No agreement has been signed.")
    assert not _events(out, "stalled")
    out = run("Veldonia has not signed the minerals agreement with Marhaven yet.")
    assert {e["status"] for e in _events(out)} == {"negotiating"}
    out = run("Veldonia did not sign the minerals agreement with Marhaven on Monday.")
    assert {e["status"] for e in _events(out)} == {"stalled"}


def test_talks_told_as_background_make_no_event(run):
    out = run("Veldonia and Marhaven signed a grain agreement on Wednesday, a month after talks began.")
    assert {e["status"] for e in _events(out)} == {"signed"}


def test_undated_retelling_takes_the_date_of_the_same_event(run):
    text = "Veldonia and Marhaven signed a minerals agreement on Monday.\nThe two presidents signed the agreement at a ceremony in Port Auren."
    out = run(text)
    signed = _events(out, "signed")
    assert len(signed) == 2 and {e["event_date"] for e in signed} == {"2026-03-02"}


def test_owner_of_an_organisation_is_not_a_party(run):
    out = run("Taluna signed a gas supply contract with Kestria's state-owned Ostrel Energy on Monday.")
    names = {name for name, _ in _parties(out)}
    assert "Ostrel Energy" in names and "Taluna" in names and "Kestria" not in names


def test_percent_before_a_rate_word_is_not_a_share(run):
    out = run("Under the agreement, Marhaven will scrap its 12 percent import tariff on Veldonian grain.")
    assert [a["attribute"] for a in out["deal_attributes"] if a["unit"] == "percent"] == ["other"]


def test_events_do_not_go_to_a_deal_the_sentence_sets_apart(run):
    out = run("Veldonia and Marhaven signed a grain agreement on Monday.\nThe talks are separate from the minerals agreement.")
    minerals = [m["deal_mention_id"] for m in out["deal_mentions"] if "minerals" in m["text"]]
    assert minerals and not [e for e in out["deal_events"] if e["deal_mention_id"] in minerals]


# --- round 2 of issue #5: terms away from the deal, owners, purchases, quotes, dates ----------------

def test_term_away_from_any_deal_mention_goes_to_the_paragraphs_deal(run):
    text = ("Veldonia and Marhaven are negotiating a minerals agreement.\n\n"
            "Officials met on Monday. The weather was mild. "
            "Marhaven continues to demand that 50% of revenues from lithium be paid to it.")
    out = run(text)
    shares = _attrs(out, "share")
    assert [a["value"] for a in shares] == ["50% of revenues from lithium"] or [a["value"][:3] for a in shares] == ["50%"]
    assert shares[0]["deal_mention_id"] == _first(out)["deal_mention_id"]
    assert "lithium" in [a["value"] for a in _attrs(out, "resource")]


def test_term_away_from_deal_mentions_is_read_by_its_resources(run):
    text = ("Veldonia and Marhaven are negotiating a lithium agreement.\n\n"
            "Veldonia also wants a separate defence accord. Officials met on Monday. The weather was mild. "
            "Marhaven continues to demand 50% of revenues from lithium.")
    out = run(text)
    lithium_deal = out["deal_mentions"][0]
    assert lithium_deal["text"] == "a lithium agreement"
    for a in _attrs(out, "share") + _attrs(out, "resource"):
        assert a["deal_mention_id"] == lithium_deal["deal_mention_id"], a


def test_quoted_terms_away_from_a_deal_are_not_terms(run):
    text = ("Veldonia and Marhaven are negotiating a minerals agreement.\n\n"
            "Officials met on Monday. The weather was mild. "
            "\"We want 50% of lithium revenues,\" Lena Droz said.")
    out = run(text)
    assert not _attrs(out, "share")


def test_single_deal_article_owns_its_amounts_in_sentences_about_terms(run):
    text = ("Sarnovia opened talks with Kessel Bank on a $2 billion loan.\n\n"
            "It rained in the capital. Officials met at noon. "
            "The government is seeking a 20-year repayment period.")
    out = run(text)
    assert [a["value"] for a in _attrs(out, "duration")] == ["20-year"]


def test_thresholds_losses_and_market_moves_are_not_terms(run):
    text = ("Sarnovia signed a $2 billion loan with Kessel Bank on Monday. "
            "Any foreign loan above $500 million must be ratified by parliament. "
            "Shares in Kessel Bank rose 4 percent after the signing.")
    out = run(text)
    values = [a["value"] for a in out["deal_attributes"]]
    assert "$2 billion" in values
    assert "$500 million" not in values and "4 percent" not in values


def test_durations_inside_quotes_are_not_terms(run):
    text = "Sarnovia signed a loan with Kessel Bank on Monday. \"We have waited for six months,\" Lena Droz said."
    out = run(text)
    assert not _attrs(out, "duration")


def test_term_near_a_fund_goes_to_the_agreement_that_sets_it_up(run):
    text = ("Marhaven wants Veldonia to sign the minerals agreement.\n\n"
            "In return, 50% of revenues would flow into the joint investment fund.")
    out = run(text)
    agreement = next(m for m in out["deal_mentions"] if m["text"] == "the minerals agreement")
    shares = _attrs(out, "share")
    assert shares and all(a["deal_mention_id"] == agreement["deal_mention_id"] for a in shares)


def test_not_part_of_the_final_text_is_absent(run):
    text = ("Veldonia and Marhaven signed the minerals agreement on Monday. "
            "The audit requirement that Veldonia had sought is not part of the final text.")
    out = run(text)
    assert [(a["value"], a["polarity"]) for a in _attrs(out, "condition")] == [("The audit requirement", "absent")]


@pytest.mark.parametrize("text", [
    "Taluna signed a gas supply contract with Kestria's state-owned Ostrel Energy.",
    "Taluna signed a gas supply contract with Kestria's Ostrel Energy.",
    "Taluna signed a frigate contract with a Kestrian shipyard on Monday.",
    "Taluna signed a gas supply contract with Ostrel Energy, Kestria's state-owned gas company.",
])
def test_the_owner_of_an_organisation_is_not_a_party(run, text):
    out = run(text)
    names = {name for name, _ in _parties(out)}
    assert "Taluna" in names
    assert not names & {"Kestria", "Kestrian"}


def test_the_seller_of_a_purchase_is_a_counterparty(run):
    out = run("Taluna signed a contract on Monday to buy two frigates from Brellmark Dredging.")
    assert ("Brellmark Dredging", "counterparty") in _parties(out)


def test_the_company_bought_is_a_counterparty(run):
    out = run("Ostrel Energy has agreed to buy Kessel Bank for $3 billion in a deal announced on Monday.")
    assert ("Kessel Bank", "counterparty") in _parties(out)
    assert _events(out, "agreed")


def test_awarding_a_contract_is_an_agreement(run):
    out = run("Veldonia has awarded a $340 million contract to Brellmark Dredging.")
    assert [e["status"] for e in _events(out)] == ["agreed"]
    assert {("Veldonia", "party"), ("Brellmark Dredging", "beneficiary")} <= _parties(out)


def test_subject_of_a_line_run_into_the_headline(run):
    text = ("Veldonia awards dredging contract to Brellmark Dredging\n\n"
            "The government of Veldonia has awarded a $340 million contract to deepen the harbour to Brellmark Dredging.")
    out = run(text)
    names = {name for name, _ in _parties(out)}
    assert "Veldonia" in names


def test_events_inside_direct_quotes_are_not_reported_events(run):
    text = ("Sarnovia signed the loan agreement with Kessel Bank on Monday. "
            "\"Sarnovia negotiated hard and we walked away twice,\" Lena Droz said.")
    out = run(text)
    assert [e["status"] for e in _events(out)] == ["signed"]


def test_attributive_proposed_is_no_proposal_event(run):
    out = run("Veldonia criticised a proposed minerals agreement with Marhaven.")
    assert not _events(out, "proposed")


def test_the_decision_to_do_something_is_no_event(run):
    text = ("Veldonia signed a frigate contract with Brellmark Dredging on Monday. "
            "Lawmakers questioned the decision to award the contract without a tender.")
    out = run(text)
    assert [e["status"] for e in _events(out)] == ["signed"]


def test_announcing_the_decision_dates_the_event_it_announces(run):
    text = ("Taluna has withdrawn from its gas supply contract with Ostrel Energy.\n\n"
            "Lena Droz announced the decision on Tuesday after a cabinet meeting.")
    out = run(text)
    dated = [(e["status"], e["event_date"]) for e in _events(out) if e["event_date"]]
    assert ("cancelled", "2026-03-03") in dated


def test_an_event_a_month_before_the_main_clause_is_dated_a_month_back(run):
    text = ("Veldonia and Marhaven resumed talks on the minerals agreement on Wednesday, "
            "a month after Veldonia refused to sign the deal.")
    out = run(text)
    rejected = _events(out, "rejected")
    assert [(e["event_date"], e["event_date_precision"]) for e in rejected] == [("2026-02-01", "month")]


def test_talks_that_end_without_agreement_are_talks_even_under_a_run_in_headline(run):
    text = ("Sarnovia and Kessel Bank clash as second round ends\n\n"
            "A second round of talks between Sarnovia and Kessel Bank over a $2 billion loan ended on "
            "Tuesday without agreement, with the two sides still divided over tariffs.")
    out = run(text)
    assert ("negotiating", "2026-03-03") in [(e["status"], e["event_date"]) for e in _events(out)]


def test_an_expected_status_is_not_a_retelling_of_the_dated_one(run):
    text = ("Sarnovia and Kessel Bank held talks on the loan on Tuesday. "
            "Lena Droz said she wants the loan signed before the end of May.")
    out = run(text)
    negotiating = sorted((e["event_date"] or "") for e in _events(out, "negotiating"))
    assert negotiating == ["", "2026-03-03"]


def test_place_without_an_entity_label_and_place_of_a_discussion(run):
    out = run("Lena Droz and Tomas Ilvar initialled the agreement in Amberfall on Tuesday.")
    assert [a["value"] for a in _attrs(out, "location")] == ["Amberfall"]
    out = run("Veldonia and Marhaven are negotiating a grain agreement. "
              "Under a draft discussed in Orsova, Marhaven would buy wheat from Veldonia.")
    assert [a["value"] for a in _attrs(out, "location")] == ["Orsova"]


def test_length_of_an_impasse_is_not_a_term(run):
    out = run("Marhaven offered a revised minerals agreement to break a two-month deadlock over the deal.")
    assert not _attrs(out, "duration")


def test_a_demanded_rise_is_a_term_a_market_move_is_not(run):
    out = run("Kessel Bank wants electricity tariffs to rise by 18 percent as a condition of the loan. "
              "Shares in Kessel Bank fell 3 percent after the loan was announced.")
    values = [a["value"] for a in out["deal_attributes"]]
    assert "18 percent" in values and "3 percent" not in values


@pytest.mark.parametrize("text, status", [
    ("Veldonia walked away from the proposed minerals deal on Monday.", "rejected"),
    ("Taluna withdrew from the gas supply talks with Ostrel Energy.", None),
    ("Taluna pulled out of the gas supply contract it had signed with Ostrel Energy in April.", "cancelled"),
    ("Taluna withdrew from the gas supply contract. It had agreed the terms of the contract in April.", "cancelled"),
    ("Taluna withdrew from the gas supply contract that Ostrel Energy had offered.", "rejected"),
])
def test_leaving_a_deal_cancels_it_only_when_it_was_concluded(run, text, status):
    out = run(text)
    setbacks = {e["status"] for e in _events(out) if e["status"] in ("rejected", "cancelled")}
    assert setbacks == ({status} if status else set()) or (status is None and setbacks <= {"rejected"})


# --- real-news shapes (issue 13), each in our own words ---------------------------------------------

def test_it_as_the_signer_is_the_company_that_said_so(run):
    out = run("Ostrel Energy said on Tuesday it signed a supply agreement to deliver gas to Taluna.")
    parties = {name for name, _ in _parties(out)}
    assert "Ostrel Energy" in parties
    assert any(e["actor_mention_id"] and out["_names"][e["actor_mention_id"]] == "Ostrel Energy" for e in _events(out, "signed"))


def test_whoever_a_deal_supplies_to_is_a_counterparty(run):
    out = run("Kessel Bank signed a three-year agreement to supply copper cathode to Brellmark Dredging.")
    assert ("Brellmark Dredging", "counterparty") in _parties(out)
    assert ("Kessel Bank", "signatory") in _parties(out)


def test_the_remainder_of_a_loan_cancelled_cancels_the_loan(run):
    out = run("Sarnovia agreed a $2 billion loan with the Kessel Bank in 2024. "
              "The finance minister said the remainder of the loan has been cancelled after a dispute.")
    assert _events(out, "cancelled")


def test_a_quote_that_tells_the_deal_passively_is_an_event_and_one_that_tells_the_speakers_act_is_not(run):
    out = run("Taluna's cabinet met on the frigate deal with Kestria. "
              "\u201cThe deal was approved at the meeting tonight,\u201d an official said.")
    assert _events(out, "agreed")
    out = run("Taluna and Kestria discussed the frigate deal. \u201cWe signed the deal,\u201d an official said.")
    assert not _events(out, "signed")


def test_an_act_under_a_deal_tells_the_deal_is_agreed_unless_another_event_is_told(run):
    out = run("Ostrel Energy will sell its graphite to Kessel Bank under a five-year deal, a source said.")
    assert [e["status"] for e in out["deal_events"]] == ["agreed"]
    assert ("Ostrel Energy", "party") in _parties(out) and ("Kessel Bank", "counterparty") in _parties(out)
    # a deal told as signed stays signed; a proposal is not agreed by what would be done under it
    out = run("Veldonia and Marhaven signed a graphite deal in May. Under the deal, Veldonia will sell graphite to Marhaven.")
    assert {e["status"] for e in out["deal_events"]} == {"signed"}
    out = run("Kestria put forward a gas proposal. Under the proposal, Ostrel Energy would deliver gas to Taluna.")
    assert not _events(out, "agreed")


@pytest.mark.parametrize("text, normalized", [
    ("Sarnovia signed a $240-million loan agreement with the Kessel Bank.", "240000000"),
    ("Sarnovia signed a $1.5-billion loan agreement with the Kessel Bank.", "1500000000"),
])
def test_hyphenated_amounts(run, text, normalized):
    values = [a["normalized"] for a in _attrs(run(text), "value")]
    assert normalized in [str(v).split(".")[0] for v in values], values


def test_a_contract_to_buy_from_a_seller_makes_the_seller_a_counterparty(run):
    out = run("Taluna has signed a contract to purchase 12 frigates from Kestria, the ministry said.")
    assert ("Kestria", "counterparty") in _parties(out) and ("Taluna", "signatory") in _parties(out)


@pytest.mark.parametrize("text", [
    "Officials said the agreement on Kestrian radar systems' delivery to Marhaven had been signed.",
    "The minister said the contract for the delivery of a Kestrian radar system to Marhaven was signed on Monday.",
])
def test_a_deal_for_a_delivery_names_the_supplier_and_the_receiver(run, text):
    parties = _parties(run(text))
    assert ("Marhaven", "counterparty") in parties and ("Kestrian", "party") in parties


def test_the_sale_to_a_country_makes_it_a_counterparty(run):
    out = run("The deal for the sale of four Kestrian patrol boats to Marhaven was approved on Monday.")
    assert _parties(out) == {("Kestrian", "party"), ("Marhaven", "counterparty")}


def test_where_a_delivery_comes_from_is_no_counterparty(run):
    out = run("The contract for the delivery of Kestrian sand from Marhaven was signed on Monday.")
    assert _parties(out) == {("Kestrian", "party")}  # only "to X" names the receiver


def test_a_stake_sold_is_a_deal_with_its_seller_buyer_and_price(run):
    out = run("Kestrian billionaire Lena Droz has sold a 30% stake she owns in Brellmark Dredging to Marhaven for $40 million.")
    assert _first(out)["deal_type"] == "purchase"
    assert _parties(out) == {("Lena Droz", "party"), ("Marhaven", "counterparty")}  # not Kestria: her nationality
    assert [e["status"] for e in _events(out)] == ["agreed"]
    assert "40000000" in [a["normalized"] for a in _attrs(out, "value")]


@pytest.mark.parametrize("text", [
    "Ostrel Energy holds a 30% stake in Brellmark Dredging.",                       # owned, not sold
    "Ostrel Energy bought the stake in Brellmark Dredging from Kestria in 2019.",   # the stake: maybe an earlier sale
    "Ostrel Energy will acquire a 40% stake in the new joint venture with Kessel Bank.",  # a term of the venture
])
def test_a_stake_is_a_deal_only_when_one_changes_hands_as_news(run, text):
    assert not [m for m in run(text)["deal_mentions"] if m["text"].endswith("stake")]


def test_sold_it_is_no_event_without_a_deal_named(run):
    out = run("Kestria signed a supply agreement with Ostrel Energy. Ostrel Energy later sold it to Kessel Bank.")
    assert [e["status"] for e in _events(out)] == ["signed"]


def test_an_exploitation_licence_is_a_concession(run):
    out = run("Brellmark Dredging said the exploitation licence from Marhaven was signed for 25 years.")
    assert _first(out)["deal_type"] == "concession"


def test_a_licence_without_a_qualifier_is_no_deal(run):
    assert run("Ana Korvel renewed her driving licence in Marhaven.")["deal_mentions"] == []


def test_on_track_to_reach_an_agreement_is_not_agreed(run):
    out = run("Negotiators from Kestria and Marhaven appeared on track to reach an agreement on Friday.")
    assert "agreed" not in [e["status"] for e in _events(out)]


def test_a_present_time_clause_of_a_future_clause_is_not_done(run):
    out = run("Kestria signed the loan agreement with Marhaven. Further approvals will be required as the "
              "agreement is implemented.")
    assert "implemented" not in [e["status"] for e in _events(out)]


def test_a_vote_on_the_ratification_of_a_deal_ratifies_it(run):
    out = run("The Marhaveni Senate voted to concur with the House on the ratification of a loan agreement "
              "with the Orvane Development Bank.")
    assert "ratified" in [e["status"] for e in _events(out)]


def test_a_ratification_sought_is_not_done(run):
    out = run("Marhaven is seeking the ratification of a loan agreement with the Orvane Development Bank.")
    assert "ratified" not in [e["status"] for e in _events(out)]


def test_he_who_announced_the_deal_is_the_person_who_reached_it(run):
    out = run("Marhaveni President Ana Korvel has announced that she has reached a major tariff agreement with Veldonia.")
    assert _parties(out) == {("Marhaveni", "party"), ("Veldonia", "party")}  # she: Ana Korvel, for Marhaven

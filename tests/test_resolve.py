"""Cross-article resolution on hand-made extractions (no spaCy, no Prefect)."""
from __future__ import annotations

from transforms.ids import sha256_text
from transforms.release.resolve import resolve


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


# --- rules added for issue #5 ------------------------------------------------------------------------

from transforms.release.resolve import STATUS_RANK, event_day, party_actor_map  # noqa: E402


def test_party_actor_map_keeps_identifiable_parties_and_speaks_for_countries():
    """Demonyms and mistyped countries are joined earlier, by canonical_actor_keys (tests below);
    the party map only decides who can be a party and for whom a person acts."""
    actors = {
        "c1": {"actor_id": "c1", "name": "Sarnovia", "actor_type": "country", "mention_count": 5, "title": None},
        "p2": {"actor_id": "p2", "name": "Ruta Vell", "actor_type": "person", "mention_count": 3, "title": "Sarnovian Finance Minister"},
        "p3": {"actor_id": "p3", "name": "Anselm Vickery", "actor_type": "person", "mention_count": 3, "title": "president"},
        "o1": {"actor_id": "o1", "name": "Orvane Development Bank", "actor_type": "organization", "mention_count": 4, "title": None},
        "o2": {"actor_id": "o2", "name": "government", "actor_type": "organization", "mention_count": 1, "title": None},
        "a1": {"actor_id": "a1", "name": "senior official", "actor_type": "anonymous", "mention_count": 2, "title": None},
        "g1": {"actor_id": "g1", "name": "analysts", "actor_type": "group", "mention_count": 1, "title": None},
    }
    mapped = party_actor_map(actors)
    assert mapped["c1"] == mapped["p2"] == "c1"      # "Sarnovian Finance Minister" acts for Sarnovia
    assert mapped["o1"] == "o1" and mapped["p3"] == "p3"
    assert mapped["o2"] is None and mapped["a1"] is None and mapped["g1"] is None


def test_event_day_is_never_after_publication():
    article = {"published_at": "2026-05-28T12:00:00+00:00"}
    assert event_day({"event_date": "2026-06-01"}, article) == "2026-05-28"  # "expected to sign next week"
    assert event_day({"event_date": "2026-01-01"}, article) == "2026-01-01"  # recalled: keeps its date
    assert event_day({"event_date": None}, article) == "2026-05-28"
    assert STATUS_RANK["cancelled"] > STATUS_RANK["rejected"] > STATUS_RANK["agreed"]


def _one_event_extraction(aid, text, events, sector="oil_gas", resources=("natural_gas",)):
    ex = _extraction(aid, text, sector=sector, resources=resources)
    ex["deal_events"] = [
        {"event_id": f"{aid}-e{i}", "deal_mention_id": f"{aid}-d", "article_id": aid, "status": status,
         "event_date": date, "event_date_precision": "day" if date else None, "actor_mention_id": None,
         "start": start, "end": start + 9, "text": text[start:start + 9], "extractor_version": "t"}
        for i, (status, date, start) in enumerate(events)]
    return ex


def test_status_cancelled_today_beats_agreed_recalled_and_same_day_rejection():
    a1, a2 = _article("a1", TEXT1, "2026-04-15T00:00:00+00:00"), _article("a2", TEXT2, "2026-09-16T00:00:00+00:00")
    rows = resolve([a1, a2], {
        "a1": _one_event_extraction("a1", TEXT1, [("agreed", "2026-04-14", 0)]),
        "a2": _one_event_extraction("a2", TEXT2, [("cancelled", None, 0), ("rejected", None, 30), ("agreed", "2026-04-01", 50)]),
    })
    deal = rows["deals"][0]
    assert deal["status"] == "cancelled" and deal["status_date"] is None
    assert sorted(e["event_date"] or "-" for e in rows["deal_events"] if e["status"] == "agreed") == ["2026-04-01", "2026-04-14"]


def test_planned_date_does_not_make_an_expectation_the_latest_status():
    a1, a2 = _article("a1", TEXT1, "2026-05-28T00:00:00+00:00"), _article("a2", TEXT2, "2026-05-30T00:00:00+00:00")
    rows = resolve([a1, a2], {
        "a1": _one_event_extraction("a1", TEXT1, [("negotiating", "2026-06-03", 0)]),
        "a2": _one_event_extraction("a2", TEXT2, [("signed", "2026-05-29", 0)]),
    })
    assert rows["deals"][0]["status"] == "signed"


def test_deal_named_without_parties_joins_the_one_deal_of_its_sector_and_parties():
    a1, a2 = _article("a1", TEXT1, "2026-01-01T00:00:00+00:00"), _article("a2", TEXT2, "2026-02-01T00:00:00+00:00")
    orphan = _extraction("a2", TEXT2, resources=())
    orphan["deal_mentions"][0]["parties"] = []
    rows = resolve([a1, a2], {"a1": _extraction("a1", TEXT1), "a2": orphan})
    assert len(rows["deals"]) == 1 and rows["deals"][0]["article_count"] == 2
    # of another sector, it joins nothing and is left out
    orphan["deal_mentions"][0]["sector"] = "trade"
    rows = resolve([a1, a2], {"a1": _extraction("a1", TEXT1), "a2": orphan})
    assert len(rows["deals"]) == 1 and rows["deals"][0]["article_count"] == 1


def test_two_deals_between_the_same_parties_stay_apart():
    a1, a2 = _article("a1", TEXT1, "2026-01-01T00:00:00+00:00"), _article("a2", TEXT2, "2026-02-01T00:00:00+00:00")
    rows = resolve([a1, a2], {"a1": _extraction("a1", TEXT1),
                              "a2": _extraction("a2", TEXT2, sector="trade", resources=("wheat",))})
    assert len(rows["deals"]) == 2
    assert all("Korvel" not in d["name"] for d in rows["deals"])


def test_a_quote_speaks_about_the_deal_named_by_it_its_paragraph_or_its_article():
    from transforms.release.resolve import quote_deal

    text = ("Talks on the grain pact went on.\n\n"
            "\u201cWe are close,\u201d said Ada Korvel.\n\n"
            "The loan was signed on Monday. \u201cIt is done,\u201d said Ruta Vell.\n\n"
            "\u201cNobody expected this,\u201d a farmer said.")

    def span(s):
        i = text.index(s)
        return {"start": i, "end": i + len(s)}

    grain = {**span("grain pact"), "deal_id": "grain"}
    loan_event = {**span("The loan was signed"), "deal_id": "loan"}
    # named next to the quote, in its paragraph
    assert quote_deal(span("It is done,"), [grain, loan_event], text) == "loan"
    # a paragraph with no deal, in an article about two deals: no guess
    assert quote_deal(span("We are close,"), [grain, loan_event], text) is None
    # an article about a single deal: its quotes speak about it
    assert quote_deal(span("Nobody expected this,"), [grain], text) == "grain"


# --- issue #4: one actor per real-world actor across articles ---------------------------------------

from transforms.ids import make_id  # noqa: E402
from transforms.release.resolve import canonical_actor_keys, resolve_actors  # noqa: E402


def _m(aid, text, needle, actor_type, key, title=None, nth=0):
    """A mention of ``needle`` (its nth occurrence) in ``text``: text[start:end] == needle."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    assert text[start:start + len(needle)] == needle
    return _mention(aid, start, start + len(needle), needle, actor_type, key, title=title)


def _actors(*docs):
    """resolve_actors over (article_id, [mentions]) pairs: name -> actor row, and mention text -> actor."""
    extractions = {aid: {"mentions": ms} for aid, ms in docs}
    actors, _, rows, _ = resolve_actors(extractions)
    by_id = {a["actor_id"]: a for a in actors}
    return actors, {(r["article_id"], r["text"]): by_id[r["actor_id"]] for r in rows}


def test_demonyms_join_their_country_across_articles():
    t1, t2, t3 = "Sarnovia signed.", "The Sarnovian minister and Sarnovians cheered.", "Marhaven objected. Marhaveni ships left."
    actors, of = _actors(
        ("a1", [_m("a1", t1, "Sarnovia", "country", "sarnovia")]),
        ("a2", [_m("a2", t2, "Sarnovian", "country", "sarnovian"), _m("a2", t2, "Sarnovians", "group", "sarnovians")]),
        ("a3", [_m("a3", t3, "Marhaven", "person", "marhaven"), _m("a3", t3, "Marhaveni", "country", "marhaveni")]),
        ("a4", [_m("a4", "Marhaven and Sarnovia met.", "Marhaven", "country", "marhaven")]),
    )
    assert of[("a2", "Sarnovian")] is of[("a1", "Sarnovia")] is of[("a2", "Sarnovians")]
    assert of[("a3", "Marhaven")] is of[("a3", "Marhaveni")] is of[("a4", "Marhaven")]
    assert of[("a1", "Sarnovia")]["actor_id"] == make_id("actor", "country", "sarnovia")
    assert of[("a3", "Marhaveni")]["name"] == "Marhaven" and of[("a3", "Marhaveni")]["actor_type"] == "country"


def test_demonym_before_title_words_or_government_is_the_country_and_a_ministry_is_not():
    keys = canonical_actor_keys([
        _m("a1", "Taluna agreed.", "Taluna", "country", "taluna"),
        _m("a2", "Sarnovia signed.", "Sarnovia", "country", "sarnovia"),
        _m("a3", "Sarnovian Finance Minister Ruta Vell", "Sarnovian Finance", "person", "sarnovian finance"),
        _m("a4", "the Talunan government said", "Talunan government", "organization", "talunan government"),
        _m("a5", "the Sarnovian Finance Ministry said", "Sarnovian Finance Ministry", "organization",
           "sarnovian finance ministry"),
    ])
    assert keys[("person", "sarnovian finance")] == ("country", "sarnovia")
    assert keys[("organization", "talunan government")] == ("country", "taluna")
    assert keys[("organization", "sarnovian finance ministry")] == ("organization", "sarnovian finance ministry")


def test_surname_alone_joins_the_one_full_name_across_articles():
    t1, t2 = "Mikel Arsen, a spokesman, said no.", "Arsen said the text was final."
    actors, of = _actors(("a1", [_m("a1", t1, "Mikel Arsen", "person", "mikel arsen", title="spokesman")]),
                         ("a2", [_m("a2", t2, "Arsen", "person", "arsen")]))
    assert of[("a2", "Arsen")] is of[("a1", "Mikel Arsen")]
    assert of[("a2", "Arsen")]["actor_id"] == make_id("actor", "person", "mikel arsen")


def test_surname_shared_by_two_people_goes_by_title_or_stays_apart():
    t1, t2 = "Finance Minister Ruta Vell spoke.", "Dara Vell, a farmer, spoke."
    t3, t4 = "Vell, the minister, said no.", "Vell said no."
    actors, of = _actors(("a1", [_m("a1", t1, "Ruta Vell", "person", "ruta vell", title="Finance Minister")]),
                         ("a2", [_m("a2", t2, "Dara Vell", "person", "dara vell", title="farmer")]),
                         ("a3", [_m("a3", t3, "Vell", "person", "vell", title="minister")]),
                         ("a4", [_m("a4", t4, "Vell", "person", "vell")]))
    assert of[("a1", "Ruta Vell")] is not of[("a2", "Dara Vell")]
    # "Vell" with the title "minister" in one article, untitled in another: the key "vell" is
    # titled "minister" overall, so it is Finance Minister Ruta Vell, never the farmer.
    assert of[("a3", "Vell")] is of[("a1", "Ruta Vell")]
    keys = canonical_actor_keys([_m("a1", t1, "Ruta Vell", "person", "ruta vell", title="Finance Minister"),
                                 _m("a2", t2, "Dara Vell", "person", "dara vell", title="farmer"),
                                 _m("a4", t4, "Vell", "person", "vell")])
    assert keys[("person", "vell")] == ("person", "vell")           # no evidence: not merged on a guess


def test_surname_alone_with_a_clashing_title_stays_apart():
    keys = canonical_actor_keys([
        _m("a1", "Finance Minister Ruta Vell spoke.", "Ruta Vell", "person", "ruta vell", title="Finance Minister"),
        _m("a2", "Vell, a farmer, said no.", "Vell", "person", "vell", title="farmer"),
    ])
    assert keys[("person", "vell")] == ("person", "vell")


def test_organisation_short_form_joins_its_full_name_and_ids_stay_stable():
    t1, t2 = "Ostrel Energy offered gas.", "Ostrel said no."
    one, of1 = _actors(("a1", [_m("a1", t1, "Ostrel Energy", "organization", "ostrel energy")]))
    both, of2 = _actors(("a1", [_m("a1", t1, "Ostrel Energy", "organization", "ostrel energy")]),
                        ("a2", [_m("a2", t2, "Ostrel", "organization", "ostrel")]))
    assert of2[("a2", "Ostrel")] is of2[("a1", "Ostrel Energy")]
    assert of1[("a1", "Ostrel Energy")]["actor_id"] == of2[("a1", "Ostrel Energy")]["actor_id"]
    assert len(both) == 1


# --- issue #4: spelling variants, misspellings, initials -----------------------------------------------


def test_transliterated_spellings_are_one_person_keyed_by_the_earliest_article_and_namesakes_stay_apart():
    t1, t2, t3 = "Yuri Tcharovsky spoke.", "Iurii Charovskiy spoke.", "Juri Tscharowski and Pavel Tscharowski spoke."
    mentions = [_m("a1", t1, "Yuri Tcharovsky", "person", "yuri tcharovsky", title="Energy Minister"),
                _m("a2", t2, "Iurii Charovskiy", "person", "iurii charovskiy", title="Energy Minister"),
                _m("a3", t3, "Juri Tscharowski", "person", "juri tscharowski", title="Energy Minister"),
                _m("a3", t3, "Pavel Tscharowski", "person", "pavel tscharowski", title="energy analyst")]
    order = {"a1": "2026-11-27", "a2": "2026-11-28", "a3": "2026-11-29"}
    keys = canonical_actor_keys(mentions, order)
    assert {keys[("person", k)] for k in ("yuri tcharovsky", "iurii charovskiy", "juri tscharowski")} == {
        ("person", "yuri tcharovsky")}
    assert keys[("person", "pavel tscharowski")] == ("person", "pavel tscharowski")       # first names clash
    # adding a later article with a new spelling does not rename the person
    later = canonical_actor_keys(mentions + [_m("a4", "Yury Tcharovskij spoke.", "Yury Tcharovskij", "person",
                                                "yury tcharovskij")], order | {"a4": "2026-12-01"})
    assert later[("person", "yury tcharovskij")] == ("person", "yuri tcharovsky")
    # a surname alone in a spelling of its own joins the one bearer whose title fits
    alone = canonical_actor_keys(mentions + [_m("a5", "Charovskiy, the minister, spoke.", "Charovskiy", "person",
                                                "charovskiy", title="minister")], order)
    assert alone[("person", "charovskiy")] == ("person", "yuri tcharovsky")


def test_one_letter_misspelling_merges_only_with_the_same_first_name_and_a_shared_title():
    base = [_m("a1", "Prime Minister Emil Dracka spoke.", "Emil Dracka", "person", "emil dracka", title="Prime Minister")]
    keys = canonical_actor_keys(base + [_m("a2", "Prime Minister Emil Drecka spoke.", "Emil Drecka", "person",
                                           "emil drecka", title="Prime Minister")], {"a1": 1, "a2": 2})
    assert keys[("person", "emil drecka")] == ("person", "emil dracka")
    keys = canonical_actor_keys(base + [_m("a2", "Emil Drecka, a farmer, spoke.", "Emil Drecka", "person",
                                           "emil drecka", title="farmer")])
    assert keys[("person", "emil drecka")] == ("person", "emil drecka")           # no shared evidence
    keys = canonical_actor_keys(base + [_m("a2", "Prime Minister Anna Drecka spoke.", "Anna Drecka", "person",
                                           "anna drecka", title="Prime Minister")])
    assert keys[("person", "anna drecka")] == ("person", "anna drecka")           # another first name


def test_initials_join_the_organisation_and_the_state_named_in_full():
    keys = canonical_actor_keys([
        _m("a1", "The Sarnovian Grid Authority said so.", "Sarnovian Grid Authority", "organization", "sarnovian grid authority"),
        _m("a2", "The SGA said so.", "SGA", "organization", "sga"),
        _m("a3", "Sga said so.", "Sga", "organization", "sga2"),
        _m("a4", "The Federated Republic of Kestria agreed.", "Federated Republic of Kestria", "country", "kestria"),
        _m("a5", "The FRK government said so.", "FRK government", "organization", "frk government"),
    ])
    assert keys[("organization", "sga")] == ("organization", "sarnovian grid authority")
    assert keys[("organization", "frk government")] == ("country", "kestria")


def test_middle_initials_and_suffixes_must_agree_and_a_bare_name_between_two_stays_apart():
    m = lambda aid, name: _mention(aid, 0, len(name), name, "person", name.lower().replace(".", ""))  # noqa: E731
    keys = canonical_actor_keys([m("a1", "Oren K. Talbot"), m("a2", "Oren R. K. Talbot"), m("a3", "Oren Talbot"),
                                 m("a4", "Levi Marsh Jr."), m("a5", "Levi Marsh III"), m("a6", "Ada B. Korvel"),
                                 m("a7", "Ada Korvel")])
    assert keys[("person", "oren k talbot")] != keys[("person", "oren r k talbot")]     # two people
    assert keys[("person", "oren talbot")] == ("person", "oren talbot")               # which of them: not said
    assert keys[("person", "levi marsh jr")] != keys[("person", "levi marsh iii")]
    assert keys[("person", "ada b korvel")] == keys[("person", "ada korvel")]          # one middle initial: one person


def _offtake(aid, text, names, resources=("graphite",)):
    """An extraction of one graphite offtake whose parties are the organisations ``names``."""
    mentions = [_mention(aid, text.index(n), text.index(n) + len(n), n, "organization", n.lower()) for n in names]
    deal = text.index("offtake")
    dm = {"deal_mention_id": f"{aid}-d", "deal_ref": f"{aid}-d", "article_id": aid, "start": deal, "end": deal + 7,
          "text": "offtake", "deal_type": "supply", "sector": "minerals", "resources": list(resources),
          "parties": [{"mention_id": m["mention_id"], "role": "party"} for m in mentions], "extractor_version": "t"}
    event = {"event_id": f"{aid}-e", "deal_mention_id": f"{aid}-d", "article_id": aid, "status": "signed",
             "event_date": None, "event_date_precision": None, "actor_mention_id": None,
             "start": deal, "end": deal + 7, "text": "offtake", "extractor_version": "t"}
    return {"mentions": mentions, "quotes": [], "deal_mentions": [dm], "deal_attributes": [], "deal_events": [event]}


def test_offtakes_of_one_metal_with_different_company_pairs_stay_apart_even_through_a_deal_without_parties():
    texts = {"a1": "Brellmark Mining signed a graphite offtake with Ostrel Cells.",
             "a2": "A graphite offtake was signed this week, the trade press said.",
             "a3": "Brellmark Mining signed a graphite offtake with Kessel Anodes.",
             "a4": "Ostrel Cells confirmed the graphite offtake with Brellmark Mining."}
    names = {"a1": ["Brellmark Mining", "Ostrel Cells"], "a2": [], "a3": ["Brellmark Mining", "Kessel Anodes"],
             "a4": ["Ostrel Cells", "Brellmark Mining"]}
    articles = [_article(a, t, f"2026-0{n}-01T00:00:00+00:00") for n, (a, t) in enumerate(texts.items(), 1)]
    rows = resolve(articles, {a: _offtake(a, t, names[a]) for a, t in texts.items()})
    by_article = {}
    for m in rows["deal_mentions"]:
        by_article[m["article_id"]] = m["deal_id"]
    # one shared company is not enough when both sides name two: a1 and a3 are two deals ...
    assert by_article["a1"] != by_article["a3"]
    # ... a4 names a1's pair and joins it; the deal without parties joins at most one of them
    assert by_article["a4"] == by_article["a1"]
    parties = {d: {p["actor_id"] for p in rows["deal_parties"] if p["deal_id"] == d} for d in set(by_article.values())}
    assert all(len(p) <= 2 for p in parties.values()), parties

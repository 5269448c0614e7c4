"""Step 1, places that do not act: takes typed candidates and drops the names used as places ("in Drysk",
"the Greyhollow basin"); a capital that acts becomes its country's government."""
from __future__ import annotations

from .countries import capital_of, country_name, looks_like_demonym
from .spans import Candidate, span_text
from .spelling import norm, state_short_name
from .vocabulary import (
    COUNTRY, DEAL_NOUNS, FROM_PARTY_LEMMAS, LOCATIVE_PREPS, MOTION_LEMMAS, ORG, ORG_HEADS, PERSON,
    PLACE_NOUNS, ROLE_WORDS, ROUTE_NOUNS, STATE_NOUNS, SUPRANATIONAL, TITLE_MODIFIERS,
)


def _span_root(doc, c: "Candidate"):
    """The token of a candidate's span whose head lies outside it."""
    for tok in doc[c.i:c.j]:
        if not (c.i <= tok.head.i < c.j) or tok.head.i == tok.i:
            return tok
    return doc[c.j - 1]


def is_place_use(doc, c: "Candidate") -> bool:
    """A name used as a place, not as an actor: the object of a locative preposition ("in Drysk",
    "travelled to Telvadra"), "of" after a place noun ("the port of Saltreach"), or a modifier of
    a place noun ("the Greyhollow basin", "the Varska hills")."""
    if is_dateline(doc, c):
        return True
    root = _span_root(doc, c)
    while root.dep_ == "conj" and root.head.i < root.i:     # "between Lindmoor and Varska"
        root = root.head
    head = root.head
    if root.dep_ == "pobj" and head.i != root.i:
        low = head.lower_
        if low == "from" and head.head.lemma_.lower() in FROM_PARTY_LEMMAS:
            return False           # "buy electricity from Taluna": a party, not a place
        if low in LOCATIVE_PREPS:
            return True
        if low == "between" and head.head.lower_ in PLACE_NOUNS | ROUTE_NOUNS:
            return True
        if low == "to" and head.head.pos_ in ("VERB", "NOUN") and head.head.lemma_.lower() in MOTION_LEMMAS:
            return True
        if low == "of" and head.head.lower_ in PLACE_NOUNS:
            return True
        return False
    if root.dep_ in ("compound", "amod", "nmod") and head.i >= c.j and head.lower_ in PLACE_NOUNS \
            and head.lower_ not in STATE_NOUNS:
        return True
    if root.dep_ == "appos" and head.lower_ in PLACE_NOUNS:
        return True
    return False


_DATELINE_MARKS = frozenset({"(", "—", "―", "–", "-", "--", ","})


def is_dateline(doc, c: "Candidate") -> bool:
    """A place in capitals opening a paragraph before a dash or "(AP)": "WASHINGTON (AP) — ..."."""
    at_start = c.i == 0 or "\n" in doc[c.i - 1].whitespace_ or "\n" in doc[c.i - 1].text
    text = span_text(doc, c.i, c.j)
    return at_start and text.isupper() and c.j < len(doc) and doc[c.j].text in _DATELINE_MARKS


def after_dateline(doc, i: int, j: int) -> int:
    """Where a name starts in an entity that a dateline runs into ("CLEVELAND - Tomas Ilvar"):
    after the capitals and the dash that open the paragraph; ``i`` when there is no dateline."""
    if not (i == 0 or "\n" in doc[i - 1].whitespace_ or "\n" in doc[i - 1].text):
        return i
    k = i
    while k < j and doc[k].is_alpha and doc[k].text.isupper():
        k += 1
    if i < k < j - 1 and doc[k].text in _DATELINE_MARKS and doc[k].text not in ("(", ","):
        return k + 1
    return i


def _place_modifier(doc, c: "Candidate") -> bool:
    """A one-word "person" that is a place: "the Oskel ridge", "the mines in Greyhollow"."""
    root = _span_root(doc, c)
    while root.dep_ == "conj" and root.head.i < root.i:
        root = root.head
    if root.dep_ in ("compound", "amod", "nmod") and root.head.i >= c.j and root.head.lower_ in PLACE_NOUNS:
        return True
    if root.dep_ == "pobj" and root.head.lower_ == "between":
        return root.head.head.lower_ in PLACE_NOUNS | ROUTE_NOUNS
    # "the mines in Greyhollow" (a "person"); an organisation "in Congress" stays an actor
    return c.label == "PERSON" and root.dep_ == "pobj" and root.head.lower_ in ("in", "at", "near", "on")


def _modifier_of_noun(doc, c: "Candidate") -> bool:
    """The name modifies a common noun after it ("the Amberfall administrative court", "the
    Amberfall consultancy"): a place name, not the actor."""
    root = _span_root(doc, c)
    head = root.head
    return root.dep_ in ("compound", "amod", "nmod") and head.i >= c.j and head.pos_ == "NOUN" \
        and head.lower_ not in STATE_NOUNS and head.lower_ not in ROLE_WORDS and head.lower_ not in TITLE_MODIFIERS \
        and head.lower_ not in ORG_HEADS and head.lemma_.lower() not in DEAL_NOUNS


def _names_a_thing(doc, c: "Candidate") -> bool:
    """A capital that names something after it ("the Paris accord", "a Washington event",
    "Washington-based"): the place, not the government; "the Paris government" is the state."""
    root = _span_root(doc, c)
    head = root.head
    if c.j < len(doc) and doc[c.j].text == "-":
        return True
    return root.dep_ in ("compound", "amod", "nmod", "npadvmod") and head.i >= c.j and head.lower_ not in STATE_NOUNS


def drop_places(doc, cands: list["Candidate"], backed: set[str]) -> list["Candidate"]:
    """Places that are not actors: a name that is no known country (a city, a region, a
    fictional name without a demonym in the article) and that every occurrence uses as a place
    ("in Drysk", "the Greyhollow basin"). A name that acts anywhere in the article ("Paris
    refused") stays, and a capital that acts is its country's government."""
    candidates = [c for c in cands if c.actor_type in (COUNTRY, ORG, PERSON) and c.label in ("GPE", "ORG", "PERSON")]
    by_name: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_name.setdefault(norm(span_text(doc, c.i, c.j)), []).append(c)
    drop = set()
    for name, occurrences in by_name.items():
        first = occurrences[0]
        kind = _place_kind(first, name, backed)
        if kind is None:
            continue
        if kind == "modifier":
            if all(_place_modifier(doc, c) for c in occurrences):
                drop.update(id(c) for c in occurrences)
            continue
        code = capital_of(name) if kind == "capital" else None
        places = sum(is_place_use(doc, c) for c in occurrences)
        if kind == "place" and 2 * places >= len(occurrences):
            drop.update(id(c) for c in occurrences)      # mostly a place: its other uses are metonyms or misparses
            continue
        for c in occurrences:
            if is_place_use(doc, c) or (kind == "place" and _modifier_of_noun(doc, c)) \
                    or (kind == "capital" and _names_a_thing(doc, c)):
                drop.add(id(c))
            elif code:
                c.actor_type, c.country_code, c.key, c.name = COUNTRY, code, code, country_name(code)
    return [c for c in cands if id(c) not in drop]


def _place_kind(c: "Candidate", name: str, backed: set[str]) -> str | None:
    """"capital", "place" or None (not a place name): what a typed candidate's name may be."""
    if c.actor_type == COUNTRY and c.country_code and c.key == c.country_code or name in SUPRANATIONAL:
        return None                                   # a real country (or its demonym), the E.U.
    if capital_of(name) and c.label in ("GPE", "ORG"):
        return "capital"
    if c.label != "NORP" and c.actor_type == COUNTRY and not c.country_code and name not in backed \
            and c.key == name and not state_short_name(name) and not looks_like_demonym(name) \
            and not (len(name) <= 4 and " " not in name):      # "VA", "FRK": initials, not a place
        return "place"                                # a fictional name no demonym backs
    if c.label == "GPE" and c.actor_type == ORG:
        return "place"                                # a subdivision or a county: local government if it acts
    if c.label in ("PERSON", "ORG") and c.j - c.i == 1 and c.actor_type in (PERSON, ORG):
        return "modifier"                             # "the Greyhollow basin" tagged a person
    return None

"""Step 4, in text order: takes the candidates so far and gives anonymous sources ("a senior official"),
generic groups ("analysts") and definite descriptions resolved to an earlier actor ("the minister")."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from .countries import looks_like_demonym
from .nouns import descriptor_span, determiner
from .org_descriptions import resolve_org_description
from .person_descriptions import describe_person
from .spans import Candidate, span_text
from .spelling import norm
from .vocabulary import (
    ANON, ANON_HEADS, COMPANY_TRADE_NOUNS, COUNTRY, DEFINITE, GENERIC_HEADS, GROUP, GROUP_HEADS, ORG, ORG_HEAD_PHRASES,
    ORG_HEADS, PEOPLE_QUALIFIERS, PERSON, PORTFOLIO_MODIFIERS, ROLE_WORDS, TITLE_MODIFIERS,
)


def _near_person(doc, tok, by_token) -> bool:
    """The noun is a title of a named person ("spokeswoman Lena Droz", "Droz, a spokeswoman")."""
    if tok.dep_ in ("compound", "attr", "oprd", "acomp"):
        return True
    if tok.dep_ == "appos":
        c = by_token.get(tok.head.i)
        if c is not None and c.actor_type == PERSON:
            return True
    for child in tok.children:
        if child.dep_ in ("appos", "compound"):
            c = by_token.get(child.i)
            if c is not None and c.actor_type == PERSON:
                return True
    nxt = tok.i + 1
    if nxt < len(doc) and doc[nxt].text == ",":
        nxt += 1
    c = by_token.get(nxt) if nxt < len(doc) else None
    if c is not None and c.actor_type == PERSON and nxt == c.i:
        return True
    if tok.dep_ == "pobj" and tok.head.lower_ == "as":
        return True
    return False


@dataclass
class _Antecedents:
    """What a description of an article may stand for, in text order: named persons (and the
    words of their titles), organisations, countries, and the anonymous actors opened so far."""
    persons: list[Candidate]
    person_starts: list[int]
    titles_of: dict[str, set[str]]
    orgs: list[Candidate]
    countries: list[Candidate]
    anon_seen: list[Candidate] = field(default_factory=list)


def _antecedents(cands: list[Candidate]) -> _Antecedents:
    persons = sorted((c for c in cands if c.actor_type == PERSON), key=lambda c: c.i)
    person_starts = [c.i for c in persons]
    titles_of: dict[str, set[str]] = {}
    for c in persons:
        if c.title:
            titles_of.setdefault(c.key, set()).update(w for w in norm(c.title).split())
    orgs = sorted((c for c in cands if c.actor_type == ORG and c.key), key=lambda c: c.i)
    countries = sorted((c for c in cands if c.actor_type == COUNTRY and c.key), key=lambda c: c.i)
    return _Antecedents(persons, person_starts, titles_of, orgs, countries)


def descriptions(doc, article_id: str, cands: list[Candidate], taken: list[bool], by_token) -> list[Candidate]:
    """Anonymous sources, generic groups and definite role descriptions, in text order.

    "a senior Veldonian official" opens an anonymous actor; a later "the official" joins the
    most recent anonymous actor with the same head and number, else a named person whose title
    holds the words ("the minister" -> Finance Minister Ada Korvel), else opens a new one.
    """
    ante = _antecedents(cands)
    out: list[Candidate] = []
    for tok in doc:
        low = tok.lower_
        if taken[tok.i] or tok.pos_ not in ("NOUN", "PROPN") or (tok.pos_ == "PROPN" and not tok.is_sent_start and not tok.is_lower):
            continue
        phrase = f"{doc[tok.i - 1].lower_} {low}" if tok.i and doc[tok.i - 1].dep_ in ("compound", "amod") else ""
        if phrase in ORG_HEAD_PHRASES and determiner(tok) == "the" and not taken[tok.i - 1]:
            c = _org_description(doc, tok, ante, taken, company=True)   # "the trading house"
        elif low in COMPANY_TRADE_NOUNS and determiner(tok) == "the" and not tok.dep_ == "compound":
            c = _org_description(doc, tok, ante, taken, company=True, first=tok.i)   # "the Australian miner"
        elif low in ORG_HEADS and determiner(tok) == "the" and not tok.dep_ == "compound":
            c = _org_description(doc, tok, ante, taken)
        else:
            c = _person_description(doc, article_id, tok, cands, taken, by_token, ante)
        if c is not None:
            out.append(c)
    return out


def _org_description(doc, tok, ante: _Antecedents, taken: list[bool], company: bool = False,
                     first: int | None = None) -> Candidate | None:
    """ "the company", "the government", "the trading house" (``company``: a company by its trade;
    the span starts at ``first``, else at the word before for a two-word head): the organisation
    or country named before, or None."""
    target = resolve_org_description(doc, tok, ante.orgs, ante.countries, company=company)
    if target is None:
        return None
    if first is None:
        first = tok.i - 1 if company else tok.i
    for k in range(first, tok.i + 1):
        taken[k] = True
    return Candidate(first, tok.i + 1, target.actor_type, label="role", key=target.key,
                     name=target.name, country_code=target.country_code)


def _person_description(doc, article_id: str, tok, cands: list[Candidate], taken: list[bool], by_token,
                        ante: _Antecedents) -> Candidate | None:
    """The candidate of an anonymous-source, group or role noun ``tok``: an earlier actor for a
    definite description that has one, else a new unnamed actor; None when ``tok`` is no source."""
    low = tok.lower_
    anon = ANON_HEADS.get(low)
    is_role = low in ROLE_WORDS
    if anon is None and not is_role and low not in GROUP_HEADS:
        return None
    if _near_person(doc, tok, by_token):
        return None
    if low in ("person", "people") and not (tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in PEOPLE_QUALIFIERS):
        return None
    det = determiner(tok)
    start = _descriptor_start(doc, tok, taken, by_token)
    plural = anon[1] if anon else tok.tag_ in ("NNS", "NNPS")
    if det in DEFINITE:
        c = _definite_description(doc, tok, start, anon, plural, cands, ante)
        if c is not None:
            for m in range(start, tok.i + 1):
                taken[m] = True
            return c
        if anon is None and (plural or not is_role or tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "'s"):
            return None
    elif anon is None and not (plural and low in GROUP_HEADS):
        return None    # an indefinite role word ("a minister" is in ANON_HEADS; "a president" is not)
    elif det is None and not plural and tok.tag_ not in ("NNS", "NNPS"):
        return None    # a bare singular role word is a title, not a source
    return _unnamed_actor(doc, article_id, tok, start, anon, plural, taken, by_token, ante)


def _descriptor_start(doc, tok, taken: list[bool], by_token) -> int:
    """First token of the description ``tok`` heads: its premodifiers, without a name before them."""
    start = descriptor_span(doc, tok)
    while start < tok.i and by_token.get(start) is not None and by_token[start].actor_type in (PERSON, ORG):
        start += 1
    if taken[tok.i] or any(taken[m] and by_token.get(m) is None for m in range(start, tok.i)):
        start = tok.i
    return start


def _definite_description(doc, tok, start: int, anon, plural: bool, cands: list[Candidate],
                          ante: _Antecedents) -> Candidate | None:
    """A definite description ("the official", "the minister", "the retired neurosurgeon") as a
    mention of the earlier actor it stands for, or None."""
    descriptor = span_text(doc, start, tok.i + 1)
    words = [w for w in norm(descriptor).split() if w]
    target = _resolve_definite(doc, tok, words, anon, plural, ante.anon_seen, ante.persons, ante.person_starts,
                               ante.titles_of)
    if target is None and not plural:
        target = describe_person(doc, tok, cands)
    if target is None:
        return None
    c = Candidate(start, tok.i + 1, target.actor_type, label="role", key=target.key, name=target.name,
                  country_code=target.country_code, head=target.head, plural=target.plural)
    if target.actor_type == PERSON:
        c.title = descriptor
    if target.actor_type == ANON:
        ante.anon_seen.append(c)
    return c


def _unnamed_actor(doc, article_id: str, tok, start: int, anon, plural: bool, taken: list[bool], by_token,
                   ante: _Antecedents) -> Candidate:
    """A new anonymous source or group for the description [start, tok]; a country word inside
    gives its country code."""
    descriptor = span_text(doc, start, tok.i + 1)
    if anon is None and tok.lower_ in ROLE_WORDS and not plural:
        actor_type = ANON      # "the president" with no president named: an unnamed person
    elif anon is None or (plural and anon[0] in GENERIC_HEADS):
        actor_type = GROUP
    else:
        actor_type = ANON
    c = Candidate(start, tok.i + 1, actor_type, label="anon", key=f"{article_id}:{norm(descriptor)}",
                  name=descriptor, head=anon[0] if anon else tok.lower_, plural=plural)
    for m in range(start, tok.i + 1):
        if by_token.get(m) is not None and by_token[m].actor_type == COUNTRY and by_token[m].country_code:
            c.country_code = by_token[m].country_code
    if actor_type == ANON:
        ante.anon_seen.append(c)
    for m in range(start, tok.i + 1):
        if by_token.get(m) is None:
            taken[m] = True
    return c


def _resolve_definite(doc, tok, words, anon, plural, anon_seen, persons, person_starts, titles_of):
    """Most recent compatible antecedent of a definite description, or None."""
    best = None
    if anon is not None:
        for a in reversed(anon_seen):
            if a.head == anon[0] and a.plural == plural:
                best = a
                break
    content = [w for w in words if w not in TITLE_MODIFIERS or w in PORTFOLIO_MODIFIERS]
    if not plural and tok.lower_ in ROLE_WORDS:
        k = bisect.bisect_left(person_starts, tok.i) - 1
        while k >= 0:
            p = persons[k]
            t = titles_of.get(p.key)
            if t and all(w in t for w in content if not looks_like_demonym(w) or w in t):
                if best is None or p.i > best.i:
                    best = p
                break
            k -= 1
    return best

"""Descriptions of organisations and states: takes "the company", "the ministry", "the government" and gives
the organisation or country named before that it stands for, or None."""
from __future__ import annotations

from .spans import Candidate, span_text
from .spelling import acronym, norm, state_short_name
from .vocabulary import (
    COMPANY_DESCRIPTIONS, COUNTRY, GENERIC_ORG_DESCRIPTIONS, LOCAL_PLACE_WORDS, NOT_COMPANY_WORDS,
)


_DESCRIPTION_REACH = 1500     # characters back that "the company" may look for its organisation


def government_country(doc, head, cands: list[Candidate], by_token) -> Candidate | None:
    """The country "government" stands for: a country word before it ("the Talunan
    government"), else the only country named in the preceding stretch of text."""
    for child in head.lefts:            # "the Talunan government", "Sarnovia's government"
        c = by_token.get(child.i)
        if c is not None and c.actor_type == COUNTRY and c.key:
            return c
        if child.is_upper and len(child.text) >= 2:     # "the FRK government": initials of a formal name
            for c in cands:
                if c.actor_type == COUNTRY and c.key and c.label == "GPE" \
                        and acronym(span_text(doc, c.i, c.j)) == child.lower_ and state_short_name(span_text(doc, c.i, c.j)):
                    return c
    countries = sorted((c for c in cands if c.actor_type == COUNTRY and c.key), key=lambda c: c.i)
    return resolve_org_description(doc, head, [], countries)


def resolve_org_description(doc, tok, orgs: list[Candidate], countries: list[Candidate],
                            company: bool = False) -> Candidate | None:
    """ "the company" -> the most recent organisation (one named with the word first);
    "the government" -> the only country named in the preceding stretch of text. ``company``:
    ``tok`` heads a description of a company ("the trading house"), which reads as "the company"."""
    lo = tok.idx - _DESCRIPTION_REACH
    if tok.lower_ == "government":
        recent = [c for c in countries if c.i < tok.i and doc[c.i].idx >= lo]
        keys = {c.key for c in recent}
        return recent[-1] if len(keys) == 1 else None
    recent = [c for c in orgs if c.i < tok.i and doc[c.i].idx >= lo]
    if not recent:
        return None
    for c in reversed(recent):
        if tok.lower_ in norm(c.name or "").split():
            return c
    # "the ministry", "the court": only an organisation named with that word; "the company": the latest
    # organisation that may be one (not "New York University", not a place acting as a government)
    if company:
        # "Glencore will buy Missouri Cobalt's output, the trading house said": the company the
        # stretch is about is the latest one a clause has as its subject
        fits = [c for c in recent if _may_be_described_as(c, "company")]
        subjects = [c for c in fits if any(t.dep_ in ("nsubj", "nsubjpass") for t in doc[c.i:c.j])]
        return (subjects or fits or [None])[-1]
    if tok.lower_ not in GENERIC_ORG_DESCRIPTIONS:
        return None
    return next((c for c in reversed(recent) if _may_be_described_as(c, tok.lower_)), None)


def _may_be_described_as(c: "Candidate", word: str) -> bool:
    """Whether "the <word>" ("the company", "the group") may stand for organisation ``c``: never
    a place acting as its government; "company"/"firm" never a university, ministry, party…"""
    last = norm(c.name or "").rsplit(" ", 1)[-1]
    if c.label == "GPE" or last in LOCAL_PLACE_WORDS:
        return False
    return not (word in COMPANY_DESCRIPTIONS and last in NOT_COMPANY_WORDS)

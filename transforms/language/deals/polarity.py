"""The polarity of a term: stated, demanded or absent, read from the words that govern it
("without X", "demands X", "does not include X"), with the index of the cue that says so."""
from __future__ import annotations

from .context import _Context
from .syntax import _governing_verb, _lemma, _negated, _path_preps, _subject_tokens
from .vocabulary import (
    ABSENCE_NOUNS, ABSENT_VERBS, DEALISH_NOUNS, DEMAND_NOUNS, DEMAND_PREPS, DEMAND_VERBS, STATE_VERBS,
)


def _subject_is_deal(verb, head_to_mention) -> bool:
    return any(s.i in head_to_mention or _lemma(s) in DEALISH_NOUNS or s.lower_ in ("it", "which")
               for s in _subject_tokens(verb))


def _polarity(ctx: _Context, token, head_to_mention) -> tuple[str, int | None]:
    """(polarity, cue start token index) of a term anchored at ``token``."""
    if token is None:
        return "stated", None
    head = token
    # The noun the term belongs to ("security" -> "guarantees").
    while head.dep_ in ("compound", "amod", "nummod", "quantmod", "nmod") and head.head.i != head.i:
        head = head.head
    if any(c.dep_ == "det" and c.lower_ == "no" for c in head.children):
        return "absent", min(c.i for c in head.children if c.lower_ == "no")
    verb = _governing_verb(head)
    preps = _path_preps(head, verb)
    for prep in preps:
        if prep.lower_ == "without":
            return "absent", prep.i
        if prep.head is not None and _lemma(prep.head) in ABSENCE_NOUNS:
            return "absent", prep.head.i
        if prep.head is not None and prep.head.lower_ in DEMAND_NOUNS:
            return "demanded", prep.head.i
    if verb is None:
        return "stated", None
    lemma = _lemma(verb)
    marks = {c.lower_ for c in verb.children if c.dep_ in ("mark", "advmod")}
    unless = "unless" in marks or {"only", "if"} <= marks
    aux_first = min([c.i for c in verb.children if c.dep_ in ("aux", "auxpass", "neg") and c.i < verb.i] + [verb.i])
    if lemma in ABSENT_VERBS:
        return "absent", aux_first
    if lemma in DEMAND_VERBS and not _negated(verb):
        needed = DEMAND_PREPS.get(lemma)
        if needed and not any(p.lower_ in needed for p in preps):
            pass  # "called on Veldonia", "asked about": not a demand of this term
        elif _subject_is_deal(verb, head_to_mention) and lemma in ("require", "need", "call", "condition"):
            return "stated", None  # "the deal requires ..." states a condition
        else:
            return "demanded", aux_first
    if unless:
        return "demanded", aux_first
    if lemma in STATE_VERBS and _negated(verb):
        return "absent", aux_first
    if lemma == "be" and _negated(verb) and any(_lemma(c) == "part" for c in verb.children if c.dep_ in ("attr", "acomp")) \
            and head.dep_ in ("nsubj", "nsubjpass"):
        return "absent", aux_first  # "the annex is not part of the final text"
    return "stated", None

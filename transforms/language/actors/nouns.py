"""Noun phrases of descriptions: takes a head token and gives its determiner, the first token of its
descriptor, and whether it names people."""
from __future__ import annotations

from .vocabulary import (
    ANON_HEADS, DEFINITE, GROUP_HEADS, HUMAN_NOUNS, HUMAN_SUFFIXES, HUMAN_TAILS, NOT_HUMAN, ROLE_WORDS,
)


_ANON_PREMOD_DEPS = frozenset({"amod", "compound", "nmod", "advmod", "npadvmod", "nummod"})


def descriptor_span(doc, head) -> int:
    """First token of the descriptor of an anonymous head: its adjacent premodifiers."""
    start = head.i
    for child in reversed(list(head.lefts)):
        if child.dep_ in _ANON_PREMOD_DEPS and child.right_edge.i == start - 1 and child.lower_ not in DEFINITE:
            start = child.left_edge.i
        else:
            break
    while start < head.i and (doc[start].lower_ in DEFINITE or doc[start].is_punct or doc[start].lower_ in ("a", "an")):
        start += 1
    return start


def determiner(head) -> str | None:
    for child in head.lefts:
        if child.dep_ in ("det", "predet", "nummod", "quantmod"):
            return child.lower_
        if child.dep_ == "poss":
            return "poss"
    return None


def description_start(doc, head) -> int:
    """First token of a description ending at ``head``: its determiner and modifiers."""
    start = head.left_edge.i
    while start < head.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return start


def human_noun(tok) -> bool:
    lemma = tok.lemma_.lower()
    low = tok.lower_
    if lemma in HUMAN_NOUNS or low in HUMAN_NOUNS or lemma in ANON_HEADS or low in GROUP_HEADS or lemma in ROLE_WORDS:
        return True
    if lemma in NOT_HUMAN or low in NOT_HUMAN or lemma.endswith("ment") or not lemma.isalpha() or len(lemma) < 4:
        return False
    return lemma.endswith(HUMAN_SUFFIXES) or lemma.endswith(HUMAN_TAILS)    # "neurosurgeon", "lawmaker"

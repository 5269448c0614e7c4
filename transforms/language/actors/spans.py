"""Spans of an article: the ``Candidate`` each pass makes of a token span, token spans as text and
characters, and ``SpanSet`` (character spans with a fast membership test)."""
from __future__ import annotations

import re

import bisect
from dataclasses import dataclass, field

from .vocabulary import EXCHANGE_CODES, POSS


def span_text(doc, i: int, j: int) -> str:
    return doc[i:j].text        # (doc.text joins every token: never call it per span)


def char_span(doc, i: int, j: int) -> tuple[int, int]:
    return doc[i].idx, doc[j - 1].idx + len(doc[j - 1])


_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}(?:am|pm)?", re.I)


def trim_span(doc, i: int, j: int) -> tuple[int, int]:
    """Drop a leading "the"/punctuation, an unclosed bracket and what follows it, a trailing
    "'s"/punctuation, stock-exchange code ("Ostrelco ASX") or clock time ("Board of Trade
    6:08" in a transcript's header) from a token span, and the first of a name written twice
    ("Ana Korvel Ana Korvel": an image's text run into the name)."""
    while i < j and (doc[i].lower_ == "the" or doc[i].is_punct or doc[i].is_space):
        i += 1
    opened = [k for k in range(i, j) if doc[k].text == "("]
    if opened and not any(doc[k].text == ")" for k in range(opened[-1], j)):
        j = opened[-1]  # "World Bank (WB": the name ends before its abbreviation's bracket
    while j > i and (doc[j - 1].text in POSS or doc[j - 1].is_punct or doc[j - 1].is_space
                     or _CLOCK.fullmatch(doc[j - 1].text) or (j - i >= 2 and doc[j - 1].text in EXCHANGE_CODES)):
        j -= 1
    half = (j - i) // 2
    if half >= 1 and (j - i) % 2 == 0 and [t.text for t in doc[i:i + half]] == [t.text for t in doc[i + half:j]]:
        i += half
    return i, j


@dataclass
class Candidate:
    i: int                      # first token
    j: int                      # end token (exclusive)
    actor_type: str
    label: str = ""             # NER label, or "anon" / "role" / "propagated"
    title: str | None = None
    affiliation: str | None = None   # normalised country name or alpha-2 code
    country_code: str | None = None
    key: str | None = None
    name: str | None = None
    head: str | None = None     # anonymous: head lemma
    plural: bool = False
    extra: dict = field(default_factory=dict)


class SpanSet:
    """Sorted, non-overlapping character spans with a fast membership test."""

    def __init__(self, spans):
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]

    def contains(self, pos: int) -> bool:
        k = bisect.bisect_right(self.starts, pos) - 1
        return k >= 0 and pos < self.spans[k][1]

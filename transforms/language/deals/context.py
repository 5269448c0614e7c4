"""What the steps share: the article's indexes (``_Context``: sentences, paragraphs, actor mentions,
direct quotes) and the deal mentions, deals and events being built."""
from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from transforms.language.nlp import doc_text

from .syntax import _segments


GENERIC_TYPES = {"agreement", "contract", "other", None}
ENTITY_TYPES = {"investment_fund", "joint_venture"}


@dataclass
class _Mention:
    """A deal mention being built."""
    start: int
    end: int
    head: int                    # token index of the head noun
    sent: int                    # sentence index
    noun: str                    # lower-cased lemma of the head
    deal_type: str | None
    anaphor: bool                # refers back only (the proposal, the document)
    definite: bool
    new_marker: bool
    feature: set[int]            # token indices that describe the deal (span + modifiers)
    resources: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    parties: list[tuple[dict, str]] = field(default_factory=list)   # (mention row, role)
    deal: int | None = None      # index into _Deal list
    row: dict | None = None


@dataclass
class _Deal:
    mentions: list[_Mention] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    sector_votes: Counter = field(default_factory=Counter)
    sector_order: dict = field(default_factory=dict)
    parties: list[tuple[dict, str]] = field(default_factory=list)

    def vote(self, sector: str | None, weight: float):
        if sector:
            self.sector_votes[sector] += weight
            self.sector_order.setdefault(sector, len(self.sector_order))

    @property
    def deal_type(self) -> str:
        specific = [t for t in self.types if t not in GENERIC_TYPES]
        if specific:
            return specific[0]
        known = [t for t in self.types if t]
        return known[0] if known else "agreement"

    @property
    def sector(self) -> str:
        if not self.sector_votes:
            return "other"
        return max(self.sector_votes, key=lambda s: (self.sector_votes[s], -self.sector_order[s]))


def _actor_key(mention: dict) -> tuple:
    return (mention.get("actor_type"), mention.get("actor_key") or mention.get("name") or mention.get("text"))


class _Context:
    """Per-document indexes shared by the passes."""

    def __init__(self, doc, mentions: list[dict]):
        self.doc = doc
        self.text = doc_text(doc)
        self.sents = _segments(doc)
        self.sent_starts = [s.start_char for s in self.sents]
        # Paragraph of each sentence: paragraphs are separated by a blank line (or, in text
        # without blank lines, by a line break).
        breaks = [m.end() for m in re.finditer(r"\n\s*\n" if "\n\n" in self.text else r"\n", self.text)]
        self.para_of_sent = [bisect_right(breaks, s.start_char) for s in self.sents]
        self.sent_of_token = [0] * len(doc)
        for i, sent in enumerate(self.sents):
            for t in range(sent.start, len(doc) if i + 1 == len(self.sents) else self.sents[i + 1].start):
                self.sent_of_token[t] = i
        self.mentions = sorted(mentions or [], key=lambda m: (m["start"], -m["end"]))
        self.mention_starts = [m["start"] for m in self.mentions]
        self.deal_at: dict = {}  # token index -> deal mention whose span holds it (set later)
        self.token_mention: dict[int, dict] = {}
        for m in self.mentions:
            span = doc.char_span(m["start"], m["end"], alignment_mode="expand")
            if span is None:
                continue
            for t in range(span.start, span.end):
                self.token_mention.setdefault(t, m)

    @functools.cached_property
    def quote_spans(self) -> list[tuple[int, int]]:
        return _quoted_spans(self.text)

    def quoted(self, char: int) -> bool:
        """Whether ``char`` is inside a direct quote."""
        return any(a <= char < b for a, b in self.quote_spans)

    def in_actor(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps an actor mention (a name such as "Ostrel Energy")."""
        i = bisect_right(self.mention_starts, start)
        for m in self.mentions[max(0, i - 3):i + 3]:
            if m["start"] < end and start < m["end"]:
                return True
        return False

    def sent_index(self, char: int) -> int:
        return max(0, bisect_right(self.sent_starts, char) - 1)

    def token_at(self, char: int):
        span = self.doc.char_span(char, min(char + 1, len(self.text)), alignment_mode="expand")
        if span is None or not len(span):
            return None
        return span[0]

    def tokens_in(self, start: int, end: int):
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return list(span) if span is not None else []

    def mention_of(self, token) -> dict | None:
        return self.token_mention.get(token.i) if token is not None else None


@dataclass
class _Event:
    status: str
    cue: object
    cue_status: str
    clause: tuple[int, int]          # token bounds
    linked: _Mention | None
    actor_tokens: list
    dated: bool
    future: bool
    chain: list = field(default_factory=list)          # token indices of the cue and its governors
    role_tokens: list = field(default_factory=list)   # (token, role)
_QUOTE_PAIRS = (("“", "”"), ('"', '"'), ("''", "''"), ("‘‘", "’’"))


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of the direct quotes of ``text``: between paired quote marks of one
    paragraph (an unclosed quote runs to the end of its paragraph, as a quote continued in
    the next paragraph opens again there)."""
    spans = []
    para_start = 0
    for para in re.split(r"(\n\s*\n|\n)", text):
        if not para.strip():
            para_start += len(para)
            continue
        for open_, close in _QUOTE_PAIRS:
            i = 0
            while True:
                a = para.find(open_, i)
                if a < 0:
                    break
                b = para.find(close, a + len(open_))
                if b < 0:
                    spans.append((para_start + a, para_start + len(para)))
                    break
                spans.append((para_start + a, para_start + b + len(close)))
                i = b + len(close)
        para_start += len(para)
    return sorted(spans)


def _nearest_mention(by_sent: dict[int, list[_Mention]], sent: int, char: int) -> _Mention | None:
    """The deal mention nearest ``char`` in its sentence, else the last of the sentence before."""
    same = by_sent.get(sent)
    if same:
        return min(same, key=lambda m: (0 if m.start <= char < m.end else min(abs(char - m.start), abs(char - m.end)), m.start))
    previous = by_sent.get(sent - 1)
    return previous[-1] if previous else None

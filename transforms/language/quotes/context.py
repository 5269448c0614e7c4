"""What the steps share about one article: the parsed doc with its actor mentions and quotation spans
(``ArticleContext``) with token and paragraph helpers over it, and the item each step refines (``QuoteItem``)."""
from __future__ import annotations

import bisect

from transforms.language.actors import SpanSet, coordinated_people, person_genders

from .marks import QuoteSpan, paragraphs
from .verbs import loose_speech_verb


class ArticleContext:
    """One parsed article with its actor mentions and quotation spans, indexed for the steps."""

    def __init__(self, doc, text: str, mentions: list[dict], spans: list[QuoteSpan]):
        self.doc = doc
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: (m["start"], m["end"]))
        self.m_starts = [m["start"] for m in self.mentions]
        self.tok_starts = [t.idx for t in doc]
        self.quote_outer = [(s.outer_start, s.outer_end) for s in spans]
        self.skip = SpanSet(self.quote_outer)
        self.genders = person_genders(self.text, self.mentions, doc, self.quote_outer)
        self.prefer = self._subject_mentions()
        self.coordinated = coordinated_people(self.text, self.mentions)
        self.paras = paragraphs(self.text)
        self.para_starts = [a for a, _ in self.paras]
        self.in_quote = [False] * len(doc)
        for s in spans:
            for k in range(self.tok_index(s.outer_start), self.tok_index(max(s.outer_start, s.outer_end - 1)) + 1):
                if s.outer_start <= doc[k].idx < s.outer_end:
                    self.in_quote[k] = True

    def _subject_mentions(self) -> set[str]:
        """Ids of mentions that are the subject of a main clause outside quotes, or of a verb of
        saying the parse hung beside it ("Ilvar says, win or lose, he stays"): the preferred
        antecedents of a pronoun."""
        out = set()
        for m in self.mentions:
            if self.skip.contains(m["start"]):
                continue
            for tok in self.tokens(m["start"], m["end"]):
                if tok.dep_ in ("nsubj", "nsubjpass") and (tok.head.dep_ in ("ROOT", "conj") or loose_speech_verb(tok.head)):
                    out.add(m["mention_id"])
                    break
        return out

    def tok_index(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.tok_starts, char) - 1)

    def tokens(self, a: int, b: int):
        """Tokens starting inside [a, b)."""
        i = bisect.bisect_left(self.tok_starts, a)
        j = bisect.bisect_left(self.tok_starts, b)
        return self.doc[i:j]

    def para_of(self, char: int) -> int:
        return bisect.bisect_right(self.para_starts, char) - 1

    def mention_at(self, tok) -> dict | None:
        """The longest mention covering a token."""
        k = bisect.bisect_right(self.m_starts, tok.idx) - 1
        best = None
        while k >= 0 and self.m_starts[k] > tok.idx - 300:
            m = self.mentions[k]
            if m["start"] <= tok.idx < m["end"] and (best is None or m["end"] - m["start"] > best["end"] - best["start"]):
                best = m
            k -= 1
        return best

    def skip_between(self, a: int, b: int) -> bool:
        """Some quotation mark span starts inside [a, b)."""
        k = bisect.bisect_left(self.skip.starts, a)
        return k < len(self.skip.starts) and self.skip.starts[k] < b

    def mentions_between(self, a: int, b: int) -> list[dict]:
        i = bisect.bisect_left(self.m_starts, a)
        j = bisect.bisect_left(self.m_starts, b)
        return self.mentions[i:j]


class QuoteItem:
    """A quote being found: its span and kind, the cue verb, and (once attributed) cue and speaker."""

    __slots__ = ("start", "end", "kind", "verb", "cue", "speaker_text", "mention", "span", "outer", "para",
                 "has_cue", "labelled", "speaker_span")

    def __init__(self, start, end, kind, verb=None, span=None, outer=None):
        self.start, self.end, self.kind, self.verb = start, end, kind, verb
        self.span, self.outer = span, outer or (start, end)
        self.cue = self.speaker_text = self.mention = None
        self.speaker_span = None       # (start, end) of the speaker as written nearest the quote
        self.para = None
        self.has_cue = verb is not None
        self.labelled = False          # the speaker is a transcript label ("WALLACE: ...")


_QUOTE_CHARS = frozenset("\"“”„«»‹›‘’‚'`")


def trim_tokens(doc, i: int, j: int) -> tuple[int, int]:
    """Drop a leading "that"/punctuation and trailing punctuation from tokens [i, j)."""
    while i < j and (doc[i].lower_ == "that" and doc[i].dep_ == "mark" or doc[i].is_punct and doc[i].text not in _QUOTE_CHARS
                     or doc[i].is_space):
        i += 1
    while j > i and ((doc[j - 1].is_punct and doc[j - 1].text not in _QUOTE_CHARS
                      and doc[j - 1].text not in ("”", "’", "»")) or doc[j - 1].is_space):
        j -= 1
    return i, j


def para_start_token(ctx: ArticleContext, lo: int, i: int) -> int:
    """The first token at or after ``lo`` in the paragraph of token ``i`` (sentences may span lines)."""
    ps = ctx.paras[ctx.para_of(ctx.doc[i].idx)][0]
    return max(lo, bisect.bisect_left(ctx.tok_starts, ps))


def para_end_token(ctx: ArticleContext, i: int, hi: int) -> int:
    """The end (exclusive) at or before ``hi`` of the paragraph of token ``i``; ``hi`` when ``i`` is
    at or past it (a cue that ends its sentence or the text has nothing after it)."""
    if i >= hi:
        return hi
    pe = ctx.paras[ctx.para_of(ctx.doc[i].idx)][1]
    return min(hi, bisect.bisect_left(ctx.tok_starts, pe))

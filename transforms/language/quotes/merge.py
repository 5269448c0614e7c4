"""Direct and indirect items into one item per piece of content (``merge``): a clause that is the quote
gives it its cue, a clause that holds quoted words becomes one mixed item."""
from __future__ import annotations

import re

from .context import ArticleContext, QuoteItem
from .direct import SHORT_WORDS
from .marks import is_integrated


def merge(directs: list[QuoteItem], indirects: list[QuoteItem], text: str) -> list[QuoteItem]:
    """One item per piece of content (see the package docstring, step 4)."""
    absorbed: set[int] = set()
    keep: list[QuoteItem] = []
    for ind in indirects:
        over = [d for d in directs if d.outer[0] < ind.end and ind.start < d.outer[1]]
        own = [d for d in over if ind.start <= d.outer[0] and _stands_as_sentence(text, d)
               and not any(ch.isalnum() for ch in text[d.outer[1]:ind.end])]
        if own:
            # a quote that is a sentence of its own and ends the clause ("... and added, “I will
            # sign.”") stays a direct quote; the clause keeps the words before it
            cut = _clause_end_before(text, ind.start, min(own, key=lambda d: d.outer[0]))
            if cut - ind.start < 12 or not _clause_has_words(text, ind.start, cut):
                for d in own:
                    if d.verb is None and not d.labelled:
                        d.verb, d.has_cue = ind.verb, True
                continue
            ind.end = cut
            over = [d for d in directs if d.outer[0] < ind.end and ind.start < d.outer[1]]
        if not over:
            keep.append(ind)
            continue
        length = ind.end - ind.start
        inner_cov = sum(max(0, min(ind.end, d.end) - max(ind.start, d.start)) for d in over)
        opens_inside = all(ind.start <= d.outer[0] for d in over)
        if not _words_outside(text, ind, over) or inner_cov * 2 >= length and not opens_inside:
            for d in over:                 # the clause is the quote: give the quote its cue
                if d.verb is None and not d.labelled:
                    d.verb = ind.verb
                    d.has_cue = True
            continue
        if opens_inside:
            # a quote that opens inside the clause belongs to it ("saying anybody who ... “is not ...”")
            ind.end = max(ind.end, max(d.outer[1] for d in over))
            ind.kind = "mixed"
            absorbed.update(id(d) for d in over)
            keep.append(ind)
    items = [d for d in directs if id(d) not in absorbed] + keep
    items.sort(key=lambda it: (it.start, it.end))
    out, seen = [], set()
    for it in items:
        if (it.start, it.end) in seen:
            continue
        seen.add((it.start, it.end))
        out.append(it)
    return out


_TRAILING_CC = re.compile(r"(\s+(and|but|then|before|as)\b)?$")


def _clause_end_before(text: str, start: int, quote: QuoteItem) -> int:
    """Where a reported clause starting at ``start`` ends before a quote of its own: before the
    introducing punctuation, and before the quote's cue with its conjunction ("... and added,")."""
    cut = _end_before(text, start, quote.outer[0])
    if quote.verb is not None and start < quote.verb.idx < cut:
        cut = _end_before(text, start, quote.verb.idx)
        cut = _end_before(text, start, cut - len(_TRAILING_CC.search(text[start:cut]).group()))
    return cut


def _stands_as_sentence(text: str, d: QuoteItem) -> bool:
    """A quote set off by punctuation that opens with a capital: a sentence of its own, not a
    fragment in the clause's syntax ("added, “I will sign.”" but not "was, she said, “a trap”")."""
    inner = text[d.start:d.end]
    return d.span is not None and not is_integrated(text, d.span) and inner[:1].isupper() and len(inner.split()) > SHORT_WORDS


def _end_before(text: str, start: int, pos: int) -> int:
    """``pos`` moved back over spaces and the punctuation that introduces a quote."""
    while pos > start and (text[pos - 1].isspace() or text[pos - 1] in ",:;—–-"):
        pos -= 1
    return pos


def _clause_has_words(text: str, a: int, b: int) -> bool:
    return len(re.findall(r"\w+", text[a:b])) >= 3


def _words_outside(text: str, ind: QuoteItem, quotes: list[QuoteItem]) -> bool:
    """The reported clause has words of its own outside the quotation marks ("that his pen “...”")."""
    pos = ind.start
    for d in sorted(quotes, key=lambda d: d.outer[0]):
        if any(ch.isalnum() for ch in text[pos:max(pos, d.outer[0])]):
            return True
        pos = max(pos, d.outer[1])
    return any(ch.isalnum() for ch in text[pos:ind.end])


def mark_quoted_clauses(ctx: ArticleContext, items: list[QuoteItem]) -> None:
    """A reported clause that holds quoted words is a mixed quote."""
    for it in items:
        if it.kind == "indirect" and ctx.skip_between(it.start, it.end):
            it.kind = "mixed"

"""Cues of a quoted span: the verb of saying right after or before it, the verb outside it that governs it,
the cue between the parts of an interrupted quote; and the cue as written (``cue_text``)."""
from __future__ import annotations

import bisect

from .context import ArticleContext
from .marks import QuoteSpan, prev_char
from .verbs import is_according, is_speech_verb
from .vocabulary import CALL_LEMMAS, CUE_FORMS, FINITE_TAGS, RECIPIENT_DEPS, SPEECH_LEMMAS, STANCE_LEMMAS


_AFTER_WINDOW = 8      # tokens between a closing mark and its cue verb
_BEFORE_WINDOW = 25    # tokens between a cue verb and an opening mark


def cue_text(ctx: ArticleContext, verb, content_start: int | None = None) -> str:
    """The cue as written: "said", "told reporters", "according to", "pointed out"."""
    doc = ctx.doc
    if is_according(verb):
        return ctx.text[verb.idx: doc[verb.i + 1].idx + len(doc[verb.i + 1])]
    end = verb.idx + len(verb)
    for child in verb.rights:
        if child.dep_ == "prt" and child.i == verb.i + 1:
            end = child.idx + len(child)
        elif verb.lemma_.lower() == "tell" and child.dep_ in RECIPIENT_DEPS and child.i > verb.i \
                and child.right_edge.i - verb.i <= 4:
            r = child.right_edge
            r_end = r.idx + len(r)
            if content_start is None or r_end <= content_start:
                end = max(end, r_end)
    return ctx.text[verb.idx: end]


def cue_after(ctx: ArticleContext, q: QuoteSpan):
    """A cue verb right after the closing mark: “...,” she said / “...,” said Korvel."""
    doc, text = ctx.doc, ctx.text
    inner_end = text[q.start:q.end].rstrip().rstrip("'’\"”»› ")[-1:]    # a nested quote closing with it
    k = ctx.tok_index(q.outer_end)
    if k < len(doc) and doc[k].idx < q.outer_end:
        k += 1
    if k >= len(doc):
        return None
    first = doc[k]
    clause_end = inner_end in (",", "?", "!", "—", "–", "-") or first.text in (",", "—", "–")
    if not clause_end and inner_end != ".":
        return None
    if "\n" in text[q.outer_end: first.idx]:
        return None
    depth, m, steps = 0, k, 0
    while m < len(doc) and steps < _AFTER_WINDOW:
        tok = doc[m]
        m += 1
        if ctx.in_quote[tok.i] or "\n" in tok.text:
            return None
        if tok.text == "(":
            depth += 1
            continue
        if depth:              # a parenthesis ("Ilvar (D-Md.) said") is skipped
            depth -= tok.text == ")"
            if m - k > 3 * _AFTER_WINDOW:
                return None
            continue
        if tok.text == "," and tok.i > k:
            skip = appositive_end(ctx, tok)
            if skip is not None:   # “...,” Ada Korvel, the minister of mines, said
                m = skip
                continue
        steps += 1
        if (tok.text in (".", ";") and tok.i > k) or tok.dep_ == "cc":
            return None
        if clause_end and _noun_tagged_cue(ctx, tok, k):
            return tok
        if is_speech_verb(tok):
            if inner_end == ".":   # “... .” Korvel said.  — only a bare "X said." after a full stop
                rest = [t for t in doc[tok.i + 1: min(tok.i + 4, len(doc))] if not t.is_punct]
                if any(c.dep_ == "ccomp" for c in tok.children) or len(rest) > 2 or not clause_end and steps > 4:
                    return None
            return tok
        if tok.tag_ in FINITE_TAGS and tok.dep_ not in ("aux", "auxpass"):
            return None
    return None


APPOSITIVE_REACH = 25
_NP_POS = frozenset({"DET", "ADJ", "NUM", "NOUN", "PROPN", "PUNCT"})


def after_quote(ctx: ArticleContext, tok) -> int:
    """The first token of ``tok``'s phrase after any quotation it starts in."""
    i = tok.left_edge.i
    while i < tok.i and (ctx.in_quote[i] or ctx.doc[i].is_punct):
        i += 1
    return i


def _noun_tagged_cue(ctx: ArticleContext, tok, first: int) -> bool:
    """A verb of saying tagged as a noun, right after a closing mark and a short noun phrase, ending
    the sentence: “...,” the editorial reads. / “...,” the two write."""
    doc = ctx.doc
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    return tok.pos_ == "NOUN" and tok.lower_ in CUE_FORMS and tok.i > first \
        and (nxt is None or nxt.text in (".", "!", "?") or "\n" in nxt.text) \
        and all(t.pos_ in _NP_POS and t.text not in (",", ";", ":") for t in doc[first:tok.i])


def appositive_end(ctx: ArticleContext, comma):
    """Index of the verb of saying right after an appositive that follows a name ("Korvel, the
    minister of mines, said"), when ``comma`` opens it; else None."""
    doc = ctx.doc
    m = ctx.mention_at(doc[comma.i - 1])
    if m is None or m["actor_type"] not in ("person", "anonymous", "organization") \
            or m["end"] != doc[comma.i - 1].idx + len(doc[comma.i - 1]):
        return None
    for c in range(comma.i + 1, min(comma.i + APPOSITIVE_REACH, len(doc) - 1)):
        t = doc[c]
        if ctx.in_quote[c] or t.text in (".", ";", ":") or "\n" in t.text:
            return None
        if t.text == "," and is_speech_verb(doc[c + 1]):
            return c + 1
    return None


def cue_before(ctx: ArticleContext, q: QuoteSpan):
    """The nearest cue verb before the opening mark in the same sentence (Korvel said: “...”)."""
    doc, text = ctx.doc, ctx.text
    k = ctx.tok_index(q.outer_start)
    open_tok = doc[k]
    sent = open_tok.sent
    colon = prev_char(text, q.outer_start) in (":", ",")
    lo = sent.start
    if colon and k > 0 and doc[k - 1].sent.start < lo:
        lo = doc[k - 1].sent.start   # a colon lead-in the parser split off
    if "\n" in text[max(0, q.outer_start - 1): q.outer_start] and not colon:
        return None
    for m in range(k - 1, max(lo, k - _BEFORE_WINDOW) - 1, -1):
        tok = doc[m]
        if ctx.in_quote[m] or ("\n" in tok.text and not colon):
            return None
        if is_speech_verb(tok):
            return tok
    return None


def linked_verb(ctx: ArticleContext, toks, q: QuoteSpan):
    """A verb of saying or calling outside the quote that governs it (called the plan “short-sighted”)."""
    for tok in toks:
        head, steps = tok, 0
        while head.head is not head and steps < 4:
            head = head.head
            steps += 1
            if q.outer_start <= head.idx < q.outer_end:
                continue
            lemma = head.lemma_.lower()
            if head.pos_ in ("VERB", "AUX") and (lemma in CALL_LEMMAS or lemma in SPEECH_LEMMAS or lemma in STANCE_LEMMAS):
                return head
            if head.pos_ in ("VERB", "AUX") and head.tag_ in FINITE_TAGS:
                break
    return None


def continued_cue(ctx: ArticleContext, q: QuoteSpan):
    """The cue verb between the previous quote of the paragraph and this one, if they are that close."""
    k = bisect.bisect_left(ctx.quote_outer, (q.outer_start, q.outer_end)) - 1
    if k < 0 or q.outer_start - ctx.quote_outer[k][1] > 60 or "\n" in ctx.text[ctx.quote_outer[k][1]:q.outer_start]:
        return None
    for tok in ctx.tokens(ctx.quote_outer[k][1], q.outer_start):
        if is_speech_verb(tok):
            return tok
    return None


def is_second_part(ctx: ArticleContext, q: QuoteSpan) -> bool:
    """The quote is the second part of an interrupted quote: a cue stands between it and the previous quote."""
    verb = continued_cue(ctx, q)
    return verb is not None and continues_quote(ctx, q, verb)


def continues_quote(ctx: ArticleContext, q: QuoteSpan, verb) -> bool:
    """The quote follows another quote of its paragraph with only that quote's cue in between."""
    k = bisect.bisect_left(ctx.quote_outer, (q.outer_start, q.outer_end)) - 1
    if k < 0:
        return False
    p_start, p_end = ctx.quote_outer[k]
    gap = ctx.text[p_end:q.outer_start]
    return p_end <= verb.idx < q.outer_start and len(gap) <= 60 and "\n" not in gap

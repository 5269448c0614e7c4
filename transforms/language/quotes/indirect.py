"""Reported speech without quotation marks (``indirect_candidates``): the parse in, indirect items out (the
ccomp of a verb of saying, "according to X", token fallbacks, what an actor vowed to do or called for)."""
from __future__ import annotations

from .context import ArticleContext, QuoteItem, para_end_token, para_start_token, trim_tokens
from .speakers import speaker_of_verb, verb_subjects
from .verbs import is_according, is_speech_verb, phrasal_speech
from .vocabulary import CONCESSIVE_WORDS, FINITE_TAGS, INDIRECT_LEMMAS, PROMISE_LEMMAS, RECIPIENT_DEPS


_VERB_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD", "VB", "VBG", "VBN"})
_CLAUSE_START_POS = frozenset({"PRON", "PROPN", "NOUN", "DET", "ADJ", "NUM", "SCONJ", "ADV", "PUNCT"})


def indirect_candidates(ctx: ArticleContext) -> list[QuoteItem]:
    """Reported speech: the ccomp of a verb of saying, "according to X", and token fallbacks."""
    doc = ctx.doc
    out: list[QuoteItem] = []
    for tok in doc:
        if ctx.in_quote[tok.i]:
            continue
        if is_according(tok):
            item = _according_item(ctx, tok)
            if item:
                out.append(item)
            continue
        if tok.pos_ == "VERB" and tok.lemma_.lower() in PROMISE_LEMMAS:
            item = _promise_item(ctx, tok)
            if item:
                out.append(item)
                continue
        if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in INDIRECT_LEMMAS and not phrasal_speech(tok):
            continue
        comps = [c for c in tok.children if c.dep_ == "ccomp"]
        found = False
        for c in comps:
            i, j = c.left_edge.i, c.right_edge.i + 1
            if c.i < tok.i:
                j = min(j, tok.i)
            i, j = para_start_token(ctx, i, tok.i), para_end_token(ctx, tok.i, j)
            item = _clause_item(ctx, i, j, tok)
            if item:
                out.append(item)
                found = True
        if not found and not comps:
            parts = _parenthetical_cue_items(ctx, tok)
            if parts:
                out.extend(parts)
                continue
            item = _trailing_cue_item(ctx, tok) or _leading_cue_item(ctx, tok)
            if item:
                out.append(item)
    return out


def _clause_item(ctx: ArticleContext, i: int, j: int, verb, min_tokens: int = 3) -> QuoteItem | None:
    doc = ctx.doc
    j = _another_act_start(ctx, i, j)
    i, j = trim_tokens(doc, i, j)
    if j - i < min_tokens:
        return None
    if not any(t.tag_ in _VERB_TAGS for t in doc[i:j]):
        return None
    start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1])
    return QuoteItem(start, end, "indirect", verb)


def _another_act_start(ctx: ArticleContext, i: int, j: int) -> int:
    """Where a reported clause gives way to another act of its speaker, the parse having hung it on
    the clause: a semicolon, ", arguing ..." / ", although ...", "... and warned ..."; else ``j``."""
    doc = ctx.doc
    for k in range(i + 1, j - 1):
        tok, nxt = doc[k], doc[k + 1]
        if ctx.in_quote[k]:
            continue
        if tok.text == ";":
            return k
        if tok.text == "," and (nxt.lower_ in CONCESSIVE_WORDS or nxt.tag_ == "VBG" and is_speech_verb(nxt)):
            return k
        if tok.lower_ == "and" and nxt.tag_ in ("VBD", "VBZ") and is_speech_verb(nxt) and nxt.dep_ == "conj":
            return k
    return j


def _promise_item(ctx: ArticleContext, tok) -> QuoteItem | None:
    """"X vowed to <act>": the infinitive clause, when the verb's subject is an actor or a person
    pronoun ("the river threatened to flood" is no speech); "X called for <demand>": what is called for."""
    subjects = verb_subjects(ctx, tok)
    if not subjects or speaker_of_verb(ctx, tok)[1] is None \
            and not any(s.lower_ in ("he", "she", "they", "i", "we") for s in subjects):
        return None
    if tok.lemma_.lower() == "call":
        nxt = ctx.doc[tok.i + 1] if tok.i + 1 < len(ctx.doc) else None
        objs = [c for c in nxt.children if c.dep_ == "pobj"] if nxt is not None and nxt.lower_ == "for" else []
        if not objs or ctx.in_quote[objs[0].i]:
            return None
        i = para_start_token(ctx, objs[0].left_edge.i, tok.i)
        j = para_end_token(ctx, tok.i, min(objs[0].right_edge.i + 1, tok.sent.end))
        i, j = trim_tokens(ctx.doc, i, j)
        if j - i < 2:
            return None
        return QuoteItem(ctx.doc[i].idx, ctx.doc[j - 1].idx + len(ctx.doc[j - 1]), "indirect", tok)
    for c in tok.children:
        if c.dep_ == "xcomp" and c.i > tok.i and ctx.doc[c.left_edge.i].lower_ == "to":
            i = para_start_token(ctx, c.left_edge.i, tok.i)
            j = para_end_token(ctx, tok.i, min(c.right_edge.i + 1, tok.sent.end))
            return _clause_item(ctx, i, j, tok, 3)
    return None


_SET_OFF = frozenset({",", "—", "–", "--", "―"})


def _parenthetical_cue_items(ctx: ArticleContext, tok) -> list[QuoteItem]:
    """"<part>, X said, <part>." when the parse gave no ccomp: one row per part, like an
    interrupted quote ("The new port, she said, will open in May" -> "The new port", "will open
    in May"); the second part must be a clause with a finite verb, the first part counts only
    when it is a clause or the subject of the second (not an adverbial, nor what precedes a
    relative pronoun or a conjunction: "the stadium, which, X said, is full")."""
    doc = ctx.doc
    sent = tok.sent
    subj = [c for c in tok.children if c.dep_ == "nsubj" and c.i < tok.i]
    if len(subj) != 1:
        return []
    a = subj[0].left_edge.i - 1
    if a <= sent.start or doc[a].text not in _SET_OFF or tok.i - subj[0].left_edge.i > 6:
        return []
    k = tok.i + 1
    while k < sent.end and k - tok.i <= 4 and doc[k].text not in _SET_OFF and not doc[k].is_punct \
            and doc[k].tag_ not in FINITE_TAGS and not ctx.in_quote[k]:
        k += 1
    if k >= sent.end or doc[k].text not in _SET_OFF:
        return []
    lo, hi = para_start_token(ctx, sent.start, a), para_end_token(ctx, k, sent.end)
    rest = doc[k + 1:hi]
    if not any(t.tag_ in FINITE_TAGS for t in rest):
        return []
    second = _clause_item(ctx, k + 1, hi, tok)
    if second is None:
        return []
    i, j = trim_tokens(doc, lo, a)
    if sum(1 for t in doc[i:j] if not t.is_punct) < 2 or doc[a - 1].tag_ in ("WDT", "WP", "CC") \
            or not (any(t.tag_ in FINITE_TAGS for t in doc[i:j]) or doc[k + 1].tag_ in FINITE_TAGS):
        return [second]      # "..., which, X said, is ...", "During the talks, X said, ...": the clause after
    first = QuoteItem(doc[i].idx, doc[j - 1].idx + len(doc[j - 1]), "indirect", tok)
    return [first, second]


def _according_item(ctx: ArticleContext, tok) -> QuoteItem | None:
    """"According to X, <content>." / "<content>, according to X."""
    doc = ctx.doc
    sent = tok.sent
    to = doc[tok.i + 1]
    phrase_end = max(to.right_edge.i, tok.i + 1) + 1
    before = [t for t in doc[sent.start:tok.i] if not t.is_punct and not t.is_space]
    if not before:
        return _clause_item(ctx, phrase_end, sent.end, tok, 4)
    after = [t for t in doc[phrase_end:sent.end] if not t.is_punct and not t.is_space]
    if not after:
        return _clause_item(ctx, sent.start, tok.i, tok, 4)
    return _clause_item(ctx, sent.start, sent.end, tok, 4)


def _trailing_cue_item(ctx: ArticleContext, tok) -> QuoteItem | None:
    """"<content>, X said." or "<content>, said X." when the parse gave no ccomp."""
    doc = ctx.doc
    sent = tok.sent
    rest = doc[tok.i + 1: sent.end]
    if len(rest) > 8 or any(t.tag_ in FINITE_TAGS for t in rest) or any(ctx.in_quote[t.i] for t in rest):
        return None
    k = tok.i - 1
    while k > sent.start and tok.i - k <= 6 and doc[k].text != ",":
        if doc[k].tag_ in _VERB_TAGS and doc[k].dep_ not in ("aux", "auxpass") or doc[k].is_punct:
            return None
        k -= 1
    if k <= sent.start or doc[k].text != ",":
        return None
    return _clause_item(ctx, para_start_token(ctx, sent.start, k), k, tok, 4)


def _leading_cue_item(ctx: ArticleContext, tok) -> QuoteItem | None:
    """"X said (that) <content>" when the parse gave no ccomp."""
    doc = ctx.doc
    sent = tok.sent
    if not any(c.dep_ == "nsubj" and c.i < tok.i for c in tok.children):
        return None
    lemma = tok.lemma_.lower()
    k = tok.i + 1
    if any(c.dep_ == "dobj" for c in tok.children) and lemma != "tell":
        return None
    if lemma == "tell":
        recips = [c for c in tok.rights if c.dep_ in RECIPIENT_DEPS]
        if not recips:
            return None
        k = recips[0].right_edge.i + 1
    if k < sent.end and doc[k].lower_ == "that":
        k += 1
    end = para_end_token(ctx, k, sent.end)
    rest = doc[k:end]
    if len(rest) < 4 or not any(t.tag_ in FINITE_TAGS for t in rest) or ctx.in_quote[k] \
            or rest[0].pos_ not in _CLAUSE_START_POS or rest[0].lower_ == "to":
        return None
    return _clause_item(ctx, k, end, tok, 4)

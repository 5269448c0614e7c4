"""Small helpers over spaCy tokens shared by the steps: lemmas and stems, sentences cut at line
breaks, noun-phrase and clause bounds, negation, subjects, objects and agents."""
from __future__ import annotations

import functools

from .vocabulary import CORE_HEADS, PORTION_NOUNS, TYPE_MODIFIERS, resource_hits, sector_cue_hits


NP_LEFT_DEPS = {"det", "predet", "amod", "compound", "nummod", "quantmod", "nmod", "npadvmod", "advmod", "nn", "punct", "case", "poss"}


def _lower(token) -> str:
    return token.lower_


def _lemma(token) -> str:
    return token.lemma_.lower()


@functools.lru_cache(maxsize=4096)
def _word_stems(word: str) -> frozenset:
    out = {word}
    for suffix in ("ing", "ed", "es", "s", "d"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[:-len(suffix)]
            out.update((base, base + "e"))
            if base[-1] == base[-2]:
                out.add(base[:-1])  # "planned" -> "plan", "initialled" -> "initial"
    return frozenset(out)


def _is(token, vocabulary) -> bool:
    """The token's lemma, or a stem of its form, is in the vocabulary (the lemmatizer of the
    small model errs: "hoping" -> "hop")."""
    return _lemma(token) in vocabulary or not _word_stems(token.lower_).isdisjoint(vocabulary)


def _is_noun(token) -> bool:
    return token.pos_ in ("NOUN", "PROPN")


NOUNISH_DEPS = {"dobj", "nsubj", "nsubjpass", "pobj", "attr", "appos", "conj", "ROOT", "compound", "oprd", "npadvmod", "dep"}


def _is_break(token) -> bool:
    return token.is_space and "\n" in token.text


def _segment(token) -> tuple[int, int]:
    """Token bounds [start, end) of the token's sentence, cut at line breaks: the small model
    often runs a headline or a paragraph's last sentence into the next one."""
    sent = token.sent
    doc = token.doc
    start = token.i
    while start > sent.start and not _is_break(doc[start - 1]):
        start -= 1
    end = token.i + 1
    while end < sent.end and not _is_break(doc[end]):
        end += 1
    return start, end


def _segments(doc) -> list:
    out = []
    for sent in doc.sents:
        start = sent.start
        for t in sent:
            if _is_break(t):
                if start < t.i:
                    out.append(doc[start:t.i])
                start = t.i + 1
        if start < sent.end:
            out.append(doc[start:sent.end])
    return out


def _mistagged_noun(token) -> bool:
    """The small model sometimes tags "deal" in "the minerals deal" as a verb."""
    if token.pos_ not in ("VERB", "AUX") or token.tag_ not in ("VB", "VBP", "VBZ", "NN") or token.lower_ not in CORE_HEADS:
        return False
    if token.i <= _segment(token)[0]:
        return False
    prev = token.doc[token.i - 1]
    if token.dep_ in NOUNISH_DEPS and prev.pos_ in ("DET", "ADJ", "NOUN", "PROPN", "NUM", "SYM", "PART"):
        return True
    # "the minerals deal" parsed as "the minerals" + verb "deal": a modifier word before it.
    if prev.pos_ in ("NOUN", "ADJ", "PROPN"):
        return prev.dep_ in ("compound", "amod") or prev.lower_ in TYPE_MODIFIERS or bool(
            resource_hits(prev.text) or sector_cue_hits(prev.text))
    return False


def _children(token, *deps):
    return [c for c in token.children if c.dep_ in deps]


def _clean_span(doc, first: int, last: int) -> tuple[int, int]:
    """Character span of tokens first..last, trimmed of edge punctuation, spaces and conjunctions."""
    while first < last and (doc[first].is_punct or doc[first].is_space or doc[first].dep_ == "cc"):
        first += 1
    while last > first and (doc[last].is_punct or doc[last].is_space or doc[last].dep_ == "cc"):
        last -= 1
    return doc[first].idx, doc[last].idx + len(doc[last].text)


def _np_bounds(head) -> tuple[int, int]:
    """Token bounds (first, last) of a noun phrase's determiner, pre-modifiers and head,
    leaving out a possessor and anything before it."""
    if _mistagged_noun(head):
        # The parse is unreliable here: walk left over determiners and modifiers.
        doc, first = head.doc, head.i
        lowest = _segment(head)[0]
        while first - 1 >= lowest:
            prev = doc[first - 1]
            if prev.tag_ == "POS" or prev.lower_ in ("'s", "’s"):
                break
            if prev.pos_ in ("DET", "ADJ", "NUM", "SYM", "NOUN", "PROPN") or (prev.text in ("-", "–") and first - 2 >= lowest):
                first -= 1
                continue
            break
        return first, head.i
    first = head.i
    for child in head.lefts:
        if child.dep_ in NP_LEFT_DEPS and child.dep_ != "poss" and child.dep_ != "case":
            first = min(first, child.left_edge.i)
    poss = [c for c in head.lefts if c.dep_ == "poss"]
    if poss:
        first = max(first, max(p.right_edge.i for p in poss) + 1)
        while first < head.i and head.doc[first].dep_ == "case":
            first += 1
    first = max(first, _segment(head)[0])
    # Never start on punctuation or a stray conjunction.
    while first < head.i and (head.doc[first].is_punct or head.doc[first].dep_ == "cc"):
        first += 1
    return first, head.i


def _clause_bounds(verb) -> tuple[int, int]:
    """Token bounds of a verb's clause, without coordinated clauses after it, within its
    line-delimited sentence."""
    first, last = verb.i, verb.i
    for child in verb.children:
        if child.dep_ in ("conj", "cc") and child.i > verb.i:
            continue
        if child.dep_ == "punct" and child.i > verb.i:
            continue
        first = min(first, child.left_edge.i)
        last = max(last, child.right_edge.i)
    lo, hi = _segment(verb)
    return max(first, lo), min(last, hi - 1)


def _negated(token) -> bool:
    if any(c.dep_ == "neg" for c in token.children):
        return True
    return any(c.lower_ in ("never", "no", "not", "n't") and c.dep_ in ("advmod", "neg", "det") for c in token.children)


def _subject_tokens(verb):
    subjects = _children(verb, "nsubj", "csubj")
    if not subjects and verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.pos_ in ("VERB", "AUX"):
        return _subject_tokens(verb.head) if verb.dep_ != "advcl" else []
    if not subjects:
        subjects = _run_in_subject(verb)
    out = []
    for s in subjects:
        out.append(s)
        out.extend(c for c in s.children if c.dep_ == "conj")
    return out


def _run_in_subject(verb) -> list:
    """The subject of a verb whose line was run into the line before by the parser (a
    headline parsed with the first paragraph): the first noun of the verb's line, before the
    verb, that hangs on a token of another line. Empty when the line parses on its own."""
    lo, hi = _segment(verb)
    if lo <= verb.sent.start:
        return []  # the line starts its own sentence: the parse is not run in
    for t in verb.doc[lo:verb.i]:
        if t.pos_ in ("NOUN", "PROPN", "PRON") and not lo <= t.head.i < hi:
            return [t]
    return []


def _agent_tokens(verb):
    out = []
    for agent in _children(verb, "agent"):
        for pobj in _children(agent, "pobj"):
            out.append(pobj)
            out.extend(c for c in pobj.children if c.dep_ == "conj")
    return out


def _is_passive(verb) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _objects(verb):
    out = []
    for c in verb.children:
        if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd"):
            out.append(_whole_of(c))
        elif c.dep_ in ("prep", "prt") or (c.dep_ == "agent"):
            for pobj in _children(c, "pobj"):
                if c.lower_ in ("on", "to", "from", "of", "over", "with", "out", "away", "into", "about"):
                    out.append(pobj)
    return out


def _whole_of(token):
    """For a part of a deal ("the remainder of the loan", "the second tranche of the facility"),
    the deal noun it is a part of; else the token itself."""
    if _lemma(token) not in PORTION_NOUNS:
        return token
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for pobj in _children(prep, "pobj"):
                return pobj
    return token


def _governing_verb(token):
    t = token
    for _ in range(12):
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod",):
            return t
        if t.head.i == t.i:
            return None
        t = t.head
    return None


def _path_preps(token, stop) -> list:
    preps = []
    t = token
    for _ in range(12):
        if t is stop or t.head.i == t.i:
            break
        if t.dep_ == "prep" or t.pos_ == "ADP":
            preps.append(t)
        t = t.head
    return preps

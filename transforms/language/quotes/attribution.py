"""Cue and speaker of every item (``attribute``): from its cue verb, a dash or a lead-in, else carried over
from the previous part or quote; and where the speaker is written nearest the quote."""
from __future__ import annotations

import re

from transforms.language.actors import PRONOUNS, resolve_pronoun

from .context import ArticleContext, QuoteItem
from .cues import after_quote, cue_text
from .speakers import SPEAKER_TYPES, np_speaker, speaker_of_verb, verb_subjects
from .verbs import is_according, nominal_subjects
from .vocabulary import FINITE_TAGS, STAND_IN_EXTRA_WORDS


def attribute(ctx: ArticleContext, items: list[QuoteItem]) -> None:
    """Cue and speaker of every item; continuation for quotes without a cue."""
    for it in items:
        it.para = ctx.para_of(it.start)
        if it.verb is not None and not it.labelled:
            content_start = it.outer[0] if it.outer[0] > it.verb.idx else None
            it.cue = cue_text(ctx, it.verb, content_start)
            it.speaker_text, it.mention = speaker_of_verb(ctx, it.verb)
            it.speaker_span = _written_speaker_span(ctx, it)
            if it.mention is not None:      # a speaker of an earlier quote: a preferred antecedent of "he"
                ctx.prefer.add(it.mention["mention_id"])
    for it in items:
        if it.verb is None and it.span is not None and not it.labelled:
            _dash_attribution(ctx, it)
            if it.mention is None:
                _lead_in_attribution(ctx, it)
    chain_speaker: dict[int, QuoteItem] = {}
    for it in items:
        if it.span is not None and _speaks(it):
            chain_speaker.setdefault(it.span.chain, it)
    for n, it in enumerate(items):
        if _speaks(it):
            continue
        if it.has_cue and (it.verb is None or is_according(it.verb) or verb_subjects(ctx, it.verb)):
            continue           # a cue with its own subject that names nobody: no guess
        source = None
        if it.span is not None and it.span.chain in chain_speaker:
            source = chain_speaker[it.span.chain]
        if source is None and n > 0:
            prev = items[n - 1]
            if _speaks(prev) and prev.para == it.para and not _other_actor_between(ctx, prev, it):
                source = prev
            elif _speaks(prev) and prev.para == it.para - 1 and _stands_alone(ctx, it) \
                    and _ends_paragraph(ctx, prev):
                source = prev
        if source is not None:
            it.speaker_text, it.mention = source.speaker_text, source.mention
            it.speaker_span = source.speaker_span
            if it.span is not None:
                chain_speaker.setdefault(it.span.chain, it)
        elif not it.has_cue and it.kind == "direct":
            _introducing_subject(ctx, it, items[n - 1] if n > 0 else None)


def _speaks(it: QuoteItem) -> bool:
    """The item has a speaker: an actor, or a speaker written without one ("a woman in the crowd")."""
    return it.mention is not None or it.speaker_span is not None


def _speaker_key(it: QuoteItem) -> str | None:
    return it.mention["actor_key"] if it.mention is not None else None


def _written_speaker_span(ctx: ArticleContext, it: QuoteItem) -> tuple[int, int] | None:
    """Where the speaker is written nearest the quote (see ``_written_speaker``), or the mention."""
    verb = it.verb
    if verb is not None and verb.pos_ == "NOUN":
        if it.mention is not None:
            return it.mention["start"], it.mention["end"]
        first = after_quote(ctx, verb)
        if first >= verb.i:
            return None
        last = ctx.doc[verb.i - 1]
        return ctx.doc[first].idx, last.idx + len(last)        # “...,” the two write
    written = _written_speaker(ctx, verb) if verb is not None else None
    if written is not None and it.mention is None and _described_noun(ctx, written) is not None:
        noun = _described_noun(ctx, written)   # "voters who said": no actor, so the voters as written,
        return ctx.doc[noun.left_edge.i].idx, written.idx + len(written)   # up to the "who" that speaks
    if written is not None and (it.mention is None or _pronoun_like(written)):
        return _speaker_phrase(ctx, written)
    return None if it.mention is None else (it.mention["start"], it.mention["end"])


# Words that stand for a speaker named elsewhere, or for the writer: the mention nearest the quote.
_STAND_IN_WORDS = frozenset(PRONOUNS) | STAND_IN_EXTRA_WORDS


def _pronoun_like(tok) -> bool:
    return tok.lower_ in _STAND_IN_WORDS and tok.pos_ in ("PRON", "DET", "SCONJ")


def _written_speaker(ctx: ArticleContext, verb):
    """The subject of a cue as written ("she", "who", "I", "those surveyed"), or the object of
    "according to"; None when the cue has none outside a quotation."""
    if is_according(verb):
        candidates = [c for c in ctx.doc[verb.i + 1].children if c.dep_ == "pobj"]
    else:
        candidates = verb_subjects(ctx, verb)
    if not candidates and verb.i > 0 and ctx.in_quote[verb.i - 1]:
        # “...?” asked the boy: an inverted subject the parse made the object
        candidates = [c for c in verb.rights if c.dep_ in ("dobj", "nsubj", "attr") and c.i - verb.i <= 4]
    for tok in candidates:
        nominal = tok.pos_ in ("NOUN", "PROPN", "NUM") \
            or tok.pos_ == "ADJ" and any(c.dep_ == "det" for c in tok.children) \
            or tok.pos_ == "PRON" and any(c.dep_ in ("acl", "relcl") for c in tok.children)   # "those surveyed"
        if not ctx.in_quote[tok.i] and (nominal or _pronoun_like(tok)):
            return tok
    return None


def _described_noun(ctx: ArticleContext, tok):
    """The noun a relative "who" describes ("miners who said"), when it is written outside quotes."""
    if tok.lower_ not in ("who", "that", "which") or tok.head.dep_ != "relcl":
        return None
    noun = tok.head.head
    if noun.i >= tok.i or tok.i - noun.i > 2 or noun.pos_ not in ("NOUN", "PROPN") or ctx.in_quote[noun.i] \
            or any(ctx.in_quote[k] for k in range(noun.left_edge.i, noun.i)):
        return None
    return noun


_SPEAKER_PHRASE_TOKENS = 8


def _speaker_phrase(ctx: ArticleContext, tok) -> tuple[int, int]:
    """Characters of a subject as written: a pronoun alone, a noun with its modifiers before it
    and a short phrase after it ("those surveyed", "staff for the committee")."""
    if _pronoun_like(tok):
        return tok.idx, tok.idx + len(tok)
    i, j = tok.left_edge.i, tok.right_edge.i + 1
    if j - i > _SPEAKER_PHRASE_TOKENS or any(ctx.in_quote[k] or ctx.doc[k].text in (",", "(", "—", "–")
                                            for k in range(tok.i + 1, j)):
        j = tok.i + 1
    while i < tok.i and (ctx.in_quote[i] or ctx.doc[i].is_punct):
        i += 1
    return ctx.doc[i].idx, ctx.doc[j - 1].idx + len(ctx.doc[j - 1])


_DASH_RE = re.compile(r"[ \t\u00a0]*([―—–]|--)[ \t\u00a0]*")


def _dash_attribution(ctx: ArticleContext, it: QuoteItem) -> None:
    """“...” ― Jane Doe: a dash and a name right after the closing mark (written without an actor when
    the NER missed a name that ends the line)."""
    m = _DASH_RE.match(ctx.text, it.outer[1])
    if not m:
        return
    found = ctx.mentions_between(m.end(), m.end() + 1)
    if found and found[0]["actor_type"] in ("person", "anonymous", "organization", "group"):
        it.cue = m.group(1)
        it.speaker_text, it.mention = found[0]["text"], found[0]
        it.has_cue = True
        return
    name = _SIGNATURE_RE.match(ctx.text, m.end())
    if name:                   # “...” ― Marit Sandvold, a name the NER missed that ends its line
        it.cue, it.has_cue = m.group(1), True
        it.speaker_span = name.span(1)


# A signature after a dash: two to four capitalised words that end the line ("― Marit Sandvold").
_SIGNATURE_RE = re.compile(r"((?:[A-Z][\w’'.-]*[ \t\u00a0]+){1,3}[A-Z][\w’'.-]*\w)[ \t\u00a0.]*(?:\n|$)")


_LEAD_IN_MARKS = frozenset({":", "—", "–", "―", "--"})


def _lead_in_attribution(ctx: ArticleContext, it: QuoteItem) -> None:
    """“...” after a colon or dash that ends a clause whose subject is an actor: "Ilvar made the
    following comment: “...”", "Droz treated it as a compliment -- “That makes me smart”"; or after
    a person's name and a colon in the headline or at the start of a line ("Lena Droz: ‘...’")."""
    doc = ctx.doc
    k = ctx.tok_index(it.outer[0]) - 1
    while k >= 0 and doc[k].is_space:
        k -= 1
    if k <= 0 or doc[k].text not in _LEAD_IN_MARKS or ctx.in_quote[k] \
            or doc[k].text != ":" and "\n" in ctx.text[doc[k].idx:it.outer[0]]:
        return             # a colon may end the paragraph before the quote
    before = ctx.mention_at(doc[k - 1])
    if doc[k].text == ":" and before is not None and before["actor_type"] == "person" \
            and before["end"] == doc[k - 1].idx + len(doc[k - 1]):
        ps = ctx.paras[ctx.para_of(doc[k].idx)][0]
        if ps == ctx.paras[0][0] or not ctx.text[ps:before["start"]].strip(" \t\"“'‘"):
            it.cue, it.speaker_text, it.mention, it.has_cue = ":", before["text"], before, True
            return     # a headline or a line that names the speaker: "Lena Droz: ‘We will sign’"
    root, steps = doc[k - 1], 0    # the top of the clause the mark ends, with no other clause after it
    while root.head.i < k and root.head is not root and steps < 12:
        root, steps = root.head, steps + 1
    if root.i >= k or ctx.in_quote[root.i] or root.pos_ not in ("VERB", "AUX") or root.sent.start != doc[k].sent.start \
            or any(t.tag_ in FINITE_TAGS and t.dep_ not in ("aux", "auxpass") for t in doc[root.i + 1:k]):
        return
    for s in verb_subjects(ctx, root):
        if s.lower_ in PRONOUNS and s.lower_ not in ("he", "she"):
            continue
        text, m = np_speaker(ctx, s)
        if m is not None and m["actor_type"] in ("person", "anonymous", "organization"):
            it.cue, it.speaker_text, it.mention, it.has_cue = doc[k].text, text, m, True
            if s.lower_ in PRONOUNS:
                it.speaker_span = s.idx, s.idx + len(s)
            return


def _other_actor_between(ctx: ArticleContext, prev: QuoteItem, it: QuoteItem) -> bool:
    """Another actor is the subject of a clause between two quotes of a paragraph ("Droz disagreed").

    Actors named elsewhere in between ("said Korvel, speaking of Droz's plan") do not count.
    """
    a, b = prev.outer[1], it.outer[0]
    own = prev.speaker_span or (0, 0)
    for tok in ctx.tokens(a, b):
        if tok.dep_ not in ("nsubj", "nsubjpass") or ctx.in_quote[tok.i] or tok.head.dep_ not in ("ROOT", "conj"):
            continue           # only the subjects of main clauses ("..., where Droz also spoke" is not one)
        if own[0] <= tok.idx < own[1]:
            continue           # the previous quote's own speaker, written without an actor (“...,” Orlak said.)
        m = ctx.mention_at(tok)
        if m is None and tok.lower_ in PRONOUNS:
            m = resolve_pronoun(ctx.mentions, tok.idx, tok.lower_, exclude=ctx.skip, genders=ctx.genders,
                                prefer=ctx.prefer, coordinated=ctx.coordinated)
            if m is None:
                continue
        if m is None:
            if tok.pos_ in ("NOUN", "PROPN"):
                return True    # someone unnamed ("The woman replied")
            continue
        if m["actor_key"] != _speaker_key(prev) and m["actor_type"] in SPEAKER_TYPES:
            return True
    return False


def _stands_alone(ctx: ArticleContext, it: QuoteItem) -> bool:
    ps, pe = ctx.paras[it.para]
    outside = ctx.text[ps:it.outer[0]] + ctx.text[it.outer[1]:pe]
    return not any(ch.isalnum() for ch in outside)


def _ends_paragraph(ctx: ArticleContext, prev: QuoteItem) -> bool:
    """The previous quote is the last thing its paragraph says (but for its own attribution)."""
    pe = ctx.paras[prev.para][1]
    for m in ctx.mentions_between(prev.outer[1], pe):
        if m["actor_key"] != _speaker_key(prev) and m["actor_type"] in ("person", "anonymous", "organization"):
            return False
    tail = ctx.text[prev.outer[1]:pe]
    return tail.count(".") <= 1 and len(tail) < 120


_SPEAKING_ACTORS = frozenset({"person", "anonymous", "organization"})


def _introducing_subject(ctx: ArticleContext, it: QuoteItem, prev: QuoteItem | None) -> None:
    """A quote with no cue that opens a sentence right after one whose main clause has an actor as
    its subject, in the same paragraph and with no quote between: that actor ("Droz, his former
    partner, called him a master of deals. “He did what others could not.”")."""
    doc = ctx.doc
    k = ctx.tok_index(it.outer[0])
    if k == 0 or doc[k].sent.start != k and doc[k].sent.start != k - 1:
        return
    before = doc[k - 1] if doc[k].sent.start == k else doc[k - 2] if k > 1 else None
    if before is None or ctx.in_quote[before.i] or before.text not in (".", "!", "?"):
        return
    sent = before.sent
    if ctx.para_of(sent.start_char) != it.para or prev is not None and prev.outer[1] > sent.start_char:
        return
    if any(ctx.in_quote[t.i] for t in sent):
        return
    for s in nominal_subjects(sent.root):
        text, m = np_speaker(ctx, s)
        if m is not None and m["actor_type"] in _SPEAKING_ACTORS:
            it.speaker_text, it.mention = text, m
            it.speaker_span = (s.idx, s.idx + len(s)) if s.lower_ in PRONOUNS else (m["start"], m["end"])
            return

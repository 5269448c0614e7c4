"""Direct and mixed quotes: each quoted span judged (``judge_quote``: quote, mixed quote, or a scare quote,
nickname or title that is none) with its cue verb and span; and the turns of a transcript (``transcript_items``)."""
from __future__ import annotations

import bisect
import re

from transforms.language.actors import PRONOUNS, transcript_labels

from .context import ArticleContext, QuoteItem, para_end_token, para_start_token, trim_tokens
from .cues import continued_cue, continues_quote, cue_after, cue_before, is_second_part, linked_verb
from .marks import QuoteSpan, is_integrated, strip_spaces
from .verbs import is_speech_verb, nominal_subjects
from .vocabulary import ADJUNCT_PREPS, ARGUMENT_PREPS, CALL_LEMMAS, FINITE_TAGS, NOT_SAYING, OBJECT_CUE_PREPS


SHORT_WORDS = 3


def sentence_like(toks, inner: str) -> bool:
    words = inner.split()
    if len(words) <= SHORT_WORDS:
        return False
    return any(t.tag_ in FINITE_TAGS for t in toks) or inner.rstrip()[-1:] in (".", "?", "!", ",")


_WORD_RE = re.compile(r"[^\W\d_][\w’'-]*")


def title_like(inner: str) -> bool:
    """Every long word capitalised and no sentence end: a title ("The Steve Harvey Morning Show")."""
    words = [w for w in _WORD_RE.findall(inner) if len(w) > 3]
    return len(words) >= 2 and all(w[0].isupper() for w in words) and inner.rstrip()[-1:] not in ("?", "!")


def judge_quote(ctx: ArticleContext, q: QuoteSpan) -> QuoteItem | None:
    """Direct or mixed quote item for a quoted span, or None for a scare quote / nickname / title.

    A sentence-like quote is kept (with the cue after or before it, if any). A shorter one is
    kept only when a verb of saying or calling governs it (mixed; for calling verbs the span
    runs from the verb's object: called the plan “short-sighted”) or a cue follows it
    (“No,” she said).
    """
    text = ctx.text
    inner = text[q.start:q.end]
    toks = ctx.tokens(q.start, q.end)
    full = sentence_like(toks, inner)
    after = cue_after(ctx, q)
    if after is None and title_like(inner) and not is_second_part(ctx, q):
        return None          # a title, unless it ends an interrupted quote (“Yes,” she said. “The Big Day.”)
    link = None if full else linked_verb(ctx, toks, q)
    generic_arg = None
    if link is None and after is None and (not full or is_integrated(text, q)):
        link, generic_arg = _actor_verb_link(ctx, toks, q)   # a sentence quoted inside one: "Kestria branded Sarnovia an “...”"
        if full and link is not None and is_speech_verb(link):
            link, generic_arg = None, None   # "said “We sign today.”": a verb of saying cues it as direct
    if after is not None and (link is None or link.lemma_.lower() not in CALL_LEMMAS):
        verb, position = after, "after"
    elif link is not None:
        verb, position = link, "link"
    else:
        verb = cue_before(ctx, q)
        position = "before" if verb is not None else None
    if not full and position is None:
        cont = continued_cue(ctx, q)
        if cont is not None:
            verb, position = cont, "before"
    if not full and position == "before" and continues_quote(ctx, q, verb):
        pass                 # “Here it is,” she said. “Right here.”: the second part of one quote
    elif not full and position in (None, "before"):
        return None          # a scare quote, nickname or title
    start, end, kind = q.start, q.end, "direct"
    if position == "link" and verb.lemma_.lower() in CALL_LEMMAS and not _urging(verb):
        kind = "mixed"
        obj = ctx.doc[verb.i + 1] if verb.i + 1 < len(ctx.doc) else None
        arg = _argument_span(ctx, verb, q)
        if arg is not None and arg[0] < q.outer_start:
            start, end = arg     # "called the plan “short-sighted” for farmers": the object and what it is called
        elif obj is not None and obj.idx < q.outer_start and q.outer_start - obj.idx < 80 \
                and "\n" not in text[obj.idx:q.outer_start] and not ctx.in_quote[obj.i]:
            start, end = obj.idx, q.outer_end
    elif position == "link":
        kind = "mixed"
        arg = generic_arg or _argument_span(ctx, verb, q)
        if arg is not None:
            start, end = arg
    elif is_integrated(text, q) and (inner[:1].islower() or not full or _runs_past(ctx, verb, q)):
        kind = "mixed"
        if verb is not None and verb.idx < q.outer_start:
            arg = _argument_span(ctx, verb, q)     # "said the plan was “a trap”": the whole argument
            if arg is not None:
                start, end = arg
    return QuoteItem(start, end, kind, verb, span=q, outer=(min(start, q.outer_start), max(end, q.outer_end)))


def _runs_past(ctx: ArticleContext, verb, q: QuoteSpan) -> bool:
    """The cue's argument goes on after the closing mark ("said “We are horrified” by the flood"):
    the quote opens a clause of the writer's sentence rather than being one of its own."""
    if verb is None or verb.idx > q.outer_start:
        return False
    arg = _argument_span(ctx, verb, q)
    return arg is not None and any(ch.isalnum() for ch in ctx.text[q.outer_end:arg[1]])


def _urging(verb) -> bool:
    """"called on X to ...", "called for ...": urging, not naming."""
    nxt = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    return verb.lemma_.lower() == "call" and nxt is not None and nxt.lower_ in ("on", "upon", "for")


_ARGUMENT_DEPS = frozenset({"dobj", "xcomp", "ccomp", "prep", "dative", "oprd", "attr"})


def _actor_verb_link(ctx: ArticleContext, toks, q: QuoteSpan):
    """(verb, argument span) when a quoted fragment sits in the object of a main verb whose subject
    is a named or resolved actor, whatever the verb ("Korvel exhorted farmers to “hold the line”",
    "Droz likened the plan to a “trap”"); (None, None) otherwise."""
    inner = ctx.text[q.start:q.end]
    if not len(toks) or len(inner.split()) < 2 or title_like(inner):
        return None, None      # a scare-quoted word, a title ("The X-Files")
    tok, steps, via = toks[0], 0, None
    while tok.head is not tok and steps < 6:
        via, tok = tok, tok.head
        steps += 1
        if q.outer_start <= tok.idx < q.outer_end:
            continue
        if is_speech_verb(tok) and tok.tag_ not in FINITE_TAGS:
            return None, None  # "issued a statement saying “...”": the participle of saying cues it
        if tok.pos_ == "VERB" and tok.tag_ in FINITE_TAGS:
            break
    else:
        return None, None
    if tok.pos_ != "VERB" or tok.lemma_.lower() in NOT_SAYING or via.dep_ not in _ARGUMENT_DEPS \
            or via.dep_ == "prep" and via.lower_ not in ARGUMENT_PREPS \
            or via.i < tok.i or ctx.in_quote[tok.i] or tok.dep_ not in ("ROOT", "conj"):
        return None, None
    subj = nominal_subjects(tok)
    if len(subj) != 1:
        return None, None
    s = subj[0]
    if s.lower_ in PRONOUNS:
        if s.lower_ not in ("he", "she"):
            return None, None
    else:
        m = ctx.mention_at(s)
        if m is None or m["actor_type"] not in ("person", "anonymous", "organization", "country"):
            return None, None
    arg = _argument_span(ctx, tok, q)
    if arg is None or arg[1] - arg[0] > 300:
        return None, None
    return tok, arg


_NOT_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "punct", "aux", "auxpass", "neg", "advmod", "npadvmod"})


def _argument_span(ctx: ArticleContext, verb, q: QuoteSpan) -> tuple[int, int] | None:
    """The verb's argument that holds a quoted fragment, as (start, end) characters.

    "is stressing the need to act under “constant attack” from abroad" -> "the need ... from abroad";
    "said she wanted to speak “directly to voters”" -> "she wanted to speak “directly to voters”".
    Only an argument after the verb, inside its sentence and paragraph; None when the quote sits
    in the subject or the argument is not found.
    """
    doc = ctx.doc
    toks = ctx.tokens(q.start, q.end)
    if not len(toks):
        return None
    tok, steps = toks[0], 0
    while tok.head.i != verb.i and tok.head.i != tok.i and steps < 10:
        tok = tok.head
        steps += 1
    if tok.head.i != verb.i or tok.dep_ in _NOT_ARGUMENT_DEPS or tok.i < verb.i:
        return None
    sent = verb.sent
    first = tok.left_edge.i
    for child in verb.rights:      # the object before the argument: "criticized the act as “...”"
        if _object_is_cue(tok):
            break              # "told Droz that “...”", "accused Droz of “...”": the object is part of the cue
        if child.i < tok.i and child.dep_ in ("dobj", "dative", "iobj") and child.right_edge.i < tok.i:
            first = min(first, child.left_edge.i)
            break
    i, j = max(first, verb.i + 1, sent.start), min(tok.right_edge.i + 1, sent.end)
    i, j = para_start_token(ctx, i, verb.i), para_end_token(ctx, verb.i, j)
    i, j = trim_tokens(doc, i, j)
    if i >= j:
        return None
    start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1])
    if q.outer_start < start <= q.start:
        start = q.outer_start  # the opening mark hangs on the verb: the argument opens with the quote
    if start > q.outer_start or end - start > 600:
        return None
    if end > q.outer_end and tok.dep_ not in ("ccomp", "xcomp", "advcl") and _tail_hangs_on_quote(ctx, q, end):
        end = q.outer_end      # "blasted Korvel as a “disgrace” Wednesday on ...": the words held up end there
    return start, max(end, q.outer_end)


def _object_is_cue(arg) -> bool:
    """The verb's object stays out of an argument that is a clause ("told Droz that “...”") or follows
    "of" or "to" ("accused Droz of “...”", "likened the plan to “...”"); "as" keeps it ("hailed Droz as “...”")."""
    return arg.dep_ == "ccomp" or arg.dep_ == "prep" and arg.lower_ in OBJECT_CUE_PREPS


def _tail_hangs_on_quote(ctx: ArticleContext, q: QuoteSpan, end: int) -> bool:
    """What follows the closing mark inside an argument is a dash, or an adjunct of time or place
    the parse hung on the quoted words ("Wednesday", "during ...", "on Fox News")."""
    k = bisect.bisect_left(ctx.tok_starts, q.outer_end)
    if k >= len(ctx.doc) or ctx.doc[k].idx >= end:
        return False
    first = ctx.doc[k]
    if first.text in ("—", "–", "--", "―", "-", "(", ";"):
        return True
    if not q.start <= first.head.idx < q.end:
        return False
    if first.dep_ == "npadvmod":
        return first.ent_type_ in _ADJUNCT_ENTS         # "... “disgrace” Wednesday"
    if first.dep_ == "prep" and first.lower_ in ADJUNCT_PREPS:
        if first.lower_ == "during":
            return True
        return any(c.dep_ == "pobj" and c.ent_type_ in _ADJUNCT_ENTS for c in first.children)
    return False


_ADJUNCT_ENTS = frozenset({"DATE", "TIME", "GPE", "LOC", "FAC", "ORG", "EVENT", "WORK_OF_ART"})


def transcript_items(ctx: ArticleContext, spans: list[QuoteSpan], directs: list[QuoteItem]) -> list[QuoteItem]:
    """Transcript turns: a paragraph opening with a person's label ("WALLACE: Let's start ...",
    with or without an opening mark) is a direct quote of that person, from after the colon to
    the end of its quote (or of the paragraph when no mark opens it)."""
    labels = transcript_labels(ctx.text)
    if not labels:
        return directs
    out = list(directs)
    for a, b in labels:
        m = ctx.mention_at(ctx.doc[ctx.tok_index(a)])
        if m is None or m["actor_type"] != "person" or not (m["start"] <= a < m["end"]):
            continue
        ps, pe = ctx.paras[ctx.para_of(a)]
        c = b + 1
        while c < pe and ctx.text[c].isspace():
            c += 1
        own = [d for d in out if d.span is not None and d.span.start <= a < d.span.end]
        held = [q for q in spans if q.start <= a < q.end]
        if own:
            it = own[0]
            it.start, it.kind = max(it.start, c), "direct"
        elif held:
            if held[0].start != a or held[0].end - c < 2:
                continue       # a label inside another quote
            it = QuoteItem(c, held[0].end, "direct", span=held[0], outer=(held[0].outer_start, held[0].outer_end))
            out.append(it)
        else:
            end = strip_spaces(ctx.text, c, pe)[1]
            while end > c and ctx.text[end - 1] in ".;":
                end -= 1
            if end - c < 2:
                continue
            it = QuoteItem(c, end, "direct", outer=(a, pe))
            out = [d for d in out if not (ps <= d.outer[0] and d.outer[1] <= pe)]
            out.append(it)
        it.verb, it.labelled, it.has_cue, it.cue = None, True, True, ":"
        it.speaker_text, it.mention = m["text"], m
    out.sort(key=lambda it: (it.start, it.end))
    return out

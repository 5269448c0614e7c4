"""Quotes inside one article: who said what, with the cue and the speaker mention.

``find_quotes(doc, mentions, article_id)`` returns quote rows (shape in
``transforms.language.extract``). The steps, each a small function testable on a string:

1. ``quotation_spans(text)``: every quoted span, for every mark style (“curly”, "straight",
   ''doubled'', ``tex'', ‘single curly’, 'single straight', « guillemets », ‹ single ›, „low“),
   paired inside one paragraph; a quote whose opening mark starts each of several paragraphs
   and which closes only at the end is one chain of parts; an unclosed mark never reaches
   past its paragraph.
2. each quoted span is judged (``judge_quote``): a short (<= 3 words), not sentence-like span,
   or a title ("The Morning Hour"), is a scare quote, nickname or title unless a verb of
   saying, calling or stance ("criticized", "hailed", "promised") governs it (then it is
   "mixed" and spans the verb's argument: "criticized the act as a “crazy system”"), a cue
   follows it (“No,” she said), or it is the short second part of a quote whose cue sits
   just before it (“Here it is,” she said. “Right here.”); a quote inside a sentence's
   syntax ("said the plan was “a trap for farmers”") is "mixed". A fragment of two words or more
   (not a title) in an argument of any main verb whose subject is an actor is "mixed" over that
   argument ("exhorted farmers to “hold the line”", "likened the plan to a “trap”"); "called
   on/for" urges rather than names.
3. ``indirect_candidates``: reported speech without marks from the dependency parse (the
   ccomp of a verb of saying; "according to X"), with token fallbacks for "..., X said." and
   "X said (that) ..." when the parse has no ccomp, and "<part>, X said, <part>" (one row per part);
   what an actor vowed, promised, pledged, urged or threatened "to ..." and what it "called for".
4. merge: a reported clause that is the quoted text itself is dropped (the direct quote
   stays); a reported clause that holds a quoted fragment, or into which a quote opens,
   becomes one "mixed" row spanning the clause and the quote; but a quote that is a sentence of
   its own and ends the clause ("X said he agreed and added, “We sign today.”") stays direct and
   the clause ends before it.
5. speakers: the subject of the cue verb ("X said", "said X", "X, the minister, said"), the
   antecedent of a pronoun subject, the anonymous mention of "the official", a name after a
   dash (“...” ― Jane Doe), an unnamed source the actor pass made of the subject ("the
   announcer said", "according to the report"); a parenthesis between name and cue is
   skipped ("Ilvar (D-Veld.) said"), and so is an appositive ("Ilvar, the minister, said"); a name
   right before a cue the parse left without a subject; the subject of the clause a colon or dash
   ends ("Ilvar made this comment: “...”"), or a person's name and a colon in the headline; the
   organisation behind a document ("the IMF report stated"); "they" after coordinated people
   ("Ilvar and Droz say") is the first of them. A quote with no cue, or whose cue has no subject of its
   own (“...,” she said, adding “...”), takes the speaker of the previous part of its chain,
   of the previous quote of its paragraph (unless another actor is the subject of a main
   clause in between), or, standing alone in its paragraph, of the quote that ends the
   previous paragraph. A cue whose subject names no actor keeps the actor empty.
   Pronouns prefer the subjects of main clauses as antecedents; a relative "who" speaks for the
   noun its clause describes; "issued a statement saying" for whoever issued it. Verbs of
   speaking in a manner ("barked") and verb + particle ("pointed out") are cues; so is a verb of
   saying the small model tagged as a noun after a quote (“...,” the two write).
6. the speaker as written: ``speaker_text`` is ``text[speaker_start:speaker_end]``, the mention
   nearest the quote: a pronoun or "who" where it stands (its antecedent gives the mention and
   actor), else the actor's mention. A subject that names no actor ("those surveyed", “...,”
   asked the boy) is kept as written with no mention: a speaker without an actor, never a guessed one.

Spans: a direct row is the text inside the marks (whitespace inside « » trimmed). Interrupted
quotes (“A,” she said, “B.”) give one row per part, each with the speaker; so do the parts of
a multi-paragraph quote (each row stays inside one paragraph). A mixed row is the reported
content with its marks: the clause ("the agreement was “a fair deal”") or, after a calling
verb, the object and the quoted words ("the plan “short-sighted”"); a mixed quote the
syntax governs directly ("said “no”") keeps the inner span. A reported clause with words of
its own around a quote is one mixed row ("that her pen “has an eraser”" -> "her pen “has an
eraser”"); a quote that continues the sentence's syntax spans the cue verb's argument. An
indirect row is the reported clause without "that" and without the final punctuation.
Modules, in the order the data flows: ``vocabulary`` (the word lists of ``data/vocabulary.json``),
``marks`` (step 1), ``verbs`` (which tokens are cues), ``context`` (the article and the items the steps
share), ``cues`` and ``speakers`` (a quote's cue verb and the speaker of a cue), ``direct`` (step 2 and
transcript turns), ``indirect`` (3), ``headlines`` (a headline "Ilvar: The Mine Will Reopen" as Ilvar's claim), ``merge`` (4), ``attribution`` (5, 6) and ``rows`` (the quote rows).
"""
from __future__ import annotations

from .attribution import attribute
from .context import ArticleContext
from .direct import judge_quote, transcript_items
from .headlines import headline_claim
from .indirect import indirect_candidates
from .marks import QuoteSpan, quotation_spans
from .merge import mark_quoted_clauses, merge
from .rows import quote_rows, speaker_name

__all__ = ["QuoteSpan", "find_quotes", "quotation_spans", "speaker_name"]


def find_quotes(doc, mentions: list[dict], article_id: str) -> list[dict]:
    """Direct, indirect and mixed quotes of one parsed article, sorted by start."""
    text = doc.text
    spans = quotation_spans(text)
    ctx = ArticleContext(doc, text, mentions, spans)
    directs = [it for it in (judge_quote(ctx, q) for q in spans) if it is not None]
    directs = transcript_items(ctx, spans, directs)
    claim = headline_claim(ctx)
    items = merge(directs, indirect_candidates(ctx) + ([claim] if claim else []), text)
    mark_quoted_clauses(ctx, items)
    attribute(ctx, items)
    return quote_rows(items, text, article_id)

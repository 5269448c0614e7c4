"""A headline that gives its claim to a speaker (``headline_claim``): "Tomas Ilvar: The Mine Will Reopen",
"Poll: Voters Back the Treaty"; the words after the colon are what the speaker said."""
from __future__ import annotations

import re

from transforms.language.actors import DOCUMENT_HEADS

from .context import ArticleContext, QuoteItem
from .vocabulary import SECTION_LABELS

_HEADLINE_RE = re.compile(r"[ \t]*(?P<who>[^:\n]{2,60}?)[ \t]*:[ \t]+(?P<claim>[^\n]*\S)")
_SPEAKING_TYPES = frozenset({"person", "organization", "country", "anonymous", "group"})
_CLOSING_PUNCT = ".;,"


def headline_claim(ctx: ArticleContext) -> QuoteItem | None:
    """The headline's claim as an indirect quote of the name (or document) before its colon, or None.

    The words before the colon are one actor mention as a whole ("Tomas Ilvar", "Brask Mining") or
    end in a document's word ("Poll", "New Study") that is no section of the paper ("Analysis"); the
    claim has three words or more."""
    if not ctx.paras:
        return None
    start, end = ctx.paras[0]
    hit = _HEADLINE_RE.match(ctx.text, start, end)
    if hit is None or len(hit.group("claim").split()) < 3:
        return None
    who_start, who_end = hit.span("who")
    mention = _whole_mention(ctx, who_start, who_end)
    words = hit.group("who").lower().split()
    if mention is None and (words[-1] not in DOCUMENT_HEADS or set(words) & SECTION_LABELS):
        return None              # "Analysis: ...": a section of the paper, not a speaker
    claim_start, claim_end = hit.span("claim")
    while claim_end > claim_start and ctx.text[claim_end - 1] in _CLOSING_PUNCT:
        claim_end -= 1
    item = QuoteItem(claim_start, claim_end, "indirect")
    item.cue, item.mention, item.has_cue, item.labelled = ":", mention, True, True
    item.speaker_text = hit.group("who") if mention is None else mention["text"]
    item.speaker_span = (who_start, who_end)
    return item


def _whole_mention(ctx: ArticleContext, start: int, end: int) -> dict | None:
    """The speaking actor's mention that is all of [start, end) but for a leading "the"."""
    for m in ctx.mentions_between(start, end):
        before = ctx.text[start:m["start"]].strip().lower()
        if m["end"] == end and before in ("", "the") and m["actor_type"] in _SPEAKING_TYPES:
            return m
    return None

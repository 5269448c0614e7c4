"""Which deal a term read in the text belongs to: the deal the syntax points to, else the nearest
mention, else (away from any deal mention) the deal of the paragraph; and the rows of the terms kept."""
from __future__ import annotations

from transforms import ids
from transforms.schema import ATTRIBUTES, POLARITIES

from .clustering import _same_kind
from .context import ENTITY_TYPES, _Context, _Mention
from .patterns import _NOT_A_PRICE, _THRESHOLD
from .syntax import _lemma, _segment
from .vocabulary import RESOURCE_SECTOR, TERM_CUES, TOPIC_PREPS, resource_hits


# Terms read in a sentence without a deal mention, by the paragraph's deal (see
# ``_TermTargets.add``): amounts, periods and places told there are mostly background.
PARAGRAPH_ATTRIBUTES = {"resource", "share", "condition", "consideration"}


def _attribute_row(article_id, deal_mention_id, attribute, start, end, text, normalized, unit, polarity):
    assert attribute in ATTRIBUTES and polarity in POLARITIES
    return {
        "attribute_id": ids.span_id("attribute", article_id, start, end, attribute),
        "article_id": article_id,
        "deal_mention_id": deal_mention_id,
        "attribute": attribute,
        "value": text[start:end],
        "normalized": normalized,
        "unit": unit,
        "polarity": polarity,
        "start": start,
        "end": end,
    }


class _TermTargets:
    """The terms of one article attached to their deal mentions: ``rows`` holds (row, deal
    mention, attached by syntax rather than by distance) for every term added."""

    def __init__(self, ctx: _Context, article_id: str, mentions: list[_Mention], reach_sents: set[int],
                 nearest, head_to_mention, deals_of: list | None = None):
        self.ctx, self.article_id, self.mentions = ctx, article_id, mentions
        self.reach_sents, self.nearest, self.head_to_mention = reach_sents, nearest, head_to_mention
        self.deals_of = deals_of
        self.rows: list[tuple[dict, _Mention, bool]] = []
        agreements = {m.deal for m in mentions if not (deals_of and m.deal is not None and deals_of[m.deal].deal_type in ENTITY_TYPES)}
        self.single_deal = next((m for m in mentions if m.deal in agreements), None) if len(agreements) == 1 else None

    def add(self, attribute, start, end, normalized, unit, polarity, anchor_char=None, mention=None):
        """Attach the term at [start, end) to ``mention``, else to the deal the syntax at
        ``anchor_char`` (else ``start``) points to, else to the nearest deal mention."""
        if start >= end:
            return
        ctx, text = self.ctx, self.ctx.text
        sent = ctx.sent_index(start)
        anchor = anchor_char if anchor_char is not None else start
        if sent not in self.reach_sents:
            target = self._paragraph_target(attribute, start, sent, anchor, normalized, mention)
            if target is not None:
                self._append(attribute, start, end, normalized, unit, polarity, target, False)
            return
        target = mention or self.ancestor_mention(anchor)
        syntactic = target is not None
        if attribute == "value" and (_THRESHOLD.search(text[max(0, start - 60):start])
                                     or not syntactic and _NOT_A_PRICE.search(text[max(0, start - 40):start])):
            return  # "any foreign loan above $500 million must be ratified": a threshold
        target = target or self.nearest(sent, anchor)
        if not syntactic and target is not None and self.is_entity(target):
            # "50% of revenues would flow into the joint investment fund": a term near a fund
            # or joint venture is a term of the agreement that sets it up, when one is told.
            target = self.last_agreement(sent, anchor) or target
        if target is None:
            return
        self._append(attribute, start, end, normalized, unit, polarity, target, syntactic)

    def _append(self, attribute, start, end, normalized, unit, polarity, target: _Mention, syntactic: bool):
        row = _attribute_row(self.article_id, target.row["deal_mention_id"], attribute, start, end, self.ctx.text,
                             normalized, unit, polarity)
        self.rows.append((row, target, syntactic))

    def _paragraph_target(self, attribute, start, sent, anchor, normalized, mention) -> _Mention | None:
        """A term told away from any deal mention ("Marhaven continues to demand that 50%
        of revenues ...") belongs to the deal the paragraph is about; None: no term."""
        if self.ctx.quoted(start):
            return None  # speech is not a report of terms
        if attribute in PARAGRAPH_ATTRIBUTES:
            return mention or self.ancestor_mention(anchor) or self.paragraph_deal(sent, attribute, normalized)
        if attribute != "location" and self.single_deal is not None and self.talks_terms(sent):
            # An article about one deal: its amounts and periods are that deal's -- but not
            # a loss, a saving or a legal threshold told by the way ("cost businesses $300
            # million", "any loan above $500 million").
            target = mention or self.ancestor_mention(anchor)
            if target is None and attribute == "value" and _NOT_A_PRICE.search(self.ctx.text[max(0, start - 40):start]):
                return None
            return target or self.single_deal
        return None

    def talks_terms(self, sent: int) -> bool:
        """The sentence speaks of terms: a demand, an offer, money lent, repaid or paid."""
        return any(_lemma(t) in TERM_CUES or t.lower_ in TERM_CUES for t in self.ctx.sents[sent])

    def is_entity(self, m: _Mention) -> bool:
        return bool(self.deals_of) and m.deal is not None and self.deals_of[m.deal].deal_type in ENTITY_TYPES

    def last_agreement(self, sent: int, char: int) -> _Mention | None:
        """The last deal mention before ``char`` in its paragraph or the one before that is no
        fund or joint venture."""
        ctx = self.ctx
        para = ctx.para_of_sent[sent]
        before = [m for m in self.mentions if m.start < char and ctx.para_of_sent[m.sent] in (para - 1, para)
                  and not self.is_entity(m)]
        return before[-1] if before else None

    def paragraph_deal(self, sent: int, attribute: str, normalized) -> _Mention | None:
        """The deal a sentence without a deal mention is about. When the sentence names
        resources, the article's one deal with those resources (or of their sector); else the
        last deal mention before the sentence in its paragraph or the paragraph before,
        unless the article has another deal of the same kind the term could belong to."""
        ctx, mentions = self.ctx, self.mentions
        para = ctx.para_of_sent[sent]
        sentence = ctx.sents[sent]
        named = {key for s_, e_, key in resource_hits(sentence.text)
                 if not ctx.in_actor(sentence.start_char + s_, sentence.start_char + e_)}
        deals = self.deals_of or []
        allowed = set(range(len(deals)))
        if named:
            sectors = {RESOURCE_SECTOR.get(r) for r in named} - {None}
            matching = {i for i, d in enumerate(deals) if set(d.resources) & named
                        or (d.sector_votes and d.sector in sectors)}
            if len(matching) == 1:
                (only,) = matching
                if attribute == "resource" and deals[only].resources and normalized not in deals[only].resources:
                    return None
                before = [m for m in mentions if m.deal == only and m.sent < sent]
                return (before or [m for m in mentions if m.deal == only])[-1 if before else 0]
            if matching:
                allowed = matching
        before = [m for m in mentions if m.sent < sent and ctx.para_of_sent[m.sent] in (para - 1, para)
                  and m.deal in allowed]
        if not before:
            return None
        target = before[-1]
        deal = deals[target.deal] if target.deal is not None and target.deal < len(deals) else None
        if deal is not None and any(_same_kind(deal, d) for i, d in enumerate(deals) if i != target.deal):
            return None
        if attribute == "resource" and deal is not None and deal.resources and normalized not in deal.resources:
            return None
        return target

    def ancestor_mention(self, char) -> _Mention | None:
        """The deal whose noun phrase governs the term ("an agreement that will channel half
        of the revenues from lithium into a fund": lithium -> the agreement)."""
        ctx, head_to_mention = self.ctx, self.head_to_mention
        tok = ctx.token_at(char)
        if tok is None:
            return None
        lo, hi = _segment(tok)
        t = tok
        for _ in range(16):
            if t.i in head_to_mention:
                return head_to_mention[t.i]
            if t.head.i == t.i or not lo <= t.head.i < hi:
                return None
            if t.dep_ == "prep" and t.lower_ in TOPIC_PREPS and t.head.pos_ in ("VERB", "AUX"):
                # "signed a deal on rare earths": the preposition hangs on the verb.
                for o in t.head.children:
                    if o.dep_ in ("dobj", "nsubjpass") and o.i in head_to_mention:
                        return head_to_mention[o.i]
            if t.head.pos_ in ("VERB", "AUX") and t.dep_ not in ("nsubj", "nsubjpass", "ccomp", "advcl", "conj"):
                # "The agreement gives Marhaven a share of lithium revenues": the deal's verb.
                for o in t.head.children:
                    if o.dep_ in ("nsubj", "nsubjpass") and (o.i in head_to_mention or o.i in ctx.deal_at):
                        return head_to_mention.get(o.i) or ctx.deal_at[o.i]
            t = t.head
        return None

    def inside_mention(self, char) -> _Mention | None:
        """The deal mention whose noun phrase holds the character."""
        tok = self.ctx.token_at(char)
        if tok is None:
            return None
        for m in self.mentions:
            if tok.i in m.feature:
                return m
        return None

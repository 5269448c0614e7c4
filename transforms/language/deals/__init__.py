"""Deals inside one article: deal mentions, their parties, terms (attributes) and status events.

``find_deals(doc, mentions, article_id, published_at)`` takes a parsed spaCy ``Doc``, the
actor ``mentions`` of the same article (rows of ``transforms.language.actors.find_mentions``) and
returns ``{"deal_mentions": [...], "deal_attributes": [...], "deal_events": [...]}`` with
the row shapes documented in ``transforms.language.extract``; deal mention rows also carry
``deal_ref``, the ``deal_mention_id`` of the first mention of the same deal in the article.
Every row's ``start``/``end`` index ``doc.text``; ``text`` (``value`` for attributes) is
exactly ``doc.text[start:end]``. Pure: no I/O but the package data, no second parse.

How it works (rules over the parse and the vocabularies of ``data/*.json``):

1. **Deal mentions** are noun phrases headed by a deal noun ("agreement", "deal", "pact",
   "accord", "contract", "treaty", "loan", "memorandum of understanding", "MoU", "credit
   line", "joint venture", "investment fund", "mining concession", "purchase of 12
   frigates", ...). The span runs from the determiner and pre-modifiers to the head ("the
   $2.4 billion loan", "a 20-year gas supply contract"); a possessor is left out of the span
   and becomes a party. ``deal_type`` comes from the head and the modifier nearest it
   ("supply contract" -> supply, "loan agreement" -> loan). "the proposal", "the document",
   "the draft", "the offer", "the text" only refer back to a deal already introduced.
   Lines are sentence boundaries (a headline is not run into the first paragraph).
2. **Grouping** within the article: a mention joins a *compatible* deal (no clash of
   specific type, resources, noun-phrase sector or noun-phrase parties; a fund or joint
   venture never merges with the agreement that sets it up) -- preferring the same
   specific type, then the same head noun, then the most recent deal of the last two
   sentences, else the most mentioned one. "another", "a second", "a separate" start a new
   deal, and so does an indefinite mention of a new specific type that shares no resource,
   party or sector with the deal. Type, sector, resources and parties are decided per deal
   and carried to all its mentions.
3. **Sector**: weighted votes -- resources and cue words inside the first mention (3; later
   mentions 1.5), loan or fund type -> finance (2), resources tied to the deal by the syntax
   (1) or only near it (0.25), cue words of the first mention's sentence (0.5); "other" when
   nothing votes. Words inside actor names ("Ostrel Energy") are not cues.
4. **Attributes** (resource, value, share, duration, consideration, condition, location;
   percentages after "rate"/"tariff"/"interest" -> other) and **events** (status cues) are
   read in sentences with a deal mention and in the sentence after, and attached to the
   deal the syntax points to (the deal noun governing the term, the cue verb's object),
   else the nearest deal mention of the sentence, else the last of the previous sentence;
   a term attached by distance to a fund or joint venture goes to the agreement that sets
   it up ("50% of revenues would flow into the joint investment fund"). Farther away, a
   resource, share, condition or consideration goes to the deal its sentence's resources
   name (the article's one deal with them), else to the last deal mention of its paragraph
   or the paragraph before unless another deal of the article is of the same kind; in an
   article with one agreement, amounts and periods of a sentence that speaks of terms
   ("is seeking", "repayment", "tranche", "compensation") are that deal's. Never terms:
   anything read that way inside a direct quote, a duration inside a quote ("for six
   months"), a percentage after a market move ("shares rose 4 percent"), an amount after
   "any ... above" (a legal threshold) or, by distance, after "cost"/"save"/"lose".
5. **Polarity**: "without X", "does not include X", "no X", "lacks X" -> absent;
   "demands X", "insists on X", "calls for X", "is seeking X", "unless/only if it includes X"
   -> demanded; "includes X", "a deal with X", "subject to X" -> stated; "X is not part of
   the final text", "X was dropped" -> absent. A condition term with no such stance is not
   emitted.
6. **Events**: a negated cue never yields its own status ("did not sign", "failed to sign"
   -> stalled; "refused/declined to sign" -> rejected); an expected one ("will sign", "is
   expected to", "plans to", "has yet to") and a negated present perfect ("has not signed",
   "no agreement has been signed": not so far) -> negotiating;
   hypotheticals, conditions and obligations ("if they sign", "takes effect once ...",
   "must be ratified") yield nothing. A cue governed by another cue ("agreed to sign") is
   the governor's event. ``event_date`` is the date expression governed by the cue, else one
   in its clause, else the nearest in its sentence that belongs to no other cue, resolved
   with ``transforms.language.dates.resolve_date`` (looking forward for expected events told in the
   present); None when there is none. An undated event of the same deal and status as the
   article's one dated event of that status is the same event told again and takes its date.
   Talks in a clause told as background ("a month after talks began", "since the talks
   resumed") are no event, and an event read by distance never goes to a deal the sentence
   sets apart ("the talks are separate from the minerals agreement"). Another event in a
   clause set a distance from its main clause ("resumed talks on Wednesday, a month after
   Veldonia refused to sign") is dated from the main clause's date (else the publication
   date) that distance away, no finer than the distance (``dates.shift_date``: month).
   Not events: cues inside direct quotes (speech is not a report: "Sarnovia negotiated
   hard", "we walked away"; the act is told by the reporter elsewhere), attributive
   "a proposed agreement" (a description, not a dated proposal), "the decision to award
   the contract". "awarded a contract (to X)" -> agreed. Leaving a deal ("walked away",
   "withdrew", "pulled out") is cancelled when the article tells the deal as agreed or
   signed, rejected when it tells it only as offered, else as the cue reads ("walked away"
   -> rejected, "withdrew" -> cancelled). "X announced the decision on
   Tuesday" retells the last non-negotiating event of its paragraph or the one before and
   dates it (added after the retelling rule, so the undated report keeps its own date).
7. **Parties** (``mention_id`` of a country or organisation mention, and a role): subjects
   of cue verbs (proposer, signatory, counterparty for a rejection, party), "to X" of a
   proposal (counterparty), "between X and Y" / "with X" / possessors / demonym modifiers
   (party), "brokered/mediated by X" (mediator), "guaranteed by X" / "a guarantee from X"
   (guarantor), "a loan to X" / "gives X" (beneficiary). A person counts through the
   country or organisation named in their modifiers, else the country mention with their
   country code, else as themselves; a place after "signed in" is a location, not a party,
   and the owner of an organisation ("Kestria's state-owned Ostrel Energy", "Ostrel Energy,
   Kestria's state-owned gas company", "a Kestrian shipyard": read on the surface) is not
   one. Buying: "signed a contract to buy frigates from X", "agreed to buy X" -> X is a
   counterparty; "awarded a contract to X" -> X is a beneficiary. A cue verb with no subject
   in its line, whose line the parser ran into a headline, takes the line's first noun
   hanging on the other line as its subject.
"""
from __future__ import annotations

import functools

from .clustering import _group, _vote_sectors
from .context import _Context, _Mention, _nearest_mention
from .event_rows import _dedupe, _event_rows
from .events import _find_events
from .mentions import _find_mentions, _index_mentions, _mention_rows
from .parties import _attach_parties, _other_parties
from .terms import _attribute_rows, _find_attributes, _location_tokens
from .vocabulary import load_resources


__all__ = ["find_deals", "load_resources"]


def find_deals(doc, mentions: list[dict] | None, article_id: str, published_at=None) -> dict[str, list[dict]]:
    """Deal mentions, attributes and events of one parsed article (see the module docstring).

    ``mentions``: the article's actor mention rows (``transforms.language.actors.find_mentions``);
    ``published_at``: the article's publication time (ISO string, datetime or None), against
    which relative dates are resolved.
    """
    ctx = _Context(doc, mentions or [])
    found = _find_mentions(ctx)
    deals = _group(found)
    if not found:
        return {"deal_mentions": [], "deal_attributes": [], "deal_events": []}
    _index_mentions(ctx, found, article_id)
    head_to_mention = {m.head: m for m in found}
    by_sent: dict[int, list[_Mention]] = {}
    for m in found:
        by_sent.setdefault(m.sent, []).append(m)
    # Terms and events are read in sentences with a deal mention and in the sentence after.
    reach_sents = set(by_sent) | {s + 1 for s in by_sent if s + 1 < len(ctx.sents)}
    nearest = functools.partial(_nearest_mention, by_sent)

    location_tokens = _location_tokens(ctx, head_to_mention, reach_sents)
    attribute_pairs = _find_attributes(ctx, article_id, found, reach_sents, nearest, head_to_mention, location_tokens, deals)
    events = _find_events(ctx, found, reach_sents)
    event_rows, party_pairs = _event_rows(ctx, events, deals, nearest, article_id, published_at)
    party_pairs += _other_parties(ctx, found, deals, nearest, head_to_mention, reach_sents, by_sent)
    _attach_parties(ctx, deals, party_pairs, location_tokens)
    attribute_rows = _attribute_rows(attribute_pairs, deals)
    _vote_sectors(ctx, deals)

    mention_rows = _mention_rows(ctx, deals, article_id)
    event_rows = _dedupe(sorted(event_rows, key=lambda r: (r["start"], r["end"])), "event_id")
    return {"deal_mentions": mention_rows, "deal_attributes": attribute_rows, "deal_events": event_rows}

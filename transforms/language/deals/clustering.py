"""Mentions grouped into the article's deals (a mention joins a compatible deal or starts one), and
the weaker sector votes of each deal."""
from __future__ import annotations

from .context import ENTITY_TYPES, GENERIC_TYPES, _Context, _Deal, _Mention, _actor_key
from .vocabulary import RESOURCE_SECTOR, sector_cue_hits


def _types_clash(a: str | None, b: str | None) -> bool:
    if a in GENERIC_TYPES or b in GENERIC_TYPES:
        return False
    return a != b


def _resources_clash(a: list[str], b: list[str]) -> bool:
    if not a or not b or set(a) & set(b):
        return False
    # "critical minerals" is compatible with any mineral.
    if "critical_minerals" in a and any(RESOURCE_SECTOR[r] == "minerals" for r in b):
        return False
    if "critical_minerals" in b and any(RESOURCE_SECTOR[r] == "minerals" for r in a):
        return False
    return True


_SECTOR_FRIENDS = {frozenset({"energy", "oil_gas"})}


def _sectors_clash(a: list[str], b: list[str]) -> bool:
    sa = {s for s in a if s != "finance"}
    sb = {s for s in b if s != "finance"}
    if not sa or not sb or sa & sb:
        return False
    return not any(frozenset({x, y}) in _SECTOR_FRIENDS for x in sa for y in sb)


def _compatible(m: _Mention, deal: _Deal) -> bool:
    first = deal.mentions[0]
    deal_types = [x.deal_type for x in deal.mentions]
    # A fund or a joint venture is an entity the agreement sets up: "the agreement" or
    # "the draft" never refers to it, and "the fund" never to the agreement.
    if m.deal_type in ENTITY_TYPES or first.deal_type in ENTITY_TYPES:
        if m.deal_type != first.deal_type:
            return False
    if any(_types_clash(m.deal_type, t) for t in deal_types):
        return False
    deal_resources = [r for x in deal.mentions for r in x.resources]
    if _resources_clash(m.resources, deal_resources):
        return False
    if _sectors_clash(m.sectors, [s for x in deal.mentions for s in x.sectors]):
        return False
    mine = {_actor_key(p) for p, _ in m.parties}
    theirs = {_actor_key(p) for x in deal.mentions for p, _ in x.parties}
    if mine and theirs and not mine & theirs:
        return False
    # An indefinite mention of a specific type the deal has not had ("a military treaty"
    # after "the minerals deal") is another deal unless it shares a resource, a party or a
    # sector with it ("a 15-year gas supply contract" after "the gas contract").
    if not m.definite and m.deal_type not in GENERIC_TYPES and m.deal_type not in deal_types:
        shared = bool(set(m.resources) & set(deal_resources)) or bool(mine & theirs) or bool(
            {x for x in m.sectors if x != "finance"} & {x for y in deal.mentions for x in y.sectors})
        if not shared:
            return False
    return True


def _group(mentions: list[_Mention]) -> list[_Deal]:
    """Each mention joins the deal it is compatible with, preferring one of the same specific
    type, then one named with the same noun, then one mentioned in the last two sentences
    (most recent first), else the most mentioned; or starts a new deal."""
    deals: list[_Deal] = []
    kept: list[_Mention] = []
    for m in mentions:
        target = None
        if not m.new_marker:
            candidates = [i for i in range(len(deals)) if _compatible(m, deals[i])]
            if m.deal_type not in GENERIC_TYPES:
                exact = [i for i in candidates if any(x.deal_type == m.deal_type for x in deals[i].mentions)]
                candidates = exact or candidates
            # "the agreement" prefers the deal first called an agreement.
            same_noun = [i for i in candidates if any(x.noun == m.noun for x in deals[i].mentions)]
            candidates = same_noun or candidates
            recent = [i for i in candidates if deals[i].mentions[-1].sent >= m.sent - 2]
            if recent:
                target = max(recent, key=lambda i: deals[i].mentions[-1].start)
            elif candidates:
                target = max(candidates, key=lambda i: (len(deals[i].mentions), deals[i].mentions[-1].start))
        if target is None:
            if m.anaphor:
                continue  # "the proposal" with nothing to refer to
            deals.append(_Deal())
            target = len(deals) - 1
        m.deal = target
        deal = deals[target]
        deal.mentions.append(m)
        deal.types.append(m.deal_type)
        for r in m.resources:
            if r not in deal.resources:
                deal.resources.append(r)
        weight = 3.0 if len(deal.mentions) == 1 else 1.5
        for s in m.sectors:
            deal.vote(s, weight)
        kept.append(m)
    mentions[:] = kept
    return deals


def _same_kind(a: "_Deal", b: "_Deal") -> bool:
    """Two deals of an article a term told apart from both could belong to: same resources
    or same specific type."""
    if set(a.resources) & set(b.resources):
        return True
    return a.deal_type == b.deal_type and a.deal_type not in GENERIC_TYPES


def _vote_sectors(ctx: _Context, deals: list[_Deal]) -> None:
    """Weaker sector evidence: a loan or fund is finance; cue words in the first mention's sentence."""
    for deal in deals:
        first = deal.mentions[0]
        if first.deal_type in ("loan", "investment_fund"):
            deal.vote("finance", 2.0)
        sent = ctx.sents[first.sent]
        for start, end, sector in sector_cue_hits(sent.text):
            if not ctx.in_actor(sent.start_char + start, sent.start_char + end):
                deal.vote(sector, 0.5)

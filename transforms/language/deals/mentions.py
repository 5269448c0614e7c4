"""Deal mentions: the noun phrases headed by a deal noun in a parsed article, with their bounds, type,
definiteness and the resources, sectors and parties stated inside them."""
from __future__ import annotations

from transforms import ids
from transforms.language.nlp import doc_text
from transforms.schema import DEAL_TYPES, SECTORS

from .context import GENERIC_TYPES, _Context, _Deal, _Mention
from .parties import _merge_parties, _party
from .patterns import DURATION_RE, MONEY_RE
from .syntax import _children, _clean_span, _is_noun, _lemma, _lower, _mistagged_noun, _np_bounds, _segment
from .vocabulary import (
    ANAPHOR_HEADS, CORE_HEADS, DEFINITE_DETS, FUND_QUALIFIERS, HEAD_WORDS, LICENCE_QUALIFIERS, NEW_DEAL_MARKERS,
    QUALIFIED_HEADS, RESOURCE_SECTOR, STAKE_IN_DEAL_WORDS, STAKE_VERBS, SUPPLY_NOUNS, TYPE_MODIFIERS, VERB_STATUS, resource_hits,
    sector_cue_hits,
)


FEATURE_RIGHT_DEPS = {"prep", "acl", "amod", "nummod", "compound", "npadvmod"}


def _has_cue(text: str) -> bool:
    return bool(resource_hits(text) or sector_cue_hits(text) or DURATION_RE.search(text) or MONEY_RE.search(text))


def _qualified(head, noun: str, left_text: str, left_lemmas: set, of_object) -> bool:
    if noun == "venture":
        return "joint" in left_lemmas
    if noun == "fund":
        return bool(left_lemmas & FUND_QUALIFIERS) or bool(MONEY_RE.search(left_text))
    if noun == "line":
        return "credit" in left_lemmas or (of_object is not None and _lemma(of_object) == "credit")
    if noun == "facility":
        return bool(left_lemmas & {"credit", "loan", "financing", "lending"})
    if noun == "letter":
        return of_object is not None and _lemma(of_object) == "intent"
    if noun == "stake":
        # Only a stake changing hands, told as new: "sold a 44% stake in X" (not "holds a stake",
        # nor "the stake", which may be an earlier sale of it).
        return head.dep_ == "dobj" and _lemma(head.head) in STAKE_VERBS and not left_lemmas & DEFINITE_DETS \
            and not _stake_in_a_deal(head)
    if noun in ("licence", "license") and left_lemmas & LICENCE_QUALIFIERS:
        return True
    # purchase, sale, lease, concession: a resource, sector cue, duration or amount nearby.
    object_text = ""
    if of_object is not None:
        object_text = doc_text(head.doc)[of_object.left_edge.idx:of_object.idx + len(of_object.text)]
    return _has_cue(left_text) or _has_cue(object_text)


def _stake_in_a_deal(head) -> bool:
    """"a 47% stake in the new joint venture": a term of the venture, not a deal of its own."""
    return any(_lemma(o) in HEAD_WORDS or o.lower_ in STAKE_IN_DEAL_WORDS
               for prep in head.rights if prep.dep_ == "prep" and prep.lower_ == "in" for o in _children(prep, "pobj"))


def _of_object(head):
    for prep in head.rights:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            objects = _children(prep, "pobj")
            return objects[0] if objects else None
    return None


def _feature_tokens(head, first: int, last: int) -> set[int]:
    tokens = set(range(first, last + 1))
    for child in head.lefts:
        if child.dep_ == "poss":
            tokens.update(t.i for t in child.subtree)
    for child in head.rights:
        if child.dep_ in FEATURE_RIGHT_DEPS:
            tokens.update(t.i for t in child.subtree)
    lo, hi = _segment(head)
    return {t for t in tokens if lo <= t < hi}


def _find_mentions(ctx: _Context) -> list[_Mention]:
    found: list[_Mention] = []
    for token in ctx.doc:
        m = _deal_mention(ctx, token)
        if m is not None:
            _describe(ctx, m, token)
            found.append(m)
    found.sort(key=lambda m: m.start)
    return found


def _head_noun(ctx: _Context, token) -> str | None:
    """The deal noun a token heads a mention with (its lower-cased lemma), or None: not a
    deal noun, a modifier of another deal noun, or part of an actor's name."""
    if not _is_noun(token) and not _mistagged_noun(token):
        return None
    noun = token.lower_ if token.lower_ in ("mou", "mous") else _lemma(token)
    if not _is_noun(token):
        noun = token.lower_ if token.lower_ in CORE_HEADS else noun
    if noun not in CORE_HEADS and noun not in QUALIFIED_HEADS and noun not in ANAPHOR_HEADS:
        return None
    # A modifier of another deal noun ("loan" in "loan agreement") is not a head.
    if token.dep_ in ("compound", "amod", "nmod") and _lemma(token.head) in HEAD_WORDS:
        return None
    mention_row = ctx.mention_of(token)
    if mention_row is not None:
        span = ctx.tokens_in(mention_row["start"], mention_row["end"])
        if noun == "fund" or not span or span[-1].i != token.i:
            return None  # part of an actor's name ("Marhaven Development Fund")
    return noun


def _deal_mention(ctx: _Context, token) -> _Mention | None:
    """The deal mention the token heads, or None."""
    doc = ctx.doc
    noun = _head_noun(ctx, token)
    if noun is None:
        return None
    first, last = _np_bounds(token)
    # A headline parsed as one noun phrase ("Veldonia and Marhaven sign minerals pact"):
    # start after the last verb-like cue word.
    for t in doc[first:token.i]:
        if VERB_STATUS.get(_lemma(t)) and t.tag_ in ("VB", "VBP", "VBZ", "NN", "NNS", "NNP"):
            first = t.i + 1
    left_tokens = list(doc[first:token.i])
    left_lemmas = {_lemma(t) for t in left_tokens} | {t.lower_ for t in left_tokens}
    if noun == "deal" and left_lemmas & {"great", "good"}:
        return None
    if noun == "agreement" and token.dep_ == "pobj" and token.head.lower_ == "in" and not left_tokens:
        return None  # "in agreement with"
    left_text = doc_text(doc)[doc[first].idx:token.idx]
    of_object = _of_object(token)
    if noun in QUALIFIED_HEADS and not _qualified(token, noun, left_text, left_lemmas, of_object):
        return None
    # Extend the span over "of understanding", "of credit", "of intent", "of 12 frigates".
    if of_object is not None and (
        (noun in ("memorandum", "memoranda") and _lemma(of_object) in ("understanding", "cooperation", "intent", "agreement"))
        or (noun in ("line", "letter"))
        or (noun in ("purchase", "sale", "lease", "concession"))
    ):
        last = of_object.i
    dets = {_lower(t) for t in left_tokens if t.dep_ in ("det", "predet") or t.pos_ == "DET"}
    possessed = any(c.dep_ == "poss" for c in token.lefts) or (first > 0 and doc[first - 1].tag_ == "POS")
    definite = bool(dets & DEFINITE_DETS) or possessed or (token.dep_ == "appos" and _lemma(token.head) in CORE_HEADS)
    new_marker = bool(left_lemmas & NEW_DEAL_MARKERS) or bool(dets & {"another"})
    if definite and token.tag_ in ("NNS", "NNPS") and noun not in ("mous",):
        return None  # "the loans", "the first contracts": not one deal
    anaphor = noun in ANAPHOR_HEADS
    if anaphor and not definite:
        return None
    if anaphor and noun in ("text", "framework", "arrangement", "offer") and not (dets & {"the", "this", "that"} or possessed):
        return None
    start, end = _clean_span(doc, first, last)
    return _Mention(
        start=start, end=end, head=token.i, sent=ctx.sent_of_token[token.i], noun=noun,
        deal_type=_mention_type(noun, anaphor, left_tokens), anaphor=anaphor, definite=definite,
        new_marker=new_marker, feature=_feature_tokens(token, first, last),
    )


def _mention_type(noun: str, anaphor: bool, left_tokens: list) -> str | None:
    """The deal type of a mention: its head's, made specific by the modifier nearest the head."""
    deal_type = None if anaphor else (CORE_HEADS.get(noun) or QUALIFIED_HEADS.get(noun))
    if deal_type in GENERIC_TYPES:
        # The modifier nearest the head decides: "a gas supply contract" -> supply.
        for t in reversed(left_tokens):
            specific = TYPE_MODIFIERS.get(_lemma(t)) or TYPE_MODIFIERS.get(t.lower_)
            if specific:
                deal_type = specific
                break
    return deal_type


def _describe(ctx: _Context, m: _Mention, head) -> None:
    """Resources, sectors and parties stated inside the mention's noun phrase."""
    doc = ctx.doc
    if not m.feature:
        return
    lo, hi = min(m.feature), max(m.feature)
    text_start = doc[lo].idx
    text = doc_text(doc)[text_start:doc[hi].idx + len(doc[hi].text)]
    for start, end, key in resource_hits(text):
        tok = ctx.token_at(text_start + start)
        if tok is not None and tok.i in m.feature and key not in m.resources \
                and not ctx.in_actor(text_start + start, text_start + end):
            m.resources.append(key)
    for start, end, sector in sector_cue_hits(text):
        tok = ctx.token_at(text_start + start)
        if tok is not None and tok.i in m.feature and not ctx.in_actor(text_start + start, text_start + end):
            m.sectors.append(sector)
    m.sectors.extend(RESOURCE_SECTOR[r] for r in m.resources)
    # Parties: possessor, pre-modifiers ("Veldonian-Marhaveni"), "with X", "between X and Y".
    seen = set()
    for i in sorted(m.feature):
        row = ctx.token_mention.get(i)
        if row is None or row["mention_id"] in seen:
            continue
        role = _np_party_role(doc[i], head, m.deal_type)
        owner = ctx.token_mention.get(doc[i].head.i) if doc[i].dep_ == "poss" else None
        if owner is not None and owner is not row and owner.get("actor_type") == "organization":
            continue  # "Kestria's state-owned Ostrel Energy": the owner is not a party itself
        if role:
            seen.add(row["mention_id"])
            party = _party(ctx, row)
            if party is not None:
                m.parties.append((party, role))


def _np_party_role(token, head, deal_type) -> str | None:
    """The role the actor at ``token`` has in the deal noun phrase headed by ``head``: climb
    from the token to the head; the relation decides. Through a noun of supplying, "to X" is the
    counterparty and the goods' country the supplier ("the contract for the delivery of
    Kestrian radars to Marhaven")."""
    t = token
    supplied = None  # "counterparty" or "party" once the climb passed a noun of supplying
    for _ in range(10):
        if t.i == head.i:
            return None
        if t.head.i == head.i:
            if t.dep_ == "poss" or t.dep_ in ("compound", "amod", "nmod", "npadvmod"):
                return "party"
            return None
        if t is not token and _goods_of_supply(t):
            supplied = supplied or "party"
        if t.dep_ in ("conj", "appos", "compound", "amod", "poss", "nmod", "case") and t.head.i != t.i:
            t = t.head
            continue
        if t.dep_ == "pobj":
            prep = t.head
            if prep.head.i == head.i:
                return _prep_party_role(prep.lower_, head, deal_type, supplied)
            if prep.lower_ == "to" and (_lemma(prep.head) in SUPPLY_NOUNS or _goods_of_supply(prep.head)):
                supplied = "counterparty"
            t = prep.head if supplied else prep
            continue
        return None
    return None


def _goods_of_supply(token) -> bool:
    """The token names what a noun of supplying supplies: "radars' delivery", "delivery of radars"."""
    if token.dep_ == "poss":
        return _lemma(token.head) in SUPPLY_NOUNS
    return token.dep_ == "pobj" and token.head.lower_ == "of" and _lemma(token.head.head) in SUPPLY_NOUNS


def _prep_party_role(word: str, head, deal_type, supplied) -> str | None:
    """The role of an actor in a preposition's object hanging on the deal noun."""
    if supplied and word in ("of", "for", "on"):
        return supplied
    if word in ("with", "between", "among", "amongst"):
        return "party"
    if word == "to" and _lemma(head) in SUPPLY_NOUNS:
        return "counterparty"  # "the sale of jets to Marhaven"
    if word in ("to", "for") and deal_type in ("loan", "investment_fund"):
        return "beneficiary"
    if word == "from" and deal_type in ("loan", "investment_fund", "purchase", "supply"):
        return "party"
    if word == "by":
        return "party"
    return None


def _index_mentions(ctx: _Context, found: list[_Mention], article_id: str) -> None:
    """Give each deal mention its id and index the tokens of its span (``ctx.deal_at``)."""
    for m in found:
        m.row = {"deal_mention_id": ids.span_id("deal_mention", article_id, m.start, m.end)}
        for t in ctx.tokens_in(m.start, m.end):
            ctx.deal_at.setdefault(t.i, m)


def _mention_rows(ctx: _Context, deals: list[_Deal], article_id: str) -> list[dict]:
    """Deal mention rows in text order, each with its deal's type, sector, resources, parties
    and first mention (``deal_ref``)."""
    mention_rows = []
    for deal in deals:
        parties = _merge_parties(deal.parties)
        ref = deal.mentions[0].row["deal_mention_id"]
        deal_type, sector = deal.deal_type, deal.sector
        assert deal_type in DEAL_TYPES and sector in SECTORS
        for m in deal.mentions:
            m.row.update({
                "article_id": article_id,
                "start": m.start,
                "end": m.end,
                "text": ctx.text[m.start:m.end],
                "deal_type": deal_type,
                "sector": sector,
                "resources": list(deal.resources),
                "parties": [dict(p) for p in parties],
                "deal_ref": ref,
            })
            mention_rows.append(m.row)
    mention_rows.sort(key=lambda r: r["start"])
    return mention_rows

"""Attributes (terms) of deals: resources, values, shares, durations, considerations, conditions and
locations read in the text, each with its polarity and the deal mention it belongs to."""
from __future__ import annotations

import re
from decimal import Decimal

from transforms import ids
from transforms.schema import ATTRIBUTES, POLARITIES

from .clustering import _same_kind
from .context import ENTITY_TYPES, _Context, _Deal, _Mention
from .patterns import (
    CONDITION_CLAUSE_RE, CONSIDERATION_RE, DURATION_RE, MONEY_RE, PERCENT_RE, _CLAUSE_END,
    _LEADING_DETERMINER, _MOVE_WORDS, _NOT_A_PRICE, _RATE_AFTER, _RATE_WORDS, _TERM_OF_BEFORE, _THRESHOLD,
    _decimal_string, _to_number,
)
from .syntax import (
    _children, _clean_span, _governing_verb, _is_noun, _lemma, _negated, _np_bounds, _path_preps, _segment,
    _subject_tokens,
)
from .vocabulary import (
    ABSENCE_NOUNS, ABSENT_VERBS, CONDITION_TERMS, CURRENCIES, DEALISH_NOUNS, DEMAND_NOUNS, DEMAND_PREPS,
    DEMAND_VERBS, GENERIC_CONDITION_HEADS, IMPASSE_NOUNS, LOCATION_CUES, RESOURCE_SECTOR, STATE_VERBS,
    TERM_CUES, TOPIC_PREPS, resource_hits, _SCALES, _SPACE_OR_HYPHEN,
)


LOCATION_LABELS = {"GPE", "LOC", "FAC"}


def _subject_is_deal(verb, head_to_mention) -> bool:
    return any(s.i in head_to_mention or _lemma(s) in DEALISH_NOUNS or s.lower_ in ("it", "which")
               for s in _subject_tokens(verb))


def _polarity(ctx: _Context, token, head_to_mention) -> tuple[str, int | None]:
    """(polarity, cue start token index) of a term anchored at ``token``."""
    if token is None:
        return "stated", None
    head = token
    # The noun the term belongs to ("security" -> "guarantees").
    while head.dep_ in ("compound", "amod", "nummod", "quantmod", "nmod") and head.head.i != head.i:
        head = head.head
    if any(c.dep_ == "det" and c.lower_ == "no" for c in head.children):
        return "absent", min(c.i for c in head.children if c.lower_ == "no")
    verb = _governing_verb(head)
    preps = _path_preps(head, verb)
    for prep in preps:
        if prep.lower_ == "without":
            return "absent", prep.i
        if prep.head is not None and _lemma(prep.head) in ABSENCE_NOUNS:
            return "absent", prep.head.i
        if prep.head is not None and prep.head.lower_ in DEMAND_NOUNS:
            return "demanded", prep.head.i
    if verb is None:
        return "stated", None
    lemma = _lemma(verb)
    marks = {c.lower_ for c in verb.children if c.dep_ in ("mark", "advmod")}
    unless = "unless" in marks or {"only", "if"} <= marks
    aux_first = min([c.i for c in verb.children if c.dep_ in ("aux", "auxpass", "neg") and c.i < verb.i] + [verb.i])
    if lemma in ABSENT_VERBS:
        return "absent", aux_first
    if lemma in DEMAND_VERBS and not _negated(verb):
        needed = DEMAND_PREPS.get(lemma)
        if needed and not any(p.lower_ in needed for p in preps):
            pass  # "called on Veldonia", "asked about": not a demand of this term
        elif _subject_is_deal(verb, head_to_mention) and lemma in ("require", "need", "call", "condition"):
            return "stated", None  # "the deal requires ..." states a condition
        else:
            return "demanded", aux_first
    if unless:
        return "demanded", aux_first
    if lemma in STATE_VERBS and _negated(verb):
        return "absent", aux_first
    if lemma == "be" and _negated(verb) and any(_lemma(c) == "part" for c in verb.children if c.dep_ in ("attr", "acomp")) \
            and head.dep_ in ("nsubj", "nsubjpass"):
        return "absent", aux_first  # "the annex is not part of the final text"
    return "stated", None


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


def _money(match) -> tuple[str | None, str | None]:
    """(normalised amount, ISO 4217 code) of a MONEY_RE match."""
    if match["num2"]:
        amount = None  # a range: the span is kept, no single number
    else:
        number = _to_number(match["num"] or match["wnum"] or "")
        scale_word = (match["scale"] or match["wscale"] or "").lower()
        amount = None
        if number is not None:
            amount = _decimal_string(number * _SCALES.get(scale_word, 1))
    currency = None
    if match["sym"]:
        currency = CURRENCIES.get(match["sym"])
        if match["wordcur"]:
            currency = _currency_word(match["wordcur"]) or currency
    elif match["cur"]:
        currency = _currency_word(match["cur"])
    return amount, currency


def _currency_word(word: str) -> str | None:
    norm = _SPACE_OR_HYPHEN.sub(" ", word)
    for key in (norm, norm.lower()):
        if key in CURRENCIES:
            return CURRENCIES[key]
    lowered = {k.lower(): v for k, v in CURRENCIES.items()}
    return lowered.get(norm.lower())


def _share_span(ctx: _Context, start: int, end: int) -> int:
    """Extend a percentage over what it is a share of: "50% of revenues", "49 percent stake"."""
    tokens = ctx.tokens_in(start, end)
    if not tokens:
        return end
    pct = tokens[-1]
    # "of revenues": the percent's own "of" object, without its further prepositions.
    for prep in pct.rights:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            objects = _children(prep, "pobj")
            if objects:
                return objects[0].idx + len(objects[0].text)
    # "a 49 percent stake": the noun it modifies.
    head = pct.head
    if _is_noun(head) and head.i > pct.i and head.i - pct.i <= 3 and _lemma(head) in ("stake", "share", "interest", "holding", "cut", "royalty", "equity", "ownership"):
        return head.idx + len(head.text)
    return end


# Terms read in a sentence without a deal mention, by the paragraph's deal (see
# ``_find_attributes``): amounts, periods and places told there are mostly background.
PARAGRAPH_ATTRIBUTES = {"resource", "share", "condition", "consideration"}


def _find_attributes(ctx: _Context, article_id: str, mentions: list[_Mention], reach_sents: set[int],
                     nearest, head_to_mention, location_tokens: set[int],
                     deals_of: list | None = None) -> list[tuple[dict, _Mention, bool]]:
    """(row, deal mention, attached by syntax rather than by distance) for every term."""
    doc, text = ctx.doc, ctx.text
    rows: list[tuple[dict, _Mention, bool]] = []

    def add(attribute, start, end, normalized, unit, polarity, anchor_char=None, mention=None):
        if start >= end:
            return
        sent = ctx.sent_index(start)
        anchor = anchor_char if anchor_char is not None else start
        if sent not in reach_sents:
            # A term told away from any deal mention ("Marhaven continues to demand that 50%
            # of revenues ...") belongs to the deal the paragraph is about.
            if ctx.quoted(start):
                return  # speech is not a report of terms
            if attribute in PARAGRAPH_ATTRIBUTES:
                target = mention or ancestor_mention(anchor) or paragraph_deal(sent, attribute, normalized)
            elif attribute != "location" and single_deal is not None and talks_terms(sent):
                # An article about one deal: its amounts and periods are that deal's -- but not
                # a loss, a saving or a legal threshold told by the way ("cost businesses $300
                # million", "any loan above $500 million").
                target = mention or ancestor_mention(anchor)
                if target is None and attribute == "value" and _NOT_A_PRICE.search(text[max(0, start - 40):start]):
                    return
                target = target or single_deal
            else:
                return
            if target is not None:
                rows.append((_attribute_row(article_id, target.row["deal_mention_id"], attribute, start, end, text,
                                            normalized, unit, polarity), target, False))
            return
        target = mention or ancestor_mention(anchor)
        syntactic = target is not None
        if attribute == "value" and (_THRESHOLD.search(text[max(0, start - 60):start])
                                     or not syntactic and _NOT_A_PRICE.search(text[max(0, start - 40):start])):
            return  # "any foreign loan above $500 million must be ratified": a threshold
        target = target or nearest(sent, anchor)
        if not syntactic and target is not None and is_entity(target):
            # "50% of revenues would flow into the joint investment fund": a term near a fund
            # or joint venture is a term of the agreement that sets it up, when one is told.
            target = last_agreement(sent, anchor) or target
        if target is None:
            return
        rows.append((_attribute_row(article_id, target.row["deal_mention_id"], attribute, start, end, text,
                                    normalized, unit, polarity), target, syntactic))

    agreements = {m.deal for m in mentions if not (deals_of and m.deal is not None and deals_of[m.deal].deal_type in ENTITY_TYPES)}
    single_deal = next((m for m in mentions if m.deal in agreements), None) if len(agreements) == 1 else None

    def talks_terms(sent: int) -> bool:
        """The sentence speaks of terms: a demand, an offer, money lent, repaid or paid."""
        return any(_lemma(t) in TERM_CUES or t.lower_ in TERM_CUES for t in ctx.sents[sent])

    def is_entity(m: _Mention) -> bool:
        return bool(deals_of) and m.deal is not None and deals_of[m.deal].deal_type in ENTITY_TYPES

    def last_agreement(sent: int, char: int) -> _Mention | None:
        """The last deal mention before ``char`` in its paragraph or the one before that is no
        fund or joint venture."""
        para = ctx.para_of_sent[sent]
        before = [m for m in mentions if m.start < char and ctx.para_of_sent[m.sent] in (para - 1, para)
                  and not is_entity(m)]
        return before[-1] if before else None

    def paragraph_deal(sent: int, attribute: str, normalized) -> _Mention | None:
        """The deal a sentence without a deal mention is about. When the sentence names
        resources, the article's one deal with those resources (or of their sector); else the
        last deal mention before the sentence in its paragraph or the paragraph before,
        unless the article has another deal of the same kind the term could belong to."""
        para = ctx.para_of_sent[sent]
        sentence = ctx.sents[sent]
        named = {key for s_, e_, key in resource_hits(sentence.text)
                 if not ctx.in_actor(sentence.start_char + s_, sentence.start_char + e_)}
        deals = deals_of or []
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

    def ancestor_mention(char) -> _Mention | None:
        """The deal whose noun phrase governs the term ("an agreement that will channel half
        of the revenues from lithium into a fund": lithium -> the agreement)."""
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

    def inside_mention(char) -> _Mention | None:
        tok = ctx.token_at(char)
        if tok is None:
            return None
        for m in mentions:
            if tok.i in m.feature:
                return m
        return None

    # Resources.
    for start, end, key in resource_hits(text):
        if ctx.in_actor(start, end):
            continue  # "Ostrel Energy", "Kessel Lithium Corp"
        tok = ctx.token_at(start)
        polarity, _ = _polarity(ctx, tok, head_to_mention)
        add("resource", start, end, key, None, polarity, mention=inside_mention(start))
    # Values.
    for match in MONEY_RE.finditer(text):
        start, end = match.span()
        amount, currency = _money(match)
        if match["wnum"] and (amount is None or (match["wnum"].lower() in ("a", "an") and not match["wscale"])):
            continue
        tok = ctx.token_at(start)
        polarity, _ = _polarity(ctx, tok, head_to_mention)
        add("value", start, end, amount, currency, polarity, mention=inside_mention(start))
    # Shares (and other percentages: rates, tariffs).
    for match in PERCENT_RE.finditer(text):
        start, end = match.span()
        number = _to_number(match["num"])
        if number is None:
            continue
        before = text[max(0, start - 40):start]
        if _MOVE_WORDS.search(before):
            continue  # "shares rose 4 percent": a market move told as done, not a term
        attribute = "other" if _RATE_WORDS.search(before) or _RATE_AFTER.match(text, end) else "share"
        if attribute == "share":
            end = _share_span(ctx, start, end)
        tok = ctx.token_at(start)
        polarity, _ = _polarity(ctx, tok, head_to_mention)
        add(attribute, start, end, _decimal_string(number), "percent", polarity)
    # Durations.
    for match in DURATION_RE.finditer(text):
        unit_word = (match["unit"] or "decade").lower()
        plural = bool(match["plural"])
        hyphenated = "-" in match.group() or " long" in match.group().lower()
        if plural and not match["prep"] and not hyphenated:
            continue  # "20 years" alone is not a term; "for 20 years", "20-year" are
        if plural is False and not hyphenated and not match["prep"]:
            continue  # "6 billion cubic metres a year" is a rate, not a term
        if match["prep"] and match["prep"].lower() == "of" and not _TERM_OF_BEFORE.search(text[max(0, match.start() - 12):match.start()]):
            continue
        number = _to_number(match["num"]) if match["num"] else Decimal(1)
        if number is None:
            continue
        if unit_word == "decade":
            number, unit_word = number * 10, "year"
        start, end = match.span()
        if not match["prep"] and match["num"] and match["num"].lower() in ("a", "an"):
            start = match.start("unit")  # "a decade-long deal": the term is "decade-long"
        if ctx.quoted(start):
            continue  # "You have told the country for six months ...": a period of speech
        following = re.match(r"\s+([a-z]+)", text[end:end + 30])
        if hyphenated and following and following.group(1) in IMPASSE_NOUNS:
            continue  # "a two-month deadlock": how long the talks stalled, not a term
        polarity, _ = _polarity(ctx, ctx.token_at(match.start("num") if match["num"] else start), head_to_mention)
        add("duration", start, end, _decimal_string(number), unit_word + "s", polarity)
    # Considerations: "in return for X", "as compensation for past aid".
    for match in CONSIDERATION_RE.finditer(text):
        start, cue_end = match.span()
        last_word = ctx.token_at(cue_end - 1)
        end = None
        if last_word is not None:
            objects = _children(last_word, "pobj") or _children(last_word, "dobj")
            if objects:
                obj = objects[0]
                end = obj.right_edge.idx + len(obj.right_edge.text)
        if end is None or end <= cue_end:
            stop = _CLAUSE_END.search(text, cue_end)
            end = stop.start() if stop else len(text)
        sent = ctx.sents[ctx.sent_index(start)]
        end = min(end, sent.end_char)
        while end > cue_end and text[end - 1] in " ,;:.\n":
            end -= 1
        if end <= cue_end:
            continue
        normalized = text[cue_end:end].strip() or None
        add("consideration", start, end, normalized, None, "stated")
    # Conditions.
    seen_condition: list[tuple[int, int]] = []
    for match in CONDITION_CLAUSE_RE.finditer(text):
        start, cue_end = match.span()
        stop = _CLAUSE_END.search(text, cue_end)
        sent = ctx.sents[ctx.sent_index(start)]
        end = min(stop.start() if stop else len(text), sent.end_char)
        while end > cue_end and text[end - 1] in " ,;:.\n":
            end -= 1
        if end <= cue_end + 1:
            continue
        add("condition", start, end, text[cue_end:end].strip(), None, "stated")
        seen_condition.append((start, end))
    for token in doc:
        if not _is_noun(token):
            continue
        if token.lower_ not in CONDITION_TERMS and _lemma(token) not in CONDITION_TERMS:
            continue
        if token.i in head_to_mention or token.dep_ in ("compound",) and _lemma(token.head) in CONDITION_TERMS:
            continue
        if token.lower_ == "strings" and not any(c.lower_ == "attached" for c in token.rights):
            continue
        first, last = _np_bounds(token)
        modifiers = [c for c in token.children if c.dep_ in ("compound", "amod", "nmod", "acl", "relcl", "poss")
                     or (c.dep_ == "prep" and c.lower_ in ("on", "of", "against"))]
        if _lemma(token) in GENERIC_CONDITION_HEADS and (not modifiers or token.head.lower_ == "as"):
            continue  # "as conditions for the loan": the word, not a term
        if token.lower_ == "strings":
            last = max(c.i for c in token.rights if c.lower_ == "attached")
        for prep in token.rights:
            if prep.dep_ == "prep" and prep.lower_ in ("of", "on", "against", "for", "from", "by"):
                last = max(last, prep.right_edge.i)
                break
        last = min(last, _segment(token)[1] - 1)
        np_start, np_end = _clean_span(doc, first, last)
        if any(s <= np_start < e for s, e in seen_condition):
            continue
        polarity, cue_index = _polarity(ctx, token, head_to_mention)
        # Only conditions with a stance (or stated by a verb of stating) are terms; a bare
        # mention of "conditions" is not.
        verb = _governing_verb(token)
        stated_by_verb = polarity == "stated" and verb is not None and _lemma(verb) in STATE_VERBS | {"require", "call", "condition"} \
            and (token.dep_ in ("dobj", "pobj") or token.head.dep_ in ("dobj", "pobj"))
        attached_to_deal = token.dep_ == "pobj" and token.head.lower_ == "with" and token.head.head.i in head_to_mention
        if polarity == "stated" and not (stated_by_verb or attached_to_deal):
            continue
        start = np_start
        if cue_index is not None and cue_index < first:
            start = _clean_span(doc, cue_index, last)[0]
        elif attached_to_deal:
            start = token.head.idx
        normalized = _LEADING_DETERMINER.sub("", "".join(
            (t.text if t.pos_ == "PROPN" else t.lower_) + t.whitespace_ for t in ctx.tokens_in(np_start, np_end)).strip())
        add("condition", start, np_end, normalized, None, polarity, anchor_char=token.idx)
    # Locations: "signed in Port Sarel", "talks in Lindmoor".
    for token in doc:
        if token.i not in location_tokens:
            continue
        prep = token.head
        ent_start, ent_end = token.idx, token.idx + len(token.text)
        for ent in doc.ents:
            if ent.start <= token.i < ent.end:
                ent_start, ent_end = ent.start_char, ent.end_char
                break
        row = ctx.mention_of(token)
        if row is not None:
            ent_start, ent_end = min(ent_start, row["start"]), max(ent_end, row["end"])
        normalized = (row.get("actor_key") if row is not None and row.get("actor_type") == "country" else None) or text[ent_start:ent_end]
        add("location", ent_start, ent_end, normalized, None, "stated", anchor_char=prep.idx)
    return rows


def _location_tokens(ctx: _Context, head_to_mention, reach_sents) -> set[int]:
    """Head tokens of places after "in"/"at" that modify a signing, talks, or the deal itself."""
    out = set()
    for ent in ctx.doc.ents:
        if ent.label_ not in LOCATION_LABELS:
            continue
        out.update(_location_candidate(ctx, ent.root, head_to_mention, reach_sents))
    for token in ctx.doc:
        # A place name the model left without an entity label ("initialled the agreement in
        # Amberfall"): a proper noun after "in"/"at" that names no person or organisation.
        if token.pos_ == "PROPN" and not token.ent_type_ and token.dep_ == "pobj" and token.text[:1].isupper():
            row = ctx.mention_of(token)
            if row is None or row.get("actor_type") == "country":
                out.update(_location_candidate(ctx, token, head_to_mention, reach_sents))
    for row in ctx.mentions:
        if row.get("actor_type") != "country":
            continue
        tokens = ctx.tokens_in(row["start"], row["end"])
        if tokens:
            root = [t for t in tokens if t.head.i not in {x.i for x in tokens}]
            out.update(_location_candidate(ctx, (root or tokens)[0], head_to_mention, reach_sents))
    return out


def _location_candidate(ctx, token, head_to_mention, reach_sents) -> set[int]:
    if ctx.sent_of_token[token.i] not in reach_sents:
        return set()
    if token.dep_ != "pobj" or token.head.lower_ not in ("in", "at"):
        return set()
    governor = token.head.head
    if governor.i in head_to_mention or _lemma(governor) in LOCATION_CUES or governor.lower_ in LOCATION_CUES:
        return {token.i}
    return set()


def _attribute_rows(attribute_pairs, deals: list[_Deal]) -> list[dict]:
    """Attribute rows in text order, without duplicates; resources tied to a deal by the
    syntax join its resources, and every resource votes for its sector."""
    rows, seen = [], set()
    for row, target, syntactic in sorted(attribute_pairs, key=lambda p: (p[0]["start"], p[0]["end"])):
        if row["attribute_id"] in seen:
            continue
        seen.add(row["attribute_id"])
        rows.append(row)
        deal = deals[target.deal]
        if row["attribute"] == "resource" and row["polarity"] == "stated":
            # A resource that merely stands near the deal ("coal-fired power stations") is
            # kept as a row but is not a resource of the deal.
            if syntactic and row["normalized"] not in deal.resources:
                deal.resources.append(row["normalized"])
            deal.vote(RESOURCE_SECTOR.get(row["normalized"]), 1.0 if syntactic else 0.25)
    return rows

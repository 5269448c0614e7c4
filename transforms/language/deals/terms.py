"""Attributes (terms) of deals: resources, values, shares, durations, considerations, conditions and
locations read in the text, each with its polarity and the deal mention it belongs to."""
from __future__ import annotations

import re
from decimal import Decimal

from .context import _Context, _Deal, _Mention
from .patterns import (
    CONDITION_CLAUSE_RE, CONSIDERATION_RE, DURATION_RE, MONEY_RE, PERCENT_RE, _CLAUSE_END,
    _LEADING_DETERMINER, _MOVE_WORDS, _RATE_AFTER, _RATE_WORDS, _TERM_OF_BEFORE, _decimal_string, _to_number,
)
from .polarity import _polarity
from .syntax import _children, _clean_span, _governing_verb, _is_noun, _lemma, _np_bounds, _segment
from .term_targets import _TermTargets
from .vocabulary import (
    CONDITION_TERMS, CURRENCIES, GENERIC_CONDITION_HEADS, IMPASSE_NOUNS, LOCATION_CUES, RESOURCE_SECTOR,
    STATE_VERBS, resource_hits, _SCALES, _SPACE_OR_HYPHEN,
)


LOCATION_LABELS = {"GPE", "LOC", "FAC"}


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


def _find_attributes(ctx: _Context, article_id: str, mentions: list[_Mention], reach_sents: set[int],
                     nearest, head_to_mention, location_tokens: set[int],
                     deals_of: list | None = None) -> list[tuple[dict, _Mention, bool]]:
    """(row, deal mention, attached by syntax rather than by distance) for every term."""
    targets = _TermTargets(ctx, article_id, mentions, reach_sents, nearest, head_to_mention, deals_of)
    _read_resources(targets)
    _read_values(targets)
    _read_shares(targets)
    _read_durations(targets)
    _read_considerations(targets)
    conditions = _read_condition_clauses(targets)
    _read_condition_nouns(targets, conditions)
    _read_locations(targets, location_tokens)
    return targets.rows


def _read_resources(targets: _TermTargets) -> None:
    ctx = targets.ctx
    for start, end, key in resource_hits(ctx.text):
        if ctx.in_actor(start, end):
            continue  # "Ostrel Energy", "Kessel Lithium Corp"
        tok = ctx.token_at(start)
        polarity, _ = _polarity(ctx, tok, targets.head_to_mention)
        targets.add("resource", start, end, key, None, polarity, mention=targets.inside_mention(start))


def _read_values(targets: _TermTargets) -> None:
    ctx = targets.ctx
    for match in MONEY_RE.finditer(ctx.text):
        start, end = match.span()
        amount, currency = _money(match)
        if match["wnum"] and (amount is None or (match["wnum"].lower() in ("a", "an") and not match["wscale"])):
            continue
        tok = ctx.token_at(start)
        polarity, _ = _polarity(ctx, tok, targets.head_to_mention)
        targets.add("value", start, end, amount, currency, polarity, mention=targets.inside_mention(start))


def _read_shares(targets: _TermTargets) -> None:
    """Shares (and other percentages: rates, tariffs)."""
    ctx, text = targets.ctx, targets.ctx.text
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
        polarity, _ = _polarity(ctx, tok, targets.head_to_mention)
        targets.add(attribute, start, end, _decimal_string(number), "percent", polarity)


def _read_durations(targets: _TermTargets) -> None:
    ctx, text = targets.ctx, targets.ctx.text
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
        polarity, _ = _polarity(ctx, ctx.token_at(match.start("num") if match["num"] else start), targets.head_to_mention)
        targets.add("duration", start, end, _decimal_string(number), unit_word + "s", polarity)


def _read_considerations(targets: _TermTargets) -> None:
    """Considerations: "in return for X", "as compensation for past aid"."""
    ctx, text = targets.ctx, targets.ctx.text
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
        targets.add("consideration", start, end, normalized, None, "stated")


def _read_condition_clauses(targets: _TermTargets) -> list[tuple[int, int]]:
    """Conditions told as clauses ("on condition that ...", "subject to ..."); their spans."""
    ctx, text = targets.ctx, targets.ctx.text
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
        targets.add("condition", start, end, text[cue_end:end].strip(), None, "stated")
        seen_condition.append((start, end))
    return seen_condition


def _read_condition_nouns(targets: _TermTargets, seen_condition: list[tuple[int, int]]) -> None:
    """Conditions told as nouns with a stance ("without security guarantees"), outside the
    condition clauses already read."""
    head_to_mention = targets.head_to_mention
    for token in targets.ctx.doc:
        if not _is_noun(token):
            continue
        if token.lower_ not in CONDITION_TERMS and _lemma(token) not in CONDITION_TERMS:
            continue
        if token.i in head_to_mention or token.dep_ in ("compound",) and _lemma(token.head) in CONDITION_TERMS:
            continue
        if token.lower_ == "strings" and not any(c.lower_ == "attached" for c in token.rights):
            continue
        _read_condition_noun(targets, token, seen_condition)


def _condition_bounds(token) -> tuple[int, int] | None:
    """Token bounds of a condition noun's phrase, over "attached" and its first preposition;
    None for a generic condition word that names no term."""
    first, last = _np_bounds(token)
    modifiers = [c for c in token.children if c.dep_ in ("compound", "amod", "nmod", "acl", "relcl", "poss")
                 or (c.dep_ == "prep" and c.lower_ in ("on", "of", "against"))]
    if _lemma(token) in GENERIC_CONDITION_HEADS and (not modifiers or token.head.lower_ == "as"):
        return None  # "as conditions for the loan": the word, not a term
    if token.lower_ == "strings":
        last = max(c.i for c in token.rights if c.lower_ == "attached")
    for prep in token.rights:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "on", "against", "for", "from", "by"):
            last = max(last, prep.right_edge.i)
            break
    return first, min(last, _segment(token)[1] - 1)


def _read_condition_noun(targets: _TermTargets, token, seen_condition: list[tuple[int, int]]) -> None:
    ctx, doc, head_to_mention = targets.ctx, targets.ctx.doc, targets.head_to_mention
    bounds = _condition_bounds(token)
    if bounds is None:
        return
    first, last = bounds
    np_start, np_end = _clean_span(doc, first, last)
    if any(s <= np_start < e for s, e in seen_condition):
        return
    polarity, cue_index = _polarity(ctx, token, head_to_mention)
    # Only conditions with a stance (or stated by a verb of stating) are terms; a bare
    # mention of "conditions" is not.
    verb = _governing_verb(token)
    stated_by_verb = polarity == "stated" and verb is not None and _lemma(verb) in STATE_VERBS | {"require", "call", "condition"} \
        and (token.dep_ in ("dobj", "pobj") or token.head.dep_ in ("dobj", "pobj"))
    attached_to_deal = token.dep_ == "pobj" and token.head.lower_ == "with" and token.head.head.i in head_to_mention
    if polarity == "stated" and not (stated_by_verb or attached_to_deal):
        return
    start = np_start
    if cue_index is not None and cue_index < first:
        start = _clean_span(doc, cue_index, last)[0]
    elif attached_to_deal:
        start = token.head.idx
    normalized = _LEADING_DETERMINER.sub("", "".join(
        (t.text if t.pos_ == "PROPN" else t.lower_) + t.whitespace_ for t in ctx.tokens_in(np_start, np_end)).strip())
    targets.add("condition", start, np_end, normalized, None, polarity, anchor_char=token.idx)


def _read_locations(targets: _TermTargets, location_tokens: set[int]) -> None:
    """Locations: "signed in Port Sarel", "talks in Lindmoor"."""
    ctx = targets.ctx
    doc, text = ctx.doc, ctx.text
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
        targets.add("location", ent_start, ent_end, normalized, None, "stated", anchor_char=prep.idx)


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

"""Event rows from the events read: their deal, date and actors, leaving a deal read against the
article's other events, retold and announced events dated."""
from __future__ import annotations

from transforms import ids
from transforms.language.dates import find_dates, resolve_date, shift_date
from transforms.schema import DEAL_STATUSES

from .context import _Context, _Deal, _Event, _Mention
from .modality import _chain
from .parties import _mention_near, _party
from .patterns import _to_number
from .syntax import _children, _clause_bounds, _clean_span, _is, _lemma, _negated, _subject_tokens
from .vocabulary import (
    ANNOUNCE_VERBS, DECISION_NOUNS, LEGISLATURES, WITHDRAWAL_PHRASES, _SHIFT_MARKS, _UNIT_WORDS,
)


STATUS_ROLE = {
    "proposed": "proposer", "signed": "signatory", "agreed": "party", "negotiating": "party",
    "rejected": "counterparty", "stalled": "party", "cancelled": "party", "ratified": "party",
    "implemented": "party",
}


def _contrasted(head) -> bool:
    """The deal noun is the object of an adjective's preposition: "separate from the deal",
    "unrelated to the pact", "independent of the agreement"."""
    prep = head.head
    return head.dep_ == "pobj" and prep.dep_ == "prep" and prep.head.pos_ == "ADJ"


def _event_rows(ctx: _Context, events: list[_Event], deals: list[_Deal], nearest, article_id: str, published_at):
    """Event rows, and (deal index, party mention row, role) for the actors of the events."""
    dates = find_dates(ctx.doc)
    rows: list[dict] = []
    parties: list[tuple[int, dict, str]] = []
    deal_of_row: dict[int, int] = {}
    derived: set[int] = set()  # rows whose status comes from the cue's modality ("wants it signed")
    withdrawals: list[dict] = []
    for event in events:
        start, end = _clean_span(ctx.doc, *event.clause)
        sent_i = ctx.sent_of_token[event.cue.i]
        target = event.linked or nearest(sent_i, event.cue.idx)
        if target is None:
            continue
        if event.linked is None and _contrasted(ctx.doc[target.head]):
            continue  # "the talks are separate from the minerals agreement": not that deal's talks
        row = _event_row(ctx, dates, events, event, target, start, end, sent_i, article_id, published_at)
        rows.append(row)
        parties.extend(_event_parties(ctx, event, target))
        deal_of_row[id(row)] = target.deal
        if event.cue_status != event.status:
            derived.add(id(row))
        if event.status in ("rejected", "cancelled") and event.cue_status in ("rejected", "cancelled") \
                and _withdrawal(event.cue):
            withdrawals.append(row)
    _read_withdrawals(rows, withdrawals, deal_of_row, article_id)
    _date_retold(rows, deal_of_row, derived)
    # After the retelling rule: an announcement dates the announcement, not the undated
    # report of the same act elsewhere in the article.
    rows.extend(_announced(ctx, rows, dates, article_id, published_at))
    return rows, parties


def _event_row(ctx: _Context, dates: list[dict], events: list[_Event], event: _Event, target: _Mention,
               start: int, end: int, sent_i: int, article_id: str, published_at) -> dict:
    """The row of an event of the deal mention ``target`` told in [start, end), with its date and actor."""
    event_date = precision = None
    if event.dated:
        other_cues = {e.cue.i for e in events if e is not event}
        event_date, precision = _event_date(ctx, dates, event, start, end, sent_i, published_at, other_cues)
    actor_row = next((r for r in (_mention_near(ctx, a) for a in event.actor_tokens) if r is not None), None)
    row = {
        "event_id": ids.span_id("event", article_id, start, end, event.status),
        "article_id": article_id,
        "deal_mention_id": target.row["deal_mention_id"],
        "status": event.status,
        "event_date": event_date,
        "event_date_precision": precision,
        "actor_mention_id": actor_row["mention_id"] if actor_row else None,
        "start": start,
        "end": end,
        "text": ctx.text[start:end],
    }
    assert row["status"] in DEAL_STATUSES
    return row


def _event_parties(ctx: _Context, event: _Event, target: _Mention) -> list[tuple[int, dict, str]]:
    """(deal index, party mention row, role) of the event's actors (the role its cue gives
    them) and of its other role tokens."""
    parties = []
    role = STATUS_ROLE.get(event.cue_status)
    if role:
        for a in event.actor_tokens:
            if event.cue_status == "ratified" and _is(a, LEGISLATURES):
                continue  # parliament ratifies for its country; it is not a party itself
            party = _party(ctx, _mention_near(ctx, a))
            if party is not None:
                parties.append((target.deal, party, role))
    for tok, tok_role in event.role_tokens:
        party = _party(ctx, _mention_near(ctx, tok))
        if party is not None:
            parties.append((target.deal, party, tok_role))
    return parties


def _read_withdrawals(rows: list[dict], withdrawals: list[dict], deal_of_row: dict[int, int], article_id: str) -> None:
    """Leaving a deal: a cancellation when the article tells the deal was agreed or signed
    ("we walked away because the deal we agreed in April no longer exists"), a rejection when
    it tells the deal only as offered ("withdrew from the contract Ostrel had offered"); else
    the cue's own reading ("walked away" -> rejected, "withdrew", "pulled out" -> cancelled)."""
    concluded = {deal_of_row[id(r)] for r in rows if r["status"] in CONCLUDED}
    offered = {deal_of_row[id(r)] for r in rows if r["status"] == "proposed"}
    for row in withdrawals:
        deal = deal_of_row[id(row)]
        status = "cancelled" if deal in concluded else "rejected" if deal in offered else row["status"]
        if status != row["status"]:
            row["status"] = status
            row["event_id"] = ids.span_id("event", article_id, row["start"], row["end"], status)


def _announced(ctx: _Context, rows: list[dict], dates: list[dict], article_id: str, published_at) -> list[dict]:
    """"Taluna has withdrawn from the contract. The minister announced the decision on
    Tuesday": an announcing verb whose object is "the decision"/"the move" retells the last
    event told before it (in its paragraph or the one before) and dates it."""
    out = []
    for verb in ctx.doc:
        if _lemma(verb) not in ANNOUNCE_VERBS or verb.pos_ not in ("VERB", "AUX") or ctx.quoted(verb.idx):
            continue
        objects = [o for o in _children(verb, "dobj") if _lemma(o) in DECISION_NOUNS
                   and any(c.dep_ in ("det", "poss") and c.lower_ != "a" for c in o.children)
                   and not any(c.dep_ in ("acl", "relcl") or (c.dep_ == "prep" and c.lower_ in ("of", "to", "by"))
                               for c in o.children)]
        if not objects or _negated(verb):
            continue
        sent_i = ctx.sent_of_token[verb.i]
        para = ctx.para_of_sent[sent_i]
        earlier = [r for r in rows if r["start"] < verb.idx and r["status"] != "negotiating"
                   and ctx.para_of_sent[ctx.sent_index(r["start"])] in (para - 1, para)]
        if not earlier:
            continue
        told = max(earlier, key=lambda r: r["start"])
        sent = ctx.sents[sent_i]
        mine = [d for d in dates if sent.start_char <= d["start"] < sent.end_char and _date_governor(ctx, d) == verb.i]
        resolved = next((resolve_date(d["text"], published_at) for d in mine if resolve_date(d["text"], published_at)[0]), None)
        if resolved is None:
            continue
        start, end = _clean_span(ctx.doc, *_clause_bounds(verb))
        actor = next((r for r in (_mention_near(ctx, a) for a in _subject_tokens(verb)) if r is not None), None)
        out.append({
            "event_id": ids.span_id("event", article_id, start, end, told["status"]),
            "article_id": article_id,
            "deal_mention_id": told["deal_mention_id"],
            "status": told["status"],
            "event_date": resolved[0],
            "event_date_precision": resolved[1],
            "actor_mention_id": actor["mention_id"] if actor else None,
            "start": start,
            "end": end,
            "text": ctx.text[start:end],
        })
    return out


CONCLUDED = {"agreed", "signed", "ratified", "implemented"}


def _withdrawal(cue) -> bool:
    """"withdrew from", "walked away", "pulled out", "backed out": leaving a deal, whose
    status (rejected or cancelled) depends on whether the deal had been concluded."""
    if _lemma(cue) == "withdraw":
        return True
    return any((_lemma(cue), c.lower_) in WITHDRAWAL_PHRASES for c in cue.children if c.dep_ in ("prt", "advmod", "prep"))


def _date_retold(rows: list[dict], deal_of_row: dict[int, int], derived: set[int] = frozenset()) -> None:
    """An undated event of the same deal and status as a dated one in the article ("signed the
    agreement at a ceremony" after "signed ... on Wednesday", or the headline) is the same event
    told again: it takes that date, when the article gives only one for that status. A status
    read from an expectation or a refusal (``derived``: "wants the loan signed" -> negotiating)
    is the state at publication, not a retelling of another event."""
    dated: dict[tuple, set] = {}
    for row in rows:
        if row["event_date"]:
            dated.setdefault((deal_of_row[id(row)], row["status"]), set()).add((row["event_date"], row["event_date_precision"]))
    for row in rows:
        found = dated.get((deal_of_row[id(row)], row["status"]))
        if not row["event_date"] and found and len(found) == 1 and id(row) not in derived:
            row["event_date"], row["event_date_precision"] = next(iter(found))


def _dedupe(rows: list[dict], key: str) -> list[dict]:
    seen, out = set(), []
    for row in rows:
        if row[key] in seen:
            continue
        seen.add(row[key])
        out.append(row)
    return out


def _date_governor(ctx: _Context, d: dict) -> int | None:
    tokens = ctx.tokens_in(d["start"], d["end"])
    if not tokens:
        return None
    inside = {t.i for t in tokens}
    roots = [t for t in tokens if t.head.i not in inside] or tokens
    t = roots[0]
    for _ in range(12):
        if t.pos_ in ("VERB", "AUX") and t.i not in inside:
            return t.i
        if t.head.i == t.i:
            return None
        t = t.head
    return None


def _relative_clause(ctx: _Context, event) -> tuple | None:
    """(main verb, signed count, unit) when the event's cue is in a clause dated from its main
    clause by a distance: "a month after X refused", "two weeks before they signed"."""
    for i in sorted(set(event.chain) | {event.cue.i}):
        t = ctx.doc[i]
        if t.dep_ != "advcl" or t.head.pos_ not in ("VERB", "AUX"):
            continue
        marks = [c for c in t.children if c.dep_ == "mark" and c.lower_ in _SHIFT_MARKS]
        if not marks:
            continue
        for c in t.children:
            if c.dep_ == "npadvmod" and c.lower_ in _UNIT_WORDS and c.i < marks[0].i:
                count = 1
                for m in c.children:
                    if m.dep_ == "nummod":
                        n = _to_number(m.lower_)
                        count = int(n) if n is not None and n == int(n) else None
                if count is None:
                    return None
                return t.head, _SHIFT_MARKS[marks[0].lower_] * count, c.lower_
    return None


def _event_date(ctx: _Context, dates: list[dict], event: "_Event", start: int, end: int, sent_i: int,
                published_at, other_cues: set[int]):
    """Date of an event: a date expression governed by its cue verb, else one inside its
    clause, else the nearest in its sentence; never one that belongs to another status cue
    ("we walked away because the deal we agreed in April ...")."""
    sent = ctx.sents[sent_i]
    in_sentence = [d for d in dates if sent.start_char <= d["start"] < sent.end_char]
    governed = {id(d): _date_governor(ctx, d) for d in in_sentence}
    chain = set(event.chain) | {event.cue.i}
    relative = _relative_clause(ctx, event)
    if relative is not None:
        # "resumed talks on Wednesday, a month after Veldonia refused to sign": the refusal
        # is dated from the main clause's date (or the publication date), a month back.
        main, count, unit = relative
        main_chain = set(_chain(main)) | {main.i}
        anchor = next((resolve_date(d["text"], published_at) for d in in_sentence
                       if governed[id(d)] in main_chain and resolve_date(d["text"], published_at)[0]), None)
        if anchor is None:
            anchor = resolve_date("today", published_at)
        return shift_date(*anchor, count, unit)
    mine = [d for d in in_sentence if governed[id(d)] in chain]
    free = [d for d in in_sentence if governed[id(d)] not in other_cues or governed[id(d)] in chain]
    inside = [d for d in free if start <= d["start"] and d["end"] <= end and d not in mine]
    around = sorted((d for d in free if d not in mine and d not in inside),
                    key=lambda d: min(abs(d["start"] - start), abs(d["start"] - end)))
    for group in (mine, inside, around):
        for d in group:
            iso, precision = resolve_date(d["text"], published_at, future=event.future)
            if iso:
                return iso, precision
    return None, None

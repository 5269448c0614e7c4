"""Status events: the cue verbs and nouns of a deal's status in the article, read with their modality
(negated, expected, hypothetical, refused), clause, deal and actors."""
from __future__ import annotations

from .context import _Context, _Event, _Mention
from .syntax import (
    _agent_tokens, _children, _clause_bounds, _is, _is_noun, _is_passive, _lemma, _negated, _np_bounds,
    _objects, _segment, _subject_tokens, _word_stems,
)
from .vocabulary import (
    CONDITION_MARKS, DEALISH_NOUNS, DECISION_NOUNS, DEMAND_VERBS, DEONTIC_AUX, EXPECTATION_GOVERNORS,
    FAILURE_GOVERNORS, HYPOTHETICAL_MARKS, IMPLEMENTATION_NOUNS, LEGISLATURES, MODAL_AUX, NEEDS_DEAL_OBJECT,
    NOUN_STATUS, OBLIGATION_GOVERNORS, PEOPLE_DESCRIPTORS, PHRASAL_STATUS, PRONOUNS, PURCHASE_VERBS,
    RECALL_MARKS, REFUSAL_GOVERNORS, TALKS_OVER, VERB_STATUS,
)


PROGRESS = {"proposed", "negotiating", "agreed", "signed", "ratified", "implemented"}
SETBACK = {"rejected", "stalled", "cancelled"}


def _chain(cue):
    """The cue and the verbs/adjectives that govern it through xcomp ("is expected to sign")."""
    chain = [cue]
    t = cue
    lo, hi = _segment(cue)
    for _ in range(6):
        if t.head.i == t.i or not lo <= t.head.i < hi:
            break
        if t.dep_ in ("xcomp", "acomp"):
            pass
        elif t.dep_ == "ccomp" and (_is(t.head, EXPECTATION_GOVERNORS) or _is(t.head, DEMAND_VERBS)) \
                and not any(c.dep_ == "mark" and c.lower_ == "that" for c in t.children):
            pass  # "wants the loan signed by May"
        else:
            break
        t = t.head
        chain.append(t)
    return chain


def _perfect(verb) -> bool:
    """A present perfect: "has signed", "has been signed", "have not agreed"."""
    return verb.tag_ == "VBN" and any(c.dep_ == "aux" and c.lower_ in ("has", "have", "'s", "'ve") for c in verb.children)


def _modality(chain) -> str | None:
    """'refused', 'negated', 'hypothetical', 'expected' or None for a cue's governing chain."""
    cue = chain[0]
    if any(_lemma(t) in OBLIGATION_GOVERNORS for t in chain[1:]):
        # An obligation, met or waived, says nothing of what happened: "the parliament did not
        # need to approve the arrangement" is no stalled ratification.
        return "hypothetical"
    for t in chain[1:]:
        if _is(t, REFUSAL_GOVERNORS):
            return "negated" if _negated(t) else "refused"
        if _is(t, FAILURE_GOVERNORS):
            return "negated"
    no_object = any(any(c.lower_ == "no" and c.dep_ == "det" for c in o.children)
                    for t in chain for o in _children(t, "dobj", "nsubjpass", "nsubj"))
    if any(_negated(t) for t in chain) or no_object:
        # "has yet to sign", "no agreement has been signed (yet)", "has not signed": pending,
        # not refused -- a negated present perfect says the event has not happened so far.
        if any(c.lower_ == "yet" for t in chain for c in t.children) or _perfect(cue):
            return "expected"
        # "will not sign", "would not sign": a refusal.
        if any(c.dep_ == "aux" and c.lower_ in ("will", "would", "shall", "wo", "'ll") for t in chain for c in t.children):
            return "refused"
        return "negated"
    if cue.dep_ == "pcomp" and cue.head.lower_ == "without":
        return "negated"
    for t in chain:
        if any(c.dep_ == "mark" and c.lower_ in HYPOTHETICAL_MARKS for c in t.children):
            return "hypothetical"
        # "takes effect once both parliaments approve it"
        for advcl in _children(t, "advcl"):
            if any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in advcl.children):
                return "hypothetical"
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in DEONTIC_AUX for c in t.children):
            return "hypothetical"
        if t.dep_ == "advcl" and any(c.lower_ in HYPOTHETICAL_MARKS for c in t.children):
            return "hypothetical"
    if any(c.lower_ == "yet" for t in chain for c in t.children):
        return "expected"
    for t in chain[1:]:
        if _is(t, EXPECTATION_GOVERNORS):
            return "expected"
    for t in chain:
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in MODAL_AUX for c in t.children):
            return "expected"
        if any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children) and t.dep_ in ("xcomp", "advcl", "relcl", "acl") and t is chain[-1]:
            # "plans to sign": governor outside the chain; "to sign" alone is not a fact
            return "expected"
    return None


def _status_after_modality(status: str, modality: str | None) -> str | None:
    if modality is None:
        return status
    if modality == "hypothetical":
        return None
    if modality == "refused":
        return "rejected" if status in PROGRESS else None
    if modality == "negated":
        if status in SETBACK or status == "proposed":
            return None
        return "stalled"
    if modality == "expected":
        if status in ("signed", "agreed", "ratified", "negotiating"):
            return "negotiating"
        return None  # a planned proposal, an expected entry into force: not a status yet
    return status


def _dealish(ctx: _Context, token, head_to_mention: dict) -> bool:
    if token.i in head_to_mention or token.i in ctx.deal_at:
        return True
    if token.pos_ == "PRON" and token.lower_ in PRONOUNS:
        return True
    if token.tag_ == "WDT" or token.lower_ in PRONOUNS:
        return True
    return _lemma(token) in DEALISH_NOUNS or token.lower_ in DEALISH_NOUNS


def _phrasal_status(verb) -> str | None:
    lemma = _lemma(verb)
    for child in verb.children:
        if child.dep_ in ("prt", "prep", "advmod", "dobj"):
            word = child.lower_
            objects = [_lemma(p) for p in _children(child, "pobj")]
            for (v, particle, obj), status in PHRASAL_STATUS.items():
                if v != lemma:
                    continue
                if child.dep_ == "dobj" and particle == word:
                    return status
                if particle == word and (obj is None or obj in objects):
                    return status
    return None


def _legislative(ctx: _Context, verb) -> bool:
    people = _subject_tokens(verb) + _agent_tokens(verb)
    for t in people:
        words = {_lemma(u) for u in t.subtree} | {u.lower_ for u in t.subtree}
        if words & LEGISLATURES:
            return True
    return False


def _past(chain) -> bool:
    """The chain is told in the past ("was expected to", "had planned to")."""
    for t in chain:
        if t.tag_ == "VBD":
            return True
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("had", "was", "were", "did", "'d") for c in t.children):
            return True
    return False


def _describing_people(token) -> bool:
    """"a diplomat familiar with the negotiations", "officials involved in the talks"."""
    t = token
    for _ in range(4):
        if t.head.i == t.i:
            return False
        t = t.head
        if t.lower_ in PEOPLE_DESCRIPTORS:
            return True
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("acl", "amod", "relcl"):
            return False
    return False


def _verb_event(ctx: _Context, token, head_to_mention) -> tuple[_Event | None, list]:
    """The event of a cue verb (or None) and the chain of verbs it consumed."""
    lemma = _lemma(token)
    if lemma not in VERB_STATUS:
        lemma = next((w for w in sorted(_word_stems(token.lower_)) if w in VERB_STATUS), lemma)
    phrasal_status = _phrasal_status(token)
    status = phrasal_status or VERB_STATUS.get(lemma)
    if status is None:
        return None, []
    if any(c.dep_ == "det" for c in token.children) or token.dep_ == "compound":
        return None, []  # a nominal gerund: "the signing", "signing day"
    if token.dep_ == "amod" and (token.tag_ not in ("VBN", "VBD") or (token.i > 0 and token.doc[token.i - 1].text in ("-", "–"))):
        return None, []  # "far-reaching", "long-delayed"
    if token.dep_ == "amod" and status == "proposed":
        return None, []  # "a proposed minerals agreement": a description, not a report of when
    if token.dep_ == "acl" and _lemma(token.head) in DECISION_NOUNS and token.head.i not in head_to_mention:
        return None, []  # "the decision to award the contract": the act is told by its own verb
    if lemma in ("refuse", "decline") and not any(_dealish(ctx, o, head_to_mention) for o in _objects(token)):
        return None, []  # "refused to sign" is read from "sign"; "declined to comment" is nothing
    if lemma == "present" and any(c.lower_ == "as" for c in token.children):
        return None, []  # "presented as a cornerstone"
    if lemma in ("approve", "endorse", "pass") and _legislative(ctx, token):
        status = "ratified"
    elif lemma == "pass":
        return None, []
    objects = _objects(token)
    relative = token.dep_ == "relcl" and token.head.i in head_to_mention
    attached = token.dep_ in ("acl", "amod") and token.head.i in head_to_mention
    dealish = any(_dealish(ctx, o, head_to_mention) for o in objects) or attached or relative
    if phrasal_status:
        # "pulled out of the air", "walked away from the table": the object must be the deal.
        preps = [c for c in token.children if c.dep_ == "prep" and c.lower_ in ("of", "from")]
        preps += [c for p in token.children if p.dep_ in ("prt", "advmod", "prep") for c in p.children
                  if c.dep_ == "prep" and c.lower_ in ("of", "from")]
        pobjs = [o for p in preps for o in _children(p, "pobj")]
        if pobjs and not any(_dealish(ctx, o, head_to_mention) for o in pobjs):
            return None, []
        direct = [o for o in objects if o.dep_ in ("dobj", "nsubjpass") and _lemma(o) not in ("effect", "force", "hold")]
        if direct and not any(_dealish(ctx, o, head_to_mention) for o in direct) and not (attached or relative):
            return None, []  # "the figure had been pulled out of the air"
    elif lemma in NEEDS_DEAL_OBJECT:
        if not dealish:
            return None, []
    elif not dealish and any(o.dep_ in ("dobj", "nsubjpass") for o in objects):
        return None, []  # "signed a letter"
    chain = _chain(token)
    # A cue governed by another cue ("agreed to sign") is the governor's event.
    if any((VERB_STATUS.get(_lemma(t)) or _phrasal_status(t)) and _lemma(t) not in REFUSAL_GOVERNORS for t in chain[1:]):
        return None, []
    if attached and token.dep_ == "amod":
        modality = None  # "a proposed agreement" says the deal was proposed, whatever the verb
    elif attached:
        # "the loan signed last week" / "wants the loan signed by May": the noun's verb decides.
        governor = token.head.head
        governing_chain = [token] + (_chain(governor) if governor.pos_ in ("VERB", "AUX") else [])
        modality = _modality(governing_chain)
        if modality is None and governor.pos_ in ("VERB", "AUX") and (
                _lemma(governor) in EXPECTATION_GOVERNORS or _lemma(governor) in DEMAND_VERBS):
            modality = "expected"
    else:
        modality = _modality(chain)
    final = _status_after_modality(status, modality)
    if final is None:
        return None, chain
    cue_status = status if modality in (None, "expected") else final
    top = chain[-1]
    if attached:
        first, last = _np_bounds(token.head)
        if token.dep_ == "acl":
            last = max(last, _clause_bounds(token)[1])
        clause = (min(first, token.i), last)
        linked = head_to_mention[token.head.i]
        actors = _agent_tokens(token)
        dated = token.dep_ == "acl"
    else:
        clause = _clause_bounds(top)
        linked = None
        for o in objects + _children(token, "nsubj"):
            for candidate in (o, *o.conjuncts):
                linked = head_to_mention.get(candidate.i) or ctx.deal_at.get(candidate.i)
                if linked:
                    break
            if linked:
                break
        if linked is None and relative:
            linked = head_to_mention[token.head.i]
        if _is_passive(token):
            actors = _agent_tokens(token)
        elif relative and any(c.dep_ == "nsubj" and c.tag_ == "WDT" for c in token.children):
            actors = []
        else:
            actors = _subject_tokens(top)
        actors = [a for a in actors if a.i not in head_to_mention]
        dated = True
    event = _Event(status=final, cue=token, cue_status=cue_status, clause=clause, linked=linked,
                   actor_tokens=actors, dated=dated,
                   future=modality == "expected" and not _past(chain if not attached else [token.head.head]),
                   chain=[t.i for t in chain])
    # Who else: "proposed to Marhaven", "offered Marhaven", "signed with Marhaven".
    for child in token.children:
        if child.dep_ == "dative":
            # "offered Taluna a contract", or "awarded a contract to X" parsed as a dative "to".
            receivers = _children(child, "pobj") if child.pos_ == "ADP" else [child]
            event.role_tokens.extend((r, "counterparty" if status == "proposed" else "beneficiary") for r in receivers)
        if child.dep_ == "prep" and child.lower_ in ("with", "between", "to", "from"):
            deal_type = linked.deal_type if linked is not None else None
            for pobj in _children(child, "pobj"):
                if child.lower_ == "to":
                    if status == "proposed":
                        role = "counterparty"
                    elif deal_type in ("loan", "investment_fund", "concession"):
                        role = "beneficiary"  # "approved a loan to Sarnovia"
                    else:
                        continue
                elif child.lower_ == "from":
                    if deal_type not in ("loan", "purchase", "supply"):
                        continue
                    role = "party"  # "a purchase of frigates from Kestria"
                else:
                    role = "party"
                event.role_tokens.extend((p, role) for p in [pobj, *pobj.conjuncts])
    for verb in [c for c in token.children if c.dep_ in ("xcomp", "advcl") and _lemma(c) in PURCHASE_VERBS]:
        for child in verb.children:
            if child.dep_ == "dobj":
                event.role_tokens.extend((p, "counterparty") for p in [child, *child.conjuncts])
            elif child.dep_ == "prep" and child.lower_ == "from":
                for pobj in _children(child, "pobj"):
                    event.role_tokens.extend((p, "counterparty") for p in [pobj, *pobj.conjuncts])
    if lemma == "award":
        # "awarded a contract to X" / "awarded X a contract": X wins the deal (the preposition
        # may hang on the verb or on the deal noun).
        heads = [token] + ([token.doc[linked.head]] if linked is not None else [])
        for child in [c for h in heads for c in h.children]:
            if child.dep_ == "prep" and child.lower_ == "to":
                for pobj in _children(child, "pobj"):
                    event.role_tokens.extend((p, "beneficiary") for p in [pobj, *pobj.conjuncts])
    if status == "proposed" and linked is not None:
        # "proposed a minerals agreement to Veldonia": the preposition hangs on the noun.
        for prep in token.doc[linked.head].rights:
            if prep.dep_ == "prep" and prep.lower_ == "to":
                for pobj in _children(prep, "pobj"):
                    event.role_tokens.extend((p, "counterparty") for p in [pobj, *pobj.conjuncts])
    return event, chain


def _noun_event(ctx: _Context, token, head_to_mention, verb_events: set[int]) -> _Event | None:
    noun = token.lower_
    status = NOUN_STATUS.get(noun)
    if status is None and noun in IMPLEMENTATION_NOUNS and any(c.lower_ == "first" for c in token.children):
        status = "implemented"
    if status is None or _describing_people(token):
        return None
    # "ending four months of negotiations", "after weeks of talks": talks that are over.
    # (The climb stays in the token's line: a headline run into the paragraph is not its clause.)
    lo, hi = _segment(token)
    t = token
    for _ in range(5):
        if t.head.i == t.i or not lo <= t.head.i < hi:
            break
        t = t.head
        if _is(t, TALKS_OVER) and any(c.dep_ == "prep" and c.lower_ == "without" for c in t.children):
            break  # "a round of talks ended on Wednesday without agreement": talks, still open
        if _is(t, TALKS_OVER) or t.lower_ in ("after", "following"):
            return None
        if t.pos_ in ("VERB", "AUX"):
            break
    governor = token.head if lo <= token.head.i < hi else token
    while governor.pos_ not in ("VERB", "AUX") and governor.head.i != governor.i and lo <= governor.head.i < hi:
        governor = governor.head
    if governor.i in verb_events:
        return None
    clause_verb = governor if governor.pos_ in ("VERB", "AUX") else None
    if clause_verb is not None and any(c.dep_ == "mark" and c.lower_ in RECALL_MARKS for c in clause_verb.children):
        return None  # "a month after talks began", "since the talks resumed": told as background
    modality = None
    chain = []
    if clause_verb is not None:
        if VERB_STATUS.get(_lemma(clause_verb)) or _phrasal_status(clause_verb):
            return None  # "talks collapsed", "suspended talks": the verb is the event
        chain = _chain(clause_verb)
        modality = _modality(chain)
    if any(c.lower_ == "no" and c.dep_ == "det" for c in token.children):
        modality = "negated"
    if status == "implemented":
        # Only a delivery that happened: "the first shipment arrived on Monday".
        if clause_verb is None or clause_verb.tag_ not in ("VBD", "VBN") or modality is not None \
                or _lemma(clause_verb) in ("clear", "pave", "prepare", "await", "expect", "plan", "schedule", "wait", "delay"):
            return None
    elif modality == "negated":
        status = "stalled"
    elif modality == "hypothetical":
        return None
    if clause_verb is not None:
        clause = _clause_bounds(clause_verb)
        actors = [a for a in _subject_tokens(clause_verb) if a.i != token.i and a.i not in head_to_mention]
    else:
        lo, hi = _segment(token)
        clause = (lo, hi - 1)
        actors = []
    event = _Event(status=status, cue=token, cue_status=status, clause=clause, linked=None,
                   actor_tokens=actors, dated=True, future=modality == "expected" and not _past(chain),
                   chain=[t.i for t in chain] + [token.i])
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ in ("with", "between"):
            for pobj in _children(prep, "pobj"):
                event.role_tokens.extend((p, "party") for p in [pobj, *pobj.conjuncts])
    return event


def _find_events(ctx: _Context, mentions: list[_Mention], reach_sents: set[int]) -> list[_Event]:
    head_to_mention = {m.head: m for m in mentions}
    events: list[_Event] = []
    consumed: set[int] = set()
    verb_events: set[int] = set()
    for token in ctx.doc:
        if ctx.sent_of_token[token.i] not in reach_sents or token.i in consumed:
            continue
        if ctx.quoted(token.idx):
            continue  # speech is not a report: "Sarnovia negotiated hard", "we walked away"
        if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
            event, chain = _verb_event(ctx, token, head_to_mention)
            consumed.update(t.i for t in chain)
            if event is not None:
                events.append(event)
                verb_events.add(token.i)
        elif _is_noun(token):
            event = _noun_event(ctx, token, head_to_mention, verb_events)
            if event is not None:
                events.append(event)
    return events

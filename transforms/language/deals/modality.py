"""The modality of a status cue: whether the chain of words that govern it tells the event as
done, refused, negated, expected or hypothetical, and the status it then gives."""
from __future__ import annotations

from .syntax import _children, _is, _lemma, _negated, _segment
from .vocabulary import (
    CONDITION_MARKS, DEMAND_VERBS, DEONTIC_AUX, EXPECTATION_GOVERNORS, FAILURE_GOVERNORS, HYPOTHETICAL_MARKS,
    MODAL_AUX, OBLIGATION_GOVERNORS, REFUSAL_GOVERNORS, TIME_MARKS,
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
    if _time_clause_of_future(chain[-1]):
        return "expected"
    return None


def _time_clause_of_future(verb) -> bool:
    """"approvals will be required as the agreements are implemented": a present-tense time
    clause of a future main clause tells what is to come."""
    if verb.dep_ != "advcl" or not any(c.dep_ == "mark" and c.lower_ in TIME_MARKS for c in verb.children):
        return False
    present = verb.tag_ in ("VBP", "VBZ") or any(c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBP", "VBZ") for c in verb.children)
    return present and any(c.dep_ in ("aux", "auxpass") and c.lower_ in MODAL_AUX for c in verb.head.children)


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


def _past(chain) -> bool:
    """The chain is told in the past ("was expected to", "had planned to")."""
    for t in chain:
        if t.tag_ == "VBD":
            return True
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("had", "was", "were", "did", "'d") for c in t.children):
            return True
    return False

"""Status events: the cue verbs and nouns of a deal's status in the article, read with their modality
(negated, expected, hypothetical, refused), clause, deal and actors."""
from __future__ import annotations

from .context import _Context, _Event, _Mention
from .modality import _chain, _modality, _past, _status_after_modality
from .syntax import (
    _agent_tokens, _children, _clause_bounds, _is, _is_noun, _is_passive, _lemma, _np_bounds, _objects, _whole_of,
    _segment, _subject_tokens, _word_stems,
)
from .vocabulary import (
    DEALISH_NOUNS, DECISION_NOUNS, DEMAND_VERBS, EXPECTATION_GOVERNORS, IMPLEMENTATION_NOUNS, LEGISLATURES,
    NEEDS_DEAL_MENTION, NEEDS_DEAL_OBJECT, NOUN_STATUS, PEOPLE_DESCRIPTORS, PHRASAL_STATUS, PRONOUNS, PURCHASE_VERBS,
    RATIFICATION_NOUNS, RATIFYING_VERBS, RECALL_MARKS, REFUSAL_GOVERNORS, SUPPLY_VERBS, TALKS_OVER, VERB_STATUS,
)


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
    cue = _verb_cue(ctx, token, head_to_mention)
    if cue is None:
        return None, []
    lemma, status, phrasal_status = cue
    objects = _objects(token)
    relative = token.dep_ == "relcl" and token.head.i in head_to_mention
    attached = token.dep_ in ("acl", "amod") and token.head.i in head_to_mention
    if not _objects_fit(ctx, token, lemma, phrasal_status, objects, attached, relative, head_to_mention):
        return None, []
    chain = _chain(token)
    # A cue governed by another cue ("agreed to sign") is the governor's event.
    if any((VERB_STATUS.get(_lemma(t)) or _phrasal_status(t)) and _lemma(t) not in REFUSAL_GOVERNORS for t in chain[1:]):
        return None, []
    modality = _verb_modality(token, chain, attached)
    final = _status_after_modality(status, modality)
    if final is None:
        return None, chain
    cue_status = status if modality in (None, "expected") else final
    if attached:
        clause, linked, actors, dated = _attached_reading(token, head_to_mention)
    else:
        clause, linked, actors, dated = _clause_reading(ctx, token, chain[-1], objects, relative, head_to_mention)
    event = _Event(status=final, cue=token, cue_status=cue_status, clause=clause, linked=linked,
                   actor_tokens=actors, dated=dated,
                   future=modality == "expected" and not _past(chain if not attached else [token.head.head]),
                   chain=[t.i for t in chain])
    event.role_tokens.extend(_verb_role_tokens(token, lemma, status, linked))
    return event, chain


def _verb_cue(ctx: _Context, token, head_to_mention) -> tuple[str, str, str | None] | None:
    """(lemma, status, phrasal status) of a verb that reads as a status cue, None when it does not
    (no cue word, a nominal gerund, an attributive participle, a refusal to comment, ...)."""
    lemma = _lemma(token)
    if lemma not in VERB_STATUS:
        lemma = next((w for w in sorted(_word_stems(token.lower_)) if w in VERB_STATUS), lemma)
    phrasal_status = _phrasal_status(token)
    status = phrasal_status or VERB_STATUS.get(lemma)
    if status is None:
        return None
    if any(c.dep_ == "det" for c in token.children) or token.dep_ == "compound":
        return None  # a nominal gerund: "the signing", "signing day"
    if token.dep_ == "amod" and (token.tag_ not in ("VBN", "VBD") or (token.i > 0 and token.doc[token.i - 1].text in ("-", "–"))):
        return None  # "far-reaching", "long-delayed"
    if token.dep_ == "amod" and status == "proposed":
        return None  # "a proposed minerals agreement": a description, not a report of when
    if token.dep_ == "acl" and _lemma(token.head) in DECISION_NOUNS and token.head.i not in head_to_mention:
        return None  # "the decision to award the contract": the act is told by its own verb
    if lemma in ("refuse", "decline") and not any(_dealish(ctx, o, head_to_mention) for o in _objects(token)):
        return None  # "refused to sign" is read from "sign"; "declined to comment" is nothing
    if lemma == "present" and any(c.lower_ == "as" for c in token.children):
        return None  # "presented as a cornerstone"
    if lemma in ("approve", "endorse", "pass") and _legislative(ctx, token):
        status = "ratified"
    elif lemma == "pass":
        return None
    return lemma, status, phrasal_status


def _objects_fit(ctx: _Context, token, lemma: str, phrasal_status, objects, attached: bool, relative: bool,
                 head_to_mention) -> bool:
    """The cue's objects let it be a deal's event: the deal itself for a phrasal cue or a verb
    that needs a deal object, and no other direct object ("signed a letter")."""
    dealish = any(_dealish(ctx, o, head_to_mention) for o in objects) or attached or relative
    if phrasal_status:
        # "pulled out of the air", "walked away from the table": the object must be the deal.
        preps = [c for c in token.children if c.dep_ == "prep" and c.lower_ in ("of", "from")]
        preps += [c for p in token.children if p.dep_ in ("prt", "advmod", "prep") for c in p.children
                  if c.dep_ == "prep" and c.lower_ in ("of", "from")]
        pobjs = [o for p in preps for o in _children(p, "pobj")]
        if pobjs and not any(_dealish(ctx, o, head_to_mention) for o in pobjs):
            return False
        direct = [o for o in objects if o.dep_ in ("dobj", "nsubjpass") and _lemma(o) not in ("effect", "force", "hold")]
        if direct and not any(_dealish(ctx, o, head_to_mention) for o in direct) and not (attached or relative):
            return False  # "the figure had been pulled out of the air"
    elif lemma in NEEDS_DEAL_MENTION:
        if not any(o.i in head_to_mention for o in objects) and not (attached or relative):
            return False
    elif lemma in NEEDS_DEAL_OBJECT:
        if not dealish:
            return False
    elif not dealish and any(o.dep_ in ("dobj", "nsubjpass") for o in objects):
        return False  # "signed a letter"
    return True


def _verb_modality(token, chain, attached: bool) -> str | None:
    """The modality of a cue verb: of its chain, or for a participle on the deal noun, of the
    noun's verb."""
    if attached and token.dep_ == "amod":
        return None  # "a proposed agreement" says the deal was proposed, whatever the verb
    if not attached:
        return _modality(chain)
    # "the loan signed last week" / "wants the loan signed by May": the noun's verb decides.
    governor = token.head.head
    governing_chain = [token] + (_chain(governor) if governor.pos_ in ("VERB", "AUX") else [])
    modality = _modality(governing_chain)
    if modality is None and governor.pos_ in ("VERB", "AUX") and (
            _lemma(governor) in EXPECTATION_GOVERNORS or _lemma(governor) in DEMAND_VERBS):
        modality = "expected"
    return modality


def _attached_reading(token, head_to_mention) -> tuple[tuple[int, int], _Mention, list, bool]:
    """(clause, deal mention, actor tokens, dated) of a participle on the deal noun ("the loan
    signed last week"): the noun phrase is the clause, its "by X" the actors."""
    first, last = _np_bounds(token.head)
    if token.dep_ == "acl":
        last = max(last, _clause_bounds(token)[1])
    clause = (min(first, token.i), last)
    return clause, head_to_mention[token.head.i], _agent_tokens(token), token.dep_ == "acl"


def _clause_reading(ctx: _Context, token, top, objects, relative: bool,
                    head_to_mention) -> tuple[tuple[int, int], _Mention | None, list, bool]:
    """(clause, deal mention or None, actor tokens, dated) of a cue verb: the clause of its top
    governor, the deal among its objects (or the noun of its relative clause), its subjects or
    agents."""
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
    return clause, linked, actors, True


def _verb_role_tokens(token, lemma: str, status: str, linked: _Mention | None) -> list:
    """(token, role) of the cue's other actors: "proposed to Marhaven", "offered Marhaven",
    "signed with Marhaven", "agreed to buy X", "awarded a contract to X"."""
    out = _receiver_roles(token, status, linked)
    out += _purchase_roles(token)
    if linked is not None:
        out += _purchase_roles(token.doc[linked.head], ("acl", "relcl"))  # "a contract to buy jets from X"
    out += _supply_roles(token, linked)
    if lemma in SUPPLY_VERBS:
        out += [(p, "counterparty") for p in _supplied_to(token)]  # "sold a 44% stake in X to Y"
    if lemma == "award":
        out += _award_roles(token, linked)
    if status == "proposed" and linked is not None:
        # "proposed a minerals agreement to Veldonia": the preposition hangs on the noun.
        for prep in token.doc[linked.head].rights:
            if prep.dep_ == "prep" and prep.lower_ == "to":
                for pobj in _children(prep, "pobj"):
                    out.extend((p, "counterparty") for p in [pobj, *pobj.conjuncts])
    return out


def _receiver_roles(token, status: str, linked: _Mention | None) -> list:
    """(token, role) of the cue's indirect object and its "with", "between", "to", "from" objects."""
    out = []
    for child in token.children:
        if child.dep_ == "dative":
            # "offered Taluna a contract", or "awarded a contract to X" parsed as a dative "to".
            receivers = _children(child, "pobj") if child.pos_ == "ADP" else [child]
            out.extend((r, "counterparty" if status == "proposed" else "beneficiary") for r in receivers)
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
                out.extend((p, role) for p in [pobj, *pobj.conjuncts])
    return out


def _purchase_roles(token, deps=("xcomp", "advcl")) -> list:
    """"signed a contract to buy two frigates from X", "agreed to buy X": X is a counterparty
    (``deps``: how the verb of buying hangs on ``token``, the cue or the deal noun)."""
    out = []
    for verb in [c for c in token.children if c.dep_ in deps and _lemma(c) in PURCHASE_VERBS]:
        for child in verb.children:
            if child.dep_ == "dobj":
                out.extend((p, "counterparty") for p in [child, *child.conjuncts])
            elif child.dep_ == "prep" and child.lower_ == "from":
                for pobj in _children(child, "pobj"):
                    out.extend((p, "counterparty") for p in [pobj, *pobj.conjuncts])
    return out


def _supply_roles(token, linked: _Mention | None) -> list:
    """"signed an agreement to supply graphite to X", "agreed to sell its output to X": X is a
    counterparty (the verb hangs on the cue or on the deal noun)."""
    heads = [token] + ([token.doc[linked.head]] if linked is not None else [])
    verbs = [c for h in heads for c in h.children if c.dep_ in ("xcomp", "advcl", "acl", "relcl") and _lemma(c) in SUPPLY_VERBS]
    return [(p, "counterparty") for verb in verbs for p in _supplied_to(verb)]


def _supplied_to(verb) -> list:
    """Whom a verb of supplying supplies: its "to" objects, on the verb or on its direct object
    ("sell 100% of its output to X", "sold a stake it owns in X to Y")."""
    preps = [c for c in verb.children if c.dep_ in ("prep", "dative") and c.lower_ == "to"]
    objects = _children(verb, "dobj")
    # The object's own "to", or one the parser hangs on a relative clause inside the object
    # ("sold a stake it owns in X to Y").
    objects += [r for o in objects for r in o.children if r.dep_ == "relcl"]
    preps += [c for o in objects for c in o.children if c.dep_ == "prep" and c.lower_ == "to"]
    return [p for prep in preps for pobj in _children(prep, "pobj") for p in [pobj, *pobj.conjuncts]]


def _award_roles(token, linked: _Mention | None) -> list:
    """"awarded a contract to X" / "awarded X a contract": X wins the deal (the preposition
    may hang on the verb or on the deal noun)."""
    out = []
    heads = [token] + ([token.doc[linked.head]] if linked is not None else [])
    for child in [c for h in heads for c in h.children]:
        if child.dep_ == "prep" and child.lower_ == "to":
            for pobj in _children(child, "pobj"):
                out.extend((p, "beneficiary") for p in [pobj, *pobj.conjuncts])
    return out


def _noun_event(ctx: _Context, token, head_to_mention, verb_events: set[int]) -> _Event | None:
    status = _noun_status(token)
    ratification = status is None and token.lower_ in RATIFICATION_NOUNS
    if ratification:
        status = "ratified"
    if status is None or _describing_people(token):
        return None
    # (The climb stays in the token's line: a headline run into the paragraph is not its clause.)
    lo, hi = _segment(token)
    if _talks_over(token, lo, hi):
        return None
    governor = token.head if lo <= token.head.i < hi else token
    while governor.pos_ not in ("VERB", "AUX") and governor.head.i != governor.i and lo <= governor.head.i < hi:
        governor = governor.head
    if governor.i in verb_events:
        return None
    clause_verb = governor if governor.pos_ in ("VERB", "AUX") else None
    if ratification and (clause_verb is None or not any(_lemma(t) in RATIFYING_VERBS for t in _chain(clause_verb))):
        return None  # "seeks ratification", "awaiting ratification": not done
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
    status = _noun_status_after_modality(status, modality, clause_verb)
    if status is None:
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


def _deal_as_subject(event: _Event | None, token, head_to_mention) -> bool:
    """A cue inside a direct quote is an event only when the deal itself is its subject, told in
    the passive ("the deal was approved in the evening", "the remainder of the loan has been
    cancelled"): a statement of the deal's state, where "we signed", "they negotiated hard" are
    the speaker's account of their own acts."""
    if event is None or event.linked is None or not _is_passive(token):
        return False
    subjects = [_whole_of(c) for c in token.children if c.dep_ == "nsubjpass"]
    return any(s.i == event.linked.head or head_to_mention.get(s.i) is event.linked for s in subjects)


def _noun_status(token) -> str | None:
    """The status a noun cues: "talks", "negotiations"; "the first shipment" -> implemented."""
    noun = token.lower_
    status = NOUN_STATUS.get(noun)
    if status is None and noun in IMPLEMENTATION_NOUNS and any(c.lower_ == "first" for c in token.children):
        status = "implemented"
    return status


def _talks_over(token, lo: int, hi: int) -> bool:
    """"ending four months of negotiations", "after weeks of talks": talks that are over."""
    t = token
    for _ in range(5):
        if t.head.i == t.i or not lo <= t.head.i < hi:
            break
        t = t.head
        if _is(t, TALKS_OVER) and any(c.dep_ == "prep" and c.lower_ == "without" for c in t.children):
            break  # "a round of talks ended on Wednesday without agreement": talks, still open
        if _is(t, TALKS_OVER) or t.lower_ in ("after", "following"):
            return True
        if t.pos_ in ("VERB", "AUX"):
            break
    return False


def _noun_status_after_modality(status: str, modality: str | None, clause_verb) -> str | None:
    """A noun cue's status read with its clause's modality; None: no event."""
    if status == "implemented":
        # Only a delivery that happened: "the first shipment arrived on Monday".
        if clause_verb is None or clause_verb.tag_ not in ("VBD", "VBN") or modality is not None \
                or _lemma(clause_verb) in ("clear", "pave", "prepare", "await", "expect", "plan", "schedule", "wait", "delay"):
            return None
    elif modality == "negated":
        status = "stalled"
    elif modality == "hypothetical":
        return None
    return status


def _find_events(ctx: _Context, mentions: list[_Mention], reach_sents: set[int]) -> list[_Event]:
    head_to_mention = {m.head: m for m in mentions}
    events: list[_Event] = []
    consumed: set[int] = set()
    verb_events: set[int] = set()
    for token in ctx.doc:
        if ctx.sent_of_token[token.i] not in reach_sents or token.i in consumed:
            continue
        quoted = ctx.quoted(token.idx)  # speech is not a report: "Sarnovia negotiated hard", "we walked away"
        if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
            event, chain = _verb_event(ctx, token, head_to_mention)
            if quoted and not _deal_as_subject(event, token, head_to_mention):
                continue  # ... but a quote may tell the deal's state: "the deal was approved on Monday"
            consumed.update(t.i for t in chain)
            if event is not None:
                events.append(event)
                verb_events.add(token.i)
        elif _is_noun(token) and not quoted:
            event = _noun_event(ctx, token, head_to_mention, verb_events)
            if event is not None:
                events.append(event)
    events.extend(_acts_under_deals(ctx, mentions, verb_events, events))
    return events


def _acts_under_deals(ctx: _Context, mentions: list[_Mention], verb_events: set[int],
                      events: list[_Event]) -> list[_Event]:
    """"X will sell its output to Y under a five-year deal", "Under the deal, X will have the
    option to sell to Y": an act done under a deal tells that the deal is agreed, when the article
    tells no other event of it (a deal told as signed stays signed); the act's subject is a party
    and whoever it sells or supplies to a counterparty. Not for a proposal or a draft."""
    told = {e.linked.deal for e in events if e.linked is not None}
    told_sents = {ctx.sent_of_token[e.cue.i] for e in events if e.linked is None}
    out = []
    for m in mentions:
        if m.deal in told or m.anaphor or any(
                x.sent in told_sents for x in mentions if x.deal == m.deal):
            continue
        head = ctx.doc[m.head]
        prep = head.head
        if head.dep_ != "pobj" or prep.lower_ != "under" or prep.dep_ != "prep":
            continue
        verb = prep.head
        if verb.pos_ not in ("VERB", "AUX") or verb.i in verb_events or ctx.quoted(verb.idx):
            continue
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in verb.children):
            continue  # "would sell to Y under a deal if it is signed": no deal yet
        event = _Event(status="agreed", cue=head, cue_status="agreed", clause=_clause_bounds(verb), linked=m,
                       actor_tokens=_subject_tokens(verb), dated=False, future=False, chain=[verb.i])
        for supply in [t for t in verb.subtree if _lemma(t) in SUPPLY_VERBS and t.pos_ == "VERB"]:
            event.role_tokens.extend((p, "counterparty") for p in _supplied_to(supply))
        out.append(event)
    return out

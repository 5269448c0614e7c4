"""Parties of deals: the country or organisation a person acts for, roles from mediation, guarantee,
benefit and "between X and Y" phrasing, owners that are no party, and one entry per actor and role."""
from __future__ import annotations

import re

from transforms.language.actors import SAY_LEMMAS
from transforms.schema import PARTY_ROLES

from .context import _Context, _Deal, _actor_key
from .patterns import _OWNED_BY, _OWNER_AFTER
from .syntax import _agent_tokens, _children, _is, _is_noun, _is_passive, _lemma, _objects, _subject_tokens
from .vocabulary import (
    AFFILIATION_PREPS, BENEFICIARY_VERBS, CONDITION_TERMS, CREATION_VERBS, GIVING_VERBS, GUARANTOR_VERBS,
    ANNOUNCE_VERBS, HEAD_WORDS, MEDIATOR_VERBS, ORGANISATION_NOUNS, PERSON_PRONOUNS, PRIVATE_PERSON_NOUNS, PRONOUN_ACTORS,
    resource_hits,
)


AFFILIATION_DEPS = {"poss", "compound", "amod", "nmod", "appos", "prep", "pobj", "npadvmod"}


def _affiliation(ctx: _Context, row: dict) -> dict | None:
    """For a person (or anonymous source), the country or organisation they act for: the
    nearest one in the name's modifiers ("Marhaven's Korvel", "President Ana Korvel of
    Marhaven", "Kestrian minister", "Ivo Marten, chief executive of Ostrel Energy"), else
    the nearest country mention with the person's country code."""
    if row.get("actor_type") in ("country", "organization"):
        return row
    tokens = ctx.tokens_in(row["start"], row["end"])
    if not tokens:
        return None
    inside = {t.i for t in tokens}
    heads = [t for t in tokens if t.head.i not in inside] or tokens
    # "Kestrian billionaire Ivo Marten": a private person's country is only their nationality.
    private = any(_lemma(c) in PRIVATE_PERSON_NOUNS for h in heads for c in h.subtree if c.dep_ in ("compound", "appos"))
    # Breadth-first through modifiers only (not through clauses: "Korvel, who signed with
    # Kestria" does not make Kestria her affiliation).
    frontier = [c for h in heads for c in h.children if c.i not in inside] + [t for t in tokens if t.i != heads[0].i]
    seen = set(inside)
    for _ in range(4):
        found = []
        next_frontier = []
        for t in frontier:
            if t.i in seen and t.i not in inside:
                continue
            seen.add(t.i)
            if t.dep_ not in AFFILIATION_DEPS and t.i not in inside:
                continue
            if t.dep_ == "prep" and t.lower_ not in AFFILIATION_PREPS:
                continue
            other = ctx.token_mention.get(t.i)
            if other is not None and other is not row and other.get("actor_type") in ("country", "organization") \
                    and not (private and other.get("actor_type") == "country"):
                found.append(other)
            next_frontier.extend(c for c in t.children if c.i not in seen)
        if found:
            return min(found, key=lambda m: abs(m["start"] - row["start"]))
        frontier = next_frontier
    # By country code: the nearest country mention of the same code.
    code = row.get("country_code")
    if code and not private:
        same = [m for m in ctx.mentions if m.get("actor_type") == "country"
                and (m.get("country_code") == code or m.get("actor_key") == code)]
        if same:
            return min(same, key=lambda m: abs(m["start"] - row["start"]))
    return None


def _party(ctx: _Context, row: dict | None) -> dict | None:
    """The mention row to record as a party: countries and organisations as they are,
    people through their affiliation when it is known, else the person; anonymous sources
    and groups only through an affiliation."""
    if row is None:
        return None
    if row.get("actor_type") in ("country", "organization"):
        return row
    affiliation = _affiliation(ctx, row)
    if affiliation is not None:
        return affiliation
    return row if row.get("actor_type") == "person" else None


def _mention_near(ctx: _Context, token) -> dict | None:
    """The actor mention at a token, or the one it stands for: "Veldonia's government",
    "the government of Marhaven", "officials from Veldonia", "it" in "Ostrel Energy said it signed"."""
    row = ctx.mention_of(token)
    if row is not None:
        return row
    if token.lower_ in PRONOUN_ACTORS and token.dep_ in ("nsubj", "nsubjpass"):
        return _pronoun_antecedent(ctx, token)
    if token.lower_ in PERSON_PRONOUNS and token.dep_ in ("nsubj", "nsubjpass"):
        return _pronoun_antecedent(ctx, token, ("person",))
    for child in token.children:
        if child.dep_ in ("poss", "compound", "amod", "appos", "nmod"):
            row = ctx.mention_of(child)
        elif child.dep_ == "prep" and child.lower_ in ("of", "from"):
            row = next((ctx.mention_of(p) for p in _children(child, "pobj") if ctx.mention_of(p)), None)
        else:
            row = None
        if row is not None:
            return row
    return None


def _pronoun_antecedent(ctx: _Context, token, types=("organization", "country")) -> dict | None:
    """The company or state "it" stands for as a deal's actor (``types``; for "he", "she": the
    person): the subject of the verb of saying the clause hangs on ("Ostrel Energy said on Monday
    it signed ...", "Ana Korvel announced that she had reached a deal"), else the nearest one
    before it in its sentence, else the last one of the sentence before."""
    verb = token.head
    for _ in range(3):
        if _lemma(verb) in SAY_LEMMAS or _lemma(verb) in ANNOUNCE_VERBS:
            for subject in _subject_tokens(verb):
                row = ctx.mention_of(subject)
                if row is not None and row.get("actor_type") in types:
                    return row
        if verb.head is verb:
            break
        verb = verb.head
    sent = ctx.sent_of_token[token.i]
    before = [m for m in ctx.mentions if m.get("actor_type") in types and m["end"] <= token.idx
              and ctx.sent_index(m["start"]) in (sent, sent - 1)]
    return before[-1] if before else None


def _about_terms(ctx: _Context, verb) -> bool:
    """The verb's subject or object is a deal, or its object is a term of one (an amount, a
    share, a resource, a guarantee): "the deal gives Marhaven 50% of revenues", "the bank
    extended a loan to Sarnovia", "Veldonia receives security guarantees"."""
    for t in _subject_tokens(verb) + _objects(verb) + _children(verb, "dobj"):
        if t.i in ctx.deal_at or _lemma(t) in HEAD_WORDS:
            return True
        if t.dep_ in ("nsubj", "nsubjpass"):
            continue
        for u in t.subtree:
            if u.ent_type_ in ("MONEY", "PERCENT") or _lemma(u) in CONDITION_TERMS or u.lower_ in ("%", "percent", "share", "stake"):
                return True
        if resource_hits(ctx.text[t.left_edge.idx:t.right_edge.idx + len(t.right_edge.text)]):
            return True
    return False


def _party_signals(ctx: _Context, reach_sents: set[int]) -> list[tuple[object, str, object]]:
    """(token of the actor, role, anchor token) from mediation, guarantee and benefit phrasing."""
    out = []
    for token in ctx.doc:
        if ctx.sent_of_token[token.i] not in reach_sents:
            continue
        lemma = _lemma(token)
        if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB"):
            if lemma in MEDIATOR_VERBS or lemma in GUARANTOR_VERBS or lemma in BENEFICIARY_VERBS:
                role = "mediator" if lemma in MEDIATOR_VERBS else "guarantor" if lemma in GUARANTOR_VERBS else "beneficiary"
                if role == "beneficiary" and _objects(token) and not _about_terms(ctx, token):
                    continue  # "Veldonia received a delegation"
                people = _agent_tokens(token) if (_is_passive(token) or token.dep_ in ("acl", "amod")) else _subject_tokens(token)
                if token.dep_ in ("acl", "amod"):
                    people = _agent_tokens(token)
                out.extend((p, role, token) for p in people)
            if (_is(token, CREATION_VERBS) or lemma in CREATION_VERBS) and any(
                    o.dep_ in ("dobj", "nsubjpass") and _lemma(o) in HEAD_WORDS for o in _objects(token)):
                people = _agent_tokens(token) if _is_passive(token) else _subject_tokens(token)
                out.extend((p, "party", token) for p in people)
            if lemma in GIVING_VERBS and _about_terms(ctx, token):
                for child in token.children:
                    if child.dep_ == "dative":
                        out.append((child, "beneficiary", token))
                    if child.dep_ == "prep" and child.lower_ == "to":
                        out.extend((p, "beneficiary", token) for p in _children(child, "pobj"))
        elif _is_noun(token) and lemma in ("mediation", "guarantor", "mediator", "guarantee"):
            role = "mediator" if lemma in ("mediation", "mediator") else "guarantor"
            if lemma == "guarantee":
                # "a guarantee from Kestria"
                for prep in token.children:
                    if prep.dep_ == "prep" and prep.lower_ in ("from", "by"):
                        out.extend((p, "guarantor", token) for p in _children(prep, "pobj"))
                continue
            for child in token.children:
                if child.dep_ == "poss":
                    out.append((child, role, token))
                if child.dep_ == "prep" and child.lower_ in ("of", "by", "from"):
                    out.extend((p, role, token) for p in _children(child, "pobj"))
            # "X will act as guarantor", "X is the mediator"
            if token.dep_ in ("pobj", "attr") and lemma in ("guarantor", "mediator"):
                verb = token.head.head if token.dep_ == "pobj" else token.head
                out.extend((p, role, token) for p in _subject_tokens(verb))
    return out


def _owner_mentions(ctx: _Context) -> set:
    """Country mentions that only say who owns an organisation: "Kestria's state-owned
    Ostrel Energy", "Kestria's Ostrel Energy", "a Kestrian shipyard", "Kestria's national
    gas company". The organisation is the party; its owner is not (it becomes one only by
    its own role in the text, e.g. as a signatory). Read on the surface, as the parse of a
    headline is often run into the next line."""
    out = set()
    org_starts = {m["start"] for m in ctx.mentions if m.get("actor_type") == "organization"}
    for m in ctx.mentions:
        if m.get("actor_type") != "country":
            continue
        after = _OWNER_AFTER.match(ctx.text, m["end"])
        if after is None:
            continue
        pos = after.end()
        possessive = ctx.text[m["end"]:m["end"] + 2] in ("'s", "’s")
        owned = bool(re.search(_OWNED_BY, after.group(), re.IGNORECASE))
        if pos in org_starts and (possessive or owned):
            out.add(m["mention_id"])
            continue
        # Up to two lower-case modifiers before the organisation noun ("gas company").
        for word in re.findall(r"[A-Za-z][A-Za-z-]*", ctx.text[pos:pos + 60].split("\n")[0])[:3]:
            if word.lower() in ORGANISATION_NOUNS:
                out.add(m["mention_id"])
                break
            if not word.islower():
                break
    return out


def _other_parties(ctx: _Context, found, deals, nearest, head_to_mention, reach_sents, by_sent):
    """(deal index, party mention row, role) from the noun phrases ("Veldonia's deal with
    Marhaven"), mediation / guarantee / benefit phrasing, and "between X and Y" on a verb."""
    out: list[tuple[int, dict, str]] = []
    for m in found:
        for row, role in m.parties:
            out.append((m.deal, row, role))
    for tok, role, anchor in _party_signals(ctx, reach_sents):
        party = _party(ctx, _mention_near(ctx, tok))
        if party is None:
            continue
        linked = head_to_mention.get(anchor.head.i) if anchor.dep_ in ("acl", "amod") else None
        target = linked or nearest(ctx.sent_of_token[anchor.i], anchor.idx)
        if target is not None:
            out.append((target.deal, party, role))
    for token in ctx.doc:
        if token.lower_ != "between" or ctx.sent_of_token[token.i] not in by_sent or token.head.i in head_to_mention:
            continue  # (between on the deal noun itself was read from the noun phrase)
        target = nearest(ctx.sent_of_token[token.i], token.idx)
        if target is None:
            continue
        for pobj in _children(token, "pobj"):
            for p in [pobj, *pobj.conjuncts]:
                party = _party(ctx, _mention_near(ctx, p))
                if party is not None:
                    out.append((target.deal, party, "party"))
    return out


def _attach_parties(ctx: _Context, deals: list[_Deal], party_pairs: list[tuple[int, dict, str]],
                    location_tokens: set[int]) -> None:
    """Give each deal its (party mention row, role) pairs, but for the places of its locations
    ("signed in Orsova": the host is not a party) and the owners of organisations."""
    not_parties = {ctx.token_mention[t]["mention_id"] for t in location_tokens if t in ctx.token_mention}
    not_parties |= _owner_mentions(ctx)
    for deal_index, row, role in party_pairs:
        if row["mention_id"] not in not_parties:  # "signed in Orsova": the host is not a party
            deals[deal_index].parties.append((row, role))


def _merge_parties(parties: list[tuple[dict, str]]) -> list[dict]:
    """One entry per (actor, role); a generic "party" is dropped when the actor has a more
    specific role in the same deal."""
    by_actor: dict[tuple, dict[str, str]] = {}
    order: list[tuple] = []
    for row, role in parties:
        assert role in PARTY_ROLES
        key = _actor_key(row)
        if key not in by_actor:
            by_actor[key] = {}
            order.append(key)
        by_actor[key].setdefault(role, row["mention_id"])
    out = []
    for key in order:
        roles = by_actor[key]
        specific = [r for r in roles if r != "party"]
        for role in (specific or ["party"]):
            out.append({"mention_id": roles[role], "role": role})
    return out

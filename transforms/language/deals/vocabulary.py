"""The word lists the rules read, loaded once from ``data/*.json`` beside this package, and the
finders of resources and sector cues in a text."""
from __future__ import annotations

import functools
import re

from transforms.data import load_data
from transforms.schema import DEAL_STATUSES, DEAL_TYPES, SECTORS


@functools.lru_cache(maxsize=1)
def load_resources() -> dict:
    """The maintained vocabularies (package data ``data/resources.json`` beside this module)."""
    return load_data(__package__, "resources")


def _form_regex(form: str) -> str:
    return r"[\s-]+".join(re.escape(word) for word in form.split())


def _vocabulary_regexes(table: dict[str, list[str]]):
    """(case-insensitive regex, case-sensitive regex, surface form -> key)."""
    lookup: dict[str, str] = {}
    insensitive: list[str] = []
    sensitive: list[str] = []
    for key, forms in table.items():
        for form in forms:
            if form.isupper():
                sensitive.append(form)
                lookup[form] = key
            else:
                insensitive.append(form)
                lookup[form.lower()] = key

    def compile_(forms, flags):
        if not forms:
            return None
        alternation = "|".join(_form_regex(f) for f in sorted(forms, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?:{alternation})(?!\w)", flags)

    return compile_(insensitive, re.IGNORECASE), compile_(sensitive, 0), lookup


_RES = load_resources()
RESOURCE_SECTOR: dict[str, str] = {name: entry["sector"] for name, entry in _RES["resources"].items()}
_RESOURCE_RE_I, _RESOURCE_RE_S, _RESOURCE_LOOKUP = _vocabulary_regexes(
    {name: entry["forms"] for name, entry in _RES["resources"].items()}
)
_SECTOR_RE_I, _SECTOR_RE_S, _SECTOR_LOOKUP = _vocabulary_regexes(_RES["sector_cues"])
CONDITION_TERMS = frozenset(_RES["condition_terms"])
CURRENCIES: dict[str, str | None] = _RES["currencies"]
assert set(RESOURCE_SECTOR.values()) <= set(SECTORS)
assert set(_RES["sector_cues"]) <= set(SECTORS)

_SPACE_OR_HYPHEN = re.compile(r"[\s-]+")
# Words before "gas" that make it not the fuel.
_NOT_FUEL_GAS = re.compile(rf"(?:{'|'.join(load_data(__package__, 'surface_patterns')['not_fuel_gas'])})[\s-]+$", re.IGNORECASE)


def _lookup_key(lookup: dict, surface: str) -> str | None:
    norm = _SPACE_OR_HYPHEN.sub(" ", surface)
    return lookup.get(norm) or lookup.get(norm.lower())


def _vocab_hits(text: str, re_i, re_s, lookup) -> list[tuple[int, int, str]]:
    """(start, end, key) of vocabulary forms in text; longest match wins on overlap."""
    hits = []
    for regex in (re_i, re_s):
        if regex is None:
            continue
        for m in regex.finditer(text):
            key = _lookup_key(lookup, m.group())
            if key:
                hits.append((m.start(), m.end(), key))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[tuple[int, int, str]] = []
    for hit in hits:
        if out and hit[0] < out[-1][1]:
            continue
        out.append(hit)
    return out


def resource_hits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised resource) for every resource surface form in ``text``."""
    hits = _vocab_hits(text, _RESOURCE_RE_I, _RESOURCE_RE_S, _RESOURCE_LOOKUP)
    return [h for h in hits if not (h[2] == "natural_gas" and _NOT_FUEL_GAS.search(text[max(0, h[0] - 12):h[0]]))]


def sector_cue_hits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, sector) for every sector cue word in ``text``."""
    return _vocab_hits(text, _SECTOR_RE_I, _SECTOR_RE_S, _SECTOR_LOOKUP)


_NOUNS = load_data(__package__, "deal_nouns")
# Heads that make a deal mention on their own; value = deal type (None: inherit / generic).
CORE_HEADS: dict[str, str] = _NOUNS["core_heads"]
# Heads that need a qualifying modifier ("joint venture", "credit line", "mining concession").
QUALIFIED_HEADS: dict[str, str] = _NOUNS["qualified_heads"]
HEAD_WORDS = frozenset(CORE_HEADS) | frozenset(QUALIFIED_HEADS)
# Heads that only refer back to a deal introduced earlier ("the proposal").
ANAPHOR_HEADS = frozenset(_NOUNS["anaphor_heads"])
# Modifiers that make the type more specific.
TYPE_MODIFIERS: dict[str, str] = _NOUNS["type_modifiers"]
FUND_QUALIFIERS = frozenset(_NOUNS["fund_qualifiers"])
STAKE_VERBS = frozenset(_NOUNS["stake_verbs"])
STAKE_IN_DEAL_WORDS = frozenset(_NOUNS["stake_in_deal_words"])
LICENCE_QUALIFIERS = frozenset(_NOUNS["licence_qualifiers"])
# Parts of a deal that stand for it as a verb's object ("the remainder of the loan was cancelled").
PORTION_NOUNS = frozenset(_NOUNS["portion_nouns"])
NEW_DEAL_MARKERS = frozenset(_NOUNS["new_deal_markers"])
DEFINITE_DETS = frozenset(_NOUNS["definite_determiners"])
PRONOUNS = frozenset(_NOUNS["pronouns"])
DEALISH_NOUNS = ANAPHOR_HEADS | frozenset(_NOUNS["dealish_nouns"])
assert {*CORE_HEADS.values(), *QUALIFIED_HEADS.values(), *TYPE_MODIFIERS.values()} <= set(DEAL_TYPES)

_STATUS = load_data(__package__, "status_cues")
VERB_STATUS: dict[str, str] = _STATUS["verb_status"]
# Cue verbs that only count with a deal-like object ("reached an agreement", not "reached Sarel").
NEEDS_DEAL_OBJECT = frozenset(_STATUS["needs_deal_object"])
NEEDS_DEAL_MENTION = frozenset(_STATUS["needs_deal_mention"])
# (verb lemma, particle or preposition, object lemma or None) -> status
PHRASAL_STATUS: dict[tuple[str, str, str | None], str] = {
    (verb, particle, obj): status for verb, particle, obj, status in _STATUS["phrasal_status"]
}
NOUN_STATUS: dict[str, str] = _STATUS["noun_status"]
IMPLEMENTATION_NOUNS = frozenset(_STATUS["implementation_nouns"])
RATIFICATION_NOUNS = frozenset(_STATUS["ratification_nouns"])
RATIFYING_VERBS = frozenset(_STATUS["ratifying_verbs"])
assert {*VERB_STATUS.values(), *PHRASAL_STATUS.values(), *NOUN_STATUS.values()} <= set(DEAL_STATUSES)
# Nouns that name an act already told: "the decision to award the contract", "announced the
# decision on Tuesday".
DECISION_NOUNS = frozenset(_STATUS["decision_nouns"])
ANNOUNCE_VERBS = frozenset(_STATUS["announce_verbs"])
# Verbs of buying: "signed a contract to buy two frigates from X" (X sells), "agreed to buy X"
# (X is bought): both are counterparties of the deal.
PURCHASE_VERBS = frozenset(_STATUS["purchase_verbs"])
SUPPLY_VERBS = frozenset(_STATUS["supply_verbs"])
SUPPLY_NOUNS = frozenset(_STATUS["supply_nouns"])
WITHDRAWAL_PHRASES = frozenset(tuple(pair) for pair in _STATUS["withdrawal_phrases"])
# Subordinators of a clause that tells an earlier stage as background ("since the talks resumed").
RECALL_MARKS = frozenset(_STATUS["recall_marks"])
TALKS_OVER = frozenset(_STATUS["talks_over"])
PEOPLE_DESCRIPTORS = frozenset(_STATUS["people_descriptors"])
LEGISLATURES = frozenset(_STATUS["legislatures"])
REFUSAL_GOVERNORS = frozenset(_STATUS["refusal_governors"])
FAILURE_GOVERNORS = frozenset(_STATUS["failure_governors"])
EXPECTATION_GOVERNORS = frozenset(_STATUS["expectation_governors"])
MODAL_AUX = frozenset(_STATUS["modal_aux"])
TIME_MARKS = frozenset(_STATUS["time_marks"])
# Obligation or ability is no event: "any loan must be ratified by parliament".
DEONTIC_AUX = frozenset(_STATUS["deontic_aux"])
# Verbs of obligation over a cue: "needs to approve", "did not need to approve", "is required to sign".
OBLIGATION_GOVERNORS = frozenset(_STATUS["obligation_governors"])
HYPOTHETICAL_MARKS = frozenset(_STATUS["hypothetical_marks"])
CONDITION_MARKS = frozenset(_STATUS["condition_marks"])
_UNIT_WORDS = frozenset(_STATUS["time_units"])
_SHIFT_MARKS: dict[str, int] = _STATUS["shift_marks"]

_PARTY = load_data(__package__, "party_cues")
# Verbs whose subject sets a deal up: "Kestria and Veldonia set up a joint venture".
CREATION_VERBS = frozenset(_PARTY["creation_verbs"])
MEDIATOR_VERBS = frozenset(_PARTY["mediator_verbs"])
GUARANTOR_VERBS = frozenset(_PARTY["guarantor_verbs"])
BENEFICIARY_VERBS = frozenset(_PARTY["beneficiary_verbs"])
GIVING_VERBS = frozenset(_PARTY["giving_verbs"])
AFFILIATION_PREPS = frozenset(_PARTY["affiliation_prepositions"])
# Subject pronouns that stand for a company or state as a deal's actor ("Ostrel said it signed").
PRONOUN_ACTORS = frozenset(_PARTY["pronoun_actors"])
PERSON_PRONOUNS = frozenset(_PARTY["person_pronouns"])
ORGANISATION_NOUNS = frozenset(_PARTY["organisation_nouns"])
PRIVATE_PERSON_NOUNS = frozenset(_PARTY["private_person_nouns"])

_TERMS = load_data(__package__, "term_cues")
DEMAND_VERBS = frozenset(_TERMS["demand_verbs"])
DEMAND_PREPS = {verb: frozenset(preps) for verb, preps in _TERMS["demand_prepositions"].items()}
DEMAND_NOUNS = frozenset(_TERMS["demand_nouns"])
STATE_VERBS = frozenset(_TERMS["state_verbs"])
ABSENT_VERBS = frozenset(_TERMS["absent_verbs"])
ABSENCE_NOUNS = frozenset(_TERMS["absence_nouns"])
TOPIC_PREPS = frozenset(_TERMS["topic_prepositions"])
GENERIC_CONDITION_HEADS = frozenset(_TERMS["generic_condition_heads"])
# Words of a sentence that speaks of a deal's terms without naming the deal (the article's
# only deal then owns its amounts and periods): demands, offers, financing, repayment.
TERM_CUES = frozenset(_TERMS["term_cues"])
IMPASSE_NOUNS = frozenset(_TERMS["impasse_nouns"])
LOCATION_CUES = frozenset(_TERMS["location_cues"])

_NUMBERS = load_data(__package__, "numbers")
_NUM_WORDS: dict[str, int] = _NUMBERS["number_words"]
_SCALES: dict[str, int] = _NUMBERS["scales"]

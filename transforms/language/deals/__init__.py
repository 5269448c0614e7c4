"""Deals inside one article: deal mentions, their parties, terms (attributes) and status events.

``find_deals(doc, mentions, article_id, published_at)`` takes a parsed spaCy ``Doc``, the
actor ``mentions`` of the same article (rows of ``transforms.language.actors.find_mentions``) and
returns ``{"deal_mentions": [...], "deal_attributes": [...], "deal_events": [...]}`` with
the row shapes documented in ``transforms.language.extract``; deal mention rows also carry
``deal_ref``, the ``deal_mention_id`` of the first mention of the same deal in the article.
Every row's ``start``/``end`` index ``doc.text``; ``text`` (``value`` for attributes) is
exactly ``doc.text[start:end]``. Pure: no I/O but the package data, no second parse.

How it works (rules over the parse and the vocabularies of ``data/resources.json``):

1. **Deal mentions** are noun phrases headed by a deal noun ("agreement", "deal", "pact",
   "accord", "contract", "treaty", "loan", "memorandum of understanding", "MoU", "credit
   line", "joint venture", "investment fund", "mining concession", "purchase of 12
   frigates", ...). The span runs from the determiner and pre-modifiers to the head ("the
   $2.4 billion loan", "a 20-year gas supply contract"); a possessor is left out of the span
   and becomes a party. ``deal_type`` comes from the head and the modifier nearest it
   ("supply contract" -> supply, "loan agreement" -> loan). "the proposal", "the document",
   "the draft", "the offer", "the text" only refer back to a deal already introduced.
   Lines are sentence boundaries (a headline is not run into the first paragraph).
2. **Grouping** within the article: a mention joins a *compatible* deal (no clash of
   specific type, resources, noun-phrase sector or noun-phrase parties; a fund or joint
   venture never merges with the agreement that sets it up) -- preferring the same
   specific type, then the same head noun, then the most recent deal of the last two
   sentences, else the most mentioned one. "another", "a second", "a separate" start a new
   deal, and so does an indefinite mention of a new specific type that shares no resource,
   party or sector with the deal. Type, sector, resources and parties are decided per deal
   and carried to all its mentions.
3. **Sector**: weighted votes -- resources and cue words inside the first mention (3; later
   mentions 1.5), loan or fund type -> finance (2), resources tied to the deal by the syntax
   (1) or only near it (0.25), cue words of the first mention's sentence (0.5); "other" when
   nothing votes. Words inside actor names ("Ostrel Energy") are not cues.
4. **Attributes** (resource, value, share, duration, consideration, condition, location;
   percentages after "rate"/"tariff"/"interest" -> other) and **events** (status cues) are
   read in sentences with a deal mention and in the sentence after, and attached to the
   deal the syntax points to (the deal noun governing the term, the cue verb's object),
   else the nearest deal mention of the sentence, else the last of the previous sentence;
   a term attached by distance to a fund or joint venture goes to the agreement that sets
   it up ("50% of revenues would flow into the joint investment fund"). Farther away, a
   resource, share, condition or consideration goes to the deal its sentence's resources
   name (the article's one deal with them), else to the last deal mention of its paragraph
   or the paragraph before unless another deal of the article is of the same kind; in an
   article with one agreement, amounts and periods of a sentence that speaks of terms
   ("is seeking", "repayment", "tranche", "compensation") are that deal's. Never terms:
   anything read that way inside a direct quote, a duration inside a quote ("for six
   months"), a percentage after a market move ("shares rose 4 percent"), an amount after
   "any ... above" (a legal threshold) or, by distance, after "cost"/"save"/"lose".
5. **Polarity**: "without X", "does not include X", "no X", "lacks X" -> absent;
   "demands X", "insists on X", "calls for X", "is seeking X", "unless/only if it includes X"
   -> demanded; "includes X", "a deal with X", "subject to X" -> stated; "X is not part of
   the final text", "X was dropped" -> absent. A condition term with no such stance is not
   emitted.
6. **Events**: a negated cue never yields its own status ("did not sign", "failed to sign"
   -> stalled; "refused/declined to sign" -> rejected); an expected one ("will sign", "is
   expected to", "plans to", "has yet to") and a negated present perfect ("has not signed",
   "no agreement has been signed": not so far) -> negotiating;
   hypotheticals, conditions and obligations ("if they sign", "takes effect once ...",
   "must be ratified") yield nothing. A cue governed by another cue ("agreed to sign") is
   the governor's event. ``event_date`` is the date expression governed by the cue, else one
   in its clause, else the nearest in its sentence that belongs to no other cue, resolved
   with ``transforms.language.dates.resolve_date`` (looking forward for expected events told in the
   present); None when there is none. An undated event of the same deal and status as the
   article's one dated event of that status is the same event told again and takes its date.
   Talks in a clause told as background ("a month after talks began", "since the talks
   resumed") are no event, and an event read by distance never goes to a deal the sentence
   sets apart ("the talks are separate from the minerals agreement"). Another event in a
   clause set a distance from its main clause ("resumed talks on Wednesday, a month after
   Veldonia refused to sign") is dated from the main clause's date (else the publication
   date) that distance away, no finer than the distance (``dates.shift_date``: month).
   Not events: cues inside direct quotes (speech is not a report: "Sarnovia negotiated
   hard", "we walked away"; the act is told by the reporter elsewhere), attributive
   "a proposed agreement" (a description, not a dated proposal), "the decision to award
   the contract". "awarded a contract (to X)" -> agreed. Leaving a deal ("walked away",
   "withdrew", "pulled out") is cancelled when the article tells the deal as agreed or
   signed, rejected when it tells it only as offered, else as the cue reads ("walked away"
   -> rejected, "withdrew" -> cancelled). "X announced the decision on
   Tuesday" retells the last non-negotiating event of its paragraph or the one before and
   dates it (added after the retelling rule, so the undated report keeps its own date).
7. **Parties** (``mention_id`` of a country or organisation mention, and a role): subjects
   of cue verbs (proposer, signatory, counterparty for a rejection, party), "to X" of a
   proposal (counterparty), "between X and Y" / "with X" / possessors / demonym modifiers
   (party), "brokered/mediated by X" (mediator), "guaranteed by X" / "a guarantee from X"
   (guarantor), "a loan to X" / "gives X" (beneficiary). A person counts through the
   country or organisation named in their modifiers, else the country mention with their
   country code, else as themselves; a place after "signed in" is a location, not a party,
   and the owner of an organisation ("Kestria's state-owned Ostrel Energy", "Ostrel Energy,
   Kestria's state-owned gas company", "a Kestrian shipyard": read on the surface) is not
   one. Buying: "signed a contract to buy frigates from X", "agreed to buy X" -> X is a
   counterparty; "awarded a contract to X" -> X is a beneficiary. A cue verb with no subject
   in its line, whose line the parser ran into a headline, takes the line's first noun
   hanging on the other line as its subject.
"""
from __future__ import annotations

import functools
import json
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources as importlib_resources

from transforms import ids
from transforms.language.dates import find_dates, resolve_date, shift_date
from transforms.language.nlp import doc_text
from transforms.schema import ATTRIBUTES, DEAL_STATUSES, DEAL_TYPES, PARTY_ROLES, POLARITIES, SECTORS


# --- vocabularies -----------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def load_resources() -> dict:
    """The maintained vocabularies (package data ``data/resources.json`` beside this module)."""
    path = importlib_resources.files(__package__) / "data" / "resources.json"
    return json.loads(path.read_text(encoding="utf-8"))


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
_TERM_OF_BEFORE = re.compile(r"(?:period|term)\s+$", re.IGNORECASE)
_LEADING_DETERMINER = re.compile(r"^(?:(?:no|any|the|a|an)\s+)+", re.IGNORECASE)
# Words before "gas" that make it not the fuel.
_NOT_FUEL_GAS = re.compile(r"(?:greenhouse|tear|nerve|poison|exhaust)[\s-]+$", re.IGNORECASE)


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


# --- deal nouns ---------------------------------------------------------------------------------

# Heads that make a deal mention on their own; value = deal type (None: inherit / generic).
CORE_HEADS = {
    "agreement": "agreement", "deal": "agreement", "accord": "agreement", "pact": "agreement",
    "contract": "contract", "treaty": "treaty", "loan": "loan", "memorandum": "memorandum",
    "memoranda": "memorandum", "mou": "memorandum", "mous": "memorandum", "bailout": "loan",
}
# Heads that need a qualifying modifier ("joint venture", "credit line", "mining concession").
QUALIFIED_HEADS = {
    "venture": "joint_venture", "fund": "investment_fund", "line": "loan", "facility": "loan",
    "purchase": "purchase", "sale": "purchase", "lease": "concession", "concession": "concession",
    "letter": "memorandum",
}
HEAD_WORDS = frozenset(CORE_HEADS) | frozenset(QUALIFIED_HEADS)
# Heads that only refer back to a deal introduced earlier ("the proposal").
ANAPHOR_HEADS = {"proposal", "document", "draft", "arrangement", "framework", "offer", "text"}
# Modifiers that make the type more specific.
TYPE_MODIFIERS = {
    "supply": "supply", "offtake": "purchase", "purchase": "purchase", "purchasing": "purchase",
    "procurement": "purchase", "sale": "purchase", "sales": "purchase", "loan": "loan",
    "credit": "loan", "lending": "loan", "concession": "concession", "memorandum": "memorandum",
    "venture": "joint_venture", "treaty": "treaty",
}
GENERIC_TYPES = {"agreement", "contract", "other", None}
ENTITY_TYPES = {"investment_fund", "joint_venture"}
FUND_QUALIFIERS = {
    "investment", "sovereign", "wealth", "development", "reconstruction", "infrastructure",
    "joint", "co-investment", "strategic", "equity", "venture",
}
NEW_DEAL_MARKERS = {
    "another", "second", "third", "separate", "other", "different", "rival", "competing",
    "parallel", "additional",
}
DEFINITE_DETS = {"the", "this", "that", "these", "those", "its", "their", "his", "her", "our", "no", "any", "such"}
NP_LEFT_DEPS = {"det", "predet", "amod", "compound", "nummod", "quantmod", "nmod", "npadvmod", "advmod", "nn", "punct", "case", "poss"}
FEATURE_RIGHT_DEPS = {"prep", "acl", "amod", "nummod", "compound", "npadvmod"}
PRONOUNS = {"it", "this", "that", "which", "they", "them", "these", "those", "what"}
DEALISH_NOUNS = ANAPHOR_HEADS | {"terms", "plan", "talks", "negotiations", "package", "deal", "agreement", "signature"}

# --- status cues -------------------------------------------------------------------------------

VERB_STATUS = {
    "propose": "proposed", "offer": "proposed", "unveil": "proposed", "table": "proposed",
    "float": "proposed", "pitch": "proposed", "submit": "proposed", "present": "proposed",
    "negotiate": "negotiating", "discuss": "negotiating", "renegotiate": "negotiating",
    "agree": "agreed", "reach": "agreed", "strike": "agreed", "clinch": "agreed", "seal": "agreed",
    "conclude": "agreed", "finalize": "agreed", "finalise": "agreed", "secure": "agreed",
    "initial": "agreed", "approve": "agreed", "endorse": "agreed",
    "sign": "signed", "ink": "signed", "countersign": "signed",
    "award": "agreed",
    "reject": "rejected", "refuse": "rejected", "decline": "rejected", "spurn": "rejected",
    "rebuff": "rejected", "veto": "rejected", "dismiss": "rejected",
    "stall": "stalled", "suspend": "stalled", "freeze": "stalled", "postpone": "stalled",
    "delay": "stalled", "halt": "stalled", "pause": "stalled", "shelve": "stalled",
    "collapse": "stalled", "derail": "stalled",
    "cancel": "cancelled", "scrap": "cancelled", "terminate": "cancelled", "annul": "cancelled",
    "revoke": "cancelled", "abandon": "cancelled", "axe": "cancelled", "ditch": "cancelled",
    "rescind": "cancelled", "withdraw": "cancelled",
    "ratify": "ratified", "pass": "ratified",
    "implement": "implemented",
}
# Cue verbs that only count with a deal-like object ("reached an agreement", not "reached Sarel").
NEEDS_DEAL_OBJECT = {
    "reach", "strike", "seal", "clinch", "secure", "conclude", "table", "float", "pitch", "submit",
    "present", "withdraw", "dismiss", "refuse", "decline", "approve", "endorse", "discuss",
    "delay", "freeze", "unveil", "abandon", "finalize", "finalise", "initial", "offer", "halt", "pass",
    "pause", "suspend", "cancel", "scrap", "terminate", "reject", "veto", "award",
}
# Nouns that name an act already told: "the decision to award the contract", "announced the
# decision on Tuesday".
DECISION_NOUNS = {"decision", "move", "choice"}
ANNOUNCE_VERBS = {"announce", "confirm", "disclose", "unveil", "communicate"}
# Verbs of buying: "signed a contract to buy two frigates from X" (X sells), "agreed to buy X"
# (X is bought): both are counterparties of the deal.
PURCHASE_VERBS = {"buy", "purchase", "acquire", "import", "order"}
# (verb lemma, particle or preposition, object lemma or None) -> status
PHRASAL_STATUS = {
    ("walk", "away", None): "rejected", ("turn", "down", None): "rejected",
    ("put", "forward", None): "proposed", ("hammer", "out", None): "agreed",
    ("break", "down", None): "stalled", ("fall", "apart", None): "stalled",
    ("fall", "through", None): "stalled", ("put", "on", "hold"): "stalled",
    ("put", "on", "ice"): "stalled", ("call", "off", None): "cancelled",
    ("tear", "up", None): "cancelled", ("pull", "out", None): "cancelled",
    ("back", "out", None): "cancelled", ("sign", "off", None): "signed",
    ("take", "effect", None): "implemented", ("come", "into", "force"): "implemented",
    ("enter", "into", "force"): "implemented", ("go", "into", "effect"): "implemented",
    ("come", "into", "effect"): "implemented", ("enter", "into", "effect"): "implemented",
}
NOUN_STATUS = {"talks": "negotiating", "negotiations": "negotiating", "negotiation": "negotiating"}
# Subordinators of a clause that tells an earlier stage as background ("since the talks resumed").
RECALL_MARKS = {"after", "since"}
TALKS_OVER = {"end", "conclude", "close", "complete", "cap", "crown", "culminate", "follow"}
PEOPLE_DESCRIPTORS = {"familiar", "involved", "close", "briefed", "privy", "knowledgeable", "participating", "present"}
IMPLEMENTATION_NOUNS = {"shipment", "shipments", "delivery", "deliveries", "cargo", "cargoes", "disbursement", "payment"}
LEGISLATURES = {
    "parliament", "lawmakers", "legislature", "legislators", "senate", "congress", "assembly",
    "mps", "deputies", "chamber", "house", "duma", "diet", "majlis", "senators",
}
PROGRESS = {"proposed", "negotiating", "agreed", "signed", "ratified", "implemented"}
SETBACK = {"rejected", "stalled", "cancelled"}
REFUSAL_GOVERNORS = {"refuse", "decline", "reject"}
FAILURE_GOVERNORS = {"fail", "neglect"}
EXPECTATION_GOVERNORS = {
    "expect", "plan", "set", "due", "poised", "likely", "aim", "hope", "intend", "want", "seek",
    "prepare", "schedule", "going", "go", "try", "ready", "willing", "pledge", "promise", "vow",
    "threaten", "consider", "wish", "look", "scheduled", "slated", "expected", "able", "unlikely",
    "need", "have", "attempt", "yet",
}
MODAL_AUX = {"will", "shall", "'ll", "would", "could", "may", "might", "wo"}
# Obligation or ability is no event: "any loan must be ratified by parliament".
DEONTIC_AUX = {"must", "should", "can", "ca", "ought"}
# Verbs of obligation over a cue: "needs to approve", "did not need to approve", "is required to sign".
OBLIGATION_GOVERNORS = {"need", "require", "oblige"}
HYPOTHETICAL_MARKS = {"if", "unless", "whether", "once", "until", "before"}
CONDITION_MARKS = {"if", "unless", "once", "until", "provided", "providing"}
STATUS_ROLE = {
    "proposed": "proposer", "signed": "signatory", "agreed": "party", "negotiating": "party",
    "rejected": "counterparty", "stalled": "party", "cancelled": "party", "ratified": "party",
    "implemented": "party",
}
# Verbs whose subject sets a deal up: "Kestria and Veldonia set up a joint venture".
CREATION_VERBS = {
    "set", "launch", "create", "establish", "form", "found", "open", "extend", "grant", "award",
    "provide", "arrange", "finance", "fund", "lend", "issue", "sponsor", "build",
}
MEDIATOR_VERBS = {"broker", "mediate", "facilitate"}
GUARANTOR_VERBS = {"guarantee", "underwrite"}
BENEFICIARY_VERBS = {"receive", "benefit", "get", "obtain"}
GIVING_VERBS = {"give", "grant", "lend", "extend", "provide", "disburse", "allocate", "award", "pay", "transfer"}

# --- attribute cues ----------------------------------------------------------------------------

DEMAND_VERBS = {
    "demand", "insist", "call", "seek", "want", "ask", "push", "press", "request", "require",
    "need", "hold", "urge", "condition",
}
DEMAND_PREPS = {"insist": {"on", "upon"}, "call": {"for"}, "ask": {"for"}, "push": {"for"},
                "press": {"for"}, "hold": {"for", "out"}, "condition": {"on", "upon"}}
STATE_VERBS = {
    "include", "contain", "provide", "offer", "give", "grant", "attach", "set", "establish",
    "have", "feature", "carry", "come", "accompany", "add", "stipulate", "specify", "mention", "commit",
}
ABSENT_VERBS = {"lack", "omit", "exclude", "drop", "remove", "strip"}
ABSENCE_NOUNS = {"absence", "lack"}
TOPIC_PREPS = {"on", "over", "about", "covering", "for", "involving", "regarding"}
GENERIC_CONDITION_HEADS = {"condition", "precondition", "requirement", "provision", "clause", "commitment", "standard", "term"}
DEMAND_NOUNS = {"demand", "demands", "call", "calls", "request", "requests", "insistence"}

_NUM_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "twenty-five": 25, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "ninety-nine": 99,
}
_NUM_WORD_RE = "|".join(sorted((w for w in _NUM_WORDS if w not in ("a", "an")), key=len, reverse=True))
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALES = {
    "trillion": 10**12, "tn": 10**12, "trn": 10**12, "billion": 10**9, "bn": 10**9, "bln": 10**9,
    "million": 10**6, "mn": 10**6, "mln": 10**6, "m": 10**6, "thousand": 10**3,
}
_SCALE = r"(?:trillion|billion|million|thousand|trn|tn|bn|bln|mn|mln|m)(?![\w$€£])"
_SYMBOLS = sorted((c for c in CURRENCIES if not c.isalpha() or c.isupper()), key=len, reverse=True)
_SYMBOL_RE = "|".join(re.escape(s) for s in _SYMBOLS)
_CODE_RE = "|".join(sorted((c for c in CURRENCIES if re.fullmatch(r"[A-Z]{3}", c)), key=len, reverse=True))
_WORD_CURRENCIES = sorted((c for c in CURRENCIES if c.replace(" ", "").replace(".", "").isalpha() and not c.isupper()), key=len, reverse=True)
_WORD_CUR_RE = "|".join(_form_regex(w) for w in _WORD_CURRENCIES)
_AMOUNT = rf"(?P<num>{_NUMBER})(?:\s*(?:-|–|to)\s*(?P<num2>{_NUMBER}))?"
MONEY_RE = re.compile(
    rf"(?<![\w$€£¥₹₽])(?:"
    rf"(?P<sym>{_SYMBOL_RE})\s?{_AMOUNT}(?:\s?(?P<scale>{_SCALE}))?(?:\s+(?P<wordcur>{_WORD_CUR_RE})(?!\w))?"
    rf"|(?P<wnum>{_NUMBER}|{_NUM_WORD_RE}|a|an)(?:\s?(?P<wscale>{_SCALE}))?\s+(?P<cur>{_WORD_CUR_RE}|{_CODE_RE})(?!\w)"
    rf")"
)
PERCENT_RE = re.compile(
    rf"(?<![\w.])(?P<num>\d+(?:\.\d+)?|{_NUM_WORD_RE})(?:\s?%|\s?(?:percent|per cent|pct)\b)",
    re.IGNORECASE,
)
DURATION_RE = re.compile(
    rf"(?<![\w-])(?:(?P<prep>for|over|lasting|spanning|of)\s+(?:a\s+(?:period|term)\s+of\s+)?"
    rf"(?:at least|up to|about|around|nearly|almost|more than|another|an initial)?\s*)?"
    rf"(?:(?P<num>\d+|{_NUM_WORD_RE}|a|an)[\s-](?P<unit>year|month|decade)(?P<plural>s)?(?:[\s-]long)?"
    rf"|(?P<decade>decade)(?:[\s-]long))(?![\w-]*(?:\s+|-)(?:old|ago|high|low|record|history|anniversary))",
    re.IGNORECASE,
)
CONSIDERATION_RE = re.compile(
    r"\b(?:in return for|in exchange for|as compensation for|in compensation for|as payment for|"
    r"as repayment for|as a reward for|as reimbursement for|in lieu of|to compensate(?: \w+)? for|"
    r"compensation for|repayment for)\b",
    re.IGNORECASE,
)
CONDITION_CLAUSE_RE = re.compile(
    r"\b(?:on (?:the )?condition that|provided that|providing that|subject to|conditional on|"
    r"contingent on|conditioned on|on condition of)\b(?!\s+(?:anonymity|not being named|not being identified))",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[,;:!?()\"“”]|\.(?!\d)|\s[-–—]\s")
LOCATION_CUES = {
    "sign", "agree", "ink", "initial", "reach", "conclude", "negotiate", "announce", "unveil",
    "talks", "summit", "ceremony", "meeting", "negotiations", "strike", "seal", "hold", "meet",
    "discuss", "renegotiate",
}
LOCATION_LABELS = {"GPE", "LOC", "FAC"}


# --- helpers -----------------------------------------------------------------------------------

@dataclass
class _Mention:
    """A deal mention being built."""
    start: int
    end: int
    head: int                    # token index of the head noun
    sent: int                    # sentence index
    noun: str                    # lower-cased lemma of the head
    deal_type: str | None
    anaphor: bool                # refers back only (the proposal, the document)
    definite: bool
    new_marker: bool
    feature: set[int]            # token indices that describe the deal (span + modifiers)
    resources: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    parties: list[tuple[dict, str]] = field(default_factory=list)   # (mention row, role)
    deal: int | None = None      # index into _Deal list
    row: dict | None = None


@dataclass
class _Deal:
    mentions: list[_Mention] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    sector_votes: Counter = field(default_factory=Counter)
    sector_order: dict = field(default_factory=dict)
    parties: list[tuple[dict, str]] = field(default_factory=list)

    def vote(self, sector: str | None, weight: float):
        if sector:
            self.sector_votes[sector] += weight
            self.sector_order.setdefault(sector, len(self.sector_order))

    @property
    def deal_type(self) -> str:
        specific = [t for t in self.types if t not in GENERIC_TYPES]
        if specific:
            return specific[0]
        known = [t for t in self.types if t]
        return known[0] if known else "agreement"

    @property
    def sector(self) -> str:
        if not self.sector_votes:
            return "other"
        return max(self.sector_votes, key=lambda s: (self.sector_votes[s], -self.sector_order[s]))


def _actor_key(mention: dict) -> tuple:
    return (mention.get("actor_type"), mention.get("actor_key") or mention.get("name") or mention.get("text"))


class _Context:
    """Per-document indexes shared by the passes."""

    def __init__(self, doc, mentions: list[dict]):
        self.doc = doc
        self.text = doc_text(doc)
        self.sents = _segments(doc)
        self.sent_starts = [s.start_char for s in self.sents]
        # Paragraph of each sentence: paragraphs are separated by a blank line (or, in text
        # without blank lines, by a line break).
        breaks = [m.end() for m in re.finditer(r"\n\s*\n" if "\n\n" in self.text else r"\n", self.text)]
        self.para_of_sent = [bisect_right(breaks, s.start_char) for s in self.sents]
        self.sent_of_token = [0] * len(doc)
        for i, sent in enumerate(self.sents):
            for t in range(sent.start, len(doc) if i + 1 == len(self.sents) else self.sents[i + 1].start):
                self.sent_of_token[t] = i
        self.mentions = sorted(mentions or [], key=lambda m: (m["start"], -m["end"]))
        self.mention_starts = [m["start"] for m in self.mentions]
        self.deal_at: dict = {}  # token index -> deal mention whose span holds it (set later)
        self.token_mention: dict[int, dict] = {}
        for m in self.mentions:
            span = doc.char_span(m["start"], m["end"], alignment_mode="expand")
            if span is None:
                continue
            for t in range(span.start, span.end):
                self.token_mention.setdefault(t, m)

    @functools.cached_property
    def quote_spans(self) -> list[tuple[int, int]]:
        return _quoted_spans(self.text)

    def quoted(self, char: int) -> bool:
        """Whether ``char`` is inside a direct quote."""
        return any(a <= char < b for a, b in self.quote_spans)

    def in_actor(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps an actor mention (a name such as "Ostrel Energy")."""
        i = bisect_right(self.mention_starts, start)
        for m in self.mentions[max(0, i - 3):i + 3]:
            if m["start"] < end and start < m["end"]:
                return True
        return False

    def sent_index(self, char: int) -> int:
        return max(0, bisect_right(self.sent_starts, char) - 1)

    def token_at(self, char: int):
        span = self.doc.char_span(char, min(char + 1, len(self.text)), alignment_mode="expand")
        if span is None or not len(span):
            return None
        return span[0]

    def tokens_in(self, start: int, end: int):
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return list(span) if span is not None else []

    def mention_of(self, token) -> dict | None:
        return self.token_mention.get(token.i) if token is not None else None


def _lower(token) -> str:
    return token.lower_


def _lemma(token) -> str:
    return token.lemma_.lower()


@functools.lru_cache(maxsize=4096)
def _word_stems(word: str) -> frozenset:
    out = {word}
    for suffix in ("ing", "ed", "es", "s", "d"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[:-len(suffix)]
            out.update((base, base + "e"))
            if base[-1] == base[-2]:
                out.add(base[:-1])  # "planned" -> "plan", "initialled" -> "initial"
    return frozenset(out)


def _is(token, vocabulary) -> bool:
    """The token's lemma, or a stem of its form, is in the vocabulary (the lemmatizer of the
    small model errs: "hoping" -> "hop")."""
    return _lemma(token) in vocabulary or not _word_stems(token.lower_).isdisjoint(vocabulary)


def _is_noun(token) -> bool:
    return token.pos_ in ("NOUN", "PROPN")


NOUNISH_DEPS = {"dobj", "nsubj", "nsubjpass", "pobj", "attr", "appos", "conj", "ROOT", "compound", "oprd", "npadvmod", "dep"}


def _is_break(token) -> bool:
    return token.is_space and "\n" in token.text


def _segment(token) -> tuple[int, int]:
    """Token bounds [start, end) of the token's sentence, cut at line breaks: the small model
    often runs a headline or a paragraph's last sentence into the next one."""
    sent = token.sent
    doc = token.doc
    start = token.i
    while start > sent.start and not _is_break(doc[start - 1]):
        start -= 1
    end = token.i + 1
    while end < sent.end and not _is_break(doc[end]):
        end += 1
    return start, end


def _segments(doc) -> list:
    out = []
    for sent in doc.sents:
        start = sent.start
        for t in sent:
            if _is_break(t):
                if start < t.i:
                    out.append(doc[start:t.i])
                start = t.i + 1
        if start < sent.end:
            out.append(doc[start:sent.end])
    return out


def _mistagged_noun(token) -> bool:
    """The small model sometimes tags "deal" in "the minerals deal" as a verb."""
    if token.pos_ not in ("VERB", "AUX") or token.tag_ not in ("VB", "VBP", "VBZ", "NN") or token.lower_ not in CORE_HEADS:
        return False
    if token.i <= _segment(token)[0]:
        return False
    prev = token.doc[token.i - 1]
    if token.dep_ in NOUNISH_DEPS and prev.pos_ in ("DET", "ADJ", "NOUN", "PROPN", "NUM", "SYM", "PART"):
        return True
    # "the minerals deal" parsed as "the minerals" + verb "deal": a modifier word before it.
    if prev.pos_ in ("NOUN", "ADJ", "PROPN"):
        return prev.dep_ in ("compound", "amod") or prev.lower_ in TYPE_MODIFIERS or bool(
            resource_hits(prev.text) or sector_cue_hits(prev.text))
    return False


def _children(token, *deps):
    return [c for c in token.children if c.dep_ in deps]


def _clean_span(doc, first: int, last: int) -> tuple[int, int]:
    """Character span of tokens first..last, trimmed of edge punctuation, spaces and conjunctions."""
    while first < last and (doc[first].is_punct or doc[first].is_space or doc[first].dep_ == "cc"):
        first += 1
    while last > first and (doc[last].is_punct or doc[last].is_space or doc[last].dep_ == "cc"):
        last -= 1
    return doc[first].idx, doc[last].idx + len(doc[last].text)


def _np_bounds(head) -> tuple[int, int]:
    """Token bounds (first, last) of a noun phrase's determiner, pre-modifiers and head,
    leaving out a possessor and anything before it."""
    if _mistagged_noun(head):
        # The parse is unreliable here: walk left over determiners and modifiers.
        doc, first = head.doc, head.i
        lowest = _segment(head)[0]
        while first - 1 >= lowest:
            prev = doc[first - 1]
            if prev.tag_ == "POS" or prev.lower_ in ("'s", "’s"):
                break
            if prev.pos_ in ("DET", "ADJ", "NUM", "SYM", "NOUN", "PROPN") or (prev.text in ("-", "–") and first - 2 >= lowest):
                first -= 1
                continue
            break
        return first, head.i
    first = head.i
    for child in head.lefts:
        if child.dep_ in NP_LEFT_DEPS and child.dep_ != "poss" and child.dep_ != "case":
            first = min(first, child.left_edge.i)
    poss = [c for c in head.lefts if c.dep_ == "poss"]
    if poss:
        first = max(first, max(p.right_edge.i for p in poss) + 1)
        while first < head.i and head.doc[first].dep_ == "case":
            first += 1
    first = max(first, _segment(head)[0])
    # Never start on punctuation or a stray conjunction.
    while first < head.i and (head.doc[first].is_punct or head.doc[first].dep_ == "cc"):
        first += 1
    return first, head.i


def _clause_bounds(verb) -> tuple[int, int]:
    """Token bounds of a verb's clause, without coordinated clauses after it, within its
    line-delimited sentence."""
    first, last = verb.i, verb.i
    for child in verb.children:
        if child.dep_ in ("conj", "cc") and child.i > verb.i:
            continue
        if child.dep_ == "punct" and child.i > verb.i:
            continue
        first = min(first, child.left_edge.i)
        last = max(last, child.right_edge.i)
    lo, hi = _segment(verb)
    return max(first, lo), min(last, hi - 1)


def _negated(token) -> bool:
    if any(c.dep_ == "neg" for c in token.children):
        return True
    return any(c.lower_ in ("never", "no", "not", "n't") and c.dep_ in ("advmod", "neg", "det") for c in token.children)


def _decimal_string(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _to_number(word: str) -> Decimal | None:
    word = word.lower().replace(",", "")
    if word in _NUM_WORDS:
        return Decimal(_NUM_WORDS[word])
    try:
        return Decimal(word)
    except InvalidOperation:
        return None


# --- 1. deal mentions --------------------------------------------------------------------------

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
    # purchase, sale, lease, concession: a resource, sector cue, duration or amount nearby.
    object_text = ""
    if of_object is not None:
        object_text = doc_text(head.doc)[of_object.left_edge.idx:of_object.idx + len(of_object.text)]
    return _has_cue(left_text) or _has_cue(object_text)


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
    doc = ctx.doc
    found: list[_Mention] = []
    for token in doc:
        if not _is_noun(token) and not _mistagged_noun(token):
            continue
        noun = token.lower_ if token.lower_ in ("mou", "mous") else _lemma(token)
        if not _is_noun(token):
            noun = token.lower_ if token.lower_ in CORE_HEADS else noun
        if noun not in CORE_HEADS and noun not in QUALIFIED_HEADS and noun not in ANAPHOR_HEADS:
            continue
        # A modifier of another deal noun ("loan" in "loan agreement") is not a head.
        if token.dep_ in ("compound", "amod", "nmod") and _lemma(token.head) in HEAD_WORDS:
            continue
        mention_row = ctx.mention_of(token)
        if mention_row is not None:
            span = ctx.tokens_in(mention_row["start"], mention_row["end"])
            if noun == "fund" or not span or span[-1].i != token.i:
                continue  # part of an actor's name ("Marhaven Development Fund")
        first, last = _np_bounds(token)
        # A headline parsed as one noun phrase ("Veldonia and Marhaven sign minerals pact"):
        # start after the last verb-like cue word.
        for t in doc[first:token.i]:
            if VERB_STATUS.get(_lemma(t)) and t.tag_ in ("VB", "VBP", "VBZ", "NN", "NNS", "NNP"):
                first = t.i + 1
        left_tokens = list(doc[first:token.i])
        left_lemmas = {_lemma(t) for t in left_tokens} | {t.lower_ for t in left_tokens}
        if noun == "deal" and left_lemmas & {"great", "good"}:
            continue
        if noun == "agreement" and token.dep_ == "pobj" and token.head.lower_ == "in" and not left_tokens:
            continue  # "in agreement with"
        left_text = doc_text(doc)[doc[first].idx:token.idx]
        of_object = _of_object(token)
        if noun in QUALIFIED_HEADS and not _qualified(token, noun, left_text, left_lemmas, of_object):
            continue
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
            continue  # "the loans", "the first contracts": not one deal
        anaphor = noun in ANAPHOR_HEADS
        if anaphor and not definite:
            continue
        if anaphor and noun in ("text", "framework", "arrangement", "offer") and not (dets & {"the", "this", "that"} or possessed):
            continue
        deal_type = None if anaphor else (CORE_HEADS.get(noun) or QUALIFIED_HEADS.get(noun))
        if deal_type in GENERIC_TYPES:
            # The modifier nearest the head decides: "a gas supply contract" -> supply.
            for t in reversed(left_tokens):
                specific = TYPE_MODIFIERS.get(_lemma(t)) or TYPE_MODIFIERS.get(t.lower_)
                if specific:
                    deal_type = specific
                    break
        start, end = _clean_span(doc, first, last)
        feature = _feature_tokens(token, first, last)
        m = _Mention(
            start=start, end=end, head=token.i, sent=ctx.sent_of_token[token.i], noun=noun,
            deal_type=deal_type, anaphor=anaphor, definite=definite, new_marker=new_marker, feature=feature,
        )
        _describe(ctx, m, token)
        found.append(m)
    found.sort(key=lambda m: m.start)
    return found


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
    # Climb from the mention's token to the deal head; the relation decides the role.
    t = token
    for _ in range(8):
        if t.i == head.i:
            return None
        if t.head.i == head.i:
            if t.dep_ == "poss" or t.dep_ in ("compound", "amod", "nmod", "npadvmod"):
                return "party"
            return None
        if t.dep_ in ("conj", "appos", "compound", "amod", "poss", "nmod", "case") and t.head.i != t.i:
            t = t.head
            continue
        if t.dep_ == "pobj":
            prep = t.head
            if prep.head.i == head.i:
                word = prep.lower_
                if word in ("with", "between", "among", "amongst"):
                    return "party"
                if word in ("to", "for") and deal_type in ("loan", "investment_fund"):
                    return "beneficiary"
                if word == "from" and deal_type in ("loan", "investment_fund", "purchase", "supply"):
                    return "party"
                if word == "by":
                    return "party"
                return None
            t = prep
            continue
        return None
    return None


# --- 2. grouping ------------------------------------------------------------------------------

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


# --- 3. parties' affiliations ----------------------------------------------------------------------

AFFILIATION_DEPS = {"poss", "compound", "amod", "nmod", "appos", "prep", "pobj", "npadvmod"}
AFFILIATION_PREPS = {"of", "from", "for", "at"}


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
            if other is not None and other is not row and other.get("actor_type") in ("country", "organization"):
                found.append(other)
            next_frontier.extend(c for c in t.children if c.i not in seen)
        if found:
            return min(found, key=lambda m: abs(m["start"] - row["start"]))
        frontier = next_frontier
    # By country code: the nearest country mention of the same code.
    code = row.get("country_code")
    if code:
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


def _subject_tokens(verb):
    subjects = _children(verb, "nsubj", "csubj")
    if not subjects and verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.pos_ in ("VERB", "AUX"):
        return _subject_tokens(verb.head) if verb.dep_ != "advcl" else []
    if not subjects:
        subjects = _run_in_subject(verb)
    out = []
    for s in subjects:
        out.append(s)
        out.extend(c for c in s.children if c.dep_ == "conj")
    return out


def _run_in_subject(verb) -> list:
    """The subject of a verb whose line was run into the line before by the parser (a
    headline parsed with the first paragraph): the first noun of the verb's line, before the
    verb, that hangs on a token of another line. Empty when the line parses on its own."""
    lo, hi = _segment(verb)
    if lo <= verb.sent.start:
        return []  # the line starts its own sentence: the parse is not run in
    for t in verb.doc[lo:verb.i]:
        if t.pos_ in ("NOUN", "PROPN", "PRON") and not lo <= t.head.i < hi:
            return [t]
    return []


def _agent_tokens(verb):
    out = []
    for agent in _children(verb, "agent"):
        for pobj in _children(agent, "pobj"):
            out.append(pobj)
            out.extend(c for c in pobj.children if c.dep_ == "conj")
    return out


def _mention_near(ctx: _Context, token) -> dict | None:
    """The actor mention at a token, or the one it stands for: "Veldonia's government",
    "the government of Marhaven", "officials from Veldonia"."""
    row = ctx.mention_of(token)
    if row is not None:
        return row
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


def _is_passive(verb) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


# --- 4. events ---------------------------------------------------------------------------------

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


def _objects(verb):
    out = []
    for c in verb.children:
        if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd"):
            out.append(c)
        elif c.dep_ in ("prep", "prt") or (c.dep_ == "agent"):
            for pobj in _children(c, "pobj"):
                if c.lower_ in ("on", "to", "from", "of", "over", "with", "out", "away", "into", "about"):
                    out.append(pobj)
    return out


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


@dataclass
class _Event:
    status: str
    cue: object
    cue_status: str
    clause: tuple[int, int]          # token bounds
    linked: _Mention | None
    actor_tokens: list
    dated: bool
    future: bool
    chain: list = field(default_factory=list)          # token indices of the cue and its governors
    role_tokens: list = field(default_factory=list)   # (token, role)


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


# --- 5. attributes ------------------------------------------------------------------------------

def _governing_verb(token):
    t = token
    for _ in range(12):
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod",):
            return t
        if t.head.i == t.i:
            return None
        t = t.head
    return None


def _path_preps(token, stop) -> list:
    preps = []
    t = token
    for _ in range(12):
        if t is stop or t.head.i == t.i:
            break
        if t.dep_ == "prep" or t.pos_ == "ADP":
            preps.append(t)
        t = t.head
    return preps


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


_RATE_WORDS = re.compile(r"\b(?:rate|rates|interest|inflation|growth|tariffs?|duty|duties|discount|tax|taxes|rise|increase|cut|yield|coupon|vote|votes|margin)\b[^.]{0,25}$", re.IGNORECASE)


# "a 12 percent import tariff", "a 3.1 percent interest rate": the rate word follows the figure.
_RATE_AFTER = re.compile(r"\s+(?:[a-z-]+\s+)?(?:rates?|interest|tariffs?|duty|duties|tax|taxes|rise|increase|cut|discount|yield|coupon|margin)\b", re.IGNORECASE)


# Terms read in a sentence without a deal mention, by the paragraph's deal (see
# ``_find_attributes``): amounts, periods and places told there are mostly background.
# Words of a sentence that speaks of a deal's terms without naming the deal (the article's
# only deal then owns its amounts and periods): demands, offers, financing, repayment.
TERM_CUES = {
    "seek", "demand", "insist", "offer", "propose", "finance", "lend", "repay", "repayment",
    "tranche", "disbursement", "instalment", "installment", "compensation", "payment", "pay",
    "terms", "draft", "grace", "interest", "earmark", "earmarked", "release", "allocate", "value",
    "fee", "premium", "royalty", "royalties",
}
PARAGRAPH_ATTRIBUTES = {"resource", "share", "condition", "consideration"}
_QUOTE_PAIRS = (("“", "”"), ('"', '"'), ("''", "''"), ("‘‘", "’’"))


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of the direct quotes of ``text``: between paired quote marks of one
    paragraph (an unclosed quote runs to the end of its paragraph, as a quote continued in
    the next paragraph opens again there)."""
    spans = []
    para_start = 0
    for para in re.split(r"(\n\s*\n|\n)", text):
        if not para.strip():
            para_start += len(para)
            continue
        for open_, close in _QUOTE_PAIRS:
            i = 0
            while True:
                a = para.find(open_, i)
                if a < 0:
                    break
                b = para.find(close, a + len(open_))
                if b < 0:
                    spans.append((para_start + a, para_start + len(para)))
                    break
                spans.append((para_start + a, para_start + b + len(close)))
                i = b + len(close)
        para_start += len(para)
    return sorted(spans)


def _same_kind(a: "_Deal", b: "_Deal") -> bool:
    """Two deals of an article a term told apart from both could belong to: same resources
    or same specific type."""
    if set(a.resources) & set(b.resources):
        return True
    return a.deal_type == b.deal_type and a.deal_type not in GENERIC_TYPES


_NOT_A_PRICE = re.compile(r"(?:\b(?:cost|costs|costing|save|saves|saving|lose|loses|losing|lost|damage|damages)\b[^.;]{0,30}"
                          r"|\b(?:above|below|over|under|exceeding|more than|less than|at least|up to)\s+)$", re.IGNORECASE)
_THRESHOLD = re.compile(r"\b(?:any|every|all)\b[^.;]{0,40}\b(?:above|over|exceeding|more than|greater than|below|under|less than)\s+$", re.IGNORECASE)
IMPASSE_NOUNS = {"deadlock", "freeze", "standoff", "stand-off", "stalemate", "impasse", "delay", "pause",
                 "hiatus", "break", "wait", "absence", "gap", "lull", "dispute", "row"}
_MOVE_WORDS = re.compile(r"\b(?:rose|risen|fell|fallen|climbed|jumped|gained|lost|dropped|slipped|slid|surged|plunged|soared|tumbled)(?:\s+by)?(?:\s+(?:about|around|roughly|nearly|almost|some|more\s+than|over))?\s+$", re.IGNORECASE)


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


# --- main ------------------------------------------------------------------------------------

def find_deals(doc, mentions: list[dict] | None, article_id: str, published_at=None) -> dict[str, list[dict]]:
    """Deal mentions, attributes and events of one parsed article (see the module docstring).

    ``mentions``: the article's actor mention rows (``transforms.language.actors.find_mentions``);
    ``published_at``: the article's publication time (ISO string, datetime or None), against
    which relative dates are resolved.
    """
    ctx = _Context(doc, mentions or [])
    found = _find_mentions(ctx)
    deals = _group(found)
    if not found:
        return {"deal_mentions": [], "deal_attributes": [], "deal_events": []}
    for m in found:
        m.row = {"deal_mention_id": ids.span_id("deal_mention", article_id, m.start, m.end)}
        for t in ctx.tokens_in(m.start, m.end):
            ctx.deal_at.setdefault(t.i, m)
    head_to_mention = {m.head: m for m in found}
    by_sent: dict[int, list[_Mention]] = {}
    for m in found:
        by_sent.setdefault(m.sent, []).append(m)
    # Terms and events are read in sentences with a deal mention and in the sentence after.
    reach_sents = set(by_sent) | {s + 1 for s in by_sent if s + 1 < len(ctx.sents)}

    def nearest(sent: int, char: int) -> _Mention | None:
        """The deal mention nearest ``char`` in its sentence, else the last of the sentence before."""
        same = by_sent.get(sent)
        if same:
            return min(same, key=lambda m: (0 if m.start <= char < m.end else min(abs(char - m.start), abs(char - m.end)), m.start))
        previous = by_sent.get(sent - 1)
        return previous[-1] if previous else None

    location_tokens = _location_tokens(ctx, head_to_mention, reach_sents)
    attribute_pairs = _find_attributes(ctx, article_id, found, reach_sents, nearest, head_to_mention, location_tokens, deals)
    events = _find_events(ctx, found, reach_sents)
    event_rows, party_pairs = _event_rows(ctx, events, deals, nearest, article_id, published_at)
    party_pairs += _other_parties(ctx, found, deals, nearest, head_to_mention, reach_sents, by_sent)
    not_parties = {ctx.token_mention[t]["mention_id"] for t in location_tokens if t in ctx.token_mention}
    not_parties |= _owner_mentions(ctx)
    for deal_index, row, role in party_pairs:
        if row["mention_id"] not in not_parties:  # "signed in Orsova": the host is not a party
            deals[deal_index].parties.append((row, role))
    attribute_rows = _attribute_rows(attribute_pairs, deals)
    _vote_sectors(ctx, deals)

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
    event_rows = _dedupe(sorted(event_rows, key=lambda r: (r["start"], r["end"])), "event_id")
    return {"deal_mentions": mention_rows, "deal_attributes": attribute_rows, "deal_events": event_rows}


ORGANISATION_NOUNS = {
    "company", "firm", "group", "shipyard", "shipbuilder", "yard", "operator", "bank", "lender",
    "producer", "utility", "giant", "miner", "developer", "contractor", "manufacturer", "maker",
    "supplier", "exporter", "conglomerate", "corporation", "enterprise", "insurer", "investor",
    "carrier", "airline", "refiner", "trader", "consortium",
}
_OWNED_BY = r"(?:(?:state|government|privately|family|foreign)[\s-](?:owned|run|controlled|backed)|[a-z]+-(?:owned|run|controlled|backed)|state|national|public)"
_OWNER_AFTER = re.compile(rf"(?:['’]s)?\s+(?:{_OWNED_BY}\s+)*", re.IGNORECASE)


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
        rows.append(row)
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
        deal_of_row[id(row)] = target.deal
        if event.cue_status != event.status:
            derived.add(id(row))
        if event.status in ("rejected", "cancelled") and event.cue_status in ("rejected", "cancelled") \
                and _withdrawal(event.cue):
            withdrawals.append(row)
    # Leaving a deal: a cancellation when the article tells the deal was agreed or signed
    # ("we walked away because the deal we agreed in April no longer exists"), a rejection when
    # it tells the deal only as offered ("withdrew from the contract Ostrel had offered"); else
    # the cue's own reading ("walked away" -> rejected, "withdrew", "pulled out" -> cancelled).
    concluded = {deal_of_row[id(r)] for r in rows if r["status"] in CONCLUDED}
    offered = {deal_of_row[id(r)] for r in rows if r["status"] == "proposed"}
    for row in withdrawals:
        deal = deal_of_row[id(row)]
        status = "cancelled" if deal in concluded else "rejected" if deal in offered else row["status"]
        if status != row["status"]:
            row["status"] = status
            row["event_id"] = ids.span_id("event", article_id, row["start"], row["end"], status)
    _date_retold(rows, deal_of_row, derived)
    # After the retelling rule: an announcement dates the announcement, not the undated
    # report of the same act elsewhere in the article.
    rows.extend(_announced(ctx, rows, dates, article_id, published_at))
    return rows, parties


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
WITHDRAWAL_PHRASES = {("walk", "away"), ("pull", "out"), ("back", "out")}


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


_UNIT_WORDS = {"day", "days", "week", "weeks", "month", "months", "year", "years"}
_SHIFT_MARKS = {"after": -1, "since": -1, "before": 1}


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

"""The word lists the rules read, loaded once from ``data/*.json`` beside this package, and the
finders of resources and sector cues in a text."""
from __future__ import annotations

import functools
import json
import re
from importlib import resources as importlib_resources

from transforms.schema import SECTORS


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
FUND_QUALIFIERS = {
    "investment", "sovereign", "wealth", "development", "reconstruction", "infrastructure",
    "joint", "co-investment", "strategic", "equity", "venture",
}
NEW_DEAL_MARKERS = {
    "another", "second", "third", "separate", "other", "different", "rival", "competing",
    "parallel", "additional",
}
DEFINITE_DETS = {"the", "this", "that", "these", "those", "its", "their", "his", "her", "our", "no", "any", "such"}
PRONOUNS = {"it", "this", "that", "which", "they", "them", "these", "those", "what"}
DEALISH_NOUNS = ANAPHOR_HEADS | {"terms", "plan", "talks", "negotiations", "package", "deal", "agreement", "signature"}


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
# Verbs whose subject sets a deal up: "Kestria and Veldonia set up a joint venture".
CREATION_VERBS = {
    "set", "launch", "create", "establish", "form", "found", "open", "extend", "grant", "award",
    "provide", "arrange", "finance", "fund", "lend", "issue", "sponsor", "build",
}
MEDIATOR_VERBS = {"broker", "mediate", "facilitate"}
GUARANTOR_VERBS = {"guarantee", "underwrite"}
BENEFICIARY_VERBS = {"receive", "benefit", "get", "obtain"}
GIVING_VERBS = {"give", "grant", "lend", "extend", "provide", "disburse", "allocate", "award", "pay", "transfer"}


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
_SCALES = {
    "trillion": 10**12, "tn": 10**12, "trn": 10**12, "billion": 10**9, "bn": 10**9, "bln": 10**9,
    "million": 10**6, "mn": 10**6, "mln": 10**6, "m": 10**6, "thousand": 10**3,
}
LOCATION_CUES = {
    "sign", "agree", "ink", "initial", "reach", "conclude", "negotiate", "announce", "unveil",
    "talks", "summit", "ceremony", "meeting", "negotiations", "strike", "seal", "hold", "meet",
    "discuss", "renegotiate",
}
AFFILIATION_PREPS = {"of", "from", "for", "at"}


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
IMPASSE_NOUNS = {"deadlock", "freeze", "standoff", "stand-off", "stalemate", "impasse", "delay", "pause",
                 "hiatus", "break", "wait", "absence", "gap", "lull", "dispute", "row"}


ORGANISATION_NOUNS = {
    "company", "firm", "group", "shipyard", "shipbuilder", "yard", "operator", "bank", "lender",
    "producer", "utility", "giant", "miner", "developer", "contractor", "manufacturer", "maker",
    "supplier", "exporter", "conglomerate", "corporation", "enterprise", "insurer", "investor",
    "carrier", "airline", "refiner", "trader", "consortium",
}
WITHDRAWAL_PHRASES = {("walk", "away"), ("pull", "out"), ("back", "out")}


_UNIT_WORDS = {"day", "days", "week", "weeks", "month", "months", "year", "years"}
_SHIFT_MARKS = {"after": -1, "since": -1, "before": 1}

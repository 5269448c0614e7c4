"""Regular expressions over the surface text, built from the vocabularies (amounts, percentages,
periods, considerations, conditions, owners), and the numbers they read."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .vocabulary import CURRENCIES, _NUM_WORDS, _form_regex


_TERM_OF_BEFORE = re.compile(r"(?:period|term)\s+$", re.IGNORECASE)
_LEADING_DETERMINER = re.compile(r"^(?:(?:no|any|the|a|an)\s+)+", re.IGNORECASE)
_NUM_WORD_RE = "|".join(sorted((w for w in _NUM_WORDS if w not in ("a", "an")), key=len, reverse=True))
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
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


_RATE_WORDS = re.compile(r"\b(?:rate|rates|interest|inflation|growth|tariffs?|duty|duties|discount|tax|taxes|rise|increase|cut|yield|coupon|vote|votes|margin)\b[^.]{0,25}$", re.IGNORECASE)


# "a 12 percent import tariff", "a 3.1 percent interest rate": the rate word follows the figure.
_RATE_AFTER = re.compile(r"\s+(?:[a-z-]+\s+)?(?:rates?|interest|tariffs?|duty|duties|tax|taxes|rise|increase|cut|discount|yield|coupon|margin)\b", re.IGNORECASE)


_NOT_A_PRICE = re.compile(r"(?:\b(?:cost|costs|costing|save|saves|saving|lose|loses|losing|lost|damage|damages)\b[^.;]{0,30}"
                          r"|\b(?:above|below|over|under|exceeding|more than|less than|at least|up to)\s+)$", re.IGNORECASE)
_THRESHOLD = re.compile(r"\b(?:any|every|all)\b[^.;]{0,40}\b(?:above|over|exceeding|more than|greater than|below|under|less than)\s+$", re.IGNORECASE)
_MOVE_WORDS = re.compile(r"\b(?:rose|risen|fell|fallen|climbed|jumped|gained|lost|dropped|slipped|slid|surged|plunged|soared|tumbled)(?:\s+by)?(?:\s+(?:about|around|roughly|nearly|almost|some|more\s+than|over))?\s+$", re.IGNORECASE)
_OWNED_BY = r"(?:(?:state|government|privately|family|foreign)[\s-](?:owned|run|controlled|backed)|[a-z]+-(?:owned|run|controlled|backed)|state|national|public)"
_OWNER_AFTER = re.compile(rf"(?:['’]s)?\s+(?:{_OWNED_BY}\s+)*", re.IGNORECASE)

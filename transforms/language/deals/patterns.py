"""Regular expressions over the surface text, built from the vocabularies (amounts, percentages,
periods, considerations, conditions, owners), and the numbers they read."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from transforms.data import load_data

from .vocabulary import CURRENCIES, _NUM_WORDS, _SCALES, _form_regex


# The alternatives of each list of data/surface_patterns.json, joined: "a|b|c".
_WORDS = {key: "|".join(forms) for key, forms in load_data(__package__, "surface_patterns").items() if key != "_about"}

_TERM_OF_BEFORE = re.compile(r"(?:period|term)\s+$", re.IGNORECASE)
_LEADING_DETERMINER = re.compile(r"^(?:(?:no|any|the|a|an)\s+)+", re.IGNORECASE)
_NUM_WORD_RE = "|".join(sorted((w for w in _NUM_WORDS if w not in ("a", "an")), key=len, reverse=True))
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = rf"(?:{'|'.join(_SCALES)})(?![\w$€£])"
_SYMBOLS = sorted((c for c in CURRENCIES if not c.isalpha() or c.isupper()), key=len, reverse=True)
_SYMBOL_RE = "|".join(re.escape(s) for s in _SYMBOLS)
_CODE_RE = "|".join(sorted((c for c in CURRENCIES if re.fullmatch(r"[A-Z]{3}", c)), key=len, reverse=True))
_WORD_CURRENCIES = sorted((c for c in CURRENCIES if c.replace(" ", "").replace(".", "").isalpha() and not c.isupper()), key=len, reverse=True)
_WORD_CUR_RE = "|".join(_form_regex(w) for w in _WORD_CURRENCIES)
_AMOUNT = rf"(?P<num>{_NUMBER})(?:\s*(?:-|–|to)\s*(?P<num2>{_NUMBER}))?"
MONEY_RE = re.compile(
    rf"(?<![\w$€£¥₹₽])(?:"
    rf"(?P<sym>{_SYMBOL_RE})\s?{_AMOUNT}(?:(?:\s?|-)(?P<scale>{_SCALE}))?(?:\s+(?P<wordcur>{_WORD_CUR_RE})(?!\w))?"
    rf"|(?P<wnum>{_NUMBER}|{_NUM_WORD_RE}|a|an)(?:\s?(?P<wscale>{_SCALE}))?\s+(?P<cur>{_WORD_CUR_RE}|{_CODE_RE})(?!\w)"
    rf")"
)
PERCENT_RE = re.compile(
    rf"(?<![\w.])(?P<num>\d+(?:\.\d+)?|{_NUM_WORD_RE})(?:\s?%|\s?(?:{_WORDS['percent_words']})\b)",
    re.IGNORECASE,
)
DURATION_RE = re.compile(
    rf"(?<![\w-])(?:(?P<prep>{_WORDS['duration_prepositions']})\s+(?:a\s+(?:period|term)\s+of\s+)?"
    rf"(?:{_WORDS['duration_hedges']})?\s*)?"
    rf"(?:(?P<num>\d+|{_NUM_WORD_RE}|a|an)[\s-](?P<unit>year|month|decade)(?P<plural>s)?(?:[\s-]long)?"
    rf"|(?P<decade>decade)(?:[\s-]long))(?![\w-]*(?:\s+|-)(?:{_WORDS['not_duration_after']}))",
    re.IGNORECASE,
)
CONSIDERATION_RE = re.compile(rf"\b(?:{_WORDS['consideration_cues']})\b", re.IGNORECASE)
CONDITION_CLAUSE_RE = re.compile(
    rf"\b(?:{_WORDS['condition_cues']})\b(?!\s+(?:{_WORDS['not_condition_after']}))", re.IGNORECASE,
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


_RATE_WORDS = re.compile(rf"\b(?:{_WORDS['rate_words_before']})\b[^.]{{0,25}}$", re.IGNORECASE)


# "a 12 percent import tariff", "a 3.1 percent interest rate": the rate word follows the figure.
_RATE_AFTER = re.compile(rf"\s+(?:[a-z-]+\s+)?(?:{_WORDS['rate_words_after']})\b", re.IGNORECASE)


_NOT_A_PRICE = re.compile(rf"(?:\b(?:{_WORDS['loss_words']})\b[^.;]{{0,30}}|\b(?:{_WORDS['bound_words']})\s+)$", re.IGNORECASE)
_THRESHOLD = re.compile(
    rf"\b(?:{_WORDS['threshold_quantifiers']})\b[^.;]{{0,40}}\b(?:{_WORDS['threshold_bounds']})\s+$", re.IGNORECASE,
)
_MOVE_WORDS = re.compile(
    rf"\b(?:{_WORDS['market_moves']})(?:\s+by)?(?:\s+(?:{_WORDS['move_hedges']}))?\s+$", re.IGNORECASE,
)
_OWNED_BY = (rf"(?:(?:{_WORDS['owners']})[\s-](?:{_WORDS['ownership_words']})|[a-z]+-(?:{_WORDS['ownership_words']})"
             rf"|{_WORDS['public_owners']})")
_OWNER_AFTER = re.compile(rf"(?:['’]s)?\s+(?:{_OWNED_BY}\s+)*", re.IGNORECASE)

"""Names as text: ``norm`` (the normal form of a name) and the spelling keys that let variants of a name
meet across articles (``spelling_key``, ``edit_distance``, ``acronym``, ``state_short_name``)."""
from __future__ import annotations

import functools
import re
import unicodedata

from .vocabulary import STATE_FORM_WORDS, STOP


_WS_RE = re.compile(r"\s+")
_POSS_RE = re.compile(r"['’]s?$")


@functools.lru_cache(maxsize=8192)
def norm(text: str) -> str:
    """Lower-cased, accent-free, without a leading "the", a trailing "'s" or dots."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = _WS_RE.sub(" ", t.replace("’", "'").replace("‘", "'").lower()).strip()
    t = _POSS_RE.sub("", t).replace(".", "").strip()
    if t.startswith("the "):
        t = t[4:]
    return t


# Rewrites that make the usual romanisations of one name alike (applied in order, after accents
# are stripped): Tchaikovsky / Chaikovskiy / Tschaikowski all become "caikovski".
_SPELLING_RULES = (
    (re.compile(r"tsch|tch"), "ch"), (re.compile(r"sch"), "sh"), (re.compile(r"ch|cz|ts|tz"), "c"),
    (re.compile(r"kh"), "h"), (re.compile(r"ck|q"), "k"), (re.compile(r"ph"), "f"), (re.compile(r"w"), "v"),
    (re.compile(r"x"), "ks"), (re.compile(r"[yj]"), "i"), (re.compile(r"off?$"), "ov"),
    (re.compile(r"(.)\1+"), r"\1"),
)


@functools.lru_cache(maxsize=8192)
def spelling_key(word: str) -> str:
    """A transliteration-normalised form of one name word, so that spelling variants of a name
    meet: lower case, no accents, tsch/tch/ch/ts alike, kh = h, w = v, y = j = i, -off = -ov,
    double letters single ("Tscharowski", "Tcharovsky", "Charovskiy" -> "carovski")."""
    w = "".join(ch for ch in norm(word) if ch.isalpha())
    for pattern, repl in _SPELLING_RULES:
        w = pattern.sub(repl, w)
    return w


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance of two short strings, capped at ``limit + 1`` (enough to tell a
    one-letter misspelling from a different name)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return min(prev[-1], limit + 1)


def acronym(name: str) -> str:
    """Initials of a multi-word name without function words ("Federated Republic of Kestria" ->
    "frk", "Sarnovian Grid Authority" -> "sga"); "" for a one-word name."""
    words = [w for w in norm(name).split() if w not in STOP]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def state_short_name(name: str) -> str | None:
    """The short name of a state given its formal name ("Federated Republic of Kestria" ->
    "kestria"), else None."""
    n = norm(name)
    head, sep, tail = n.partition(" of ")
    if not sep or not tail or not head or not all(w in STATE_FORM_WORDS for w in head.split()):
        return None
    tail = tail[4:] if tail.startswith("the ") else tail
    return tail or None

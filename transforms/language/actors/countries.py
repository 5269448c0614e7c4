"""Country names to ISO codes: real countries, their demonyms and capitals (pycountry and
``data/countries.json``), and demonyms matched to the fictional countries of an article."""
from __future__ import annotations

import functools

from .spelling import norm
from .vocabulary import CAPITALS, COUNTRY_ALIASES, DEMONYM_SUFFIXES, DEMONYMS


@functools.lru_cache(maxsize=1)
def country_index() -> dict[str, str]:
    import pycountry

    index: dict[str, str] = {}
    ambiguous: set[str] = set()
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if not value:
                continue
            index[norm(value)] = c.alpha_2
            if ", " in value:  # "Iran, Islamic Republic of" -> "iran"
                short = norm(value.split(", ")[0])
                if index.get(short, c.alpha_2) != c.alpha_2:
                    ambiguous.add(short)
                index.setdefault(short, c.alpha_2)
    for key in ambiguous:
        index.pop(key, None)
    index.update(COUNTRY_ALIASES)
    return index


@functools.lru_cache(maxsize=1)
def _subdivision_index() -> dict[str, str]:
    import pycountry

    index: dict[str, str] = {}
    for s in pycountry.subdivisions:
        index.setdefault(norm(s.name), s.country_code)
    return index


def country_code(text: str) -> str | None:
    """ISO alpha-2 code of a real country name ("Germany", "the U.S.", "Russia"), else None."""
    return country_index().get(norm(text))


def demonym_code(text: str) -> str | None:
    """ISO alpha-2 code of a real-country demonym ("French", "Americans"), else None."""
    n = norm(text)
    if n in DEMONYMS:
        return DEMONYMS[n]
    if n.endswith("s") and n[:-1] in DEMONYMS:
        return DEMONYMS[n[:-1]]
    return None


def subdivision_country(text: str) -> str | None:
    """Country code of a known sub-national place ("Texas" -> "US"), else None."""
    return _subdivision_index().get(norm(text))


def demonym_stems(word: str) -> list[str]:
    """Possible stems of a demonym by suffix rules ("veldonian" -> ["veldon", ...])."""
    w = norm(word)
    if w.endswith("s") and not w.endswith(("ss", "ese")):
        w = w[:-1]
    return [w[: -len(s)] for s in DEMONYM_SUFFIXES if w.endswith(s) and len(w) - len(s) >= 4]


def match_demonym(word: str, country_names) -> str | None:
    """The country (normalised name among ``country_names``) a demonym belongs to, if any."""
    full = norm(word)
    for stem in demonym_stems(word):
        for name in country_names:
            # a demonym is not shorter than its country's name ("Marhaven" is no demonym of "Marhaveni")
            if name.startswith(stem) and len(name) - len(stem) <= 4 and len(name) <= len(full) and " " not in name:
                return name
    return None


def looks_like_demonym(word: str) -> bool:
    w = norm(word)
    return bool(w) and w[:1].isalpha() and w.endswith(("ian", "ean", "ese", "ish", "an", "i"))


def capital_of(text: str) -> str | None:
    """ISO code of the country whose capital ``text`` names ("Paris" -> "FR"), else None."""
    return CAPITALS.get(norm(text))


@functools.lru_cache(maxsize=512)
def country_name(code: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    if c is None:
        return code
    return getattr(c, "common_name", None) or c.name

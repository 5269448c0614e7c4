"""Pronouns: takes an article's mention rows and gives the antecedent mention of a pronoun
(``resolve_pronoun``) and the people that open a coordination ("Korvel and Droz")."""
from __future__ import annotations

import bisect
import re

from .spans import SpanSet
from .vocabulary import ANON, ANON_HEADS, DOCUMENT_HEADS, GROUP, ORG, PERSON, PRONOUNS


def resolve_pronoun(mentions: list[dict], position: int, pronoun: str, exclude=(), genders=None,
                    prefer=None, window: int = 600, coordinated=None) -> dict | None:
    """The mention a pronoun at character ``position`` most plausibly refers to, or None.

    he/she: a preceding person (or singular anonymous source) whose known gender does not
    clash; they: an anonymous source or group, or the first of coordinated people ("Korvel and
    Droz said ...": ids in ``coordinated``); it: an organisation, or a document that speaks
    ("the report"; documents are never he/she). The nearest
    compatible mention wins, unless a mention in ``prefer`` (ids of subjects and speakers)
    is compatible and no more than ``window`` characters further back. Mentions inside
    ``exclude`` spans (other quotes) are skipped. I/we/you: None.
    """
    kind = PRONOUNS.get(pronoun.lower())
    if kind is None:
        return None
    genders = genders or {}
    skip = exclude if isinstance(exclude, SpanSet) else SpanSet(exclude)
    starts = [m["start"] for m in mentions]
    k = bisect.bisect_left(starts, position) - 1
    nearest = None
    while k >= 0:
        m = mentions[k]
        k -= 1
        if m["end"] > position or skip.contains(m["start"]):
            continue
        if nearest is not None and nearest["start"] - m["end"] > window:
            break
        if not (_compatible(m, kind, genders) or kind == "pl" and coordinated and m["mention_id"] in coordinated):
            continue
        if prefer is None or m["mention_id"] in prefer:
            return m
        if nearest is None:
            nearest = m
    return nearest


_COORD_RE = re.compile(r"(?:,[^,\n]{1,40})?,?[ \t]+(?:and|&)[ \t]+")
_TITLE_GAP_RE = re.compile(r"(?:[A-Z][\w.-]*[ \t]+){0,3}")     # "Mr. ", "Sen. ", "Finance Minister "


def coordinated_people(text: str, mentions: list[dict]) -> set[str]:
    """Ids of person mentions that open a coordination of people ("Korvel and Droz",
    "Korvel, R-Veld., and Droz"): the speaker mention a plural pronoun after them stands for."""
    persons = [m for m in mentions if m["actor_type"] == PERSON]
    starts = [m["start"] for m in persons]
    out = set()
    for n, m in enumerate(persons):
        hit = _COORD_RE.match(text, m["end"])
        if hit is None:
            continue
        k = bisect.bisect_left(starts, hit.end(), n + 1)
        if k < len(persons) and persons[k]["actor_key"] != m["actor_key"] \
                and _TITLE_GAP_RE.fullmatch(text, hit.end(), starts[k]):
            out.add(m["mention_id"])
    return out


def _compatible(m: dict, kind: str, genders: dict) -> bool:
    t = m["actor_type"]
    if kind in ("m", "f"):
        return (t == PERSON and genders.get(m["actor_key"], kind) == kind) \
            or (t == ANON and not _anon_plural(m) and not _document(m))
    if kind == "pl":
        return t in (ANON, GROUP)
    return t == ORG or t == ANON and _document(m)        # "it" may be the report that speaks


def _document(m: dict) -> bool:
    """An unnamed source that is a document ("the report", "the letter")."""
    head = m["text"].rsplit(None, 1)[-1].lower() if m["text"] else ""
    return head in DOCUMENT_HEADS or head[-1:] == "s" and head[:-1] in DOCUMENT_HEADS


def _anon_plural(m: dict) -> bool:
    head = m["text"].split()[-1].lower() if m["text"] else ""
    return head in ANON_HEADS and ANON_HEADS[head][1]

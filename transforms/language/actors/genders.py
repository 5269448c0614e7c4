"""Genders of persons: a word (title, honorific) or a given name gives "m"/"f"; ``person_genders`` takes an
article's mentions (and its he/she) and gives actor_key -> "m"/"f"."""
from __future__ import annotations

import bisect

from .spans import SpanSet
from .spelling import norm
from .vocabulary import FEMALE_NAMES, FEMALE_ROLE_WORDS, MALE_NAMES, MALE_ROLE_WORDS, PERSON, PRONOUNS


def name_gender(name: str) -> str | None:
    """"m"/"f" from a full name's common given name ("Melanie Ross" -> "f"), else None."""
    words = [w for w in norm(name).split() if w.isalpha()]
    if len(words) < 1:
        return None
    first = words[0]
    if first in FEMALE_NAMES and first not in MALE_NAMES:
        return "f"
    if first in MALE_NAMES and first not in FEMALE_NAMES:
        return "m"
    return None


def gender_of_word(low: str) -> str | None:
    if low in FEMALE_ROLE_WORDS:
        return "f"
    if low in MALE_ROLE_WORDS:
        return "m"
    return None


def person_genders(text: str, mentions: list[dict], doc=None, exclude=()) -> dict[str, str]:
    """actor_key -> "m"/"f" for persons whose gender the article shows.

    From a title or honorific ("Ms Droz", "spokeswoman"), else a common given name ("Melanie");
    with ``doc``, also from he/she/his/her
    outside ``exclude`` spans (quotes) in a sentence where, since the start of the previous
    sentence, exactly one person has been named: a majority vote per person.
    """
    genders: dict[str, str] = {}
    persons = [m for m in mentions if m["actor_type"] == PERSON]
    for m in persons:
        words = (m.get("title") or "").lower().split()
        before = text[max(0, m["start"] - 10): m["start"]].lower().replace(".", " ").split()
        if before:
            words.append(before[-1])
        for w in words:
            g = gender_of_word(w)
            if g and m["actor_key"] not in genders:
                genders[m["actor_key"]] = g
    for m in persons:            # a common given name, when no title or honorific said more
        if m["actor_key"] not in genders:
            g = name_gender(m.get("name") or m["text"])
            if g:
                genders[m["actor_key"]] = g
    if doc is None or not persons:
        return genders
    skip = SpanSet(exclude)
    starts = [m["start"] for m in persons]
    votes: dict[str, list[int]] = {}
    prev_start = 0
    for sent in doc.sents:
        for tok in sent:
            g = PRONOUNS.get(tok.lower_)
            if g not in ("m", "f") or skip.contains(tok.idx):
                continue
            k = bisect.bisect_left(starts, tok.idx)
            keys = {m["actor_key"] for m in persons[bisect.bisect_left(starts, prev_start):k] if not skip.contains(m["start"])}
            if len(keys) == 1:
                v = votes.setdefault(keys.pop(), [0, 0])
                v[g == "f"] += 1
        prev_start = sent.start_char
    for key, (male, female) in votes.items():
        if key in genders:
            continue
        if male >= 2 * female and male > 0:
            genders[key] = "m"
        elif female >= 2 * male and female > 0:
            genders[key] = "f"
    return genders

"""Step 3, person clusters: takes the person candidates and gives each its actor key and canonical name
(a surname joins the full name; a shared surname goes by honorific, else to the bearer named first)."""
from __future__ import annotations

from .genders import name_gender
from .names import distinctive
from .spans import Candidate, span_text
from .spelling import norm
from .vocabulary import (
    COUNTRY, GROUP, HONORIFICS, HONORIFICS_F, ORG, ORG_PREMODIFIERS, PERSON, ROLE_WORDS, STOP, TITLE_MODIFIERS,
)


def cluster_persons(doc, cands: list[Candidate]) -> None:
    """Give every person candidate its actor key and canonical name.

    Full names (two tokens or more) with the same first and last word are one actor; a
    one-word mention joins the most recent earlier full name ending (or starting) with it,
    else the first later one.
    """
    persons = [c for c in cands if c.actor_type == PERSON]
    clusters: dict[tuple[str, str], list[Candidate]] = {}
    for c in persons:
        words = [norm(t.text) for t in doc[c.i:c.j] if not t.is_punct]
        words = [w for w in words if w]
        c.extra["words"] = words
        if "gender" not in c.extra and c.i > 0 and doc[c.i - 1].lower_ in HONORIFICS:
            c.extra["gender"] = "f" if doc[c.i - 1].lower_ in HONORIFICS_F else "m"
        if len(words) >= 2:
            clusters.setdefault((words[0], words[-1]), []).append(c)
    full_by_last: dict[str, list[Candidate]] = {}
    full_by_first: dict[str, list[Candidate]] = {}
    for (first, last), members in clusters.items():
        for m in members:
            full_by_last.setdefault(last, []).append(m)
            full_by_first.setdefault(first, []).append(m)
    for c in persons:
        words = c.extra["words"]
        if len(words) >= 2 or not words:
            c.extra["cluster"] = (words[0], words[-1]) if words else None
            continue
        by_last = full_by_last.get(words[0], [])
        if len({(m.extra["words"][0], m.extra["words"][-1]) for m in by_last}) > 1:
            target = _shared_surname(c, by_last, clusters)
        else:
            target = _nearest(by_last, c.i) or _nearest(full_by_first.get(words[0], []), c.i)
        c.extra["cluster"] = (target.extra["words"][0], target.extra["words"][-1]) if target else ("", words[0])
    members: dict[tuple, list[Candidate]] = {}
    for c in persons:
        members.setdefault(c.extra["cluster"], []).append(c)
    for group in members.values():
        best = max(group, key=lambda m: (len(m.extra["words"]), m.j - m.i, -m.i))
        name = span_text(doc, best.i, best.j)
        code = next((m.country_code for m in group if m.country_code), None)
        for m in group:
            m.key, m.name = norm(name), name
            if m.country_code is None:
                m.country_code = code


def _cluster_gender(members: list[Candidate]) -> str | None:
    """"m"/"f" of a full-name cluster: a title or honorific of a member, else the given name."""
    for m in members:
        if m.extra.get("gender"):
            return m.extra["gender"]
    return name_gender(" ".join(members[0].extra["words"])) if members else None


def _shared_surname(c: Candidate, by_last: list[Candidate], clusters: dict) -> Candidate | None:
    """The full name a bare surname shared by several people of the article stands for.

    An honorific keeps them apart ("Mrs. Clinton" is not "Bill Clinton"); without one, the
    surname alone is the person the article introduced first (news style names a second
    bearer in full or by first name), unless only one bearer has been named before it.
    """
    keys: dict[tuple, list[Candidate]] = {}
    for m in by_last:
        keys.setdefault((m.extra["words"][0], m.extra["words"][-1]), []).append(m)
    real = {k: ms for k, ms in keys.items() if k[0] not in TITLE_MODIFIERS and k[0] not in ROLE_WORDS
            and k[0] not in STOP}      # "Top Clinton adviser": no person of that name
    keys = real or keys
    g = c.extra.get("gender")
    if g:
        genders = {k: _cluster_gender(clusters.get(k, ms)) for k, ms in keys.items()}
        same = [k for k in keys if genders[k] == g]
        unknown = [k for k in keys if genders[k] is None]
        pick = same if same else unknown
        if pick:
            keys = {k: keys[k] for k in pick}
    earlier = [m for ms in keys.values() for m in ms if m.i < c.i]
    if len({(m.extra["words"][0], m.extra["words"][-1]) for m in earlier}) == 1:
        return earlier[0]
    pool = earlier or [m for ms in keys.values() for m in ms]
    return min(pool, key=lambda m: m.i) if pool else None


def _nearest(cands: list[Candidate], i: int) -> Candidate | None:
    before = [c for c in cands if c.i < i]
    if before:
        return max(before, key=lambda c: c.i)
    after = [c for c in cands if c.i > i]
    return min(after, key=lambda c: c.i) if after else None


def reclassify_surnames(doc, cands: list[Candidate]) -> None:
    """A one-word ORG/GPE/NORP that is the surname of a person in the article is that person;
    a one-word PERSON that is the first word of an organisation's name, or the same word typed an
    organisation elsewhere in the article ("Cameco") or written after "state-owned" or "Velda-based"
    once, and no surname, is that organisation."""
    surnames, org_words = set(), set()
    for c in cands:
        if c.actor_type == PERSON and c.j - c.i >= 2:
            surnames.add(doc[c.j - 1].text)
        elif c.actor_type == ORG and (c.j - c.i >= 2 and distinctive(doc[c.i]) or c.j - c.i == 1 and c.label == "ORG"):
            org_words.add(doc[c.i].text)
    # "state-owned Kazatomprom", "Velda-based Ostrelco", wherever the word is written so.
    org_words.update(t.text for t in doc[2:] if doc[t.i - 2].text == "-" and doc[t.i - 1].lower_ in ORG_PREMODIFIERS)
    for c in cands:
        if c.actor_type == PERSON and c.j - c.i == 1 and doc[c.i].text in org_words and doc[c.i].text not in surnames:
            c.actor_type = ORG
    for c in cands:
        if c.actor_type in (ORG, COUNTRY, GROUP) and c.j - c.i == 1 and doc[c.i].text in surnames \
                and not c.country_code:
            c.actor_type, c.key, c.name, c.country_code = PERSON, None, None, None

"""Step 2, titles and roles: takes person candidates and gives their title and affiliation, from the words
before the name ("Finance Minister Ada Korvel"), an appositive ("Lena Droz, a spokeswoman") or a role in front."""
from __future__ import annotations

from .countries import looks_like_demonym
from .genders import gender_of_word
from .spans import Candidate, span_text
from .vocabulary import (
    ANON_HEADS, COUNTRY, HONORIFICS, HONORIFICS_F, PERSON, POSS, ROLE_WORDS, ROYAL_HONORIFICS, TITLE_MODIFIERS,
)


def is_role_token(tok) -> bool:
    return tok.lower_ in ROLE_WORDS or tok.lower_ in HONORIFICS


def split_leading_title(doc, i: int, j: int) -> tuple[int, str | None, int | None]:
    """Move title words the NER put inside a name out of it.

    Returns (new start, title text or None, index of a demonym/country token seen inside).
    """
    k, role_seen, demonym_at = i, False, None
    while k < j - 1:
        tok = doc[k]
        low = tok.lower_
        if low in ROLE_WORDS or low in HONORIFICS:
            role_seen = True
        elif low in TITLE_MODIFIERS:
            pass
        elif tok.ent_type_ in ("NORP", "GPE") and demonym_at is None and k == i:
            demonym_at = k
        else:
            break
        k += 1
    if not role_seen or not doc[k].is_title and not doc[k].is_upper:
        return i, None, None
    first = demonym_at + 1 if demonym_at is not None else i
    title = _title_text(doc, first, k)
    return k, title, demonym_at


def _title_text(doc, i: int, j: int) -> str | None:
    """Title text of tokens [i, j) without honorifics (Mr, Ms ...)."""
    while i < j and doc[i].lower_ in HONORIFICS and doc[i].lower_ not in ROYAL_HONORIFICS:
        i += 1
    return span_text(doc, i, j) if i < j else None


def title_before(doc, i: int) -> tuple[str | None, int | None, str | None]:
    """Title words just before a name at token ``i``: (title, affiliation token index, gender).

    "Finance Minister Ada Korvel" -> "Finance Minister"; "Veldonian President Tomas Ilvar" ->
    "President" with the demonym's index; "Veldonia's Finance Minister Ada" -> the GPE's index.
    """
    sent_start = doc[i].sent.start
    k = i - 1
    if k < sent_start or not is_role_token(doc[k]):
        return None, None, None
    gender = None
    while k >= sent_start:
        tok = doc[k]
        low = tok.lower_
        if tok.ent_type_ in ("ORG", "GPE", "NORP", "PERSON") and k < i - 1 \
                and not (low in TITLE_MODIFIERS and k > sent_start and looks_like_demonym(doc[k - 1].text)):
            break          # "Brenmark Mining chief executive": the company is not part of the title
        if low in ROLE_WORDS or low in TITLE_MODIFIERS or low in HONORIFICS:
            gender = gender or gender_of_word(low)
            k -= 1
        elif low == "-" and k - 1 >= sent_start and doc[k - 1].lower_ in TITLE_MODIFIERS:
            k -= 1
        elif (tok.is_title and tok.pos_ in ("PROPN", "NOUN") and tok.ent_type_ not in ("PERSON", "GPE", "NORP", "ORG")
              and k > sent_start and (doc[k - 1].lower_ in ROLE_WORDS or doc[k - 1].lower_ in TITLE_MODIFIERS
                                      or doc[k - 1].ent_type_ in ("NORP", "GPE") or doc[k - 1].text in POSS)):
            k -= 1          # an open-class portfolio word ("Hydrocarbons Minister")
        else:
            break
    first = k + 1
    # Leading modifiers that are not part of a title ("and") are dropped.
    while first < i and doc[first].lower_ in ("and", "of"):
        first += 1
    affiliation = None
    if k >= sent_start:
        tok = doc[k]
        if tok.ent_type_ in ("NORP", "GPE") or (tok.is_title and looks_like_demonym(tok.text) and tok.ent_type_ != "PERSON"):
            affiliation = k
        elif tok.text in POSS and k - 1 >= sent_start and doc[k - 1].ent_type_ in ("GPE", "NORP", "ORG"):
            affiliation = k - 1
    return _title_text(doc, first, i), affiliation, gender


def title_after(doc, i: int, j: int) -> tuple[str | None, int | None]:
    """Appositive role after a name: "Lena Droz, a spokeswoman for the Council" -> "spokeswoman".

    Returns (title, index of a country/demonym token inside the appositive).
    """
    if j >= len(doc) or doc[j].text != ",":
        return None, None
    head = None
    for tok in doc[i:j]:
        if not (i <= tok.head.i < j) or tok.head.i == tok.i:
            head = tok
            break
    role = None
    if head is not None:
        for child in head.rights:
            if child.dep_ == "appos" and child.i > j and (child.lower_ in ROLE_WORDS or child.lower_ in ANON_HEADS):
                role = child
                break
    if role is None:  # parse fallback: ", (a|an|the|its|X's) [modifiers] ROLE"
        k = j + 1
        if k < len(doc) and doc[k].lower_ in ("a", "an", "the", "its", "his", "her", "their"):
            k += 1
        elif k + 1 < len(doc) and doc[k + 1].text in POSS:
            k += 2
        for m in range(k, min(k + 4, len(doc))):
            if doc[m].lower_ in ROLE_WORDS and doc[m].pos_ in ("NOUN", "PROPN"):
                role = doc[m]
                break
            if not (doc[m].lower_ in TITLE_MODIFIERS or doc[m].pos_ in ("ADJ", "NOUN", "PROPN")):
                break
    if role is None:
        return None, None
    start = role.i
    while start - 1 > j and (doc[start - 1].dep_ in ("amod", "compound") or doc[start - 1].lower_ in TITLE_MODIFIERS) \
            and doc[start - 1].ent_type_ not in ("GPE", "NORP") and doc[start - 1].text not in POSS:
        start -= 1
    affiliation = None
    for tok in doc[j + 1: role.right_edge.i + 1]:
        if tok.ent_type_ in ("GPE", "NORP"):
            affiliation = tok.i
            break
    return span_text(doc, start, role.i + 1), affiliation


def title_in_front(doc, c) -> str | None:
    """A role the name stands in apposition to, before it: "A spokeswoman for the authority,
    Tilde Marrow, said" -> "spokeswoman"."""
    root = c.j - 1
    for tok in doc[c.i:c.j]:
        if not (c.i <= tok.head.i < c.j) or tok.head.i == tok.i:
            root = tok.i
            break
    head = doc[root].head
    if doc[root].dep_ != "appos" or head.i >= c.i or head.lower_ not in ROLE_WORDS:
        return None
    start = head.i
    while start - 1 >= 0 and doc[start - 1].dep_ in ("amod", "compound") and doc[start - 1].head.i == head.i \
            and doc[start - 1].ent_type_ not in ("GPE", "NORP", "ORG", "PERSON"):
        start -= 1
    return span_text(doc, start, head.i + 1)


def attach_titles(doc, cands: list[Candidate], by_token: dict[int, Candidate]) -> None:
    """Titles before and after person names, and the affiliation they give."""
    for c in cands:
        if c.actor_type != PERSON:
            continue
        aff_tok = c.extra.get("affiliation_token")
        if c.title is None:
            title, aff_tok2, gender = title_before(doc, c.i)
            if title:
                c.title, aff_tok = title, aff_tok if aff_tok is not None else aff_tok2
            if gender:
                c.extra["gender"] = gender
            if c.title is None:
                title, aff_tok3 = title_after(doc, c.i, c.j)
                if title:
                    c.title, aff_tok = title, aff_tok if aff_tok is not None else aff_tok3
            if c.title is None:
                c.title = title_in_front(doc, c)
        if c.i > 0 and doc[c.i - 1].lower_ in HONORIFICS:
            c.extra["gender"] = "f" if doc[c.i - 1].lower_ in HONORIFICS_F else "m"
        if c.title and "gender" not in c.extra:
            for w in c.title.lower().split():
                g = gender_of_word(w)
                if g:
                    c.extra["gender"] = g
        if aff_tok is not None:
            other = by_token.get(aff_tok)
            if other is not None and other.actor_type == COUNTRY:
                c.affiliation = other.key
                c.country_code = other.country_code

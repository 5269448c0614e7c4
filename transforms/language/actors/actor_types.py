"""Step 1, types: takes the named candidates and sets actor_type, key and country code (real and fictional
countries, the E.U., local governments), correcting the small model's PERSON/ORG errors."""
from __future__ import annotations

from .countries import (
    country_code, country_index, country_name, demonym_code, looks_like_demonym, match_demonym,
    subdivision_country,
)
from .genders import name_gender
from .spans import Candidate, span_text
from .spelling import acronym, norm, state_short_name
from .titles import title_after
from .vocabulary import (
    ANON_HEADS, COUNTRY, GENERIC_HEADS, GENERIC_ORG_WORDS, GROUP, GROUP_NORP, HONORIFICS,
    LOCAL_PLACE_WORDS, NATIONAL_GOVERNMENT_NAMES, NEWSPAPER_WORDS, ORG, ORG_APPOSITION_HEADS, ORG_HEADS, ORG_LAST_WORDS,
    ORG_NAME_WORDS, PERSON, ROLE_WORDS, STATE_NOUNS, SUPRANATIONAL,
)


def type_candidates(doc, cands: list[Candidate]) -> None:
    """Set actor_type, country_code and country keys; correct typical small-model errors."""
    fictional = _fictional_countries(doc, cands)
    for c in cands:
        text = span_text(doc, c.i, c.j)
        n = norm(text)
        if _type_state(doc, cands, c, text, n, fictional) or _type_demonym(doc, cands, c, text, n, fictional):
            continue
        _type_person_or_org(doc, c)
    _follow_retyped(doc, cands)


def _fictional_countries(doc, cands: list[Candidate]) -> set[str]:
    """Normalised fictional country names: GPEs that are neither in pycountry nor a subdivision,
    and one-word ORG/PERSON names that a demonym of the article points to."""
    fictional: set[str] = set()     # normalised fictional country names (GPE not in pycountry)
    norp_words: set[str] = set()
    for c in cands:
        text = span_text(doc, c.i, c.j)
        if c.label == "GPE" and not country_code(text) and not subdivision_country(text):
            fictional.add(norm(text))
        elif c.label == "NORP":
            norp_words.add(norm(text))
    # A name the NER tagged ORG/PERSON that a demonym of the article points to is a country too.
    for c in cands:
        if c.label in ("ORG", "PERSON") and c.j - c.i == 1:
            n = norm(span_text(doc, c.i, c.j))
            if any(match_demonym(w, [n]) for w in norp_words if not demonym_code(w)):
                fictional.add(n)
    return fictional


def _type_state(doc, cands: list[Candidate], c: Candidate, text: str, n: str, fictional: set[str]) -> bool:
    """Type ``c`` when its name is a state or a body of states (the E.U., a real country or its
    demonym, a local government, a subdivision, a formal name or its initials, a fictional
    country); False when it is none of these."""
    if n in SUPRANATIONAL and c.label in ("GPE", "ORG", "NORP"):
        c.actor_type, c.key, c.name = ORG, norm(SUPRANATIONAL[n]), SUPRANATIONAL[n]
        return True             # "the E.U.": an organisation of states, not a country
    code = country_code(text)
    if code is None and c.label in ("NORP", "PERSON", "ORG") and c.j - c.i <= 2:
        code = demonym_code(text) if c.label != "ORG" else None
    if code:
        plural = c.label == "NORP" and n.endswith("s") and n not in country_index()
        c.actor_type = GROUP if plural else COUNTRY
        c.country_code = code
        c.key = code if not plural else n
        c.name = country_name(code) if not plural else text
        return True
    if c.label == "GPE" and n.rsplit(" ", 1)[-1] in LOCAL_PLACE_WORDS:
        c.actor_type, c.key, c.name = ORG, n, text      # "Kent County": a local government
        return True
    if c.label == "GPE":
        sub = subdivision_country(text)
        if sub and n not in fictional:
            c.actor_type, c.country_code, c.key, c.name = ORG, sub, n, text
        else:            # "the Federated Republic of Kestria" is Kestria
            c.actor_type, c.key, c.name = COUNTRY, state_short_name(text) or n, text
        return True
    if c.label == "ORG" and _formal_initials(doc, cands, n):
        c.actor_type, c.key, c.name = COUNTRY, _formal_initials(doc, cands, n), text
        return True             # "the FRK government": the initials of a state named in full
    if n in fictional:      # "Veldonia" mis-tagged ORG/PERSON
        c.actor_type, c.key, c.name = COUNTRY, n, text
        return True
    return False


def _type_demonym(doc, cands: list[Candidate], c: Candidate, text: str, n: str, fictional: set[str]) -> bool:
    """Type a NORP (or a one-word name that looks like a fictional country's demonym): a political
    or religious group, a fictional country, or a group of people; False for any other name."""
    before_state_noun = c.j < len(doc) and doc[c.j].lower_ in STATE_NOUNS
    if not (c.label == "NORP" or (c.label in ("PERSON", "ORG") and c.j - c.i == 1 and looks_like_demonym(text)
                                  and (match_demonym(text, fictional) or before_state_noun))):
        return False
    if n in GROUP_NORP or n.rstrip("s") in GROUP_NORP:
        c.actor_type, c.key, c.name = GROUP, n, text
        return True
    country = match_demonym(text, fictional)
    if country:
        c.actor_type, c.key = COUNTRY, country
        c.name = next((span_text(doc, d.i, d.j) for d in cands
                       if d is not c and norm(span_text(doc, d.i, d.j)) == country), text)
    elif looks_like_demonym(text) and not n.endswith("s"):
        c.actor_type, c.key, c.name = COUNTRY, n, text
    elif c.label == "NORP" and c.j - c.i == 1 and doc[c.i].pos_ == "PROPN" and not looks_like_demonym(text) \
            and doc[c.i].dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "ROOT"):
        c.actor_type, c.key, c.name = COUNTRY, n, text     # "Sarnovia reopened talks": a noun, a country
    else:
        c.actor_type, c.key, c.name = GROUP, n, text
    return True


def _type_person_or_org(doc, c: Candidate) -> None:
    """A person or an organisation as the NER said, unless the name or its context shows the other."""
    c.actor_type = PERSON if c.label == "PERSON" else ORG
    if c.actor_type == PERSON and organisation_name(doc, c):
        c.actor_type, c.label = ORG, "ORG"
        c.extra["retyped"] = True
    elif c.actor_type == ORG and (_person_by_apposition(doc, c) or _person_of_org(doc, c)):
        c.actor_type, c.label = PERSON, "PERSON"
        c.extra["retyped"] = True
    elif c.actor_type == PERSON and c.title is None and _org_by_apposition(doc, c):
        c.actor_type, c.label = ORG, "ORG"
        c.extra["retyped"] = True


def _follow_retyped(doc, cands: list[Candidate]) -> None:
    """One name, one type in an article: the other occurrences of a name that its context showed
    to be an organisation (or a person) follow it."""
    retyped = {norm(span_text(doc, c.i, c.j)): c.actor_type for c in cands if c.extra.get("retyped")}
    for c in cands:
        t = retyped.get(norm(span_text(doc, c.i, c.j))) if c.actor_type in (PERSON, ORG) else None
        if t and t != c.actor_type:
            c.actor_type, c.label = t, ("PERSON" if t == PERSON else "ORG")


def organisation_name(doc, c: Candidate) -> bool:
    """A name the NER called a person is an organisation's when it is capitalised, has two or
    more words, ends in an organisation word ("Veldon Mining", "Brask Holdings"; a newspaper's
    word only after "the": "the Orvel Times") and neither a title, an honorific nor a common
    given name makes it a person's."""
    words = [t for t in doc[c.i:c.j] if not t.is_punct]
    if len(words) < 2 or not all(t.text[:1].isupper() for t in words) or c.title is not None:
        return False
    if c.i > 0 and doc[c.i - 1].lower_.rstrip(".") in {h.rstrip(".") for h in HONORIFICS}:
        return False
    last = words[-1].lower_
    if last in NEWSPAPER_WORDS and not (c.i > 0 and doc[c.i - 1].lower_ == "the"):
        return False
    return last in ORG_LAST_WORDS and name_gender(words[0].text) is None


def _formal_initials(doc, cands: list[Candidate], n: str) -> str | None:
    """The short name of the state whose formal name, given in this article, has the initials
    ``n`` ("frk", "frk government" -> "kestria"), else None."""
    words = n.split()
    if not words or not all(w in ("government", "state", "authorities", "administration") for w in words[1:]):
        return None
    for c in cands:
        if c.label == "GPE":
            form = span_text(doc, c.i, c.j)
            if state_short_name(form) and acronym(form) == words[0]:
                return state_short_name(form)
    return None


def _person_by_apposition(doc, c: Candidate) -> bool:
    """A two- or three-word name the NER called an organisation, with a person's role after it
    ("Nadia Fenwright, a spokeswoman for Ostrel Energy")."""
    names = doc[c.i:c.j]
    if not 2 <= len(names) <= 3 or not all(t.is_title and t.is_alpha and t.pos_ == "PROPN" for t in names) \
            or names[-1].lower_ in ORG_NAME_WORDS:
        return False
    title, _ = title_after(doc, c.i, c.j)
    return bool(title) and title.split()[-1].lower() in (ROLE_WORDS | set(ANON_HEADS)) - set(GENERIC_HEADS)


def _person_of_org(doc, c: Candidate) -> bool:
    """A two-word name the NER called an organisation, followed by "of the <organisation>"
    ("Ilse Varnholt of the Vessarian Consumers' Association"): a person of that organisation."""
    names = doc[c.i:c.j]
    if len(names) != 2 or not all(t.is_title and t.is_alpha and t.pos_ == "PROPN" for t in names) \
            or names[-1].lower_ in ORG_NAME_WORDS or names[0].lower_ in GENERIC_ORG_WORDS or c.j + 2 >= len(doc):
        return False
    if doc[c.j].lower_ not in ("of", "from", "at") or doc[c.j + 1].lower_ != "the":
        return False
    return doc[c.j + 2].ent_type_ == "ORG" or doc[c.j + 2].lower_ in ORG_HEADS


def _org_by_apposition(doc, c: Candidate) -> bool:
    """A name the NER called a person with a company noun in apposition ("Brellmark Dredging, a
    privately owned marine engineering company"): an organisation."""
    if c.j + 1 >= len(doc) or doc[c.j].text != "," or doc[c.j + 1].lower_ not in ("a", "an", "the", "its"):
        return False
    for tok in doc[c.j + 2: min(c.j + 9, len(doc))]:
        if tok.pos_ in ("NOUN", "PROPN") and tok.lower_ in ORG_APPOSITION_HEADS:
            return True
        if tok.is_punct or tok.pos_ in ("VERB", "AUX", "ADP", "PRON", "DET") and tok.tag_ not in ("VBN", "VBG"):
            return False
    return False


def governments_of_countries(doc, cands: list[Candidate]) -> None:
    """"the Government of Sudan", "the Kestria Government", "the Liberian Government" (a name the
    model tags as an organisation), and its short forms clustered with it ("the Government"): the
    country, as "Sudan's government" is. Runs after the organisations are clustered."""
    countries = {norm(span_text(doc, c.i, c.j)): c for c in cands if c.actor_type == COUNTRY}
    states = {}
    for c in cands:
        state = _state_of(norm(span_text(doc, c.i, c.j)), countries) if c.actor_type == ORG and c.key else None
        if state:
            states[c.key] = state
    for c in cands:
        if c.actor_type == ORG and c.key in states:
            c.actor_type = COUNTRY
            c.country_code, c.key, c.name = states[c.key]


def _state_of(government: str, countries: dict[str, Candidate]) -> tuple[str | None, str, str] | None:
    """(country code, key, name) of the state a government's name names ("government of sudan",
    "liberian government"): a country of the article, else a real country or demonym."""
    words = government.removeprefix("the ").split()
    rest = " ".join(words[2:] if words[:2] == ["government", "of"] else words[:-1] if words[-1:] == ["government"] else [])
    if not rest:
        return None
    known = countries.get(rest) or countries.get(match_demonym(rest, countries) or "")
    if known is not None:
        return known.country_code, known.key, known.name
    code = country_code(rest) or demonym_code(rest)
    return (code, code, country_name(code)) if code else None


def national_governments(doc, cands: list[Candidate]) -> None:
    """"The Centre", "the Federal Government": the government of the country the article names
    most, with its states and provinces (an organisation with that country's code), not a region
    named Centre; without a country code when the article names none."""
    names = [norm(span_text(doc, c.i, c.j)) if c.actor_type in (ORG, COUNTRY) else None for c in cands]
    governments = [c for c, n in zip(cands, names) if n in NATIONAL_GOVERNMENT_NAMES]
    if not governments:
        return
    counts: dict[str, int] = {}
    for c, n in zip(cands, names):   # the countries, and the states and provinces of one ("Gujarat")
        if n is not None and c.country_code and n not in NATIONAL_GOVERNMENT_NAMES:
            counts[c.country_code] = counts.get(c.country_code, 0) + 1
    code = max(counts, key=counts.get) if counts else None
    for c in governments:
        c.actor_type, c.country_code, c.name = ORG, code, span_text(doc, c.i, c.j)
        c.key = f"government of {code}" if code else norm(c.name)

"""Actor mentions inside one article: people, organisations, countries, anonymous sources, groups.

``find_mentions(doc, article_id)`` turns a parsed article into mention rows (see
``transforms.language.extract`` for the row shape). It works in passes over the spaCy doc, each a
small function that can be tested on its own:

1. named candidates from NER (PERSON, ORG, GPE, NORP), trimmed ("the", "'s", punctuation),
   leading titles moved out of the span, typed (real countries through pycountry, fictional
   countries from GPE and demonyms, the small model's PERSON/ORG errors corrected);
   then places that do not act are dropped (``drop_places``): a city, region or fictional name
   that no demonym of the article backs, used as a place ("in Drysk", "the Greyhollow basin",
   "the line between Lindmoor and Varska", a "WASHINGTON (AP) --" dateline); a real capital that
   acts ("Paris refused", "Washington argued") is its country's government, with its ISO code;
   a state's formal name is the state ("the Federated Republic of Kestria" -> kestria, and "the
   FRK government" after it); bodies of states (the E.U., NATO) are organisations;
2. titles and roles: before the name ("Finance Minister Ada Korvel", "Veldonian President
   Tomas Ilvar": the demonym gives the affiliation; "Kestrian Energy" cut off by the NER from
   "Kestrian Energy Minister Juri Tscharowski" is split into the country and the title),
   appositive ("Lena Droz, a spokeswoman for the Council") and in front ("A spokeswoman for the
   authority, Tilde Marrow, said");
3. person clusters: a surname-only mention joins the full name seen before it (else after it);
   a surname several people of the article share goes by its honorific ("Mrs. Doe" is not
   "John Doe") and otherwise to the bearer named first;
   org short forms and acronyms join the longer name; every later occurrence of a known name
   the NER missed is added;
4. in text order: anonymous sources ("a senior Veldonian official involved in the talks",
   "officials", "a diplomat familiar with the negotiations"), generic groups ("analysts"),
   and definite descriptions ("the official", "the minister") resolved to the most recent
   compatible actor of this article;
5. unnamed sources that speak (``source_descriptions``): the subject of a verb of saying or the
   object of "according to" that is a common noun for people ("the announcer said": anonymous;
   "two speechwriters argued": group), a body ("the network said": organisation), a document
   ("the report says": anonymous source), or an indefinite pronoun ("someone asked");
   a singular definite description of a person named before ("the retired neurosurgeon",
   "the billionaire businessman", "the former senator", "the 43-year-old") is that person when
   the person's title, the words before the name, an appositive or an age ("Droz, 43,") hold
   every content word of the description (``describe_person``; nobody when two people fit).
A two- or three-word name the NER called an organisation is a person when a person's role
stands in apposition ("Nadia Fenwright, a spokeswoman for ...") or "of the <organisation>"
follows it ("Ilse Varnholt of the ... Association"); a name the NER called a person is an
organisation when a company noun stands in apposition ("Brellmark Dredging, a ... company"),
and every occurrence of that name in the article follows; so is a capitalised name of two or more
words ending in an organisation word ("Veldon Mining", "Brask Holdings", "the Orvel Times":
``organisation_name``). "the company" never stands for a university, a ministry or a county.
An ORG entity that is a common noun phrase ("the development bank", "Farmers" opening a
sentence) is no name: the description passes take it ("the bank" -> the bank named before; "the ministry", "the court" only join an
organisation named with that word; "the government" -> the country before it or the only one
named just before). A one-word NORP used as a noun ("Sarnovia reopened talks") is a country.
Across articles, ``transforms.release.resolve.canonical_actor_keys`` joins demonyms, surnames,
spelling variants of full names (``spelling_key``: Tcharovsky / Charovskiy / Tscharowski),
one-letter misspellings, short forms and initials to the actor the corpus names in full.

Pronouns are not mentions: ``resolve_pronoun`` gives the quote code the nearest compatible
antecedent mention.
"""
from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from transforms import ids
from transforms.language.nlp import doc_text

from .vocabulary import (
    ANON, ANON_HEADS, CAPITALS, COMPANY_DESCRIPTIONS, COUNTRY, COUNTRY_ALIASES, CUE_LEMMAS, DATE_WORDS,
    DEAL_NOUNS, DEFINITE, DEMONYMS, DEMONYM_SUFFIXES, DESCRIPTION_FILLER, DOCUMENT_HEADS, FEMALE_NAMES,
    FEMALE_ROLE_WORDS, FROM_PARTY_LEMMAS, GENERIC_HEADS, GENERIC_ORG_DESCRIPTIONS, GENERIC_ORG_WORDS, GROUP,
    GROUP_HEADS, GROUP_NORP, HONORIFICS, HONORIFICS_F, HUMAN_NOUNS, HUMAN_SUFFIXES, HUMAN_TAILS,
    INDEFINITE_SOURCES, LABEL_STOP, LOCAL_PLACE_WORDS, LOCATIVE_PREPS, MALE_NAMES, MALE_ROLE_WORDS,
    MOTION_LEMMAS, NER_LABELS, NEWSPAPER_WORDS, NOT_COMPANY_WORDS, NOT_HUMAN, ORG, ORG_APPOSITION_HEADS,
    ORG_DESCRIPTION_HEADS, ORG_HEADS, ORG_LAST_WORDS, ORG_NAME_WORDS, PARTICIPLE_PREPS, PEOPLE_QUALIFIERS,
    PERSON, PLACE_NOUNS, PORTFOLIO_MODIFIERS, POSS, PRONOUNS, ROLE_WORDS, ROUTE_NOUNS, ROYAL_HONORIFICS,
    SAY_LEMMAS, STATE_FORM_WORDS, STATE_NOUNS, STOP, SUPRANATIONAL, TITLE_ABBREVIATIONS, TITLE_MODIFIERS,
)


_DESCRIPTION_REACH = 1500     # characters back that "the company" may look for its organisation
_ANON_PREMOD_DEPS = frozenset({"amod", "compound", "nmod", "advmod", "npadvmod", "nummod"})


# --- small text helpers ---------------------------------------------------------------------

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


def _span_text(doc, i: int, j: int) -> str:
    return doc[i:j].text        # (doc.text joins every token: never call it per span)


def _char_span(doc, i: int, j: int) -> tuple[int, int]:
    return doc[i].idx, doc[j - 1].idx + len(doc[j - 1])


# --- spelling variants ----------------------------------------------------------------------

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


# --- countries ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
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
    return _country_index().get(norm(text))


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


# --- candidates -----------------------------------------------------------------------------


@dataclass
class Candidate:
    i: int                      # first token
    j: int                      # end token (exclusive)
    actor_type: str
    label: str = ""             # NER label, or "anon" / "role" / "propagated"
    title: str | None = None
    affiliation: str | None = None   # normalised country name or alpha-2 code
    country_code: str | None = None
    key: str | None = None
    name: str | None = None
    head: str | None = None     # anonymous: head lemma
    plural: bool = False
    extra: dict = field(default_factory=dict)


def trim_span(doc, i: int, j: int) -> tuple[int, int]:
    """Drop a leading "the"/punctuation and a trailing "'s"/punctuation from a token span."""
    while i < j and (doc[i].lower_ == "the" or doc[i].is_punct or doc[i].is_space):
        i += 1
    while j > i and (doc[j - 1].text in POSS or doc[j - 1].is_punct or doc[j - 1].is_space):
        j -= 1
    return i, j


def _is_role_token(tok) -> bool:
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
    return _span_text(doc, i, j) if i < j else None


def title_before(doc, i: int) -> tuple[str | None, int | None, str | None]:
    """Title words just before a name at token ``i``: (title, affiliation token index, gender).

    "Finance Minister Ada Korvel" -> "Finance Minister"; "Veldonian President Tomas Ilvar" ->
    "President" with the demonym's index; "Veldonia's Finance Minister Ada" -> the GPE's index.
    """
    sent_start = doc[i].sent.start
    k = i - 1
    if k < sent_start or not _is_role_token(doc[k]):
        return None, None, None
    gender = None
    while k >= sent_start:
        tok = doc[k]
        low = tok.lower_
        if tok.ent_type_ in ("ORG", "GPE", "NORP", "PERSON") and k < i - 1 \
                and not (low in TITLE_MODIFIERS and k > sent_start and looks_like_demonym(doc[k - 1].text)):
            break          # "Brenmark Mining chief executive": the company is not part of the title
        if low in ROLE_WORDS or low in TITLE_MODIFIERS or low in HONORIFICS:
            gender = gender or _gender_of_word(low)
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
    return _span_text(doc, start, role.i + 1), affiliation


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
    return _span_text(doc, start, head.i + 1)


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


def _gender_of_word(low: str) -> str | None:
    if low in FEMALE_ROLE_WORDS:
        return "f"
    if low in MALE_ROLE_WORDS:
        return "m"
    return None


def _is_junk(doc, i: int, j: int) -> bool:
    """Only titles, dates, numbers or function words: not an actor."""
    content = False
    for tok in doc[i:j]:
        low = tok.lower_
        if tok.is_punct or tok.is_space or tok.like_num or low in STOP or low in DATE_WORDS \
                or low in ROLE_WORDS or low in TITLE_MODIFIERS or low in HONORIFICS or tok.text in POSS:
            continue
        if any(ch.isalpha() for ch in tok.text):
            content = True
    return not content


def _line_parts(doc):
    """(entity, start, end) for each part of an entity on one line: the small model can run an
    entity across a line or paragraph break ("Ostrel Energy\\n\\nTaluna")."""
    for ent in doc.ents:
        start = ent.start
        for k in range(ent.start, ent.end):
            if "\n" in doc[k].text or "\n" in doc[k].whitespace_:
                end = k if "\n" in doc[k].text else k + 1
                if end > start:
                    yield ent, start, end
                start = k + 1
        if start < ent.end:
            yield ent, start, ent.end


def entity_candidates(doc) -> list[Candidate]:
    """Trimmed, title-stripped PERSON/ORG/GPE/NORP entities, not yet typed."""
    out = []
    for ent, start, end in _line_parts(doc):
        if ent.label_ not in NER_LABELS:
            continue
        i, j = trim_span(doc, start, end)
        if i >= j:
            continue
        title, affiliation, label = None, None, ent.label_
        if _demonym_with_portfolio(doc, i, j):
            j, label = i + 1, "NORP"        # "Kestrian Energy" of "Kestrian Energy Minister Juri Tscharowski"
        if label in ("PERSON", "ORG"):
            i2, title, dem = split_leading_title(doc, i, j)
            if i < i2 < j:
                i, affiliation = i2, dem
                label = "PERSON"          # "President Ilvar", "Mr. Korvel" tagged ORG
        if i >= j or _is_junk(doc, i, j) or (label == "ORG" and _common_noun_phrase(doc, i, j)):
            continue
        c = Candidate(i, j, "", label=label, title=title)
        if affiliation is not None:
            c.extra["affiliation_token"] = affiliation
        out.append(c)
    return out


def _demonym_with_portfolio(doc, i: int, j: int) -> bool:
    """An entity that is a demonym plus the start of a title the NER cut off ("Kestrian Energy"
    before "Minister Juri Tscharowski"): the demonym is the country, the rest is the title."""
    if j - i < 2 or j >= len(doc) or not looks_like_demonym(doc[i].text) or not doc[i].is_title:
        return False
    return all(t.lower_ in TITLE_MODIFIERS for t in doc[i + 1:j]) and doc[j].lower_ in ROLE_WORDS


def _common_noun_phrase(doc, i: int, j: int) -> bool:
    """An ORG entity that is a common noun phrase, not a name: no capital letter but at the
    start of a sentence, and a common noun last ("the development bank", "two companies",
    "Farmers" opening a sentence). The description passes handle it."""
    if doc[j - 1].tag_ not in ("NN", "NNS"):
        return False
    return all(t.is_lower or not t.is_alpha or (k == i and t.is_sent_start and t.tag_ in ("NN", "NNS", "JJ", "CD"))
               for k, t in enumerate(doc[i:j], i))


def speaker_candidates(doc, cands: list[Candidate]) -> list[Candidate]:
    """Names the NER missed or mislabelled (WORK_OF_ART ...) as the subject of a verb of saying.

    "Tomas Ilvar said": two or three capitalised proper nouns; a person, or an organisation when
    the last word is a company word ("Brenmark Mining said").
    """
    covered = set()
    for c in cands:
        covered.update(range(c.i, c.j))
    out = []
    for tok in doc:
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in SAY_LEMMAS:
            continue
        for subj in tok.children:
            if subj.dep_ != "nsubj" or subj.pos_ != "PROPN" or subj.i in covered:
                continue
            i = subj.i
            while i - 1 >= 0 and doc[i - 1].dep_ == "compound" and doc[i - 1].head.i == subj.i and doc[i - 1].pos_ == "PROPN":
                i -= 1
            j = subj.i + 1
            while i < j - 2 and (_is_role_token(doc[i]) or doc[i].lower_ in TITLE_MODIFIERS
                                 or (looks_like_demonym(doc[i].text) and doc[i].is_title)):
                i += 1        # "Kestrian Energy Minister Iurii Charovskiy told": the title is no name
            names = doc[i:j]
            if not 2 <= len(names) <= 3 or any(k in covered for k in range(i, j)) \
                    or not all(t.is_title and t.is_alpha for t in names) \
                    or any(t.ent_type_ in ("GPE", "NORP", "DATE", "PERSON", "ORG") for t in names) \
                    or any(t.lower_ in ROLE_WORDS or t.lower_ in TITLE_MODIFIERS for t in names):
                continue
            label = "ORG" if names[-1].lower_ in ORG_NAME_WORDS else "PERSON"
            out.append(Candidate(i, j, "", label=label))
            covered.update(range(i, j))
    return out


# A transcript speaker label opening a paragraph ("WALLACE: ...", "\"JANE DOE: ..."): capitals and a colon.
TRANSCRIPT_LABEL_RE = re.compile(r"[\"“”']?[ \t]*([A-Z][A-Z'’.-]+(?:[ \t][A-Z][A-Z'’.-]+){0,2}):[ \t]+(?=\S)")


def transcript_labels(text: str) -> list[tuple[int, int]]:
    """(start, end) of every speaker label that opens a paragraph: "WALLACE: Let's start ..."."""
    out = []
    pos = 0
    for line in text.split("\n"):
        m = TRANSCRIPT_LABEL_RE.match(line)
        if m and any(ch.isalpha() for ch in m.group(1)) and len(m.group(1)) > 1:
            out.append((pos + m.start(1), pos + m.end(1)))
        pos += len(line) + 1
    return out


def label_candidates(doc, cands: list[Candidate]) -> list[Candidate]:
    """Transcript speaker labels the NER missed ("PENCE: ..."), when the label names a person of
    the article (a full name's last or first word) or opens two paragraphs or more."""
    text = doc_text(doc)
    labels = transcript_labels(text)
    if not labels:
        return []
    covered = set()
    for c in cands:
        covered.update(range(c.i, c.j))
    person_words = set()
    for c in cands:
        if c.label == "PERSON" and c.j - c.i >= 2:
            person_words.add(norm(doc[c.j - 1].text))
            person_words.add(norm(doc[c.i].text))
    counts: dict[str, int] = {}
    for a, b in labels:
        counts[norm(text[a:b])] = counts.get(norm(text[a:b]), 0) + 1
    out = []
    for a, b in labels:
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is None or any(k in covered for k in range(span.start, span.end)):
            continue
        n = norm(text[a:b])
        if n in LABEL_STOP or not (n.split()[-1] in person_words or counts[n] >= 2):
            continue
        out.append(Candidate(span.start, span.end, "", label="PERSON"))
        covered.update(range(span.start, span.end))
    return out


def _span_root(doc, c: "Candidate"):
    """The token of a candidate's span whose head lies outside it."""
    for tok in doc[c.i:c.j]:
        if not (c.i <= tok.head.i < c.j) or tok.head.i == tok.i:
            return tok
    return doc[c.j - 1]


def is_place_use(doc, c: "Candidate") -> bool:
    """A name used as a place, not as an actor: the object of a locative preposition ("in Drysk",
    "travelled to Telvadra"), "of" after a place noun ("the port of Saltreach"), or a modifier of
    a place noun ("the Greyhollow basin", "the Varska hills")."""
    if is_dateline(doc, c):
        return True
    root = _span_root(doc, c)
    while root.dep_ == "conj" and root.head.i < root.i:     # "between Lindmoor and Varska"
        root = root.head
    head = root.head
    if root.dep_ == "pobj" and head.i != root.i:
        low = head.lower_
        if low == "from" and head.head.lemma_.lower() in FROM_PARTY_LEMMAS:
            return False           # "buy electricity from Taluna": a party, not a place
        if low in LOCATIVE_PREPS:
            return True
        if low == "between" and head.head.lower_ in PLACE_NOUNS | ROUTE_NOUNS:
            return True
        if low == "to" and head.head.pos_ in ("VERB", "NOUN") and head.head.lemma_.lower() in MOTION_LEMMAS:
            return True
        if low == "of" and head.head.lower_ in PLACE_NOUNS:
            return True
        return False
    if root.dep_ in ("compound", "amod", "nmod") and head.i >= c.j and head.lower_ in PLACE_NOUNS \
            and head.lower_ not in STATE_NOUNS:
        return True
    if root.dep_ == "appos" and head.lower_ in PLACE_NOUNS:
        return True
    return False


_DATELINE_MARKS = frozenset({"(", "—", "―", "–", "-", "--", ","})


def is_dateline(doc, c: "Candidate") -> bool:
    """A place in capitals opening a paragraph before a dash or "(AP)": "WASHINGTON (AP) — ..."."""
    at_start = c.i == 0 or "\n" in doc[c.i - 1].whitespace_ or "\n" in doc[c.i - 1].text
    text = _span_text(doc, c.i, c.j)
    return at_start and text.isupper() and c.j < len(doc) and doc[c.j].text in _DATELINE_MARKS


def _place_modifier(doc, c: "Candidate") -> bool:
    """A one-word "person" that is a place: "the Oskel ridge", "the mines in Greyhollow"."""
    root = _span_root(doc, c)
    while root.dep_ == "conj" and root.head.i < root.i:
        root = root.head
    if root.dep_ in ("compound", "amod", "nmod") and root.head.i >= c.j and root.head.lower_ in PLACE_NOUNS:
        return True
    if root.dep_ == "pobj" and root.head.lower_ == "between":
        return root.head.head.lower_ in PLACE_NOUNS | ROUTE_NOUNS
    # "the mines in Greyhollow" (a "person"); an organisation "in Congress" stays an actor
    return c.label == "PERSON" and root.dep_ == "pobj" and root.head.lower_ in ("in", "at", "near", "on")


def _modifier_of_noun(doc, c: "Candidate") -> bool:
    """The name modifies a common noun after it ("the Amberfall administrative court", "the
    Amberfall consultancy"): a place name, not the actor."""
    root = _span_root(doc, c)
    head = root.head
    return root.dep_ in ("compound", "amod", "nmod") and head.i >= c.j and head.pos_ == "NOUN" \
        and head.lower_ not in STATE_NOUNS and head.lower_ not in ROLE_WORDS and head.lower_ not in TITLE_MODIFIERS \
        and head.lower_ not in ORG_HEADS and head.lemma_.lower() not in DEAL_NOUNS


def _names_a_thing(doc, c: "Candidate") -> bool:
    """A capital that names something after it ("the Paris accord", "a Washington event",
    "Washington-based"): the place, not the government; "the Paris government" is the state."""
    root = _span_root(doc, c)
    head = root.head
    if c.j < len(doc) and doc[c.j].text == "-":
        return True
    return root.dep_ in ("compound", "amod", "nmod", "npadvmod") and head.i >= c.j and head.lower_ not in STATE_NOUNS


def capital_of(text: str) -> str | None:
    """ISO code of the country whose capital ``text`` names ("Paris" -> "FR"), else None."""
    return CAPITALS.get(norm(text))


def drop_places(doc, cands: list["Candidate"], backed: set[str]) -> list["Candidate"]:
    """Places that are not actors: a name that is no known country (a city, a region, a
    fictional name without a demonym in the article) and that every occurrence uses as a place
    ("in Drysk", "the Greyhollow basin"). A name that acts anywhere in the article ("Paris
    refused") stays, and a capital that acts is its country's government."""
    candidates = [c for c in cands if c.actor_type in (COUNTRY, ORG, PERSON) and c.label in ("GPE", "ORG", "PERSON")]
    by_name: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_name.setdefault(norm(_span_text(doc, c.i, c.j)), []).append(c)
    drop = set()
    for name, occurrences in by_name.items():
        first = occurrences[0]
        kind = _place_kind(first, name, backed)
        if kind is None:
            continue
        if kind == "modifier":
            if all(_place_modifier(doc, c) for c in occurrences):
                drop.update(id(c) for c in occurrences)
            continue
        code = capital_of(name) if kind == "capital" else None
        places = sum(is_place_use(doc, c) for c in occurrences)
        if kind == "place" and 2 * places >= len(occurrences):
            drop.update(id(c) for c in occurrences)      # mostly a place: its other uses are metonyms or misparses
            continue
        for c in occurrences:
            if is_place_use(doc, c) or (kind == "place" and _modifier_of_noun(doc, c)) \
                    or (kind == "capital" and _names_a_thing(doc, c)):
                drop.add(id(c))
            elif code:
                c.actor_type, c.country_code, c.key, c.name = COUNTRY, code, code, _country_name(code)
    return [c for c in cands if id(c) not in drop]


def _place_kind(c: "Candidate", name: str, backed: set[str]) -> str | None:
    """"capital", "place" or None (not a place name): what a typed candidate's name may be."""
    if c.actor_type == COUNTRY and c.country_code and c.key == c.country_code or name in SUPRANATIONAL:
        return None                                   # a real country (or its demonym), the E.U.
    if capital_of(name) and c.label in ("GPE", "ORG"):
        return "capital"
    if c.label != "NORP" and c.actor_type == COUNTRY and not c.country_code and name not in backed \
            and c.key == name and not state_short_name(name) and not looks_like_demonym(name) \
            and not (len(name) <= 4 and " " not in name):      # "VA", "FRK": initials, not a place
        return "place"                                # a fictional name no demonym backs
    if c.label == "GPE" and c.actor_type == ORG:
        return "place"                                # a subdivision or a county: local government if it acts
    if c.label in ("PERSON", "ORG") and c.j - c.i == 1 and c.actor_type in (PERSON, ORG):
        return "modifier"                             # "the Greyhollow basin" tagged a person
    return None


def type_candidates(doc, cands: list[Candidate]) -> None:
    """Set actor_type, country_code and country keys; correct typical small-model errors."""
    fictional: set[str] = set()     # normalised fictional country names (GPE not in pycountry)
    norp_words: set[str] = set()
    for c in cands:
        text = _span_text(doc, c.i, c.j)
        if c.label == "GPE" and not country_code(text) and not subdivision_country(text):
            fictional.add(norm(text))
        elif c.label == "NORP":
            norp_words.add(norm(text))
    # A name the NER tagged ORG/PERSON that a demonym of the article points to is a country too.
    for c in cands:
        if c.label in ("ORG", "PERSON") and c.j - c.i == 1:
            n = norm(_span_text(doc, c.i, c.j))
            if any(match_demonym(w, [n]) for w in norp_words if not demonym_code(w)):
                fictional.add(n)
    for c in cands:
        text = _span_text(doc, c.i, c.j)
        n = norm(text)
        if n in SUPRANATIONAL and c.label in ("GPE", "ORG", "NORP"):
            c.actor_type, c.key, c.name = ORG, norm(SUPRANATIONAL[n]), SUPRANATIONAL[n]
            continue            # "the E.U.": an organisation of states, not a country
        code = country_code(text)
        if code is None and c.label in ("NORP", "PERSON", "ORG") and c.j - c.i <= 2:
            code = demonym_code(text) if c.label != "ORG" else None
        if code:
            plural = c.label == "NORP" and n.endswith("s") and n not in _country_index()
            c.actor_type = GROUP if plural else COUNTRY
            c.country_code = code
            c.key = code if not plural else n
            c.name = _country_name(code) if not plural else text
            continue
        if c.label == "GPE" and n.rsplit(" ", 1)[-1] in LOCAL_PLACE_WORDS:
            c.actor_type, c.key, c.name = ORG, n, text      # "Kent County": a local government
            continue
        if c.label == "GPE":
            sub = subdivision_country(text)
            if sub and n not in fictional:
                c.actor_type, c.country_code, c.key, c.name = ORG, sub, n, text
            else:            # "the Federated Republic of Kestria" is Kestria
                c.actor_type, c.key, c.name = COUNTRY, state_short_name(text) or n, text
            continue
        if c.label == "ORG" and _formal_initials(doc, cands, n):
            c.actor_type, c.key, c.name = COUNTRY, _formal_initials(doc, cands, n), text
            continue            # "the FRK government": the initials of a state named in full
        if n in fictional:      # "Veldonia" mis-tagged ORG/PERSON
            c.actor_type, c.key, c.name = COUNTRY, n, text
            continue
        before_state_noun = c.j < len(doc) and doc[c.j].lower_ in STATE_NOUNS
        if c.label == "NORP" or (c.label in ("PERSON", "ORG") and c.j - c.i == 1 and looks_like_demonym(text)
                                 and (match_demonym(text, fictional) or before_state_noun)):
            if n in GROUP_NORP or n.rstrip("s") in GROUP_NORP:
                c.actor_type, c.key, c.name = GROUP, n, text
                continue
            country = match_demonym(text, fictional)
            if country:
                c.actor_type, c.key = COUNTRY, country
                c.name = next((_span_text(doc, d.i, d.j) for d in cands
                               if d is not c and norm(_span_text(doc, d.i, d.j)) == country), text)
            elif looks_like_demonym(text) and not n.endswith("s"):
                c.actor_type, c.key, c.name = COUNTRY, n, text
            elif c.label == "NORP" and c.j - c.i == 1 and doc[c.i].pos_ == "PROPN" and not looks_like_demonym(text) \
                    and doc[c.i].dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "ROOT"):
                c.actor_type, c.key, c.name = COUNTRY, n, text     # "Sarnovia reopened talks": a noun, a country
            else:
                c.actor_type, c.key, c.name = GROUP, n, text
            continue
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
    # One name, one type in an article: the other occurrences of a name that its context showed
    # to be an organisation (or a person) follow it.
    retyped = {norm(_span_text(doc, c.i, c.j)): c.actor_type for c in cands if c.extra.get("retyped")}
    for c in cands:
        t = retyped.get(norm(_span_text(doc, c.i, c.j))) if c.actor_type in (PERSON, ORG) else None
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
            form = _span_text(doc, c.i, c.j)
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


@functools.lru_cache(maxsize=512)
def _country_name(code: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    if c is None:
        return code
    return getattr(c, "common_name", None) or c.name


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
                g = _gender_of_word(w)
                if g:
                    c.extra["gender"] = g
        if aff_tok is not None:
            other = by_token.get(aff_tok)
            if other is not None and other.actor_type == COUNTRY:
                c.affiliation = other.key
                c.country_code = other.country_code


# --- coreference ----------------------------------------------------------------------------


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
        name = _span_text(doc, best.i, best.j)
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
    a one-word PERSON that is the first word of an organisation's name (and no surname) is it."""
    surnames, org_words = set(), set()
    for c in cands:
        if c.actor_type == PERSON and c.j - c.i >= 2:
            surnames.add(doc[c.j - 1].text)
        elif c.actor_type == ORG and c.j - c.i >= 2 and _distinctive(doc[c.i]):
            org_words.add(doc[c.i].text)
    for c in cands:
        if c.actor_type == PERSON and c.j - c.i == 1 and doc[c.i].text in org_words and doc[c.i].text not in surnames:
            c.actor_type = ORG
    for c in cands:
        if c.actor_type in (ORG, COUNTRY, GROUP) and c.j - c.i == 1 and doc[c.i].text in surnames \
                and not c.country_code:
            c.actor_type, c.key, c.name, c.country_code = PERSON, None, None, None


def cluster_orgs(doc, cands: list[Candidate]) -> None:
    """Org short forms ("Brenmark" for "Brenmark Mining") and acronyms join the longest name."""
    orgs = [c for c in cands if c.actor_type == ORG and not c.key]
    forms = {}
    for c in orgs:
        forms.setdefault(norm(_span_text(doc, c.i, c.j)), []).append(c)
    names = sorted(forms, key=len, reverse=True)
    parent = {n: n for n in names}
    for n in names:
        words = n.split()
        for longer in names:
            if len(longer) <= len(n) or parent[longer] != longer:
                continue
            lw = longer.split()
            acronym = "".join(w[0] for w in lw if w not in STOP)
            if lw[: len(words)] == words or (len(words) == 1 and len(n) >= 2 and n == acronym):
                parent[n] = longer
                break
    for n, members in forms.items():
        root = parent[n]
        display = _span_text(doc, forms[root][0].i, forms[root][0].j)
        for c in members:
            c.key, c.name = root, display


def propagate_names(doc, cands: list[Candidate], taken: list[bool]) -> list[Candidate]:
    """Add mentions for later occurrences of known names that the NER missed."""
    forms: dict[str, list[tuple[tuple[str, ...], Candidate]]] = {}
    for c in cands:
        if c.actor_type not in (PERSON, ORG, COUNTRY) or not c.key:
            continue
        toks = tuple(t.text for t in doc[c.i:c.j])
        variants = {toks}
        if c.actor_type == PERSON and len(toks) >= 2:
            variants.add((toks[-1],))
        if c.actor_type == ORG and len(toks) >= 2 and _distinctive(doc[c.i]):
            variants.add((toks[0],))
        for v in variants:
            if not v[0][:1].isupper():
                continue
            forms.setdefault(v[0], [])
            if all(v != f for f, _ in forms[v[0]]):
                forms[v[0]].append((v, c))
    added = []
    n = len(doc)
    k = 0
    while k < n:
        tok = doc[k]
        options = forms.get(tok.text)
        if not options or taken[k] or tok.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY"):
            k += 1
            continue
        hit = None
        for toks, c in sorted(options, key=lambda o: -len(o[0])):
            e = k + len(toks)
            if e <= n and all(doc[k + m].text == toks[m] for m in range(len(toks))) and not any(taken[k:e]) \
                    and (len(toks) > 1 or tok.pos_ == "PROPN" or tok.pos_ == "NOUN" and tok.is_title and c.actor_type == PERSON):
                hit = (e, c)
                break
        if hit is None:
            k += 1
            continue
        e, c = hit
        new = Candidate(k, e, c.actor_type, label="propagated", key=None if c.actor_type == PERSON else c.key,
                    name=None if c.actor_type == PERSON else c.name, country_code=c.country_code)
        added.append(new)
        for m in range(k, e):
            taken[m] = True
        k = e
    return added


def _distinctive(tok) -> bool:
    """A name's first word that can stand for the whole organisation ("Brenmark" Mining)."""
    low = tok.lower_
    return (tok.pos_ == "PROPN" and tok.is_title and low not in GENERIC_ORG_WORDS and low not in TITLE_MODIFIERS
            and low not in STOP and tok.ent_type_ not in ("GPE", "NORP") and not demonym_code(low)
            and not country_code(low))


def descriptor_span(doc, head) -> int:
    """First token of the descriptor of an anonymous head: its adjacent premodifiers."""
    start = head.i
    for child in reversed(list(head.lefts)):
        if child.dep_ in _ANON_PREMOD_DEPS and child.right_edge.i == start - 1 and child.lower_ not in DEFINITE:
            start = child.left_edge.i
        else:
            break
    while start < head.i and (doc[start].lower_ in DEFINITE or doc[start].is_punct or doc[start].lower_ in ("a", "an")):
        start += 1
    return start


def _determiner(head) -> str | None:
    for child in head.lefts:
        if child.dep_ in ("det", "predet", "nummod", "quantmod"):
            return child.lower_
        if child.dep_ == "poss":
            return "poss"
    return None


def _near_person(doc, tok, by_token) -> bool:
    """The noun is a title of a named person ("spokeswoman Lena Droz", "Droz, a spokeswoman")."""
    if tok.dep_ in ("compound", "attr", "oprd", "acomp"):
        return True
    if tok.dep_ == "appos":
        c = by_token.get(tok.head.i)
        if c is not None and c.actor_type == PERSON:
            return True
    for child in tok.children:
        if child.dep_ in ("appos", "compound"):
            c = by_token.get(child.i)
            if c is not None and c.actor_type == PERSON:
                return True
    nxt = tok.i + 1
    if nxt < len(doc) and doc[nxt].text == ",":
        nxt += 1
    c = by_token.get(nxt) if nxt < len(doc) else None
    if c is not None and c.actor_type == PERSON and nxt == c.i:
        return True
    if tok.dep_ == "pobj" and tok.head.lower_ == "as":
        return True
    return False


def descriptions(doc, article_id: str, cands: list[Candidate], taken: list[bool], by_token) -> list[Candidate]:
    """Anonymous sources, generic groups and definite role descriptions, in text order.

    "a senior Veldonian official" opens an anonymous actor; a later "the official" joins the
    most recent anonymous actor with the same head and number, else a named person whose title
    holds the words ("the minister" -> Finance Minister Ada Korvel), else opens a new one.
    """
    persons = sorted((c for c in cands if c.actor_type == PERSON), key=lambda c: c.i)
    person_starts = [c.i for c in persons]
    titles_of: dict[str, set[str]] = {}
    for c in persons:
        if c.title:
            titles_of.setdefault(c.key, set()).update(w for w in norm(c.title).split())
    orgs = sorted((c for c in cands if c.actor_type == ORG and c.key), key=lambda c: c.i)
    countries = sorted((c for c in cands if c.actor_type == COUNTRY and c.key), key=lambda c: c.i)
    anon_seen: list[Candidate] = []
    out: list[Candidate] = []
    for tok in doc:
        low = tok.lower_
        if taken[tok.i] or tok.pos_ not in ("NOUN", "PROPN") or (tok.pos_ == "PROPN" and not tok.is_sent_start and not tok.is_lower):
            continue
        anon = ANON_HEADS.get(low)
        is_role = low in ROLE_WORDS
        if low in ORG_HEADS and _determiner(tok) == "the" and not tok.dep_ == "compound":
            target = _resolve_org_description(doc, tok, orgs, countries)
            if target is not None:
                out.append(Candidate(tok.i, tok.i + 1, target.actor_type, label="role", key=target.key,
                                 name=target.name, country_code=target.country_code))
                taken[tok.i] = True
            continue
        if anon is None and not is_role and low not in GROUP_HEADS:
            continue
        if _near_person(doc, tok, by_token):
            continue
        if low in ("person", "people") and not (tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in PEOPLE_QUALIFIERS):
            continue
        det = _determiner(tok)
        start = descriptor_span(doc, tok)
        while start < tok.i and by_token.get(start) is not None and by_token[start].actor_type in (PERSON, ORG):
            start += 1
        if taken[tok.i] or any(taken[m] and by_token.get(m) is None for m in range(start, tok.i)):
            start = tok.i
        descriptor = _span_text(doc, start, tok.i + 1)
        plural = anon[1] if anon else tok.tag_ in ("NNS", "NNPS")
        if det in DEFINITE:
            words = [w for w in norm(descriptor).split() if w]
            target = _resolve_definite(doc, tok, words, anon, plural, anon_seen, persons, person_starts, titles_of)
            if target is None and not plural:
                target = describe_person(doc, tok, cands)
            if target is not None:
                c = Candidate(start, tok.i + 1, target.actor_type, label="role", key=target.key, name=target.name,
                          country_code=target.country_code, head=target.head, plural=target.plural)
                if target.actor_type == PERSON:
                    c.title = descriptor
                out.append(c)
                if target.actor_type == ANON:
                    anon_seen.append(c)
                for m in range(start, tok.i + 1):
                    taken[m] = True
                continue
            if anon is None and (plural or not is_role or tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "'s"):
                continue
        elif anon is None and not (plural and low in GROUP_HEADS):
            continue       # an indefinite role word ("a minister" is in ANON_HEADS; "a president" is not)
        elif det is None and not plural and tok.tag_ not in ("NNS", "NNPS"):
            continue       # a bare singular role word is a title, not a source
        if anon is None and is_role and not plural:
            actor_type = ANON      # "the president" with no president named: an unnamed person
        elif anon is None or (plural and anon[0] in GENERIC_HEADS):
            actor_type = GROUP
        else:
            actor_type = ANON
        c = Candidate(start, tok.i + 1, actor_type, label="anon", key=f"{article_id}:{norm(descriptor)}",
                  name=descriptor, head=anon[0] if anon else low, plural=plural)
        for m in range(start, tok.i + 1):
            if by_token.get(m) is not None and by_token[m].actor_type == COUNTRY and by_token[m].country_code:
                c.country_code = by_token[m].country_code
        out.append(c)
        if actor_type == ANON:
            anon_seen.append(c)
        for m in range(start, tok.i + 1):
            if by_token.get(m) is None:
                taken[m] = True
    return out


def _human_noun(tok) -> bool:
    lemma = tok.lemma_.lower()
    low = tok.lower_
    if lemma in HUMAN_NOUNS or low in HUMAN_NOUNS or lemma in ANON_HEADS or low in GROUP_HEADS or lemma in ROLE_WORDS:
        return True
    if lemma in NOT_HUMAN or low in NOT_HUMAN or lemma.endswith("ment") or not lemma.isalpha() or len(lemma) < 4:
        return False
    return lemma.endswith(HUMAN_SUFFIXES) or lemma.endswith(HUMAN_TAILS)    # "neurosurgeon", "lawmaker"

def _source_heads(doc):
    """Noun heads that are the source of a verb of saying: subjects, and objects of "according to"."""
    for tok in doc:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            for child in doc[tok.i + 1].children:
                if child.dep_ == "pobj":
                    yield child
            continue
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in CUE_LEMMAS:
            continue
        verb = participle_head(tok)
        for child in verb.children:
            if child.dep_ == "nsubj":
                if verb is not tok and (child.lemma_.lower() in DOCUMENT_HEADS
                                        or any(c.dep_ == "prep" and c.lower_ == "of" for c in child.children)):
                    continue           # "the ad uses footage of X asking", "groups of protesters marched, chanting"
                yield child
                for conj in child.children:       # "Developers and supporters say"
                    if conj.dep_ == "conj":
                        yield conj


def participle_head(verb):
    """The verb whose subject a subjectless participle of saying shares: "The departments declined
    to comment, saying ...", "Droz responded by saying ..."; else the verb itself."""
    if verb.tag_ != "VBG" or any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return verb
    head = verb.head
    if verb.dep_ == "pcomp" and head.lower_ in PARTICIPLE_PREPS and head.head is not head:
        head = head.head       # "responded by saying": the preposition's verb
    elif verb.dep_ not in ("advcl", "xcomp", "conj"):
        return verb
    return head if head.pos_ in ("VERB", "AUX") and head.i != verb.i else verb


def source_descriptions(doc, article_id: str, cands: list[Candidate], taken: list[bool], by_token) -> list[Candidate]:
    """Unnamed sources the other passes miss, where the text makes them speak.

    The subject of a verb of saying ("the announcer said", "Connecticut's tax commissioner says",
    "two Democratic speechwriters argued") or the object of "according to", when it is a common
    noun for a person or a body of people: an anonymous source (singular), a group (plural),
    or an organisation ("the network said"). Documents ("the report says") are not actors.
    """
    out = []
    for head in _source_heads(doc):
        if taken[head.i] or head.lower_ in PRONOUNS:
            continue
        if head.lower_ in ROLE_WORDS and any(ch.dep_ == "appos" and by_token.get(ch.i) is not None
                                             and by_token[ch.i].actor_type == PERSON for ch in head.children):
            continue           # "A spokeswoman for the authority, Tilde Marrow, said": the person speaks
        low = head.lemma_.lower()
        if head.lower_ in INDEFINITE_SOURCES and head.pos_ in ("PRON", "NUM", "ADJ", "DET", "NOUN"):
            plural = INDEFINITE_SOURCES[head.lower_]
            out.append(Candidate(head.i, head.i + 1, GROUP if plural else ANON, label="anon",
                             key=f"{article_id}:{head.lower_}:{head.i}", name=head.text, head=head.lower_, plural=plural))
            taken[head.i] = True
            continue
        person = describe_person(doc, head, cands)
        if person is not None:         # "the retired neurosurgeon said": the person introduced before
            start = _description_start(doc, head)
            out.append(Candidate(start, head.i + 1, PERSON, label="role", key=person.key, name=person.name,
                             country_code=person.country_code, title=_span_text(doc, start, head.i + 1)))
            for m in range(start, head.i + 1):
                taken[m] = True
            continue
        if head.pos_ != "NOUN":
            continue
        is_org = low in ORG_DESCRIPTION_HEADS
        if not is_org and low not in DOCUMENT_HEADS and low != "percent" and not _human_noun(head):
            continue
        if low == "government" and head.tag_ == "NN":     # "the government said": the state named before
            country = _government_country(doc, head, cands, by_token)
            if country is not None:
                out.append(Candidate(head.i, head.i + 1, COUNTRY, label="role", key=country.key, name=country.name,
                                 country_code=country.country_code))
                taken[head.i] = True
                continue
        start = descriptor_span(doc, head)
        while start < head.i and by_token.get(start) is not None and by_token[start].actor_type in (PERSON, ORG):
            start += 1
        if any(taken[m] and by_token.get(m) is None for m in range(start, head.i)):
            start = head.i
        descriptor = _span_text(doc, start, head.i + 1)
        plural = head.tag_ in ("NNS", "NNPS")
        if low == "percent":
            plural = True          # "63 percent said": a share of those polled
        actor_type = ORG if is_org else (GROUP if plural and low not in DOCUMENT_HEADS else ANON)
        c = Candidate(start, head.i + 1, actor_type, label="anon", key=f"{article_id}:{norm(descriptor)}",
                  name=descriptor, head=low, plural=plural)
        for m in range(start, head.i):        # "the Veldonian businessman": the demonym's country
            if by_token.get(m) is not None and by_token[m].actor_type == COUNTRY and by_token[m].country_code:
                c.country_code = by_token[m].country_code
        out.append(c)
        for m in range(start, head.i + 1):
            taken[m] = True
    return out


# --- descriptions of a person named before ("the retired neurosurgeon", "the 43-year-old") -----

_PERSON_REACH = 3000          # characters back that "the 43-year-old" may look for its person
_AGE_RE = re.compile(r"(\d{1,3})-year-old$")
_APPOSITIVE_AGE_RE = re.compile(r"[ \t]*,[ \t]*(\d{1,3})[ \t]*[,.;]")       # "Lena Droz, 43, said"
_APPOSITIVE_TOKENS = 10


def _description_start(doc, head) -> int:
    """First token of a description ending at ``head``: its determiner and modifiers."""
    start = head.left_edge.i
    while start < head.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return start


def _age_of_description(doc, head) -> str | None:
    """"43" for "the 43-year-old" (tokens 43 - year - old), else None."""
    start = _description_start(doc, head)
    m = _AGE_RE.search(doc_text(doc)[doc[start].idx:head.idx + len(head)])
    return m.group(1) if m else None


def _words_describing(doc, c: "Candidate") -> set[str]:
    """Lower-case words that describe a named person where it is named: its title, the common
    nouns and adjectives right before the name ("billionaire businessman Tomas Ilvar"), an
    appositive ("Lena Droz, a retired neurosurgeon,"), and an age ("Droz, 43,": "43")."""
    words = set(norm(c.title or "").split())
    k = c.i - 1
    while k >= 0 and c.i - k <= 4 and doc[k].pos_ in ("NOUN", "ADJ", "PROPN", "NUM") and not doc[k].is_punct:
        words.add(doc[k].lower_)
        k -= 1
    age = _APPOSITIVE_AGE_RE.match(doc_text(doc), doc[c.j - 1].idx + len(doc[c.j - 1]))
    if age:
        words.add(age.group(1))
    elif c.j < len(doc) and doc[c.j].text == ",":
        words.update(t.lower_ for t in _appositive_phrase(doc, c.j + 1))
    return {TITLE_ABBREVIATIONS.get(w, w) for w in words} | words


_APPOSITIVE_POS = frozenset({"DET", "ADJ", "NOUN", "PROPN", "NUM"})


def _appositive_phrase(doc, k: int) -> list:
    """The noun phrase that opens at token ``k`` after a name and its comma ("a retired
    neurosurgeon" in "Droz, a retired neurosurgeon from Harwick,"): its words up to the first
    that is not part of a noun phrase, which must be punctuation, a preposition or a conjunction,
    so that a clause ("Droz, who called the senator ...", "after Droz, the minister spoke")
    describes nobody."""
    out = []
    for tok in doc[k:k + _APPOSITIVE_TOKENS]:
        if tok.pos_ not in _APPOSITIVE_POS and tok.text not in ("-", "’s", "'s"):
            break
        out.append(tok)
    end = k + len(out)
    closed = end < len(doc) and (doc[end].is_punct or doc[end].pos_ in ("ADP", "CCONJ"))
    return out if out and out[0].pos_ != "PROPN" and closed else []    # not "Droz, the minister said"


def _description_clue(doc, head) -> tuple[set[str], str | None]:
    """What a definite description says of its person: its content words (head noun and
    distinctive modifiers: "billionaire", "businessman") and the gender its head gives."""
    age = _age_of_description(doc, head)
    if age:
        return {age}, None
    start = _description_start(doc, head)
    words = {t.lower_ for t in doc[start:head.i + 1] if t.is_alpha and t.lower_ not in DESCRIPTION_FILLER}
    return words, _gender_of_word(head.lower_)


def describe_person(doc, head, cands: list["Candidate"]) -> "Candidate | None":
    """The named person a singular definite description stands for, or None.

    "the retired neurosurgeon", "the billionaire businessman", "the former senator",
    "the 43-year-old": the most recent person before it, within ``_PERSON_REACH``, whose
    title, words before the name, appositive or age share the description's content words
    (all of them), and whose gender does not clash. Null rather than a guess: when the most
    recent such person shares the sentence with another compatible one, nobody is chosen.
    """
    if head.tag_ in ("NNS", "NNPS") or _determiner(head) != "the" or head.lemma_.lower() in DOCUMENT_HEADS:
        return None
    if not (_human_noun(head) or _age_of_description(doc, head)):
        return None
    clue, gender = _description_clue(doc, head)
    if not clue:
        return None
    lo = head.idx - _PERSON_REACH
    described: dict[str, set[str]] = {}
    latest: dict[str, "Candidate"] = {}
    for c in sorted((c for c in cands if c.actor_type == PERSON and c.key and c.j <= head.i
                     and doc[c.i].idx >= lo), key=lambda c: c.i):
        described.setdefault(c.key, set()).update(_words_describing(doc, c))
        latest[c.key] = c
    compatible = [latest[k] for k, words in described.items() if clue <= words
                  and (gender is None or latest[k].extra.get("gender", gender) == gender)]
    if not compatible:
        return None
    compatible.sort(key=lambda c: c.i)
    best = compatible[-1]
    if len(compatible) > 1 and doc[compatible[-2].i].sent.start == doc[best.i].sent.start:
        return None            # two people fit equally well: null is better than wrong
    return best


def _government_country(doc, head, cands: list[Candidate], by_token) -> Candidate | None:
    """The country "government" stands for: a country word before it ("the Talunan
    government"), else the only country named in the preceding stretch of text."""
    for child in head.lefts:            # "the Talunan government", "Sarnovia's government"
        c = by_token.get(child.i)
        if c is not None and c.actor_type == COUNTRY and c.key:
            return c
        if child.is_upper and len(child.text) >= 2:     # "the FRK government": initials of a formal name
            for c in cands:
                if c.actor_type == COUNTRY and c.key and c.label == "GPE" \
                        and acronym(_span_text(doc, c.i, c.j)) == child.lower_ and state_short_name(_span_text(doc, c.i, c.j)):
                    return c
    countries = sorted((c for c in cands if c.actor_type == COUNTRY and c.key), key=lambda c: c.i)
    return _resolve_org_description(doc, head, [], countries)


def _resolve_org_description(doc, tok, orgs: list[Candidate], countries: list[Candidate]) -> Candidate | None:
    """ "the company" -> the most recent organisation (one named with the word first);
    "the government" -> the only country named in the preceding stretch of text."""
    lo = tok.idx - _DESCRIPTION_REACH
    if tok.lower_ == "government":
        recent = [c for c in countries if c.i < tok.i and doc[c.i].idx >= lo]
        keys = {c.key for c in recent}
        return recent[-1] if len(keys) == 1 else None
    recent = [c for c in orgs if c.i < tok.i and doc[c.i].idx >= lo]
    if not recent:
        return None
    for c in reversed(recent):
        if tok.lower_ in norm(c.name or "").split():
            return c
    # "the ministry", "the court": only an organisation named with that word; "the company": the latest
    # organisation that may be one (not "New York University", not a place acting as a government)
    if tok.lower_ not in GENERIC_ORG_DESCRIPTIONS:
        return None
    return next((c for c in reversed(recent) if _may_be_described_as(c, tok.lower_)), None)


def _may_be_described_as(c: "Candidate", word: str) -> bool:
    """Whether "the <word>" ("the company", "the group") may stand for organisation ``c``: never
    a place acting as its government; "company"/"firm" never a university, ministry, party…"""
    last = norm(c.name or "").rsplit(" ", 1)[-1]
    if c.label == "GPE" or last in LOCAL_PLACE_WORDS:
        return False
    return not (word in COMPANY_DESCRIPTIONS and last in NOT_COMPANY_WORDS)


def _resolve_definite(doc, tok, words, anon, plural, anon_seen, persons, person_starts, titles_of):
    """Most recent compatible antecedent of a definite description, or None."""
    best = None
    if anon is not None:
        for a in reversed(anon_seen):
            if a.head == anon[0] and a.plural == plural:
                best = a
                break
    content = [w for w in words if w not in TITLE_MODIFIERS or w in PORTFOLIO_MODIFIERS]
    if not plural and tok.lower_ in ROLE_WORDS:
        k = bisect.bisect_left(person_starts, tok.i) - 1
        while k >= 0:
            p = persons[k]
            t = titles_of.get(p.key)
            if t and all(w in t for w in content if not looks_like_demonym(w) or w in t):
                if best is None or p.i > best.i:
                    best = p
                break
            k -= 1
    return best


# --- rows -----------------------------------------------------------------------------------


def find_mentions(doc, article_id: str) -> list[dict]:
    """Actor mentions of one parsed article, sorted by start, one per span."""
    cands = entity_candidates(doc)
    cands.extend(speaker_candidates(doc, cands))
    cands.extend(label_candidates(doc, cands))
    type_candidates(doc, cands)
    kept = drop_places(doc, cands, {c.key for c in cands if c.actor_type == COUNTRY and c.key != norm(_span_text(doc, c.i, c.j))})
    places = [c for c in cands if all(c is not k for k in kept)]
    cands = kept
    by_token: dict[int, Candidate] = {}
    for c in cands:
        for k in range(c.i, c.j):
            by_token.setdefault(k, c)
    attach_titles(doc, cands, by_token)
    reclassify_surnames(doc, cands)
    cluster_persons(doc, cands)
    cluster_orgs(doc, cands)
    taken = [False] * len(doc)
    for c in cands + places:          # a place stays a place: no later pass makes it an actor
        for k in range(c.i, c.j):
            taken[k] = True
    added = propagate_names(doc, cands, taken)
    if added:
        cands.extend(added)
        cluster_persons(doc, cands)
        for c in added:
            for k in range(c.i, c.j):
                by_token.setdefault(k, c)
    cands.extend(descriptions(doc, article_id, cands, taken, by_token))
    cands.extend(source_descriptions(doc, article_id, cands, taken, by_token))
    return to_rows(doc, cands, article_id)


def to_rows(doc, cands: list[Candidate], article_id: str) -> list[dict]:
    rows, seen = [], set()
    text = doc.text
    for c in sorted(cands, key=lambda c: (c.i, c.j)):
        if not c.actor_type or not c.key:
            continue
        start, end = _char_span(doc, c.i, c.j)
        if (start, end) in seen:
            continue
        seen.add((start, end))
        rows.append({
            "mention_id": ids.span_id("mention", article_id, start, end),
            "article_id": article_id,
            "start": start,
            "end": end,
            "text": text[start:end],
            "title": c.title,
            "actor_type": c.actor_type,
            "actor_key": c.key,
            "name": c.name or text[start:end],
            "country_code": c.country_code,
        })
    return rows


# --- pronouns -------------------------------------------------------------------------------


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
            g = _gender_of_word(w)
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


class SpanSet:
    """Sorted, non-overlapping character spans with a fast membership test."""

    def __init__(self, spans):
        self.spans = sorted(spans)
        self.starts = [a for a, _ in self.spans]

    def contains(self, pos: int) -> bool:
        k = bisect.bisect_right(self.starts, pos) - 1
        return k >= 0 and pos < self.spans[k][1]


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

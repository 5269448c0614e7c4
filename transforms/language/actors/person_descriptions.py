"""Step 5, descriptions of a person named before: takes a definite description ("the retired
neurosurgeon", "the 43-year-old") and gives the person it stands for, or None (``describe_person``)."""
from __future__ import annotations

import re

from transforms.language.nlp import doc_text

from .genders import gender_of_word
from .nouns import description_start, determiner, human_noun
from .spans import Candidate
from .spelling import norm
from .vocabulary import DESCRIPTION_FILLER, DOCUMENT_HEADS, PERSON, TITLE_ABBREVIATIONS


_PERSON_REACH = 3000          # characters back that "the 43-year-old" may look for its person
_AGE_RE = re.compile(r"(\d{1,3})-year-old$")
_APPOSITIVE_AGE_RE = re.compile(r"[ \t]*,[ \t]*(\d{1,3})[ \t]*[,.;]")       # "Lena Droz, 43, said"
_APPOSITIVE_TOKENS = 10


def _age_of_description(doc, head) -> str | None:
    """"43" for "the 43-year-old" (tokens 43 - year - old), else None."""
    start = description_start(doc, head)
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
    start = description_start(doc, head)
    words = {t.lower_ for t in doc[start:head.i + 1] if t.is_alpha and t.lower_ not in DESCRIPTION_FILLER}
    return words, gender_of_word(head.lower_)


def describe_person(doc, head, cands: list["Candidate"]) -> "Candidate | None":
    """The named person a singular definite description stands for, or None.

    "the retired neurosurgeon", "the billionaire businessman", "the former senator",
    "the 43-year-old": the most recent person before it, within ``_PERSON_REACH``, whose
    title, words before the name, appositive or age share the description's content words
    (all of them), and whose gender does not clash. Null rather than a guess: when the most
    recent such person shares the sentence with another compatible one, nobody is chosen.
    """
    if head.tag_ in ("NNS", "NNPS") or determiner(head) != "the" or head.lemma_.lower() in DOCUMENT_HEADS:
        return None
    if not (human_noun(head) or _age_of_description(doc, head)):
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

"""Verbs of saying on the parse: whether a token is a cue ("said", "pointed out", "according to") and
the nominal subjects of a verb."""
from __future__ import annotations

from .vocabulary import PHRASAL_SPEECH, SPEECH_LEMMAS


_ACCORDING = "according"


def is_speech_verb(tok) -> bool:
    return (tok.pos_ in ("VERB", "AUX") and (tok.lemma_.lower() in SPEECH_LEMMAS or phrasal_speech(tok))) \
        or is_according(tok)


def phrasal_speech(tok) -> bool:
    """A verb of saying made of a verb and a particle: "pointed out", "shot back", "chimed in"."""
    particle = PHRASAL_SPEECH.get(tok.lemma_.lower())
    return particle is not None and any(c.lower_ == particle and c.i == tok.i + 1 for c in tok.children)


def is_according(tok) -> bool:
    return tok.lower_ == _ACCORDING and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to"


def loose_speech_verb(tok) -> bool:
    """A verb of saying wherever the parse hangs it ("Ilvar says, win or lose, he is staying":
    "says" as a parataxis), but not one inside the words another speaker reports ("Droz said
    Ilvar has argued for ...")."""
    return is_speech_verb(tok) and not _reported_verb(tok)


def _reported_verb(tok) -> bool:
    """A verb inside the words another speaker reports ("Droz said Ilvar has argued for ...")."""
    return tok.dep_ in ("ccomp", "xcomp") and tok.head.i < tok.i and is_speech_verb(tok.head)


def nominal_subjects(verb) -> list:
    """Nominal subjects of a verb (the small model sometimes makes a dash one: skip punctuation)."""
    return [c for c in verb.children if c.dep_ == "nsubj" and not c.is_punct and c.pos_ != "PUNCT"
            and any(ch.isalnum() for ch in c.text)]

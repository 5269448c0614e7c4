"""Step 5, unnamed sources that speak: takes the candidates so far and gives the subjects of verbs of saying
and objects of "according to" that are common nouns for people, bodies or documents."""
from __future__ import annotations

from .nouns import description_start, descriptor_span, human_noun
from .org_descriptions import government_country
from .person_descriptions import describe_person
from .spans import Candidate, span_text
from .spelling import norm
from .vocabulary import (
    ANON, COUNTRY, CUE_LEMMAS, DOCUMENT_HEADS, GROUP, INDEFINITE_SOURCES, ORG, ORG_DESCRIPTION_HEADS,
    PARTICIPLE_PREPS, PERSON, PRONOUNS, ROLE_WORDS,
)


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
            out.append(_indefinite_source(article_id, head))
            taken[head.i] = True
            continue
        person = describe_person(doc, head, cands)
        if person is not None:         # "the retired neurosurgeon said": the person introduced before
            start = description_start(doc, head)
            out.append(Candidate(start, head.i + 1, PERSON, label="role", key=person.key, name=person.name,
                                 country_code=person.country_code, title=span_text(doc, start, head.i + 1)))
            for m in range(start, head.i + 1):
                taken[m] = True
            continue
        if head.pos_ != "NOUN":
            continue
        is_org = low in ORG_DESCRIPTION_HEADS
        if not is_org and low not in DOCUMENT_HEADS and low != "percent" and not human_noun(head):
            continue
        if low == "government" and head.tag_ == "NN":     # "the government said": the state named before
            country = government_country(doc, head, cands, by_token)
            if country is not None:
                out.append(Candidate(head.i, head.i + 1, COUNTRY, label="role", key=country.key, name=country.name,
                                     country_code=country.country_code))
                taken[head.i] = True
                continue
        out.append(_unnamed_source(doc, article_id, head, is_org, taken, by_token))
    return out


def _indefinite_source(article_id: str, head) -> Candidate:
    """An indefinite pronoun that speaks ("someone asked": anonymous; "many say": a group)."""
    plural = INDEFINITE_SOURCES[head.lower_]
    return Candidate(head.i, head.i + 1, GROUP if plural else ANON, label="anon",
                     key=f"{article_id}:{head.lower_}:{head.i}", name=head.text, head=head.lower_, plural=plural)


def _unnamed_source(doc, article_id: str, head, is_org: bool, taken: list[bool], by_token) -> Candidate:
    """A new unnamed source headed by the common noun ``head``: an organisation, a group
    (plural) or an anonymous source; a country word inside gives its country code."""
    low = head.lemma_.lower()
    start = descriptor_span(doc, head)
    while start < head.i and by_token.get(start) is not None and by_token[start].actor_type in (PERSON, ORG):
        start += 1
    if any(taken[m] and by_token.get(m) is None for m in range(start, head.i)):
        start = head.i
    descriptor = span_text(doc, start, head.i + 1)
    plural = head.tag_ in ("NNS", "NNPS")
    if low == "percent":
        plural = True          # "63 percent said": a share of those polled
    actor_type = ORG if is_org else (GROUP if plural and low not in DOCUMENT_HEADS else ANON)
    c = Candidate(start, head.i + 1, actor_type, label="anon", key=f"{article_id}:{norm(descriptor)}",
                  name=descriptor, head=low, plural=plural)
    for m in range(start, head.i):        # "the Veldonian businessman": the demonym's country
        if by_token.get(m) is not None and by_token[m].actor_type == COUNTRY and by_token[m].country_code:
            c.country_code = by_token[m].country_code
    for m in range(start, head.i + 1):
        taken[m] = True
    return c

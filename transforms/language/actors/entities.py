"""Step 1, named candidates: takes the parsed doc and gives trimmed, title-stripped NER entities, subjects of
verbs of saying the NER missed, and transcript labels that name a person."""
from __future__ import annotations

import re

from transforms.language.nlp import doc_text

from .countries import country_code, looks_like_demonym
from .furniture import CREDIT_WORDS
from .genders import name_gender
from .places import after_dateline
from .spans import Candidate, trim_span
from .spelling import norm
from .titles import is_role_token, split_leading_title
from .transcripts import transcript_labels
from .vocabulary import (
    DATE_WORDS, HEADLINE_VERBS, HONORIFICS, LABEL_STOP, LEGAL_FORMS, NER_LABELS, NOT_ORGANISATIONS, ORG_NAME_WORDS, POSS, ROLE_WORDS, SAY_LEMMAS, STOP,
    TITLE_MODIFIERS,
)


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


# A surname written with an apostrophe after a one-letter or "Mc" prefix ("O’Leary", "D'Costa"),
# which the small model tokenizes as one word and often tags as an adjective, outside any entity.
APOSTROPHE_SURNAME = re.compile(r"(?:[A-Z]|Mc|Mac)['’][A-Z][a-z]{2,}")


def _name_parts(doc):
    """The parts of each entity line (``_line_parts``) on either side of a capitalised headline verb the
    NER ran into it ("Obama Says" -> "Obama"; "Droz Slams Ilvar" -> "Droz", "Ilvar")."""
    for ent, start, end in _line_parts(doc):
        k = start
        for m in range(start, end):
            if doc[m].text[:1].isupper() and doc[m].lower_ in HEADLINE_VERBS:
                if m > k:
                    yield ent, k, m
                k = m + 1
        if k < end:
            yield ent, k, end


def entity_candidates(doc) -> list[Candidate]:
    """Trimmed, title-stripped PERSON/ORG/GPE/NORP entities, not yet typed; a person's name
    goes on over an apostrophe surname the NER left out ("Tom O’Leary"), and such a surname alone
    is a person."""
    out = []
    for ent, start, end in _name_parts(doc):
        if ent.label_ not in NER_LABELS:
            continue
        i, j = trim_span(doc, start, end)
        if i >= j:
            continue
        if ent.label_ == "PERSON" and j == ent.end and j < len(doc) and APOSTROPHE_SURNAME.fullmatch(doc[j].text):
            j += 1
        title, affiliation, label = None, None, ent.label_
        name_start = after_dateline(doc, i, j)     # "CLEVELAND - Tomas Ilvar": the name after the dateline
        if name_start > i:
            i = name_start
            label = "PERSON" if label == "ORG" and name_gender(doc[i:j].text) else label
        if j - i >= 2 and doc[i].text in CREDIT_WORDS and doc[i + 1].is_title:
            i += 1      # "AFP India has signed": a photo credit run into the name after it
            label = "GPE" if country_code(doc[i:j].text) else label
        if _demonym_with_portfolio(doc, i, j):
            j, label = i + 1, "NORP"        # "Kestrian Energy" of "Kestrian Energy Minister Juri Tscharowski"
        if label in ("PERSON", "ORG"):
            i2, title, dem = split_leading_title(doc, i, j)
            if i < i2 < j:
                i, affiliation = i2, dem
                label = "PERSON"          # "President Ilvar", "Mr. Korvel" tagged ORG
        if i >= j or _is_junk(doc, i, j) or (label == "ORG" and _common_noun_phrase(doc, i, j)):
            continue
        if label == "ORG" and norm(doc[i:j].text) in NOT_ORGANISATIONS:
            continue        # "the largest LNG contract": a thing, not an actor
        c = Candidate(i, j, "", label=label, title=title)
        if affiliation is not None:
            c.extra["affiliation_token"] = affiliation
        out.append(c)
    taken = {k for c in out for k in range(c.i, c.j)}
    out += [Candidate(t.i, t.i + 1, "", label="PERSON") for t in doc
            if t.i not in taken and not t.ent_type_ and APOSTROPHE_SURNAME.fullmatch(t.text)]
    return sorted(out, key=lambda c: c.i)


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
            while i < j - 2 and (is_role_token(doc[i]) or doc[i].lower_ in TITLE_MODIFIERS
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


def legal_name_candidates(doc, cands: list[Candidate]) -> list[Candidate]:
    """Company names ending in a legal form ("Glencore Plc", "Missouri Cobalt LLC", "Australian
    Mines Ltd"), which the small model often misses or cuts ("Missouri" as a place, "Australian"
    as a demonym), and later uses of the same name without its legal form ("Australian Mines'
    flagship project"). They replace the candidates they overlap. Returns the new candidate list."""
    found: list[tuple[int, int]] = []
    for tok in doc:
        if tok.lower_ not in LEGAL_FORMS or tok.i == 0 or not tok.text[:1].isupper():
            continue
        i = tok.i
        while i - 1 >= 0 and tok.i - (i - 1) <= 4 and (_name_word(doc[i - 1]) or _inner_honorific(doc, i - 1)):
            i -= 1
        if i < tok.i and not (tok.lower_ in ("co", "co.") and doc[tok.i - 1].text == "&"):
            found.append((i, tok.i + 1))
    bases = {tuple(t.text for t in doc[i:j - 1]) for i, j in found if j - 1 - i >= 2}
    for k in range(len(doc)):
        for base in bases:
            e = k + len(base)
            if e <= len(doc) and tuple(t.text for t in doc[k:e]) == base and not any(
                    a <= k < b for a, b in found):
                found.append((k, e))
    if not found:
        return cands
    kept = [c for c in cands if not any(c.i < j and i < c.j for i, j in found)]
    return sorted(kept + [Candidate(i, j, "", label="ORG") for i, j in found], key=lambda c: c.i)


def _inner_honorific(doc, k: int) -> bool:
    """A title's or honorific's letters inside a company name, after another word of it and
    right before the legal form ("First Gen Corp.")."""
    tok = doc[k]
    return (tok.lower_ in ROLE_WORDS or tok.lower_ in HONORIFICS) and tok.is_alpha and tok.text[:1].isupper() \
        and k > 0 and _name_word(doc[k - 1]) and doc[k + 1].lower_ in LEGAL_FORMS


def _name_word(tok) -> bool:
    """A word that can stand in a company's name before its legal form: capitalised, with a
    letter, on the same line, and not a function word, role word or honorific."""
    if not tok.text[:1].isupper() or "\n" in tok.whitespace_:
        return False
    return tok.lower_ not in STOP and tok.lower_ not in ROLE_WORDS and tok.lower_ not in HONORIFICS

"""The speaker of a cue verb (``speaker_of_verb``): its subject or that of the verb it hangs from, "said X",
the object of "according to", a name right before it; as (speaker_text, mention)."""
from __future__ import annotations

from transforms.language.actors import DOCUMENT_HEADS, PRONOUNS, participle_head, resolve_pronoun

from .context import ArticleContext
from .cues import APPOSITIVE_REACH, after_quote, appositive_end
from .verbs import is_according, nominal_subjects
from .vocabulary import FINITE_TAGS, PART_NOUNS, STATE_NOUNS


SPEAKER_TYPES = frozenset({"person", "anonymous", "organization", "group", "country"})


def speaker_of_verb(ctx: ArticleContext, verb) -> tuple[str | None, dict | None]:
    """(speaker_text, mention) for a cue verb: its subject, "said X" inversion, "according to X"."""
    doc = ctx.doc
    if is_according(verb):
        to = doc[verb.i + 1]
        objs = [c for c in to.children if c.dep_ == "pobj"]
        return np_speaker(ctx, objs[0]) if objs else _speaker_after(ctx, to)
    if verb.pos_ == "NOUN":        # a cue tagged as a noun (“...,” the two write): the words before it
        for tok in doc[after_quote(ctx, verb):verb.i]:
            m = ctx.mention_at(tok)
            if m is not None and m["actor_type"] in SPEAKER_TYPES:
                return m["text"], m
        return None, None
    subj = verb_subjects(ctx, verb)
    for s in subj:
        found = np_speaker(ctx, s)
        if found[1] is not None:
            return found
    if subj:
        return None, None
    found = _speaker_after(ctx, verb)
    return found if found[1] is not None else _speaker_before(ctx, verb)


def verb_subjects(ctx: ArticleContext, verb) -> list:
    """Subjects of a cue verb, or of the verb it hangs from ("Korvel met reporters and said ...",
    "..., adding that"); never of a verb inside a quotation (“...,” she said, suggesting “...”)."""
    subj = nominal_subjects(verb)
    if not subj and verb.dep_ == "pcomp":
        head = participle_head(verb)       # "responded by saying", "upon saying"
        if head is not verb and not ctx.in_quote[head.i]:
            subj = nominal_subjects(head) or _participle_head_subjects(ctx, head)
            if subj:
                return subj
    if not subj and verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in ("NOUN", "PROPN") \
            and verb.head.i < verb.i and not ctx.in_quote[verb.head.i]:
        noun = verb.head
        if noun.lemma_.lower() in DOCUMENT_HEADS and noun.dep_ == "dobj" and not ctx.in_quote[noun.head.i]:
            issuer = nominal_subjects(noun.head)
            if issuer:
                return issuer  # "Ilvar issued a statement saying ...": who issued it speaks
        return [noun]          # "footage of Jane Doe asking, “...”": the noun the participle modifies
    if not subj and verb.dep_ == "acl" and verb.tag_ in ("VBD", "VBN") and verb.head.i < verb.i \
            and verb.head.pos_ in ("NOUN", "PROPN", "ADJ") and verb.head.left_edge.i > 0 \
            and ctx.in_quote[verb.head.left_edge.i - 1] and not ctx.in_quote[verb.head.i]:
        return [verb.head]     # “...?” the 43-year-old asked: a subject the parse made the head
    if not subj and verb.tag_ == "VBG" and verb.dep_ in ("xcomp", "advcl", "acl") and verb.i > 0:
        before = ctx.doc[verb.i - 1]
        m = ctx.mention_at(before)
        if m is not None and m["actor_type"] == "person" and before.idx + len(before) == m["end"] \
                and not ctx.in_quote[before.i]:
            head_subj = nominal_subjects(verb.head)
            if not any(ctx.mention_at(h) is not None or h.lower_ in PRONOUNS for h in head_subj):
                return [before]    # parsed as the verb's complement: the person right before the participle
    head, steps = verb, 0
    while not subj and head.dep_ in ("conj", "xcomp", "advcl") and head.head is not head and steps < 3:
        if head.dep_ == "advcl" and head.tag_ != "VBG" and head.head.tag_ != "VBG":
            break
        head = head.head
        if ctx.in_quote[head.i]:
            break
        subj = nominal_subjects(head)
        steps += 1
    return subj


def _participle_head_subjects(ctx: ArticleContext, head) -> list:
    """Who speaks in a participle under a verb without a subject of its own: the passive subject
    ("After saying ..., she was rushed off", "Korvel was quoted in the Velda Herald as saying ...")
    or that of the verb it is joined to ("Droz appeared on television and began by saying ...")."""
    passive = [c for c in head.children if c.dep_ == "nsubjpass"]
    if passive:
        return passive
    if head.dep_ == "conj" and head.head.i < head.i and not ctx.in_quote[head.head.i]:
        return nominal_subjects(head.head)
    return []


def _speaker_after(ctx: ArticleContext, verb) -> tuple[str | None, dict | None]:
    """Inverted "said X": the first actor mention right after the verb."""
    doc = ctx.doc
    for k in range(verb.i + 1, min(verb.i + 6, len(doc))):
        tok = doc[k]
        if ctx.in_quote[k] or tok.text in (".", ";", ":") or (tok.tag_ in FINITE_TAGS and k > verb.i + 1):
            break
        m = ctx.mention_at(tok)
        if m is not None and m["actor_type"] in SPEAKER_TYPES:
            return m["text"], m
    return None, None


def _speaker_before(ctx: ArticleContext, verb) -> tuple[str | None, dict | None]:
    """A name right before a cue verb the parse left without a subject (“...,” Tulsa police Chief
    Ada Korvel said Monday; "Korvel and Droz call them ..."): only adverbs may stand between."""
    doc = ctx.doc
    k = verb.i - 1
    while k >= 0 and verb.i - k <= 3 and doc[k].tag_ in ("RB", "RBR", "MD") and not ctx.in_quote[k]:
        k -= 1
    if k > 0 and doc[k].text == ",":     # "Korvel, the minister of mines, said": back over the appositive
        c = k - 1
        while c > 0 and k - c < APPOSITIVE_REACH and not ctx.in_quote[c] and doc[c].text not in (".", ";", ":"):
            if doc[c].text == "," and appositive_end(ctx, doc[c]) == verb.i:
                k = c - 1
                break
            c -= 1
    if k < 0 or ctx.in_quote[k]:
        return None, None
    m = ctx.mention_at(doc[k])
    if m is not None and m["actor_type"] in SPEAKER_TYPES and m["end"] == doc[k].idx + len(doc[k]):
        return m["text"], m
    return None, None


def np_speaker(ctx: ArticleContext, tok) -> tuple[str | None, dict | None]:
    """The mention a subject noun phrase names, or a pronoun's antecedent."""
    low = tok.lower_
    if low in ("who", "that", "which") and tok.head.dep_ == "relcl" and tok.head.head.i < tok.i:
        return np_speaker(ctx, tok.head.head)    # "Ilvar, who said ...": the noun the clause describes
    if low in PRONOUNS:
        m = resolve_pronoun(ctx.mentions, tok.idx, low, exclude=ctx.skip, genders=ctx.genders, prefer=ctx.prefer,
                            coordinated=ctx.coordinated)
        return (tok.text, m) if m is not None else (None, None)
    if tok.lemma_.lower() in DOCUMENT_HEADS:     # "the IMF report stated": the IMF speaks through it
        found = _document_author(ctx, tok)
        if found[1] is not None:
            return found
    m = ctx.mention_at(tok)
    if m is not None and m["actor_type"] == "anonymous":
        named = _named_appositive(ctx, tok)
        if named is not None:        # "His former partner at Brask, Lena Droz, said": the name
            return named["text"], named
    if m is not None and m["actor_type"] in SPEAKER_TYPES:
        return m["text"], m
    # "Finance Minister Ada Korvel" parsed with the title as head; a name inside the subject
    for child in tok.lefts:
        if child.dep_ in ("compound", "nmod", "poss", "amod") or child.pos_ == "PROPN":
            m = ctx.mention_at(child)
            if m is not None and m["actor_type"] == "person":
                return m["text"], m
    if tok.lower_ in STATE_NOUNS:     # "the Veldonian government said": the country speaks
        for child in tok.lefts:
            m = ctx.mention_at(child)
            if m is not None and m["actor_type"] in ("country", "organization"):
                return m["text"], m
    for child in tok.rights:
        if child.dep_ == "appos":
            m = ctx.mention_at(child)
            if m is not None and m["actor_type"] in ("person", "anonymous"):
                return m["text"], m
        elif child.dep_ == "prep" and child.lower_ == "of" and tok.lower_ in PART_NOUNS:
            for obj in child.children:      # "groups of protesters", "dozens of supporters"
                if obj.dep_ == "pobj":
                    m = ctx.mention_at(obj)
                    if m is not None and m["actor_type"] in SPEAKER_TYPES:
                        return m["text"], m
    if tok.dep_ == "appos" and tok.head.i < tok.i and tok.head.pos_ in ("NOUN", "PROPN"):
        return np_speaker(ctx, tok.head)    # "Ilvar, now the chairman of ..., who said": the name it describes
    return None, None


def _named_appositive(ctx: ArticleContext, tok) -> dict | None:
    """The person named in apposition to a description ("his former partner, Lena Droz,"), or to the
    object of its preposition, where the parse hangs it ("his partner at Brask, Lena Droz,")."""
    heads = [tok] + [o for p in tok.rights if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj"]
    for head in heads:
        for child in head.rights:
            m = ctx.mention_at(child) if child.dep_ == "appos" else None
            if m is not None and m["actor_type"] == "person" and ctx.mention_at(head) is not m:
                return m
    return None


def _document_author(ctx: ArticleContext, doc_tok) -> tuple[str | None, dict | None]:
    """Who speaks through a document: the name before it ("the IMF report"), its possessor ("her
    filing", "Droz's letter") or the subject of the clause that describes it ("a speech Droz gave")."""
    for child in doc_tok.lefts:
        if child.dep_ in ("compound", "poss", "nmod"):
            if child.dep_ == "poss" and child.lower_ in PRONOUNS:
                return np_speaker(ctx, child)
            m = ctx.mention_at(child)
            if m is not None and m["actor_type"] in ("person", "organization", "country"):
                return m["text"], m
    for child in doc_tok.rights:
        if child.dep_ == "relcl" and not ctx.in_quote[child.i]:
            for s in nominal_subjects(child):
                m = ctx.mention_at(s)
                if m is not None and m["actor_type"] in ("person", "organization", "country"):
                    return m["text"], m
    return None, None

"""Step 3, known names: organisation short forms and acronyms join the longest name; later occurrences
of a known name the NER missed become candidates (``propagate_names``)."""
from __future__ import annotations

from .countries import country_code, demonym_code
from .spans import Candidate, span_text
from .spelling import norm
from .vocabulary import COUNTRY, GENERIC_ORG_WORDS, ORG, PERSON, STOP, TITLE_MODIFIERS


def distinctive(tok) -> bool:
    """A name's first word that can stand for the whole organisation ("Brenmark" Mining)."""
    low = tok.lower_
    return (tok.pos_ == "PROPN" and tok.is_title and low not in GENERIC_ORG_WORDS and low not in TITLE_MODIFIERS
            and low not in STOP and tok.ent_type_ not in ("GPE", "NORP") and not demonym_code(low)
            and not country_code(low))


def cluster_orgs(doc, cands: list[Candidate]) -> None:
    """Org short forms ("Brenmark" for "Brenmark Mining") and acronyms join the longest name."""
    orgs = [c for c in cands if c.actor_type == ORG and not c.key]
    forms = {}
    for c in orgs:
        forms.setdefault(norm(span_text(doc, c.i, c.j)), []).append(c)
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
        display = span_text(doc, forms[root][0].i, forms[root][0].j)
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
        if c.actor_type == ORG and len(toks) >= 2 and distinctive(doc[c.i]):
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

"""Quotes inside one article: who said what, with the cue and the speaker mention.

``find_quotes(doc, mentions, article_id)`` returns quote rows (shape in
``transforms.language.extract``). The steps, each a small function testable on a string:

1. ``quotation_spans(text)``: every quoted span, for every mark style (“curly”, "straight",
   ''doubled'', ``tex'', ‘single curly’, 'single straight', « guillemets », ‹ single ›, „low“),
   paired inside one paragraph; a quote whose opening mark starts each of several paragraphs
   and which closes only at the end is one chain of parts; an unclosed mark never reaches
   past its paragraph.
2. each quoted span is judged (``judge_quote``): a short (<= 3 words), not sentence-like span,
   or a title ("The Morning Hour"), is a scare quote, nickname or title unless a verb of
   saying, calling or stance ("criticized", "hailed", "promised") governs it (then it is
   "mixed" and spans the verb's argument: "criticized the act as a “crazy system”"), a cue
   follows it (“No,” she said), or it is the short second part of a quote whose cue sits
   just before it (“Here it is,” she said. “Right here.”); a quote inside a sentence's
   syntax ("said the plan was “a trap for farmers”") is "mixed". A fragment of two words or more
   (not a title) in an argument of any main verb whose subject is an actor is "mixed" over that
   argument ("exhorted farmers to “hold the line”", "likened the plan to a “trap”"); "called
   on/for" urges rather than names.
3. ``indirect_candidates``: reported speech without marks from the dependency parse (the
   ccomp of a verb of saying; "according to X"), with token fallbacks for "..., X said." and
   "X said (that) ..." when the parse has no ccomp, and "<part>, X said, <part>" (one row per part);
   what an actor vowed, promised, pledged, urged or threatened "to ..." and what it "called for".
4. merge: a reported clause that is the quoted text itself is dropped (the direct quote
   stays); a reported clause that holds a quoted fragment, or into which a quote opens,
   becomes one "mixed" row spanning the clause and the quote; but a quote that is a sentence of
   its own and ends the clause ("X said he agreed and added, “We sign today.”") stays direct and
   the clause ends before it.
5. speakers: the subject of the cue verb ("X said", "said X", "X, the minister, said"), the
   antecedent of a pronoun subject, the anonymous mention of "the official", a name after a
   dash (“...” ― Jane Doe), an unnamed source the actor pass made of the subject ("the
   announcer said", "according to the report"); a parenthesis between name and cue is
   skipped ("Ilvar (D-Veld.) said"), and so is an appositive ("Ilvar, the minister, said"); a name
   right before a cue the parse left without a subject; the subject of the clause a colon or dash
   ends ("Ilvar made this comment: “...”"), or a person's name and a colon in the headline; the
   organisation behind a document ("the IMF report stated"); "they" after coordinated people
   ("Ilvar and Droz say") is the first of them. A quote with no cue, or whose cue has no subject of its
   own (“...,” she said, adding “...”), takes the speaker of the previous part of its chain,
   of the previous quote of its paragraph (unless another actor is the subject of a main
   clause in between), or, standing alone in its paragraph, of the quote that ends the
   previous paragraph. A cue whose subject names no actor keeps the actor empty.
   Pronouns prefer the subjects of main clauses as antecedents; a relative "who" speaks for the
   noun its clause describes; "issued a statement saying" for whoever issued it. Verbs of
   speaking in a manner ("barked") and verb + particle ("pointed out") are cues; so is a verb of
   saying the small model tagged as a noun after a quote (“...,” the two write).
6. the speaker as written: ``speaker_text`` is ``text[speaker_start:speaker_end]``, the mention
   nearest the quote: a pronoun or "who" where it stands (its antecedent gives the mention and
   actor), else the actor's mention. A subject that names no actor ("those surveyed", “...,”
   asked the boy) is kept as written with no mention: a speaker without an actor, never a guessed one.

Spans: a direct row is the text inside the marks (whitespace inside « » trimmed). Interrupted
quotes (“A,” she said, “B.”) give one row per part, each with the speaker; so do the parts of
a multi-paragraph quote (each row stays inside one paragraph). A mixed row is the reported
content with its marks: the clause ("the agreement was “a fair deal”") or, after a calling
verb, the object and the quoted words ("the plan “short-sighted”"); a mixed quote the
syntax governs directly ("said “no”") keeps the inner span. A reported clause with words of
its own around a quote is one mixed row ("that her pen “has an eraser”" -> "her pen “has an
eraser”"); a quote that continues the sentence's syntax spans the cue verb's argument. An
indirect row is the reported clause without "that" and without the final punctuation.
"""
from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from transforms import ids
from transforms.language.actors import (DOCUMENT_HEADS, PRONOUNS, SpanSet, coordinated_people, participle_head, person_genders,
                               resolve_pronoun, transcript_labels)

from .vocabulary import (ADJUNCT_PREPS, ARGUMENT_PREPS, CALL_LEMMAS, CUE_FORMS, FINITE_TAGS, INDIRECT_LEMMAS, NOT_SAYING,
                         PART_NOUNS, PHRASAL_SPEECH, PROMISE_LEMMAS, RECIPIENT_DEPS, SPEECH_LEMMAS, STAND_IN_EXTRA_WORDS,
                         STANCE_LEMMAS, STATE_NOUNS)

_VERB_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD", "VB", "VBG", "VBN"})
_CLAUSE_START_POS = frozenset({"PRON", "PROPN", "NOUN", "DET", "ADJ", "NUM", "SCONJ", "ADV", "PUNCT"})
_QUOTE_CHARS = frozenset("\"“”„«»‹›‘’‚'`")
_ACCORDING = "according"
SHORT_WORDS = 3
MAX_CHAIN = 6          # paragraphs one quote may span
_AFTER_WINDOW = 8      # tokens between a closing mark and its cue verb
_BEFORE_WINDOW = 25    # tokens between a cue verb and an opening mark


# --- quotation marks ------------------------------------------------------------------------

class QuoteSpan(NamedTuple):
    start: int         # first character inside the opening mark
    end: int           # end of the text inside the marks (exclusive)
    outer_start: int   # the opening mark
    outer_end: int     # after the closing mark (the paragraph end when unclosed)
    closed: bool
    chain: int         # outer_start of the first part of a multi-paragraph quote


_MARK_RE = re.compile(r"''|``|[\"“”„«»‹›‘’‚']")
_LINE_RE = re.compile(r"[^\n]+")
_OPEN_BEFORE = frozenset(" \t([{—–-/\u00a0\"“‘«‹:;")


def _mark_role(text: str, pos: int, mark: str, ps: int, pe: int, opened: dict) -> tuple[str, str] | None:
    """(family, "open" | "close") for a mark at ``pos``, or None when it is not a quote mark."""
    prev = text[pos - 1] if pos > ps else " "
    end = pos + len(mark)
    nxt = text[end] if end < pe else " "
    if mark == "“":
        return ("dq", "close") if opened.get("dq") == "„" else ("dq", "open")
    if mark == "„":
        return "dq", "open"
    if mark == "”":
        if "dq" in opened:
            return "dq", "close"
        return ("dq", "open") if prev in _OPEN_BEFORE and not nxt.isspace() else None
    if mark in ('"', "''", "``"):
        if mark == "``":
            return "dq", "open"
        if "dq" in opened and (not prev.isspace() or pos - 2 >= ps and text[pos - 2] in "'’" and not nxt.isalnum()):
            return "dq", "close"     # also after a nested quote and a space: "... 'outreach,' " he said
        if (prev in _OPEN_BEFORE or pos == ps) and not nxt.isspace():
            return "dq", "open"
        return None
    if mark in ("«", "»", "‹", "›"):
        family = "g" if mark in "«»" else "sg"
        if family in opened:
            return family, "close"
        if mark in "«‹" or (not nxt.isspace()):
            return family, "open"
        return None
    if mark in ("‘", "‚"):
        if nxt.isdigit() or prev.isalpha():
            return None        # ‘90s, or a mis-encoded apostrophe
        return "sq", "open"
    if mark == "’":
        if "sq" in opened and not prev.isspace() and not nxt.isalpha():
            return "sq", "close"
        return None            # an apostrophe: Korvel’s, don’t
    if mark == "'":
        if "ssq" in opened and not prev.isspace() and not nxt.isalnum():
            return "ssq", "close"
        if (prev in _OPEN_BEFORE or pos == ps) and nxt.isalpha():
            return "ssq", "open"
        return None
    return None


def _scan_paragraph(text: str, ps: int, pe: int):
    """Closed pairs and the still-open marks of one paragraph."""
    opened: dict[str, str] = {}      # family -> opening mark
    open_at: dict[str, tuple[int, int]] = {}
    pairs = []
    for m in _MARK_RE.finditer(text, ps, pe):
        mark = m.group()
        role = _mark_role(text, m.start(), mark, ps, pe, opened)
        if role is None:
            continue
        family, kind = role
        if kind == "open":
            opened[family] = mark
            open_at[family] = (m.start(), m.end())
        else:
            o_start, o_end = open_at.pop(family)
            opened.pop(family, None)
            pairs.append((o_start, o_end, m.start(), m.end(), family))
    return pairs, open_at


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty line: a paragraph."""
    return [m.span() for m in _LINE_RE.finditer(text) if m.group().strip()]


def quotation_spans(text: str) -> list[QuoteSpan]:
    """Every quoted span of the text, in order; quotes nested in another are left inside it.

    Marks pair inside a paragraph. An opening mark left open at the end of a paragraph is a
    quote to the paragraph's end when it opens the paragraph, follows a colon, or when the next
    paragraph opens with a mark of the same style (a multi-paragraph quote: the parts share
    ``chain``); otherwise it is a stray mark and ignored. No part reaches past its paragraph.
    """
    paras = paragraphs(text)
    scanned = [_scan_paragraph(text, ps, pe) for ps, pe in paras]
    lead_open: list[dict[str, int]] = []    # family -> position of the mark opening the paragraph
    for (ps, pe), (pairs, open_at) in zip(paras, scanned):
        lead = ps
        while lead < pe and text[lead].isspace():
            lead += 1
        firsts = {family: o for o, _, _, _, family in pairs if o == lead}
        firsts.update({family: o for family, (o, _) in open_at.items() if o == lead})
        lead_open.append(firsts)

    def chain_of(p: int, family: str, o_start: int) -> int:
        """outer_start of the first part of the chain a paragraph-opening mark continues."""
        head, steps = o_start, 0
        while p > 0 and lead_open[p].get(family) == head and family in scanned[p - 1][1] and steps < MAX_CHAIN - 1:
            p -= 1
            head = scanned[p][1][family][0]
            steps += 1
        return head

    spans: list[QuoteSpan] = []
    for p, ((ps, pe), (pairs, open_at)) in enumerate(zip(paras, scanned)):
        for o_start, o_end, c_start, c_end, family in pairs:
            a, b = _strip(text, o_end, c_start)
            if a < b:
                spans.append(QuoteSpan(a, b, o_start, c_end, True, chain_of(p, family, o_start)))
        for family, (o_start, o_end) in open_at.items():
            opens_para = lead_open[p].get(family) == o_start
            continues = p + 1 < len(paras) and family in lead_open[p + 1]
            after_colon = text[ps:o_start].rstrip().endswith(":")
            if not (opens_para or continues or after_colon):
                continue       # a stray mark inside a paragraph: not a quote
            a, b = _strip(text, o_end, pe)
            if a < b:
                spans.append(QuoteSpan(a, b, o_start, pe, False, chain_of(p, family, o_start)))
    spans.sort()
    out: list[QuoteSpan] = []
    for s in spans:
        if out and s.outer_start >= out[-1].outer_start and s.outer_end <= out[-1].outer_end:
            continue
        out.append(s)
    return out


# --- context over one doc -------------------------------------------------------------------

class _Ctx:
    def __init__(self, doc, text: str, mentions: list[dict], spans: list[QuoteSpan]):
        self.doc = doc
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: (m["start"], m["end"]))
        self.m_starts = [m["start"] for m in self.mentions]
        self.tok_starts = [t.idx for t in doc]
        self.quote_outer = [(s.outer_start, s.outer_end) for s in spans]
        self.skip = SpanSet(self.quote_outer)
        self.genders = person_genders(self.text, self.mentions, doc, self.quote_outer)
        self.prefer = self._subject_mentions()
        self.coordinated = coordinated_people(self.text, self.mentions)
        self.paras = paragraphs(self.text)
        self.para_starts = [a for a, _ in self.paras]
        self.in_quote = [False] * len(doc)
        for s in spans:
            for k in range(self.tok_index(s.outer_start), self.tok_index(max(s.outer_start, s.outer_end - 1)) + 1):
                if s.outer_start <= doc[k].idx < s.outer_end:
                    self.in_quote[k] = True

    def _subject_mentions(self) -> set[str]:
        """Ids of mentions that are the subject of a main clause outside quotes, or of a verb of
        saying the parse hung beside it ("Ilvar says, win or lose, he stays"): the preferred
        antecedents of a pronoun."""
        out = set()
        for m in self.mentions:
            if self.skip.contains(m["start"]):
                continue
            for tok in self.tokens(m["start"], m["end"]):
                if tok.dep_ in ("nsubj", "nsubjpass") and (tok.head.dep_ in ("ROOT", "conj") or _loose_speech_verb(tok.head)):
                    out.add(m["mention_id"])
                    break
        return out

    def tok_index(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.tok_starts, char) - 1)

    def tokens(self, a: int, b: int):
        """Tokens starting inside [a, b)."""
        i = bisect.bisect_left(self.tok_starts, a)
        j = bisect.bisect_left(self.tok_starts, b)
        return self.doc[i:j]

    def para_of(self, char: int) -> int:
        return bisect.bisect_right(self.para_starts, char) - 1

    def mention_at(self, tok) -> dict | None:
        """The longest mention covering a token."""
        k = bisect.bisect_right(self.m_starts, tok.idx) - 1
        best = None
        while k >= 0 and self.m_starts[k] > tok.idx - 300:
            m = self.mentions[k]
            if m["start"] <= tok.idx < m["end"] and (best is None or m["end"] - m["start"] > best["end"] - best["start"]):
                best = m
            k -= 1
        return best

    def skip_between(self, a: int, b: int) -> bool:
        """Some quotation mark span starts inside [a, b)."""
        k = bisect.bisect_left(self.skip.starts, a)
        return k < len(self.skip.starts) and self.skip.starts[k] < b

    def mentions_between(self, a: int, b: int) -> list[dict]:
        i = bisect.bisect_left(self.m_starts, a)
        j = bisect.bisect_left(self.m_starts, b)
        return self.mentions[i:j]


# --- speakers and cues ----------------------------------------------------------------------

_SPEAKER_TYPES = frozenset({"person", "anonymous", "organization", "group", "country"})


def _loose_speech_verb(tok) -> bool:
    """A verb of saying wherever the parse hangs it ("Ilvar says, win or lose, he is staying":
    "says" as a parataxis), but not one inside the words another speaker reports ("Droz said
    Ilvar has argued for ...")."""
    return is_speech_verb(tok) and not _reported_verb(tok)


def _reported_verb(tok) -> bool:
    """A verb inside the words another speaker reports ("Droz said Ilvar has argued for ...")."""
    return tok.dep_ in ("ccomp", "xcomp") and tok.head.i < tok.i and is_speech_verb(tok.head)


def is_speech_verb(tok) -> bool:
    return (tok.pos_ in ("VERB", "AUX") and (tok.lemma_.lower() in SPEECH_LEMMAS or _phrasal_speech(tok))) \
        or _is_according(tok)


def _phrasal_speech(tok) -> bool:
    """A verb of saying made of a verb and a particle: "pointed out", "shot back", "chimed in"."""
    particle = PHRASAL_SPEECH.get(tok.lemma_.lower())
    return particle is not None and any(c.lower_ == particle and c.i == tok.i + 1 for c in tok.children)


def _is_according(tok) -> bool:
    return tok.lower_ == _ACCORDING and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to"


def speaker_of_verb(ctx: _Ctx, verb) -> tuple[str | None, dict | None]:
    """(speaker_text, mention) for a cue verb: its subject, "said X" inversion, "according to X"."""
    doc = ctx.doc
    if _is_according(verb):
        to = doc[verb.i + 1]
        objs = [c for c in to.children if c.dep_ == "pobj"]
        return _np_speaker(ctx, objs[0]) if objs else _speaker_after(ctx, to)
    if verb.pos_ == "NOUN":        # a cue tagged as a noun (“...,” the two write): the words before it
        for tok in doc[_after_quote(ctx, verb):verb.i]:
            m = ctx.mention_at(tok)
            if m is not None and m["actor_type"] in _SPEAKER_TYPES:
                return m["text"], m
        return None, None
    subj = _verb_subjects(ctx, verb)
    for s in subj:
        found = _np_speaker(ctx, s)
        if found[1] is not None:
            return found
    if subj:
        return None, None
    found = _speaker_after(ctx, verb)
    return found if found[1] is not None else _speaker_before(ctx, verb)


def _verb_subjects(ctx: _Ctx, verb) -> list:
    """Subjects of a cue verb, or of the verb it hangs from ("Korvel met reporters and said ...",
    "..., adding that"); never of a verb inside a quotation (“...,” she said, suggesting “...”)."""
    subj = _subjects(verb)
    if not subj and verb.dep_ == "pcomp":
        head = participle_head(verb)       # "responded by saying", "upon saying"
        if head is not verb and not ctx.in_quote[head.i]:
            subj = _subjects(head)
            if subj:
                return subj
    if not subj and verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in ("NOUN", "PROPN") \
            and verb.head.i < verb.i and not ctx.in_quote[verb.head.i]:
        noun = verb.head
        if noun.lemma_.lower() in DOCUMENT_HEADS and noun.dep_ == "dobj" and not ctx.in_quote[noun.head.i]:
            issuer = _subjects(noun.head)
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
            head_subj = _subjects(verb.head)
            if not any(ctx.mention_at(h) is not None or h.lower_ in PRONOUNS for h in head_subj):
                return [before]    # parsed as the verb's complement: the person right before the participle
    head, steps = verb, 0
    while not subj and head.dep_ in ("conj", "xcomp", "advcl") and head.head is not head and steps < 3:
        if head.dep_ == "advcl" and head.tag_ != "VBG" and head.head.tag_ != "VBG":
            break
        head = head.head
        if ctx.in_quote[head.i]:
            break
        subj = _subjects(head)
        steps += 1
    return subj


def _subjects(verb) -> list:
    """Nominal subjects of a verb (the small model sometimes makes a dash one: skip punctuation)."""
    return [c for c in verb.children if c.dep_ == "nsubj" and not c.is_punct and c.pos_ != "PUNCT"
            and any(ch.isalnum() for ch in c.text)]


def _speaker_after(ctx: _Ctx, verb) -> tuple[str | None, dict | None]:
    """Inverted "said X": the first actor mention right after the verb."""
    doc = ctx.doc
    for k in range(verb.i + 1, min(verb.i + 6, len(doc))):
        tok = doc[k]
        if ctx.in_quote[k] or tok.text in (".", ";", ":") or (tok.tag_ in FINITE_TAGS and k > verb.i + 1):
            break
        m = ctx.mention_at(tok)
        if m is not None and m["actor_type"] in _SPEAKER_TYPES:
            return m["text"], m
    return None, None


def _speaker_before(ctx: _Ctx, verb) -> tuple[str | None, dict | None]:
    """A name right before a cue verb the parse left without a subject (“...,” Tulsa police Chief
    Ada Korvel said Monday; "Korvel and Droz call them ..."): only adverbs may stand between."""
    doc = ctx.doc
    k = verb.i - 1
    while k >= 0 and verb.i - k <= 3 and doc[k].tag_ in ("RB", "RBR", "MD") and not ctx.in_quote[k]:
        k -= 1
    if k > 0 and doc[k].text == ",":     # "Korvel, the minister of mines, said": back over the appositive
        c = k - 1
        while c > 0 and k - c < _APPOSITIVE_REACH and not ctx.in_quote[c] and doc[c].text not in (".", ";", ":"):
            if doc[c].text == "," and _appositive_end(ctx, doc[c]) == verb.i:
                k = c - 1
                break
            c -= 1
    if k < 0 or ctx.in_quote[k]:
        return None, None
    m = ctx.mention_at(doc[k])
    if m is not None and m["actor_type"] in _SPEAKER_TYPES and m["end"] == doc[k].idx + len(doc[k]):
        return m["text"], m
    return None, None


def _np_speaker(ctx: _Ctx, tok) -> tuple[str | None, dict | None]:
    """The mention a subject noun phrase names, or a pronoun's antecedent."""
    low = tok.lower_
    if low in ("who", "that", "which") and tok.head.dep_ == "relcl" and tok.head.head.i < tok.i:
        return _np_speaker(ctx, tok.head.head)    # "Ilvar, who said ...": the noun the clause describes
    if low in PRONOUNS:
        m = resolve_pronoun(ctx.mentions, tok.idx, low, exclude=ctx.skip, genders=ctx.genders, prefer=ctx.prefer,
                            coordinated=ctx.coordinated)
        return (tok.text, m) if m is not None else (None, None)
    if tok.lemma_.lower() in DOCUMENT_HEADS:     # "the IMF report stated": the IMF speaks through it
        for child in tok.lefts:
            if child.dep_ in ("compound", "poss", "nmod"):
                m = ctx.mention_at(child)
                if m is not None and m["actor_type"] in ("person", "organization", "country"):
                    return m["text"], m
    m = ctx.mention_at(tok)
    if m is not None and m["actor_type"] in _SPEAKER_TYPES:
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
                    if m is not None and m["actor_type"] in _SPEAKER_TYPES:
                        return m["text"], m
    return None, None


def cue_text(ctx: _Ctx, verb, content_start: int | None = None) -> str:
    """The cue as written: "said", "told reporters", "according to", "pointed out"."""
    doc = ctx.doc
    if _is_according(verb):
        return ctx.text[verb.idx: doc[verb.i + 1].idx + len(doc[verb.i + 1])]
    end = verb.idx + len(verb)
    for child in verb.rights:
        if child.dep_ == "prt" and child.i == verb.i + 1:
            end = child.idx + len(child)
        elif verb.lemma_.lower() == "tell" and child.dep_ in RECIPIENT_DEPS and child.i > verb.i \
                and child.right_edge.i - verb.i <= 4:
            r = child.right_edge
            r_end = r.idx + len(r)
            if content_start is None or r_end <= content_start:
                end = max(end, r_end)
    return ctx.text[verb.idx: end]


def _cue_after(ctx: _Ctx, q: QuoteSpan):
    """A cue verb right after the closing mark: “...,” she said / “...,” said Korvel."""
    doc, text = ctx.doc, ctx.text
    inner_end = text[q.start:q.end].rstrip().rstrip("'’\"”»› ")[-1:]    # a nested quote closing with it
    k = ctx.tok_index(q.outer_end)
    if k < len(doc) and doc[k].idx < q.outer_end:
        k += 1
    if k >= len(doc):
        return None
    first = doc[k]
    clause_end = inner_end in (",", "?", "!", "—", "–", "-") or first.text in (",", "—", "–")
    if not clause_end and inner_end != ".":
        return None
    if "\n" in text[q.outer_end: first.idx]:
        return None
    depth, m, steps = 0, k, 0
    while m < len(doc) and steps < _AFTER_WINDOW:
        tok = doc[m]
        m += 1
        if ctx.in_quote[tok.i] or "\n" in tok.text:
            return None
        if tok.text == "(":
            depth += 1
            continue
        if depth:              # a parenthesis ("Ilvar (D-Md.) said") is skipped
            depth -= tok.text == ")"
            if m - k > 3 * _AFTER_WINDOW:
                return None
            continue
        if tok.text == "," and tok.i > k:
            skip = _appositive_end(ctx, tok)
            if skip is not None:   # “...,” Ada Korvel, the minister of mines, said
                m = skip
                continue
        steps += 1
        if (tok.text in (".", ";") and tok.i > k) or tok.dep_ == "cc":
            return None
        if clause_end and _noun_tagged_cue(ctx, tok, k):
            return tok
        if is_speech_verb(tok):
            if inner_end == ".":   # “... .” Korvel said.  — only a bare "X said." after a full stop
                rest = [t for t in doc[tok.i + 1: min(tok.i + 4, len(doc))] if not t.is_punct]
                if any(c.dep_ == "ccomp" for c in tok.children) or len(rest) > 2 or not clause_end and steps > 4:
                    return None
            return tok
        if tok.tag_ in FINITE_TAGS and tok.dep_ not in ("aux", "auxpass"):
            return None
    return None


_APPOSITIVE_REACH = 25
_NP_POS = frozenset({"DET", "ADJ", "NUM", "NOUN", "PROPN", "PUNCT"})


def _after_quote(ctx: _Ctx, tok) -> int:
    """The first token of ``tok``'s phrase after any quotation it starts in."""
    i = tok.left_edge.i
    while i < tok.i and (ctx.in_quote[i] or ctx.doc[i].is_punct):
        i += 1
    return i


def _noun_tagged_cue(ctx: _Ctx, tok, first: int) -> bool:
    """A verb of saying tagged as a noun, right after a closing mark and a short noun phrase, ending
    the sentence: “...,” the editorial reads. / “...,” the two write."""
    doc = ctx.doc
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    return tok.pos_ == "NOUN" and tok.lower_ in CUE_FORMS and tok.i > first \
        and (nxt is None or nxt.text in (".", "!", "?") or "\n" in nxt.text) \
        and all(t.pos_ in _NP_POS and t.text not in (",", ";", ":") for t in doc[first:tok.i])


def _appositive_end(ctx: _Ctx, comma):
    """Index of the verb of saying right after an appositive that follows a name ("Korvel, the
    minister of mines, said"), when ``comma`` opens it; else None."""
    doc = ctx.doc
    m = ctx.mention_at(doc[comma.i - 1])
    if m is None or m["actor_type"] not in ("person", "anonymous", "organization") \
            or m["end"] != doc[comma.i - 1].idx + len(doc[comma.i - 1]):
        return None
    for c in range(comma.i + 1, min(comma.i + _APPOSITIVE_REACH, len(doc) - 1)):
        t = doc[c]
        if ctx.in_quote[c] or t.text in (".", ";", ":") or "\n" in t.text:
            return None
        if t.text == "," and is_speech_verb(doc[c + 1]):
            return c + 1
    return None


def _cue_before(ctx: _Ctx, q: QuoteSpan):
    """The nearest cue verb before the opening mark in the same sentence (Korvel said: “...”)."""
    doc, text = ctx.doc, ctx.text
    k = ctx.tok_index(q.outer_start)
    open_tok = doc[k]
    sent = open_tok.sent
    colon = prev_char(text, q.outer_start) in (":", ",")
    lo = sent.start
    if colon and k > 0 and doc[k - 1].sent.start < lo:
        lo = doc[k - 1].sent.start   # a colon lead-in the parser split off
    if "\n" in text[max(0, q.outer_start - 1): q.outer_start] and not colon:
        return None
    for m in range(k - 1, max(lo, k - _BEFORE_WINDOW) - 1, -1):
        tok = doc[m]
        if ctx.in_quote[m] or ("\n" in tok.text and not colon):
            return None
        if is_speech_verb(tok):
            return tok
    return None


def _linked_verb(ctx: _Ctx, toks, q: QuoteSpan):
    """A verb of saying or calling outside the quote that governs it (called the plan “short-sighted”)."""
    for tok in toks:
        head, steps = tok, 0
        while head.head is not head and steps < 4:
            head = head.head
            steps += 1
            if q.outer_start <= head.idx < q.outer_end:
                continue
            lemma = head.lemma_.lower()
            if head.pos_ in ("VERB", "AUX") and (lemma in CALL_LEMMAS or lemma in SPEECH_LEMMAS or lemma in STANCE_LEMMAS):
                return head
            if head.pos_ in ("VERB", "AUX") and head.tag_ in FINITE_TAGS:
                break
    return None


_ARGUMENT_DEPS = frozenset({"dobj", "xcomp", "ccomp", "prep", "dative", "oprd", "attr"})


def _actor_verb_link(ctx: _Ctx, toks, q: QuoteSpan):
    """(verb, argument span) when a quoted fragment sits in the object of a main verb whose subject
    is a named or resolved actor, whatever the verb ("Korvel exhorted farmers to “hold the line”",
    "Droz likened the plan to a “trap”"); (None, None) otherwise."""
    inner = ctx.text[q.start:q.end]
    if not len(toks) or len(inner.split()) < 2 or title_like(inner):
        return None, None      # a scare-quoted word, a title ("The X-Files")
    tok, steps, via = toks[0], 0, None
    while tok.head is not tok and steps < 6:
        via, tok = tok, tok.head
        steps += 1
        if q.outer_start <= tok.idx < q.outer_end:
            continue
        if tok.pos_ == "VERB" and tok.tag_ in FINITE_TAGS:
            break
    else:
        return None, None
    if tok.pos_ != "VERB" or tok.lemma_.lower() in NOT_SAYING or via.dep_ not in _ARGUMENT_DEPS \
            or via.dep_ == "prep" and via.lower_ not in ARGUMENT_PREPS \
            or via.i < tok.i or ctx.in_quote[tok.i] or tok.dep_ not in ("ROOT", "conj"):
        return None, None
    subj = _subjects(tok)
    if len(subj) != 1:
        return None, None
    s = subj[0]
    if s.lower_ in PRONOUNS:
        if s.lower_ not in ("he", "she"):
            return None, None
    else:
        m = ctx.mention_at(s)
        if m is None or m["actor_type"] not in ("person", "anonymous", "organization", "country"):
            return None, None
    arg = _argument_span(ctx, tok, q)
    if arg is None or arg[1] - arg[0] > 300:
        return None, None
    return tok, arg


# --- direct quotes --------------------------------------------------------------------------

class _Item:
    __slots__ = ("start", "end", "kind", "verb", "cue", "speaker_text", "mention", "span", "outer", "para",
                 "has_cue", "labelled", "speaker_span")

    def __init__(self, start, end, kind, verb=None, span=None, outer=None):
        self.start, self.end, self.kind, self.verb = start, end, kind, verb
        self.span, self.outer = span, outer or (start, end)
        self.cue = self.speaker_text = self.mention = None
        self.speaker_span = None       # (start, end) of the speaker as written nearest the quote
        self.para = None
        self.has_cue = verb is not None
        self.labelled = False          # the speaker is a transcript label ("WALLACE: ...")


def sentence_like(toks, inner: str) -> bool:
    words = inner.split()
    if len(words) <= SHORT_WORDS:
        return False
    return any(t.tag_ in FINITE_TAGS for t in toks) or inner.rstrip()[-1:] in (".", "?", "!", ",")


_WORD_RE = re.compile(r"[^\W\d_][\w’'-]*")


def title_like(inner: str) -> bool:
    """Every long word capitalised and no sentence end: a title ("The Steve Harvey Morning Show")."""
    words = [w for w in _WORD_RE.findall(inner) if len(w) > 3]
    return len(words) >= 2 and all(w[0].isupper() for w in words) and inner.rstrip()[-1:] not in ("?", "!")


def judge_quote(ctx: _Ctx, q: QuoteSpan) -> _Item | None:
    """Direct or mixed quote item for a quoted span, or None for a scare quote / nickname / title.

    A sentence-like quote is kept (with the cue after or before it, if any). A shorter one is
    kept only when a verb of saying or calling governs it (mixed; for calling verbs the span
    runs from the verb's object: called the plan “short-sighted”) or a cue follows it
    (“No,” she said).
    """
    text = ctx.text
    inner = text[q.start:q.end]
    toks = ctx.tokens(q.start, q.end)
    full = sentence_like(toks, inner)
    after = _cue_after(ctx, q)
    if after is None and title_like(inner) and not _second_part(ctx, q):
        return None          # a title, unless it ends an interrupted quote (“Yes,” she said. “The Big Day.”)
    link = None if full else _linked_verb(ctx, toks, q)
    generic_arg = None
    if link is None and not full and after is None:
        link, generic_arg = _actor_verb_link(ctx, toks, q)
    if after is not None and (link is None or link.lemma_.lower() not in CALL_LEMMAS):
        verb, position = after, "after"
    elif link is not None:
        verb, position = link, "link"
    else:
        verb = _cue_before(ctx, q)
        position = "before" if verb is not None else None
    if not full and position is None:
        cont = _continued_cue(ctx, q)
        if cont is not None:
            verb, position = cont, "before"
    if not full and position == "before" and _continues_quote(ctx, q, verb):
        pass                 # “Here it is,” she said. “Right here.”: the second part of one quote
    elif not full and position in (None, "before"):
        return None          # a scare quote, nickname or title
    start, end, kind = q.start, q.end, "direct"
    if position == "link" and verb.lemma_.lower() in CALL_LEMMAS and not _urging(verb):
        kind = "mixed"
        obj = ctx.doc[verb.i + 1] if verb.i + 1 < len(ctx.doc) else None
        arg = _argument_span(ctx, verb, q)
        if arg is not None and arg[0] < q.outer_start:
            start, end = arg     # "called the plan “short-sighted” for farmers": the object and what it is called
        elif obj is not None and obj.idx < q.outer_start and q.outer_start - obj.idx < 80 \
                and "\n" not in text[obj.idx:q.outer_start] and not ctx.in_quote[obj.i]:
            start, end = obj.idx, q.outer_end
    elif position == "link":
        kind = "mixed"
        arg = generic_arg or _argument_span(ctx, verb, q)
        if arg is not None:
            start, end = arg
    elif _integrated(text, q) and (inner[:1].islower() or not full):
        kind = "mixed"
        if verb is not None and verb.idx < q.outer_start:
            arg = _argument_span(ctx, verb, q)     # "said the plan was “a trap”": the whole argument
            if arg is not None:
                start, end = arg
    return _Item(start, end, kind, verb, span=q, outer=(min(start, q.outer_start), max(end, q.outer_end)))


def _urging(verb) -> bool:
    """"called on X to ...", "called for ...": urging, not naming."""
    nxt = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    return verb.lemma_.lower() == "call" and nxt is not None and nxt.lower_ in ("on", "upon", "for")


_NOT_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "punct", "aux", "auxpass", "neg", "advmod", "npadvmod"})


def _argument_span(ctx: _Ctx, verb, q: QuoteSpan) -> tuple[int, int] | None:
    """The verb's argument that holds a quoted fragment, as (start, end) characters.

    "is stressing the need to act under “constant attack” from abroad" -> "the need ... from abroad";
    "said she wanted to speak “directly to voters”" -> "she wanted to speak “directly to voters”".
    Only an argument after the verb, inside its sentence and paragraph; None when the quote sits
    in the subject or the argument is not found.
    """
    doc = ctx.doc
    toks = ctx.tokens(q.start, q.end)
    if not len(toks):
        return None
    tok, steps = toks[0], 0
    while tok.head.i != verb.i and tok.head.i != tok.i and steps < 10:
        tok = tok.head
        steps += 1
    if tok.head.i != verb.i or tok.dep_ in _NOT_ARGUMENT_DEPS or tok.i < verb.i:
        return None
    sent = verb.sent
    first = tok.left_edge.i
    for child in verb.rights:      # the object before the argument: "criticized the act as “...”"
        if child.i < tok.i and child.dep_ in ("dobj", "dative", "iobj") and child.right_edge.i < tok.i:
            first = min(first, child.left_edge.i)
            break
    i, j = max(first, verb.i + 1, sent.start), min(tok.right_edge.i + 1, sent.end)
    i, j = _para_start_token(ctx, i, verb.i), _para_end_token(ctx, verb.i, j)
    i, j = _trim_tokens(doc, i, j)
    if i >= j:
        return None
    start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1])
    if start > q.outer_start or end - start > 600:
        return None
    if end > q.outer_end and tok.dep_ not in ("ccomp", "xcomp", "advcl") and _tail_hangs_on_quote(ctx, q, end):
        end = q.outer_end      # "blasted Korvel as a “disgrace” Wednesday on ...": the words held up end there
    return start, max(end, q.outer_end)


def _tail_hangs_on_quote(ctx: _Ctx, q: QuoteSpan, end: int) -> bool:
    """What follows the closing mark inside an argument is a dash, or an adjunct of time or place
    the parse hung on the quoted words ("Wednesday", "during ...", "on Fox News")."""
    k = bisect.bisect_left(ctx.tok_starts, q.outer_end)
    if k >= len(ctx.doc) or ctx.doc[k].idx >= end:
        return False
    first = ctx.doc[k]
    if first.text in ("—", "–", "--", "―", "(", ";"):
        return True
    if not q.start <= first.head.idx < q.end:
        return False
    if first.dep_ == "npadvmod":
        return first.ent_type_ in _ADJUNCT_ENTS         # "... “disgrace” Wednesday"
    if first.dep_ == "prep" and first.lower_ in ADJUNCT_PREPS:
        if first.lower_ == "during":
            return True
        return any(c.dep_ == "pobj" and c.ent_type_ in _ADJUNCT_ENTS for c in first.children)
    return False


_ADJUNCT_ENTS = frozenset({"DATE", "TIME", "GPE", "LOC", "FAC", "ORG", "EVENT", "WORK_OF_ART"})


def _continued_cue(ctx: _Ctx, q: QuoteSpan):
    """The cue verb between the previous quote of the paragraph and this one, if they are that close."""
    k = bisect.bisect_left(ctx.quote_outer, (q.outer_start, q.outer_end)) - 1
    if k < 0 or q.outer_start - ctx.quote_outer[k][1] > 60 or "\n" in ctx.text[ctx.quote_outer[k][1]:q.outer_start]:
        return None
    for tok in ctx.tokens(ctx.quote_outer[k][1], q.outer_start):
        if is_speech_verb(tok):
            return tok
    return None


def _second_part(ctx: _Ctx, q: QuoteSpan) -> bool:
    """The quote is the second part of an interrupted quote: a cue stands between it and the previous quote."""
    verb = _continued_cue(ctx, q)
    return verb is not None and _continues_quote(ctx, q, verb)


def _continues_quote(ctx: _Ctx, q: QuoteSpan, verb) -> bool:
    """The quote follows another quote of its paragraph with only that quote's cue in between."""
    k = bisect.bisect_left(ctx.quote_outer, (q.outer_start, q.outer_end)) - 1
    if k < 0:
        return False
    p_start, p_end = ctx.quote_outer[k]
    gap = ctx.text[p_end:q.outer_start]
    return p_end <= verb.idx < q.outer_start and len(gap) <= 60 and "\n" not in gap


def _integrated(text: str, q: QuoteSpan) -> bool:
    """The quote continues the sentence's own syntax: a word, not punctuation, precedes it."""
    prev = prev_char(text, q.outer_start)
    return bool(prev) and (prev.isalnum() or prev in ")%$")


def prev_char(text: str, pos: int) -> str:
    """The last non-space character before ``pos`` ('' at the start)."""
    k = pos - 1
    while k >= 0 and text[k].isspace():
        k -= 1
    return text[k] if k >= 0 else ""


def transcript_items(ctx: _Ctx, spans: list[QuoteSpan], directs: list[_Item]) -> list[_Item]:
    """Transcript turns: a paragraph opening with a person's label ("WALLACE: Let's start ...",
    with or without an opening mark) is a direct quote of that person, from after the colon to
    the end of its quote (or of the paragraph when no mark opens it)."""
    labels = transcript_labels(ctx.text)
    if not labels:
        return directs
    out = list(directs)
    for a, b in labels:
        m = ctx.mention_at(ctx.doc[ctx.tok_index(a)])
        if m is None or m["actor_type"] != "person" or not (m["start"] <= a < m["end"]):
            continue
        ps, pe = ctx.paras[ctx.para_of(a)]
        c = b + 1
        while c < pe and ctx.text[c].isspace():
            c += 1
        own = [d for d in out if d.span is not None and d.span.start <= a < d.span.end]
        held = [q for q in spans if q.start <= a < q.end]
        if own:
            it = own[0]
            it.start, it.kind = max(it.start, c), "direct"
        elif held:
            if held[0].start != a or held[0].end - c < 2:
                continue       # a label inside another quote
            it = _Item(c, held[0].end, "direct", span=held[0], outer=(held[0].outer_start, held[0].outer_end))
            out.append(it)
        else:
            end = _strip(ctx.text, c, pe)[1]
            while end > c and ctx.text[end - 1] in ".;":
                end -= 1
            if end - c < 2:
                continue
            it = _Item(c, end, "direct", outer=(a, pe))
            out = [d for d in out if not (ps <= d.outer[0] and d.outer[1] <= pe)]
            out.append(it)
        it.verb, it.labelled, it.has_cue, it.cue = None, True, True, ":"
        it.speaker_text, it.mention = m["text"], m
    out.sort(key=lambda it: (it.start, it.end))
    return out


# --- indirect speech ------------------------------------------------------------------------

def _trim_tokens(doc, i: int, j: int) -> tuple[int, int]:
    """Drop a leading "that"/punctuation and trailing punctuation from tokens [i, j)."""
    while i < j and (doc[i].lower_ == "that" and doc[i].dep_ == "mark" or doc[i].is_punct and doc[i].text not in _QUOTE_CHARS
                     or doc[i].is_space):
        i += 1
    while j > i and ((doc[j - 1].is_punct and doc[j - 1].text not in _QUOTE_CHARS
                      and doc[j - 1].text not in ("”", "’", "»")) or doc[j - 1].is_space):
        j -= 1
    return i, j


def _clause_item(ctx: _Ctx, i: int, j: int, verb, min_tokens: int = 3) -> _Item | None:
    doc = ctx.doc
    i, j = _trim_tokens(doc, i, j)
    if j - i < min_tokens:
        return None
    if not any(t.tag_ in _VERB_TAGS for t in doc[i:j]):
        return None
    start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1])
    return _Item(start, end, "indirect", verb)


def indirect_candidates(ctx: _Ctx) -> list[_Item]:
    """Reported speech: the ccomp of a verb of saying, "according to X", and token fallbacks."""
    doc = ctx.doc
    out: list[_Item] = []
    for tok in doc:
        if ctx.in_quote[tok.i]:
            continue
        if _is_according(tok):
            item = _according_item(ctx, tok)
            if item:
                out.append(item)
            continue
        if tok.pos_ == "VERB" and tok.lemma_.lower() in PROMISE_LEMMAS:
            item = _promise_item(ctx, tok)
            if item:
                out.append(item)
                continue
        if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in INDIRECT_LEMMAS and not _phrasal_speech(tok):
            continue
        comps = [c for c in tok.children if c.dep_ == "ccomp"]
        found = False
        for c in comps:
            i, j = c.left_edge.i, c.right_edge.i + 1
            if c.i < tok.i:
                j = min(j, tok.i)
            i, j = _para_start_token(ctx, i, tok.i), _para_end_token(ctx, tok.i, j)
            item = _clause_item(ctx, i, j, tok)
            if item:
                out.append(item)
                found = True
        if not found and not comps:
            parts = _parenthetical_cue_items(ctx, tok)
            if parts:
                out.extend(parts)
                continue
            item = _trailing_cue_item(ctx, tok) or _leading_cue_item(ctx, tok)
            if item:
                out.append(item)
    return out


def _promise_item(ctx: _Ctx, tok) -> _Item | None:
    """"X vowed to <act>": the infinitive clause, when the verb's subject is an actor or a person
    pronoun ("the river threatened to flood" is no speech); "X called for <demand>": what is called for."""
    subjects = _verb_subjects(ctx, tok)
    if not subjects or speaker_of_verb(ctx, tok)[1] is None \
            and not any(s.lower_ in ("he", "she", "they", "i", "we") for s in subjects):
        return None
    if tok.lemma_.lower() == "call":
        nxt = ctx.doc[tok.i + 1] if tok.i + 1 < len(ctx.doc) else None
        objs = [c for c in nxt.children if c.dep_ == "pobj"] if nxt is not None and nxt.lower_ == "for" else []
        if not objs or ctx.in_quote[objs[0].i]:
            return None
        i = _para_start_token(ctx, objs[0].left_edge.i, tok.i)
        j = _para_end_token(ctx, tok.i, min(objs[0].right_edge.i + 1, tok.sent.end))
        i, j = _trim_tokens(ctx.doc, i, j)
        if j - i < 2:
            return None
        return _Item(ctx.doc[i].idx, ctx.doc[j - 1].idx + len(ctx.doc[j - 1]), "indirect", tok)
    for c in tok.children:
        if c.dep_ == "xcomp" and c.i > tok.i and ctx.doc[c.left_edge.i].lower_ == "to":
            i = _para_start_token(ctx, c.left_edge.i, tok.i)
            j = _para_end_token(ctx, tok.i, min(c.right_edge.i + 1, tok.sent.end))
            return _clause_item(ctx, i, j, tok, 3)
    return None


_SET_OFF = frozenset({",", "—", "–", "--", "―"})


def _parenthetical_cue_items(ctx: _Ctx, tok) -> list[_Item]:
    """"<part>, X said, <part>." when the parse gave no ccomp: one row per part, like an
    interrupted quote ("The new port, she said, will open in May" -> "The new port", "will open
    in May"); the second part must be a clause with a finite verb, the first part counts only
    when it is a clause or the subject of the second (not an adverbial, nor what precedes a
    relative pronoun or a conjunction: "the stadium, which, X said, is full")."""
    doc = ctx.doc
    sent = tok.sent
    subj = [c for c in tok.children if c.dep_ == "nsubj" and c.i < tok.i]
    if len(subj) != 1:
        return []
    a = subj[0].left_edge.i - 1
    if a <= sent.start or doc[a].text not in _SET_OFF or tok.i - subj[0].left_edge.i > 6:
        return []
    k = tok.i + 1
    while k < sent.end and k - tok.i <= 4 and doc[k].text not in _SET_OFF and not doc[k].is_punct \
            and doc[k].tag_ not in FINITE_TAGS and not ctx.in_quote[k]:
        k += 1
    if k >= sent.end or doc[k].text not in _SET_OFF:
        return []
    lo, hi = _para_start_token(ctx, sent.start, a), _para_end_token(ctx, k, sent.end)
    rest = doc[k + 1:hi]
    if not any(t.tag_ in FINITE_TAGS for t in rest):
        return []
    second = _clause_item(ctx, k + 1, hi, tok)
    if second is None:
        return []
    i, j = _trim_tokens(doc, lo, a)
    if sum(1 for t in doc[i:j] if not t.is_punct) < 2 or doc[a - 1].tag_ in ("WDT", "WP", "CC") \
            or not (any(t.tag_ in FINITE_TAGS for t in doc[i:j]) or doc[k + 1].tag_ in FINITE_TAGS):
        return [second]      # "..., which, X said, is ...", "During the talks, X said, ...": the clause after
    first = _Item(doc[i].idx, doc[j - 1].idx + len(doc[j - 1]), "indirect", tok)
    return [first, second]


def _according_item(ctx: _Ctx, tok) -> _Item | None:
    """"According to X, <content>." / "<content>, according to X."""
    doc = ctx.doc
    sent = tok.sent
    to = doc[tok.i + 1]
    phrase_end = max(to.right_edge.i, tok.i + 1) + 1
    before = [t for t in doc[sent.start:tok.i] if not t.is_punct and not t.is_space]
    if not before:
        return _clause_item(ctx, phrase_end, sent.end, tok, 4)
    after = [t for t in doc[phrase_end:sent.end] if not t.is_punct and not t.is_space]
    if not after:
        return _clause_item(ctx, sent.start, tok.i, tok, 4)
    return _clause_item(ctx, sent.start, sent.end, tok, 4)


def _trailing_cue_item(ctx: _Ctx, tok) -> _Item | None:
    """"<content>, X said." or "<content>, said X." when the parse gave no ccomp."""
    doc = ctx.doc
    sent = tok.sent
    rest = doc[tok.i + 1: sent.end]
    if len(rest) > 8 or any(t.tag_ in FINITE_TAGS for t in rest) or any(ctx.in_quote[t.i] for t in rest):
        return None
    k = tok.i - 1
    while k > sent.start and tok.i - k <= 6 and doc[k].text != ",":
        if doc[k].tag_ in _VERB_TAGS and doc[k].dep_ not in ("aux", "auxpass") or doc[k].is_punct:
            return None
        k -= 1
    if k <= sent.start or doc[k].text != ",":
        return None
    return _clause_item(ctx, _para_start_token(ctx, sent.start, k), k, tok, 4)


def _leading_cue_item(ctx: _Ctx, tok) -> _Item | None:
    """"X said (that) <content>" when the parse gave no ccomp."""
    doc = ctx.doc
    sent = tok.sent
    if not any(c.dep_ == "nsubj" and c.i < tok.i for c in tok.children):
        return None
    lemma = tok.lemma_.lower()
    k = tok.i + 1
    if any(c.dep_ == "dobj" for c in tok.children) and lemma != "tell":
        return None
    if lemma == "tell":
        recips = [c for c in tok.rights if c.dep_ in RECIPIENT_DEPS]
        if not recips:
            return None
        k = recips[0].right_edge.i + 1
    if k < sent.end and doc[k].lower_ == "that":
        k += 1
    end = _para_end_token(ctx, k, sent.end)
    rest = doc[k:end]
    if len(rest) < 4 or not any(t.tag_ in FINITE_TAGS for t in rest) or ctx.in_quote[k] \
            or rest[0].pos_ not in _CLAUSE_START_POS or rest[0].lower_ == "to":
        return None
    return _clause_item(ctx, k, end, tok, 4)


def _para_start_token(ctx: _Ctx, lo: int, i: int) -> int:
    """The first token at or after ``lo`` in the paragraph of token ``i`` (sentences may span lines)."""
    ps = ctx.paras[ctx.para_of(ctx.doc[i].idx)][0]
    return max(lo, bisect.bisect_left(ctx.tok_starts, ps))


def _para_end_token(ctx: _Ctx, i: int, hi: int) -> int:
    pe = ctx.paras[ctx.para_of(ctx.doc[i].idx)][1]
    return min(hi, bisect.bisect_left(ctx.tok_starts, pe))


# --- merging and attribution ----------------------------------------------------------------

def merge(directs: list[_Item], indirects: list[_Item], text: str) -> list[_Item]:
    """One item per piece of content (see module docstring, step 4)."""
    absorbed: set[int] = set()
    keep: list[_Item] = []
    for ind in indirects:
        over = [d for d in directs if d.outer[0] < ind.end and ind.start < d.outer[1]]
        own = [d for d in over if ind.start <= d.outer[0] and _stands_as_sentence(text, d)
               and not any(ch.isalnum() for ch in text[d.outer[1]:ind.end])]
        if own:
            # a quote that is a sentence of its own and ends the clause ("... and added, “I will
            # sign.”") stays a direct quote; the clause keeps the words before it
            cut = _clause_end_before(text, ind.start, min(own, key=lambda d: d.outer[0]))
            if cut - ind.start < 12 or not _clause_has_words(text, ind.start, cut):
                for d in own:
                    if d.verb is None and not d.labelled:
                        d.verb, d.has_cue = ind.verb, True
                continue
            ind.end = cut
            over = [d for d in directs if d.outer[0] < ind.end and ind.start < d.outer[1]]
        if not over:
            keep.append(ind)
            continue
        length = ind.end - ind.start
        inner_cov = sum(max(0, min(ind.end, d.end) - max(ind.start, d.start)) for d in over)
        opens_inside = all(ind.start <= d.outer[0] for d in over)
        if not _words_outside(text, ind, over) or inner_cov * 2 >= length and not opens_inside:
            for d in over:                 # the clause is the quote: give the quote its cue
                if d.verb is None and not d.labelled:
                    d.verb = ind.verb
                    d.has_cue = True
            continue
        if opens_inside:
            # a quote that opens inside the clause belongs to it ("saying anybody who ... “is not ...”")
            ind.end = max(ind.end, max(d.outer[1] for d in over))
            ind.kind = "mixed"
            absorbed.update(id(d) for d in over)
            keep.append(ind)
    items = [d for d in directs if id(d) not in absorbed] + keep
    items.sort(key=lambda it: (it.start, it.end))
    out, seen = [], set()
    for it in items:
        if (it.start, it.end) in seen:
            continue
        seen.add((it.start, it.end))
        out.append(it)
    return out


_TRAILING_CC = re.compile(r"(\s+(and|but|then|before|as)\b)?$")


def _clause_end_before(text: str, start: int, quote: _Item) -> int:
    """Where a reported clause starting at ``start`` ends before a quote of its own: before the
    introducing punctuation, and before the quote's cue with its conjunction ("... and added,")."""
    cut = _end_before(text, start, quote.outer[0])
    if quote.verb is not None and start < quote.verb.idx < cut:
        cut = _end_before(text, start, quote.verb.idx)
        cut = _end_before(text, start, cut - len(_TRAILING_CC.search(text[start:cut]).group()))
    return cut


def _stands_as_sentence(text: str, d: _Item) -> bool:
    """A quote set off by punctuation that opens with a capital: a sentence of its own, not a
    fragment in the clause's syntax ("added, “I will sign.”" but not "was, she said, “a trap”")."""
    inner = text[d.start:d.end]
    return d.span is not None and not _integrated(text, d.span) and inner[:1].isupper() and len(inner.split()) > SHORT_WORDS


def _end_before(text: str, start: int, pos: int) -> int:
    """``pos`` moved back over spaces and the punctuation that introduces a quote."""
    while pos > start and (text[pos - 1].isspace() or text[pos - 1] in ",:;—–-"):
        pos -= 1
    return pos


def _clause_has_words(text: str, a: int, b: int) -> bool:
    return len(re.findall(r"\w+", text[a:b])) >= 3


def _words_outside(text: str, ind: _Item, quotes: list[_Item]) -> bool:
    """The reported clause has words of its own outside the quotation marks ("that his pen “...”")."""
    pos = ind.start
    for d in sorted(quotes, key=lambda d: d.outer[0]):
        if any(ch.isalnum() for ch in text[pos:max(pos, d.outer[0])]):
            return True
        pos = max(pos, d.outer[1])
    return any(ch.isalnum() for ch in text[pos:ind.end])


def attribute(ctx: _Ctx, items: list[_Item]) -> None:
    """Cue and speaker of every item; continuation for quotes without a cue."""
    for it in items:
        it.para = ctx.para_of(it.start)
        if it.verb is not None and not it.labelled:
            content_start = it.outer[0] if it.outer[0] > it.verb.idx else None
            it.cue = cue_text(ctx, it.verb, content_start)
            it.speaker_text, it.mention = speaker_of_verb(ctx, it.verb)
            it.speaker_span = _written_speaker_span(ctx, it)
            if it.mention is not None:      # a speaker of an earlier quote: a preferred antecedent of "he"
                ctx.prefer.add(it.mention["mention_id"])
    for it in items:
        if it.verb is None and it.span is not None and not it.labelled:
            _dash_attribution(ctx, it)
            if it.mention is None:
                _lead_in_attribution(ctx, it)
    chain_speaker: dict[int, _Item] = {}
    for it in items:
        if it.span is not None and _speaks(it):
            chain_speaker.setdefault(it.span.chain, it)
    for n, it in enumerate(items):
        if _speaks(it):
            continue
        if it.has_cue and (it.verb is None or _is_according(it.verb) or _verb_subjects(ctx, it.verb)):
            continue           # a cue with its own subject that names nobody: no guess
        source = None
        if it.span is not None and it.span.chain in chain_speaker:
            source = chain_speaker[it.span.chain]
        if source is None and n > 0:
            prev = items[n - 1]
            if _speaks(prev) and prev.para == it.para and not _other_actor_between(ctx, prev, it):
                source = prev
            elif _speaks(prev) and prev.para == it.para - 1 and _stands_alone(ctx, it) \
                    and _ends_paragraph(ctx, prev):
                source = prev
        if source is not None:
            it.speaker_text, it.mention = source.speaker_text, source.mention
            it.speaker_span = source.speaker_span
            if it.span is not None:
                chain_speaker.setdefault(it.span.chain, it)


def _speaks(it: _Item) -> bool:
    """The item has a speaker: an actor, or a speaker written without one ("a woman in the crowd")."""
    return it.mention is not None or it.speaker_span is not None


def _speaker_key(it: _Item) -> str | None:
    return it.mention["actor_key"] if it.mention is not None else None


def _written_speaker_span(ctx: _Ctx, it: _Item) -> tuple[int, int] | None:
    """Where the speaker is written nearest the quote (see ``_written_speaker``), or the mention."""
    verb = it.verb
    if verb is not None and verb.pos_ == "NOUN":
        if it.mention is not None:
            return it.mention["start"], it.mention["end"]
        first = _after_quote(ctx, verb)
        if first >= verb.i:
            return None
        last = ctx.doc[verb.i - 1]
        return ctx.doc[first].idx, last.idx + len(last)        # “...,” the two write
    written = _written_speaker(ctx, verb) if verb is not None else None
    if written is not None and (it.mention is None or _pronoun_like(written)):
        return _speaker_phrase(ctx, written)
    return None if it.mention is None else (it.mention["start"], it.mention["end"])


# Words that stand for a speaker named elsewhere, or for the writer: the mention nearest the quote.
_STAND_IN_WORDS = frozenset(PRONOUNS) | STAND_IN_EXTRA_WORDS


def _pronoun_like(tok) -> bool:
    return tok.lower_ in _STAND_IN_WORDS and tok.pos_ in ("PRON", "DET", "SCONJ")


def _written_speaker(ctx: _Ctx, verb):
    """The subject of a cue as written ("she", "who", "I", "those surveyed"), or the object of
    "according to"; None when the cue has none outside a quotation."""
    if _is_according(verb):
        candidates = [c for c in ctx.doc[verb.i + 1].children if c.dep_ == "pobj"]
    else:
        candidates = _verb_subjects(ctx, verb)
    if not candidates and verb.i > 0 and ctx.in_quote[verb.i - 1]:
        # “...?” asked the boy: an inverted subject the parse made the object
        candidates = [c for c in verb.rights if c.dep_ in ("dobj", "nsubj", "attr") and c.i - verb.i <= 4]
    for tok in candidates:
        nominal = tok.pos_ in ("NOUN", "PROPN", "NUM") \
            or tok.pos_ == "ADJ" and any(c.dep_ == "det" for c in tok.children) \
            or tok.pos_ == "PRON" and any(c.dep_ in ("acl", "relcl") for c in tok.children)   # "those surveyed"
        if not ctx.in_quote[tok.i] and (nominal or _pronoun_like(tok)):
            return tok
    return None


_SPEAKER_PHRASE_TOKENS = 8


def _speaker_phrase(ctx: _Ctx, tok) -> tuple[int, int]:
    """Characters of a subject as written: a pronoun alone, a noun with its modifiers before it
    and a short phrase after it ("those surveyed", "staff for the committee")."""
    if _pronoun_like(tok):
        return tok.idx, tok.idx + len(tok)
    i, j = tok.left_edge.i, tok.right_edge.i + 1
    if j - i > _SPEAKER_PHRASE_TOKENS or any(ctx.in_quote[k] or ctx.doc[k].text in (",", "(", "—", "–")
                                            for k in range(tok.i + 1, j)):
        j = tok.i + 1
    while i < tok.i and (ctx.in_quote[i] or ctx.doc[i].is_punct):
        i += 1
    return ctx.doc[i].idx, ctx.doc[j - 1].idx + len(ctx.doc[j - 1])


_DASH_RE = re.compile(r"[ \t\u00a0]*([―—–]|--)[ \t\u00a0]*")


def _dash_attribution(ctx: _Ctx, it: _Item) -> None:
    """“...” ― Jane Doe: a dash and a name right after the closing mark."""
    m = _DASH_RE.match(ctx.text, it.outer[1])
    if not m:
        return
    found = ctx.mentions_between(m.end(), m.end() + 1)
    if found and found[0]["actor_type"] in ("person", "anonymous", "organization", "group"):
        it.cue = m.group(1)
        it.speaker_text, it.mention = found[0]["text"], found[0]
        it.has_cue = True


_LEAD_IN_MARKS = frozenset({":", "—", "–", "―", "--"})


def _lead_in_attribution(ctx: _Ctx, it: _Item) -> None:
    """“...” after a colon or dash that ends a clause whose subject is an actor: "Ilvar made the
    following comment: “...”", "Droz treated it as a compliment -- “That makes me smart”"; or after
    a person's name and a colon in the headline or at the start of a line ("Lena Droz: ‘...’")."""
    doc = ctx.doc
    k = ctx.tok_index(it.outer[0]) - 1
    while k >= 0 and doc[k].is_space:
        k -= 1
    if k <= 0 or doc[k].text not in _LEAD_IN_MARKS or ctx.in_quote[k] \
            or doc[k].text != ":" and "\n" in ctx.text[doc[k].idx:it.outer[0]]:
        return             # a colon may end the paragraph before the quote
    before = ctx.mention_at(doc[k - 1])
    if doc[k].text == ":" and before is not None and before["actor_type"] == "person" \
            and before["end"] == doc[k - 1].idx + len(doc[k - 1]):
        ps = ctx.paras[ctx.para_of(doc[k].idx)][0]
        if ps == ctx.paras[0][0] or not ctx.text[ps:before["start"]].strip(" \t\"“'‘"):
            it.cue, it.speaker_text, it.mention, it.has_cue = ":", before["text"], before, True
            return     # a headline or a line that names the speaker: "Lena Droz: ‘We will sign’"
    root, steps = doc[k - 1], 0    # the top of the clause the mark ends, with no other clause after it
    while root.head.i < k and root.head is not root and steps < 12:
        root, steps = root.head, steps + 1
    if root.i >= k or ctx.in_quote[root.i] or root.pos_ not in ("VERB", "AUX") or root.sent.start != doc[k].sent.start \
            or any(t.tag_ in FINITE_TAGS and t.dep_ not in ("aux", "auxpass") for t in doc[root.i + 1:k]):
        return
    for s in _verb_subjects(ctx, root):
        if s.lower_ in PRONOUNS and s.lower_ not in ("he", "she"):
            continue
        text, m = _np_speaker(ctx, s)
        if m is not None and m["actor_type"] in ("person", "anonymous", "organization"):
            it.cue, it.speaker_text, it.mention, it.has_cue = doc[k].text, text, m, True
            if s.lower_ in PRONOUNS:
                it.speaker_span = s.idx, s.idx + len(s)
            return


def _other_actor_between(ctx: _Ctx, prev: _Item, it: _Item) -> bool:
    """Another actor is the subject of a clause between two quotes of a paragraph ("Droz disagreed").

    Actors named elsewhere in between ("said Korvel, speaking of Droz's plan") do not count.
    """
    a, b = prev.outer[1], it.outer[0]
    for tok in ctx.tokens(a, b):
        if tok.dep_ not in ("nsubj", "nsubjpass") or ctx.in_quote[tok.i] or tok.head.dep_ not in ("ROOT", "conj"):
            continue           # only the subjects of main clauses ("..., where Droz also spoke" is not one)
        m = ctx.mention_at(tok)
        if m is None and tok.lower_ in PRONOUNS:
            m = resolve_pronoun(ctx.mentions, tok.idx, tok.lower_, exclude=ctx.skip, genders=ctx.genders,
                                prefer=ctx.prefer, coordinated=ctx.coordinated)
            if m is None:
                continue
        if m is None:
            if tok.pos_ in ("NOUN", "PROPN"):
                return True    # someone unnamed ("The woman replied")
            continue
        if m["actor_key"] != _speaker_key(prev) and m["actor_type"] in _SPEAKER_TYPES:
            return True
    return False


def _stands_alone(ctx: _Ctx, it: _Item) -> bool:
    ps, pe = ctx.paras[it.para]
    outside = ctx.text[ps:it.outer[0]] + ctx.text[it.outer[1]:pe]
    return not any(ch.isalnum() for ch in outside)


def _ends_paragraph(ctx: _Ctx, prev: _Item) -> bool:
    """The previous quote is the last thing its paragraph says (but for its own attribution)."""
    pe = ctx.paras[prev.para][1]
    for m in ctx.mentions_between(prev.outer[1], pe):
        if m["actor_key"] != _speaker_key(prev) and m["actor_type"] in ("person", "anonymous", "organization"):
            return False
    tail = ctx.text[prev.outer[1]:pe]
    return tail.count(".") <= 1 and len(tail) < 120


def find_quotes(doc, mentions: list[dict], article_id: str) -> list[dict]:
    """Direct, indirect and mixed quotes of one parsed article, sorted by start."""
    text = doc.text
    spans = quotation_spans(text)
    ctx = _Ctx(doc, text, mentions, spans)
    directs = [it for it in (judge_quote(ctx, q) for q in spans) if it is not None]
    directs = transcript_items(ctx, spans, directs)
    items = merge(directs, indirect_candidates(ctx), text)
    for it in items:
        if it.kind == "indirect" and ctx.skip_between(it.start, it.end):
            it.kind = "mixed"       # the reported clause holds quoted words
    attribute(ctx, items)
    rows = []
    for it in items:
        m = it.mention
        span = it.speaker_span or (None if m is None else (m["start"], m["end"]))
        rows.append({
            "quote_id": ids.span_id("quote", article_id, it.start, it.end),
            "article_id": article_id,
            "start": it.start,
            "end": it.end,
            "text": text[it.start:it.end],
            "kind": it.kind,
            "cue": it.cue,
            "speaker_text": text[span[0]:span[1]] if span else None,
            "speaker_mention_id": m["mention_id"] if m is not None else None,
            "speaker_start": span[0] if span else None,
            "speaker_end": span[1] if span else None,
        })
    return rows

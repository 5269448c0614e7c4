"""Quotation marks: an article's text in, every quoted span out (``quotation_spans``: paired inside a
paragraph, chained across paragraphs); with the paragraph and character helpers the later steps use."""
from __future__ import annotations

import re
from typing import NamedTuple

from transforms.language.nlp import WRAPPED_LINE_CHARS


MAX_CHAIN = 12         # paragraphs one quote may span (a statement quoted paragraph by paragraph)


class QuoteSpan(NamedTuple):
    start: int         # first character inside the opening mark
    end: int           # end of the text inside the marks (exclusive)
    outer_start: int   # the opening mark
    outer_end: int     # after the closing mark (the paragraph end when unclosed)
    closed: bool
    chain: int         # outer_start of the first part of a multi-paragraph quote


_MARK_RE = re.compile(r"''|’’|``|[\"“”„«»‹›‘’‚']")
_LINE_RE = re.compile(r"[^\n]+")
# In a wrapped text, a line shorter than this share of the longest ends its paragraph.
SHORT_LINE = 0.7
_OPEN_BEFORE = frozenset(" \t\n([{—–-/\u00a0\"“‘«‹:;")


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
    if mark == "’’":
        return ("dq", "close") if "dq" in opened else None   # two apostrophes typed for ”: “... loan,’’ he said
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


def strip_spaces(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every paragraph: a non-empty line; in a text wrapped at a fixed width (no
    line longer than ``WRAPPED_LINE_CHARS``), the lines up to one that stops short of the width."""
    lines = [m.span() for m in _LINE_RE.finditer(text) if m.group().strip()]
    width = max((e - s for s, e in lines), default=0)
    if width > WRAPPED_LINE_CHARS:
        return lines
    paras: list[tuple[int, int]] = []
    joined = False
    for s, e in lines:
        if joined and text[paras[-1][1]:s].count("\n") == 1:
            paras[-1] = (paras[-1][0], e)
        else:
            paras.append((s, e))
        joined = e - s >= SHORT_LINE * width   # a full line goes on in the next one
    return paras


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
            a, b = strip_spaces(text, o_end, c_start)
            if a < b:
                spans.append(QuoteSpan(a, b, o_start, c_end, True, chain_of(p, family, o_start)))
        for family, (o_start, o_end) in open_at.items():
            opens_para = lead_open[p].get(family) == o_start
            continues = p + 1 < len(paras) and family in lead_open[p + 1]
            after_colon = text[ps:o_start].rstrip().endswith(":")
            if not (opens_para or continues or after_colon):
                continue       # a stray mark inside a paragraph: not a quote
            a, b = strip_spaces(text, o_end, pe)
            if a < b:
                spans.append(QuoteSpan(a, b, o_start, pe, False, chain_of(p, family, o_start)))
    spans.sort()
    out: list[QuoteSpan] = []
    for s in spans:
        if out and s.outer_start >= out[-1].outer_start and s.outer_end <= out[-1].outer_end:
            continue
        out.append(s)
    return out


def is_integrated(text: str, q: QuoteSpan) -> bool:
    """The quote continues the sentence's own syntax: a word, not punctuation, precedes it."""
    prev = prev_char(text, q.outer_start)
    return bool(prev) and (prev.isalnum() or prev in ")%$")


def prev_char(text: str, pos: int) -> str:
    """The last non-space character before ``pos`` ('' at the start)."""
    k = pos - 1
    while k >= 0 and text[k].isspace():
        k -= 1
    return text[k] if k >= 0 else ""

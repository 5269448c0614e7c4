"""Page furniture: the character ranges of an article that are not the report itself (exchange
tags such as "(NASDAQ: ABC)", image captions and credits, bylines and editor lines, comment and
newsletter prompts, share bars, and every line after a related-stories heading). No actor is
taken from them; the text and its offsets stay as they are. Patterns in ``data/furniture.json``."""
from __future__ import annotations

import re

from .vocabulary import load_data

_DATA = load_data("furniture")
INLINE = [re.compile(p, re.I) for p in _DATA["inline"]]
LINES = [re.compile(p, re.I) for p in _DATA["lines"]]
LIST_HEADINGS = [re.compile(p, re.I) for p in _DATA["list_headings"]]
# Agencies whose photo credit the small model runs into the next name ("AFP India has signed").
CREDIT_WORDS = frozenset(_DATA["credit_words"])


def _line_is(patterns, line: str) -> bool:
    return any(p.match(line) for p in patterns)


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the furniture of ``text``, in order: inline tags and credits, whole lines
    of furniture, and the lines after a related-stories heading to the end of the text."""
    spans = [(m.start(), m.end()) for p in INLINE for m in p.finditer(text)]
    start, listing = 0, False
    for line in text.split("\n"):
        end = start + len(line)
        stripped = line.strip()
        offset = start + len(line) - len(line.lstrip())
        if stripped and _line_is(LIST_HEADINGS, stripped):
            listing = True
        if stripped and (listing or _line_is(LINES, stripped)):
            spans.append((offset, offset + len(stripped)))
        start = end + 1
    return sorted(spans)


def in_furniture(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Does [start, end) lie inside one furniture range?"""
    return any(s <= start and end <= e for s, e in spans)

"""Transcript speaker labels: takes an article's text and gives the (start, end) of each "WALLACE:" that
opens a paragraph."""
from __future__ import annotations

import re


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

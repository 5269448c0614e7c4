"""Mention rows: takes the final candidates and gives one row per span (shape in ``transforms.language.extract``)."""
from __future__ import annotations

from transforms import ids

from .spans import Candidate, char_span


def to_rows(doc, cands: list[Candidate], article_id: str) -> list[dict]:
    rows, seen = [], set()
    text = doc.text
    for c in sorted(cands, key=lambda c: (c.i, c.j)):
        if not c.actor_type or not c.key:
            continue
        start, end = char_span(doc, c.i, c.j)
        if (start, end) in seen:
            continue
        seen.add((start, end))
        rows.append({
            "mention_id": ids.span_id("mention", article_id, start, end),
            "article_id": article_id,
            "start": start,
            "end": end,
            "text": text[start:end],
            "title": c.title,
            "actor_type": c.actor_type,
            "actor_key": c.key,
            "name": c.name or text[start:end],
            "country_code": c.country_code,
        })
    return rows

"""Quote rows from the attributed items: where each quote is (id, article, span, text), its kind and cue,
and the speaker as written with the mention it resolves to."""
from __future__ import annotations

from transforms import ids

from .context import QuoteItem


def quote_rows(items: list[QuoteItem], text: str, article_id: str) -> list[dict]:
    """One row a quote item, in the order of the items (shape in ``transforms.language.extract``)."""
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

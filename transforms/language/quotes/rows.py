"""Quote rows from the attributed items: where each quote is (id, article, span, text), its kind and cue,
and the speaker as written with the mention it resolves to."""
from __future__ import annotations

from transforms import ids
from transforms.language.actors import PRONOUNS

from .context import QuoteItem
from .vocabulary import STAND_IN_EXTRA_WORDS

# Words that stand for a speaker named elsewhere ("she", "who", "I"): no name of their own.
_STAND_IN_WORDS = frozenset(PRONOUNS) | STAND_IN_EXTRA_WORDS
_RELATIVE_WORDS = frozenset({"who", "that", "which"})


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


def speaker_name(row: dict, actor_name: str | None) -> str | None:
    """The name a quote's speaker goes by: its actor's name, else the speaker as written when it
    describes someone rather than standing in for them ("the medical journal", "a Veldonian
    database", "an engineer" of "an engineer who"); None for a pronoun or relative word whose antecedent the article does not name."""
    if actor_name:
        return actor_name
    written = (row.get("speaker_text") or "").strip()
    if not written or written.lower() in _STAND_IN_WORDS:
        return None
    head, _, last = written.rpartition(" ")
    if head and last.lower() in _RELATIVE_WORDS:
        return head.rstrip(" ,")        # "an engineer who" -> "an engineer"; "the Coalition, which" -> "the Coalition"
    return written

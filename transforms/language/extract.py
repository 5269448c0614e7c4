"""Extraction inside one article: parsed text in, per-article rows out.

The per-article rows (an "extraction") are what the store keeps under
``extractions/<EXTRACTOR_VERSION>/``; ``transforms.release.resolve`` turns the extractions of
many articles into the release tables. Their columns, in order, are
``transforms.schema.EXTRACTION_ROWS`` (all offsets index ``article.text``).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from transforms.language import actors, deals, quotes
from transforms.language.nlp import MAX_ARTICLE_CHARS

# Bump when any rule changes what an extraction holds: stored extractions of other
# versions are then recomputed.
EXTRACTOR_VERSION = "0.6.0"


def extract_doc(doc, article: dict) -> dict[str, list[dict]]:
    """All per-article rows for one parsed article."""
    article_id = article["article_id"]
    mentions = actors.find_mentions(doc, article_id)
    found_quotes = quotes.find_quotes(doc, mentions, article_id)
    found_deals = deals.find_deals(doc, mentions, article_id, article.get("published_at"))
    extraction = {
        "mentions": mentions,
        "quotes": found_quotes,
        "deal_mentions": found_deals["deal_mentions"],
        "deal_attributes": found_deals["deal_attributes"],
        "deal_events": found_deals["deal_events"],
    }
    for rows in extraction.values():
        for row in rows:
            row["extractor_version"] = EXTRACTOR_VERSION
    return extraction


NOTE_CHARS = 300  # an error's message is cut to this in extraction_note


@dataclass(frozen=True)
class Outcome:
    """What extracting one article gave: its rows (``status`` "extracted"), or why there are none
    (``status`` "skipped_too_long" or "failed", ``note`` says why)."""

    status: str
    extraction: dict | None = None
    note: str | None = None


def too_long(text: str, max_chars: int = MAX_ARTICLE_CHARS) -> str | None:
    """The note of a text over ``max_chars`` characters, else None."""
    if len(text) <= max_chars:
        return None
    return f"text is {len(text):,} characters, over the limit of {max_chars:,} (max_article_chars)"


def error_note(exc: BaseException) -> str:
    """An exception as one line: its class and message, cut to NOTE_CHARS."""
    message = " ".join(str(exc).split())
    note = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return note if len(note) <= NOTE_CHARS else note[: NOTE_CHARS - 1] + "…"


def _docs(nlp, articles: list[dict], batch_size: int) -> Iterator[tuple[dict, object]]:
    """(article, doc or the exception its parse raised), in order. ``nlp.pipe`` parses in batches;
    when it raises, the articles it had not given yet are parsed one at a time, so that one bad
    text costs only its own article."""
    done = 0
    try:
        for doc in nlp.pipe((a["text"] for a in articles), batch_size=batch_size):
            yield articles[done], doc
            done += 1
        return
    except Exception:  # noqa: BLE001 - which article raised is found below
        pass
    for article in articles[done:]:
        try:
            doc = nlp(article["text"])
        except Exception as exc:  # noqa: BLE001 - recorded as the article's failure
            doc = exc
        yield article, doc


def extract_articles(nlp, articles: Iterable[dict], batch_size: int = 16,
                     max_chars: int = MAX_ARTICLE_CHARS) -> Iterator[tuple[dict, Outcome]]:
    """(article, Outcome) for each article, parsing with ``nlp.pipe`` in batches. A text over
    ``max_chars`` is not parsed; an exception while parsing or extracting one article is that
    article's ``failed`` outcome, and the others go on."""
    articles = list(articles)
    skipped = {a["article_id"]: note for a in articles if (note := too_long(a["text"], max_chars))}
    for article in articles:
        if article["article_id"] in skipped:
            yield article, Outcome("skipped_too_long", note=skipped[article["article_id"]])
    todo = [a for a in articles if a["article_id"] not in skipped]
    for article, doc in _docs(nlp, todo, batch_size):
        if isinstance(doc, Exception):
            yield article, Outcome("failed", note=error_note(doc))
            continue
        try:
            extraction = extract_doc(doc, article)
        except Exception as exc:  # noqa: BLE001 - recorded as the article's failure
            yield article, Outcome("failed", note=error_note(exc))
            continue
        yield article, Outcome("extracted", extraction)

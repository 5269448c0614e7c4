"""Extraction inside one article: parsed text in, per-article rows out.

The per-article rows (an "extraction") are what the store keeps under
``extractions/<EXTRACTOR_VERSION>/``; ``transforms.release.resolve`` turns the extractions of
many articles into the release tables. Their columns, in order, are
``transforms.schema.EXTRACTION_ROWS`` (all offsets index ``article.text``).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from transforms.language import actors, deals, quotes

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


def extract_articles(nlp, articles: Iterable[dict], batch_size: int = 16) -> Iterator[tuple[dict, dict]]:
    """(article, extraction) for each article, parsing with ``nlp.pipe`` in batches."""
    articles = list(articles)
    docs = nlp.pipe((a["text"] for a in articles), batch_size=batch_size)
    for article, doc in zip(articles, docs):
        yield article, extract_doc(doc, article)

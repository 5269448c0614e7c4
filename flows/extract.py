"""Extract: batches of stored articles → per-article extractions in the store.

An article whose text hash already has an extraction of the current extractor version
is not extracted again. One spaCy model per worker process, loaded once.
"""
from __future__ import annotations

import time

from prefect import flow, get_run_logger, task

from flows.store import Store
from transforms.extract import EXTRACTOR_VERSION, extract_articles
from transforms.nlp import DEFAULT_MODEL, load_model


def batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


@task(name="extract-batch")
def extract_batch(store_root: str, article_ids: list[str], model: str = DEFAULT_MODEL) -> dict:
    # Load inputs
    store = Store(store_root)
    articles = [a for a in store.iter_articles(article_ids) if a.get("extraction_status") == "pending"]
    todo = [a for a in articles if not store.has_extraction(EXTRACTOR_VERSION, a["article_id"], a["text_sha256"])]
    # Process
    started = time.perf_counter()
    results = list(extract_articles(load_model(model), todo)) if todo else []
    # Save outputs
    for article, extraction in results:
        store.put_extraction(EXTRACTOR_VERSION, article["article_id"], article["text_sha256"], extraction)
    return {
        "extracted": len(results),
        "cached": len(articles) - len(todo),
        "words": sum(a["word_count"] for a in todo),
        "seconds": time.perf_counter() - started,
    }


@flow(name="extract")
def extract(store: str, article_ids: list[str] | None = None, model: str = DEFAULT_MODEL, batch_size: int = 64) -> dict:
    """Extract every pending article of the store (or the given ones) in batches."""
    logger = get_run_logger()
    ids = sorted(Store(store).article_ids() if article_ids is None else set(article_ids))
    chunks = batches(ids, batch_size)
    totals = {"extracted": 0, "cached": 0, "words": 0, "seconds": 0.0}
    for n, chunk in enumerate(chunks, 1):
        result = extract_batch(store, chunk, model)
        for key in totals:
            totals[key] += result[key]
        logger.info(
            "extract: batch %d/%d, %d articles (%d extracted, %d already done) in %.1f s",
            n, len(chunks), len(chunk), result["extracted"], result["cached"], result["seconds"],
        )
    return totals

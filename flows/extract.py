"""Extract: batches of stored articles → per-article extractions in the store.

An article whose text hash already has an extraction of the current extractor version
is not extracted again: the flow lists the extractions once and hands out only the
articles still to do, so a re-run with nothing new starts no task runner and no model.
The batches run in this process (``workers=1``), in N local processes (``workers=N``) or
on Dask (``dask_workers=N`` for a local cluster, ``dask_address`` for an existing one); see
``flows/runners.py``. One spaCy model per worker process, loaded once.
"""
from __future__ import annotations

import gc
import math
import os
import time

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.config import EXTRACTION_ATTEMPTS, RunConfig, batches
from flows.runners import shared_api, single_threaded_children, task_runner
from flows.store import Store
from transforms.language.extract import EXTRACTOR_VERSION, extract_articles
from transforms.ingest.reads import utc_now
from transforms.language.nlp import DEFAULT_MODEL, MAX_ARTICLE_CHARS, load_model

TOTALS = ("extracted", "cached", "words", "seconds")


def batch_size_for(n: int, batch_size: int, slots: int) -> int:
    """Articles per batch: at most ``batch_size``, and small enough that ``slots`` parallel
    workers get about four batches each (so that one slow batch does not idle the others)."""
    if slots <= 1 or n == 0:
        return max(1, batch_size)
    return max(1, min(batch_size, math.ceil(n / (slots * 4))))


@task(name="plan-extraction", cache_policy=NO_CACHE)
def plan_extraction(store_root: str, article_ids: list[str] | None = None,
                    max_chars: int = MAX_ARTICLE_CHARS, attempts: int = EXTRACTION_ATTEMPTS) -> dict:
    """The pending articles without an extraction of the current version ("todo", sorted), how many
    already have one ("cached"), and those left with their problem ("left": too long for
    ``max_chars``, or failed in ``attempts`` runs already)."""
    store = Store(store_root)
    done = store.extraction_keys(EXTRACTOR_VERSION)
    problems = store.extraction_problems(EXTRACTOR_VERSION)
    todo, cached, left = [], 0, []
    for article in store.iter_articles(sorted(store.article_ids() if article_ids is None else set(article_ids))):
        if article.get("extraction_status") != "pending":
            continue
        key = (article["article_id"], article["text_sha256"][:16])
        if key in done:
            cached += 1
        elif still_left(problems.get(key), len(article["text"]), max_chars, attempts):
            left.append({"article_id": article["article_id"], "url": article["url"], **problems[key]})
        else:
            todo.append(article["article_id"])
    return {"todo": todo, "cached": cached, "left": left}


def still_left(problem: dict | None, length: int, max_chars: int, attempts: int) -> bool:
    """Whether an article's recorded problem stands: still too long, or failed too often to try again."""
    if problem is None:
        return False
    if problem["status"] == "skipped_too_long":
        return length > max_chars
    return problem["attempts"] >= attempts


def record_outcome(store: Store, article: dict, outcome) -> dict | None:
    """Store what extracting one article gave: its rows (clearing an earlier problem), or its problem
    with the runs it was tried in. Returns the problem record, if any."""
    key = (EXTRACTOR_VERSION, article["article_id"], article["text_sha256"])
    if outcome.status == "extracted":
        store.put_extraction(*key, outcome.extraction)
        store.clear_extraction_problem(*key)
        return None
    earlier = store.get_extraction_problem(*key) or {}
    tries = earlier.get("attempts", 0) + 1 if outcome.status == "failed" else 0
    record = {"status": outcome.status, "note": outcome.note, "attempts": tries, "last_tried": utc_now()}
    store.put_extraction_problem(*key, record)
    return {"article_id": article["article_id"], "url": article["url"], **record}


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch(store_root: str, article_ids: list[str], model: str = DEFAULT_MODEL,
                  max_chars: int = MAX_ARTICLE_CHARS) -> dict:
    task_started = time.perf_counter()
    # Load inputs
    store = Store(store_root)
    articles = [a for a in store.iter_articles(article_ids) if a.get("extraction_status") == "pending"]
    todo = [a for a in articles if not store.has_extraction(EXTRACTOR_VERSION, a["article_id"], a["text_sha256"])]
    started = time.perf_counter()
    parse = [a for a in todo if len(a["text"]) <= max_chars]
    nlp = load_model(model) if parse else None  # cached: loaded by the first batch of each process
    loaded, cpu_started = time.perf_counter(), time.process_time()
    # Process + save outputs, one article at a time: no batch's rows are held longer than needed.
    # An article that cannot be extracted is recorded with its reason; the others go on.
    extracted, problems = 0, []
    for article, outcome in (extract_articles(nlp, todo, max_chars=max_chars) if todo else ()):
        if (problem := record_outcome(store, article, outcome)) is None:
            extracted += 1
        else:
            problems.append(problem)
    seconds, cpu_seconds = time.perf_counter() - loaded, time.process_time() - cpu_started
    return {
        "extracted": extracted,
        "cached": len(articles) - len(todo),
        "words": sum(a["word_count"] for a in parse),
        "problems": problems,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,  # beside "seconds": how much of the time this process had a CPU
        "model_seconds": loaded - started,
        "pid": os.getpid(),
        "task_seconds": time.perf_counter() - task_started,
        "extractor_version": EXTRACTOR_VERSION,
    }


@flow(name="extract-batches")
def extract_batches(store: str, chunks: list[list[str]], model: str = DEFAULT_MODEL,
                    max_chars: int = MAX_ARTICLE_CHARS) -> list[dict]:
    """Every batch submitted at once to the flow's task runner (processes or Dask)."""
    futures = [extract_batch.submit(store, chunk, model, max_chars) for chunk in chunks]
    return [future.result() for future in futures]


@flow(name="extract")
def extract(config: RunConfig | None = None, article_ids: list[str] | None = None) -> dict:
    """Extract every pending article of ``config.store`` (or the given ones) in batches.

    ``config.workers`` > 1 runs the batches in that many local processes; ``config.dask_workers``
    > 0 on a local Dask cluster of that many processes; ``config.dask_address`` on an existing
    Dask cluster. An article over ``config.max_article_chars`` is not parsed, and one whose
    extraction raises is recorded as failed and tried again on the next runs (up to
    ``config.extraction_attempts``): ``result["problems"]`` lists every article not extracted, with
    its status and note.
    """
    logger = get_run_logger()
    config = config or RunConfig()
    store = config.store
    plan = plan_extraction(store, None if article_ids is None else list(article_ids),
                           config.max_article_chars, config.extraction_attempts)
    todo = plan["todo"]
    runner = task_runner(config.workers, config.dask_address, config.dask_workers)
    chunks = batches(todo, batch_size_for(len(todo), config.batch_size, config.extraction_slots()))
    totals = {key: 0 for key in TOTALS} | {"seconds": 0.0, "cpu_seconds": 0.0, "task_seconds": 0.0,
                                            "model_seconds": 0.0, "batches": len(chunks), "processes": 0,
                                            "problems": list(plan["left"])}
    totals["cached"] = plan["cached"]
    if not chunks:
        logger.info("extract: nothing to do (%d articles already extracted, %d left not extracted)",
                    plan["cached"], len(plan["left"]))
        return totals
    logger.info("extract: %d articles in %d batches (%d already extracted)", len(todo), len(chunks), plan["cached"])
    results = run_batches(config, runner, chunks)
    stale = sorted({r["extractor_version"] for r in results} - {EXTRACTOR_VERSION})
    if stale:  # a worker runs other code than this flow: its extractions are not the ones released
        raise RuntimeError(f"extraction workers run extractor version {', '.join(stale)}, this flow "
                           f"{EXTRACTOR_VERSION}: install the same dealwire on every worker")
    add_results(totals, results)
    for problem in totals["problems"]:
        logger.warning("extract: %s not extracted (%s): %s", problem["url"], problem["status"], problem["note"])
    logger.info("extract: %d articles extracted, %d already done, %d not extracted",
                totals["extracted"], totals["cached"], len(totals["problems"]))
    return totals


def run_batches(config: RunConfig, runner, chunks: list[list[str]]) -> list[dict]:
    """The batches' results: in this process one after the other, else on the task runner."""
    logger = get_run_logger()
    store, model, max_chars = config.store, config.model, config.max_article_chars
    if runner is not None:
        with shared_api(), single_threaded_children():
            return extract_batches.with_options(task_runner=runner)(store, chunks, model, max_chars)
    results = []
    for n, chunk in enumerate(chunks, 1):
        results.append(extract_batch(store, chunk, model, max_chars))
        logger.info("extract: batch %d/%d, %d articles in %.1f s", n, len(chunks), len(chunk), results[-1]["seconds"])
    # The model was loaded in this process, which goes on to the release: let it go (a few
    # hundred MiB that the release never needs; the next extraction loads it again in ~1 s).
    load_model.cache_clear()
    gc.collect()
    return results


def add_results(totals: dict, results: list[dict]) -> None:
    """The batches' figures added into the run's totals."""
    for result in results:
        for key in TOTALS:
            if key != "cached":
                totals[key] += result.get(key, 0.0)
        totals["cached"] += result["cached"]
        for key in ("cpu_seconds", "task_seconds", "model_seconds"):
            totals[key] += result.get(key, 0.0)
        totals["problems"] += result.get("problems", [])
    totals["processes"] = len({r["pid"] for r in results})

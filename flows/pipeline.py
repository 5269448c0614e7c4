"""The whole pipeline, as one Prefect flow: ingest → extract → validate → publish.

    python flows/pipeline.py --source samples/articles      (same options as `dealwire run`)
"""
from __future__ import annotations

import time

from prefect import flow

from flows.artifacts import record_run_artifacts
from flows.extract import extract
from flows.ingest import ingest
from flows.publish import release_store
from transforms.language.nlp import DEFAULT_MODEL

DEFAULT_STORE = "output/store"
DEFAULT_RELEASES = "output/releases"


@flow(name="dealwire-pipeline")
def pipeline(
    sources: list[str] | None = None,
    urls: list[str] | None = None,
    feeds: list[str] | None = None,
    store: str = DEFAULT_STORE,
    releases: str = DEFAULT_RELEASES,
    model: str = DEFAULT_MODEL,
    batch_size: int = 64,
    version: str | None = None,
    publish: bool = True,
    user_agent: str | None = None,
    max_retries: int = 3,
    host_delay: float = 1.0,
    allow_private: bool = False,
    redistributable: bool = False,
    workers: int = 1,
    dask_address: str | None = None,
    dask_workers: int = 0,
) -> dict:
    """Read the sources into the store, extract what is new, and publish a validated release.

    ``releases`` is a folder or any fsspec URL (``s3://bucket/prefix``). ``redistributable`` marks
    the articles of URLs and feeds as republishable (folders say it in their source.json).
    Extraction runs in this process, in ``workers`` local processes, on a local Dask cluster of
    ``dask_workers`` processes, or on the Dask cluster at ``dask_address`` (flows/runners.py).
    ``result["seconds"]`` holds the wall time of each step.
    """
    seconds = {}
    started = time.perf_counter()
    ingested = ingest(store=store, sources=list(sources or []), urls=list(urls or []), feeds=list(feeds or []),
                      batch_size=batch_size, user_agent=user_agent, max_retries=max_retries,
                      host_delay=host_delay, redistributable=redistributable,
                      allow_private=allow_private)
    seconds["ingest"] = time.perf_counter() - started
    started = time.perf_counter()
    extracted = extract(store=store, model=model, batch_size=batch_size, workers=workers,
                        dask_address=dask_address, dask_workers=dask_workers)
    seconds["extract"] = time.perf_counter() - started
    result = {"ingest": ingested, "extract": extracted, "seconds": seconds}
    if publish:
        started = time.perf_counter()
        result.update(release_store(store, releases, version, model))
        seconds["release"] = time.perf_counter() - started
    result["artifacts"] = record_run_artifacts(store, "dealwire pipeline", result)
    return result


if __name__ == "__main__":
    from flows.cli import main

    raise SystemExit(main(["run", *__import__("sys").argv[1:]]))

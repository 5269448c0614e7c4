"""The whole pipeline, as one Prefect flow: ingest → extract → validate → publish.

    pipeline(sources=["samples/articles"], config=RunConfig(store="output/store"))
    dealwire run --source samples/articles        (the command line builds the same RunConfig)
"""
from __future__ import annotations

import time

from prefect import flow, get_run_logger

from flows.artifacts import record_run_artifacts
from flows.config import RunConfig
from flows.extract import extract
from flows.ingest import ingest, source_names
from flows.publish import release_store
from transforms.ingest.reads import empty_sources


@flow(name="dealwire-pipeline")
def pipeline(
    sources: list[str] | None = None,
    urls: list[str] | None = None,
    feeds: list[str] | None = None,
    config: RunConfig | None = None,
) -> dict:
    """Read the sources into the store, extract what is new, and publish a validated release.

    ``config`` (flows/config.py) says where the store and the releases are, how to fetch and
    extract, and whether to publish; its checks run before anything is read. Extraction runs in
    this process, in ``config.workers`` local processes, on a local Dask cluster of
    ``config.dask_workers`` processes, or on the Dask cluster at ``config.dask_address``
    (flows/runners.py). ``result["seconds"]`` holds the wall time of each step. When a folder or
    file of ``sources`` gives no article, the run stops after ingest: ``result["empty_sources"]``
    says which (what was read is kept in the store).
    """
    config = config or RunConfig()
    config.check_installed()
    seconds = {}
    started = time.perf_counter()
    ingested = ingest(store=config.store, sources=list(sources or []), urls=list(urls or []),
                      feeds=list(feeds or []), fetch=config.fetch, batch_size=config.batch_size)
    seconds["ingest"] = time.perf_counter() - started
    empty = empty_sources(source_names(list(sources or [])), ingested)
    if empty:  # a source the user named gave nothing: say so, and attempt no release
        for line in empty:
            get_run_logger().error(line)
        return {"ingest": ingested, "empty_sources": empty, "seconds": seconds}
    started = time.perf_counter()
    extracted = extract(config=config)
    seconds["extract"] = time.perf_counter() - started
    result = {"ingest": ingested, "extract": extracted, "seconds": seconds}
    if config.publish:
        started = time.perf_counter()
        result.update(release_store(config.store, config.releases, config.version, config.model))
        seconds["release"] = time.perf_counter() - started
    result["artifacts"] = record_run_artifacts(config.store, "dealwire pipeline", result)
    return result

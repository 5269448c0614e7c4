"""Task runners for the extraction: one process (default), N local processes, or Dask.

    task_runner(workers=1)                         None: the flow's default (tasks in this process)
    task_runner(workers=N)                         Prefect's ProcessPoolTaskRunner, N processes
    task_runner(dask_workers=N)                    a local Dask cluster of N single-threaded processes
    task_runner(dask_address="tcp://host:8786")    an existing Dask cluster (prefect-dask)

Each worker process loads the spaCy model once (``transforms.language.nlp.load_model`` is cached per
process) and keeps it for every batch it is given.

Task runs in other processes report to the Prefect API. Without a configured API
(``PREFECT_API_URL``) Prefect runs a temporary local server, and each child process would start
its own: ``shared_api()`` starts the temporary server once in this process and hands its address
to the children. Workers on other machines need a Prefect server they can reach
(``prefect server start`` and ``PREFECT_API_URL``) and a store they share (an fsspec URL).
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator


def task_runner(workers: int = 1, dask_address: str | None = None, dask_workers: int = 0):
    """The task runner for the extraction batches, or None for the default (in-process)."""
    if dask_address or dask_workers:
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        # processes, one thread each: spaCy and the rules hold the GIL
        return DaskTaskRunner(cluster_kwargs={"n_workers": int(dask_workers), "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": ":0"})
    if workers and workers > 1:
        from prefect.task_runners import ProcessPoolTaskRunner

        return ProcessPoolTaskRunner(max_workers=int(workers))
    return None


# Native thread pools (OpenBLAS, OpenMP, MKL) would start one thread per core in every worker
# process: N processes x N threads on N cores. Dask's nanny sets the same for its workers.
# (benchmarks/pipeline.py, 2 vCPUs, two workers, 200 articles: extraction 36 s with the default, 22 s
# with one thread each; at 1,000 articles the two settings were within the machine's noise.)
SINGLE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@contextlib.contextmanager
def single_threaded_children() -> Iterator[None]:
    """Within this block, processes started from this one use one native thread each (unless the
    environment says otherwise)."""
    import os

    added = {k: v for k, v in SINGLE_THREAD_ENV.items() if k not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)


@contextlib.contextmanager
def shared_api() -> Iterator[None]:
    """Within this block, child processes report task runs to the same Prefect API as this one."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the temporary server of this process (one instance)
    server.start()
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield

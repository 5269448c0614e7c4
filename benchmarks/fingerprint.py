"""Fingerprints of what the extraction gives: one sha256 per table of the sample corpus and of PolNeAR dev's quotes.

    .venv/bin/python benchmarks/fingerprint.py [--no-polnear] [--json FILE]

Runs `dealwire extract samples/articles --output DIR` (every release table, resolved across the
sample articles) and `dealwire extract ../shared/bench/polnear/dev/text --quotes-jsonl FILE`, then
prints the row count and the sha256 of each output file (run times blanked: RUN_COLUMNS). Two commits whose figures are equal give
the same tables: a refactoring shows it is one by printing the same lines before and after.
It drives only the command line, so the same script runs at an older commit too
(`PYTHONPATH=<old checkout> .venv/bin/python benchmarks/fingerprint.py`).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLNEAR_DEV = ROOT.parent / "shared" / "bench" / "polnear" / "dev" / "text"


# Columns that record when a run happened, not what it extracted: blanked before hashing.
RUN_COLUMNS = ("retrieved_at", "fetch_id")


def file_figures(path: Path) -> tuple[int, str]:
    """(rows, sha256) of a JSON Lines file, with the RUN_COLUMNS of each row blanked."""
    digest = hashlib.sha256()
    rows = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        row.update({c: "<run>" for c in RUN_COLUMNS if c in row})
        digest.update((json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
        rows += 1
    return rows, digest.hexdigest()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", default=str(ROOT / "samples" / "articles"), help="the sample corpus folder")
    parser.add_argument("--no-polnear", action="store_true", help="skip PolNeAR dev (it takes about 20 s)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)

    from flows.cli import main as dealwire

    import flows

    print(f"code: {Path(flows.__file__).resolve().parent.parent}")
    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "samples"
        if code := dealwire(["extract", args.samples, "--output", str(out)]):
            return code
        for path in sorted(out.glob("*.jsonl")):
            rows, digest = file_figures(path)
            figures[f"samples/{path.stem}"] = {"rows": rows, "sha256": digest}
        if not args.no_polnear:
            if not POLNEAR_DEV.is_dir():
                print(f"PolNeAR dev not found at {POLNEAR_DEV} (it lives in ../shared beside the checkout)",
                      file=sys.stderr)
                return 2
            quotes = Path(tmp) / "polnear-dev-quotes.jsonl"
            if code := dealwire(["extract", str(POLNEAR_DEV), "--quotes-jsonl", str(quotes)]):
                return code
            rows, digest = file_figures(quotes)
            figures["polnear-dev/quotes"] = {"rows": rows, "sha256": digest}
    for name, fig in figures.items():
        print(f"{name:32} {fig['rows']:6d} rows  sha256 {fig['sha256']}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

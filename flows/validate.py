"""Validate: the release tables against the suites in ``expectations/``.

The suites are read from ``expectations/<table>.json`` and run in an ephemeral Great Expectations
context (``transforms.release.validation``; imported lazily: the import takes seconds). A failed
suite stops the release: ``ValidationFailed`` says which expectations failed on which table, with
example rows. The results (JSON) and Great Expectations' Data Docs (HTML) are written into the
release's ``validation/``.

Foreign keys are checked on every row, as derived columns (``transforms.release.foreign_keys``):
the verdict is the same row for row as Great Expectations' own set check with the parent's keys as
a value set parameter; the cost is not: Great Expectations copies a value set parameter every time
it reads an expectation's configuration, which made the quotes suite take 29 s for 50,000 rows and
grow with rows x parent keys (benchmarks/release_scale.py). Failures name the foreign key column and
its parent. Each table's summary holds the seconds its validation took.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from transforms.release.validation import CHUNK_ROWS, CHUNK_ROWS_WITH_TEXT, run_suites, validation_context
from transforms.schema import TABLES

EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent / "expectations"


def load_suite(table: str, expectations_dir: Path = EXPECTATIONS_DIR) -> dict:
    path = Path(expectations_dir) / f"{table}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no expectation suite for table {table!r}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None


def validate_frames(frames: Mapping[str, pd.DataFrame], report_dir: Path | None = None,
                    expectations_dir: Path = EXPECTATIONS_DIR, chunk_rows: int = CHUNK_ROWS,
                    text_chunk_rows: int = CHUNK_ROWS_WITH_TEXT) -> dict:
    """Run every table's suite; return a summary, writing results and Data Docs to report_dir.

    ``frames`` may read each table when asked for (``flows.publish.TableFiles``): the tables are
    validated one at a time, a table of more than ``chunk_rows`` rows in chunks (``CHUNK_ROWS``;
    articles, whose rows hold texts, ``text_chunk_rows``); only
    the parent keys are held throughout, and the texts of the articles a chunk's evidence is from."""
    context = validation_context()
    if report_dir is not None:
        context.add_data_docs_site("release", {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str((Path(report_dir) / "data_docs").resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    suites = {name: load_suite(name, expectations_dir) for name in TABLES if name in frames}
    summary, results_json = run_suites(context, frames, suites, chunk_rows, text_chunk_rows)

    if report_dir is not None:
        report_dir = Path(report_dir)
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "summary.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
        (report_dir / "results.json").write_text(json.dumps(results_json, indent=1, default=str), encoding="utf-8")
        context.build_data_docs(site_names=["release"])
    return summary

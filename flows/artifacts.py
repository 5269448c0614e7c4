"""Prefect artifacts every run leaves: a markdown summary and a table of failures.

    record_run_artifacts(store, "dealwire pipeline", result)   at the end of a flow, inside its run

The summary says what the run did: articles read, new, unchanged, skipped and failed (from
ingest), articles extracted and already extracted, rows per table (of the release when one was
published, else in the current extractions of the articles this run read), and the release
version. The failures table lists the fetch_log rows of this run whose outcome is an error:
input, source, HTTP status and reason.

The content is built by pure helpers (``summary_markdown``, ``failure_rows``,
``extraction_row_counts``) so that it can be tested without Prefect; ``create_artifacts`` is the
only place that talks to the Prefect API. Artifacts keep the keys below, so the Prefect UI shows
their history across runs.
"""
from __future__ import annotations

import json

from flows.store import Store

SUMMARY_KEY = "dealwire-run-summary"
FAILURES_KEY = "dealwire-run-failures"
FAILURE_COLUMNS = ("input", "source", "http_status", "reason")


# ---- pure builders ---------------------------------------------------------------------------------


def failure_rows(fetch_log: list[dict]) -> list[dict]:
    """The fetch_log rows of a run that failed (outcome ``error``), with the columns of the table."""
    return [{c: row.get(c) for c in FAILURE_COLUMNS} for row in fetch_log if row.get("outcome") == "error"]


def extraction_row_counts(extractions: list[dict]) -> dict[str, int]:
    """Rows per table over extractions ({table: [rows]} each), tables in first-seen order."""
    counts: dict[str, int] = {}
    for extraction in extractions:
        for table, rows in extraction.items():
            if isinstance(rows, list):
                counts[table] = counts.get(table, 0) + len(rows)
    return counts


def _cell(value: object) -> str:
    """A markdown table cell: pipes escaped, on one line."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _table(header: tuple[str, str], rows: list[tuple[object, object]]) -> list[str]:
    lines = [f"| {header[0]} | {header[1]} |", "| --- | ---: |"]
    return lines + [f"| {_cell(a)} | {_cell(b)} |" for a, b in rows]


def _ingest_lines(ingested: dict) -> list[tuple[str, object]]:
    return [("articles read", len(ingested.get("article_ids", []))), ("new articles", ingested.get("new", 0)),
            ("unchanged (not fetched again)", ingested.get("unchanged", 0)), ("skipped", ingested.get("skipped", 0)),
            ("failed", ingested.get("failed", 0))]


EXTRACTION_ROWS_HEADING = "## Rows per table in the extractions of the articles this run read (new or not)"


def _release_lines(result: dict) -> list[str]:
    """What the run did about a release: published (version, place, changes), none needed, or none."""
    release = result.get("release")
    if release:
        changes = release.get("changes") or {}
        since = release.get("previous_version") or "nothing (first release)"
        return [f"Release **{release['version']}** published at `{release['path']}`: {changes.get('added', 0)} rows "
                f"added, {changes.get('removed', 0)} removed, {changes.get('changed', 0)} changed since {since}.", ""]
    if result.get("unchanged_since"):
        return [f"Nothing changed since release **{result['unchanged_since']}**: no new release published.", ""]
    return ["No release published by this run.", ""]


def _count_lines(result: dict) -> list[str]:
    counts: list[tuple[str, object]] = []
    if "ingest" in result:
        counts += _ingest_lines(result["ingest"])
    if "extract" in result:
        counts += [("articles extracted", result["extract"].get("extracted", 0)),
                   ("already extracted", result["extract"].get("cached", 0)),
                   ("articles not extracted", len(result["extract"].get("problems", [])))]
    return _table(("", "count"), counts) + [""] if counts else []


def _not_extracted_lines(result: dict) -> list[str]:
    """Each article the run could not extract: URL, status (skipped_too_long, failed) and why."""
    problems = (result.get("extract") or {}).get("problems") or []
    if not problems:
        return []
    rows = [(p["url"], f"{p['status']}: {p['note']}") for p in problems]
    return [f"## Articles not extracted: {len(problems)}", ""] + _table(("article", "why"), rows) + [""]


def summary_markdown(title: str, result: dict, rows_per_table: dict[str, int] | None = None,
                     failures: list[dict] | None = None) -> str:
    """The run's summary as markdown. ``result`` holds any of "ingest", "extract", "release",
    "unchanged_since" (as the flows return them), "sources" (names of the sources followed) and
    "group". Rows per table are the release's when one was published, else ``rows_per_table``."""
    lines = [f"# {title}", ""]
    if result.get("sources") is not None:
        group = f" (schedule group `{result['group']}`)" if result.get("group") else ""
        lines += [f"Sources followed: {', '.join(result['sources']) or 'none'}{group}", ""]
    lines += _count_lines(result) + _not_extracted_lines(result) + _release_lines(result)
    release = result.get("release")
    if release and release.get("counts"):
        lines += [f"## Rows per table in release {release['version']}", ""]
        lines += _table(("table", "rows"), list(release["counts"].items())) + [""]
    elif rows_per_table:
        lines += [EXTRACTION_ROWS_HEADING, ""] + _table(("table", "rows"), list(rows_per_table.items())) + [""]
    if failures:
        lines += [f"## Failures: {len(failures)}", "",
                  f"Each failed input, its source and the reason are in the table artifact `{FAILURES_KEY}` "
                  "and in the fetch_log table; a later run tries them again.", ""]
    elif "ingest" in result:
        lines += ["No input failed.", ""]
    return "\n".join(lines)


# ---- I/O -----------------------------------------------------------------------------------------


def read_run_fetch_log(store_root: str, run_id: str | None) -> list[dict]:
    """The fetch_log rows one ingest run wrote (fetch_log/<run_id>.jsonl), or none."""
    if not run_id:
        return []
    store = Store(store_root)
    path = store.path("fetch_log", f"{run_id}.jsonl")
    if not store.fs.exists(path):
        return []
    with store.fs.open(path, "rb") as fh:
        return [json.loads(line) for line in fh.read().decode("utf-8").splitlines() if line.strip()]


def read_extractions(store_root: str, article_ids: list[str]) -> list[dict]:
    """The current extractions of the given articles (those not extracted are left out)."""
    from transforms.language.extract import EXTRACTOR_VERSION

    store, found = Store(store_root), []
    for article in store.iter_articles(article_ids):
        extraction = store.get_extraction(EXTRACTOR_VERSION, article["article_id"], article["text_sha256"])
        if extraction is not None:
            found.append(extraction)
    return found


def create_artifacts(markdown: str, failures: list[dict]) -> dict:
    """Create the two artifacts in the current flow or task run; their ids."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    summary_id = create_markdown_artifact(markdown, key=SUMMARY_KEY, description="What this run did")
    table = failures or {c: [] for c in FAILURE_COLUMNS}  # no failures: the columns, no rows
    failures_id = create_table_artifact(table, key=FAILURES_KEY,
                                        description=f"Inputs that failed in this run ({len(failures)})")
    return {"summary": str(summary_id), "failures": str(failures_id)}


def record_run_artifacts(store: str, title: str, result: dict) -> dict:
    """Build the summary and failures of a flow's result and leave them as artifacts of its run."""
    failures = failure_rows(read_run_fetch_log(store, (result.get("ingest") or {}).get("run_id")))
    rows = None
    if not result.get("release") and "ingest" in result:
        rows = extraction_row_counts(read_extractions(store, result["ingest"].get("article_ids", [])))
    return create_artifacts(summary_markdown(title, result, rows, failures), failures)

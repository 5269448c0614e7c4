"""Running the suites: the release tables (frames, or a mapping that reads them) and each table's suite
in; per table the outcome of every expectation, failures with example rows, and Great Expectations'
results out (``ValidationFailed`` says them).

Great Expectations is imported lazily (the import takes seconds) and runs in an ephemeral, in-memory
context: the flow (flows/validate.py) reads the suites and writes the report. A table of more rows
than a chunk is validated a chunk at a time; foreign keys are checked as derived columns
(``transforms.release.foreign_keys``), evidence and offsets as ``transforms.release.checks`` derives
them.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pyarrow as pa

from transforms.release.checks import with_evidence_checks
from transforms.release.foreign_keys import foreign_key_expectations, parent_keys, with_foreign_key_columns
from transforms.schema import TABLES

EXAMPLE_ROWS = 3


class ValidationFailed(RuntimeError):
    """The release failed its suites. ``report`` is where its validation report was kept, if it was."""

    def __init__(self, summary: dict, report: str | None = None):
        self.summary = summary
        self.report = report
        lines = ["release validation failed:"]
        for table, result in summary["tables"].items():
            for f in result["failures"]:
                lines.append(f"  {table}: {f['expectation']} {f['kwargs']} — {f['unexpected_count']} unexpected")
                for row in f["examples"]:
                    lines.append(f"      e.g. {row}")
        if report:
            lines.append(f"the validation report is kept at {report} (summary.json, data_docs/index.html)")
        super().__init__("\n".join(lines))

    def __reduce__(self):
        return (type(self), (self.summary, self.report))


def suite_parameters(frames: dict[str, pd.DataFrame], now: datetime | None = None) -> dict:
    """The bounds the suites refer to (the foreign keys' parent keys are in ``parent_keys``)."""
    now = now or datetime.now(timezone.utc)
    return {
        "min_datetime": pd.Timestamp("1990-01-01", tz="UTC"),
        "max_datetime": pd.Timestamp(now + timedelta(days=2)),
        "min_date": date(1950, 1, 1),
        "max_date": (now + timedelta(days=366 * 10)).date(),
    }


def _columns(frames: Mapping[str, pd.DataFrame], table: str, columns: list[str]) -> pd.DataFrame | None:
    """Some columns of a table, or None without the table (only those columns are read when the
    mapping can: ``flows.publish.TableFiles``)."""
    if table not in frames:
        return None
    read = getattr(frames, "columns", None)
    return read(table, columns) if read else frames[table][columns]


def _example_rows(frame: pd.DataFrame, index_list, columns: list[str]) -> list[dict]:
    rows = []
    for idx in list(index_list or [])[:EXAMPLE_ROWS]:
        if isinstance(idx, dict):  # some expectations report the key columns instead
            rows.append(idx)
            continue
        row = frame.loc[idx, [c for c in columns if c in frame.columns]].to_dict()
        rows.append({k: (v if len(str(v)) <= 80 else str(v)[:77] + "...") for k, v in row.items()})
    return rows


# ---- chunks ------------------------------------------------------------------------------------

# Suites are run on at most this many rows at a time. Expectations about the whole table (row
# count, unique values) run once on just the columns they need; every other expectation judges a row
# on its own and runs on each chunk of rows, its results added up (benchmarks/pipeline.py, peak RSS).
CHUNK_ROWS = 50_000
CHUNK_ROWS_WITH_TEXT = 2_000  # articles: each row holds a whole text
WHOLE_TABLE = frozenset({"expect_table_row_count_to_be_between", "expect_column_values_to_be_unique",
                         "expect_compound_columns_to_be_unique"})


def _texts(frames: Mapping[str, pd.DataFrame], article_ids) -> dict[str, str]:
    """article_id -> text of these articles (only their row groups are read when the mapping can)."""
    if "articles" not in frames or not len(article_ids):
        return {}
    where = getattr(frames, "rows_where", None)
    if where:
        found = where("articles", "article_id", list(article_ids), ["article_id", "text"])
    else:
        found = frames["articles"][["article_id", "text"]]
        found = found[found["article_id"].isin(set(article_ids))]
    return dict(zip(found["article_id"], found["text"]))


def _compact_columns(frames: Mapping[str, pd.DataFrame], table: str, columns: list[str]) -> pd.DataFrame:
    """Some columns of a whole table, strings held by Arrow (a few bytes a value, not a Python object
    each) when the mapping reads files."""
    read = getattr(frames, "read", None)
    if read is None:
        return _columns(frames, table, columns)
    return read(table, columns).to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)


def _row_count(frames: Mapping[str, pd.DataFrame], table: str) -> int:
    count = getattr(frames, "num_rows", None)
    return count(table) if count else len(frames[table])


def _chunks(frames: Mapping[str, pd.DataFrame], table: str, rows: int) -> Iterator[pd.DataFrame]:
    """The table's rows, ``rows`` at a time (each chunk keeps the row numbers of the whole table)."""
    batches = getattr(frames, "batches", None)
    if batches:
        yield from batches(table, rows)
        return
    frame = frames[table]
    for start in range(0, max(len(frame), 1), rows):
        yield frame.iloc[start:start + rows]


def _whole_table_columns(expectations: list[dict]) -> list[str]:
    columns = []
    for e in expectations:
        for c in ([e["kwargs"]["column"]] if "column" in e["kwargs"] else []) + list(e["kwargs"].get("column_list") or []):
            if c not in columns:
                columns.append(c)
    return columns


def _validation_parts(frames: Mapping[str, pd.DataFrame], table: str, expectations: list[dict], rows: int,
                      chunk_rows: int) -> Iterator[tuple[str, list[dict], Iterable[pd.DataFrame], bool]]:
    """(asset suffix, expectations, frames to run them on, whether the frames are whole rows): the
    whole table at once when it has at most ``chunk_rows`` rows; else the whole-table expectations on
    just their columns, then the rest chunk by chunk."""
    if rows <= chunk_rows:
        yield "", expectations, _chunks(frames, table, max(rows, 1)), True
        return
    whole = [e for e in expectations if e["type"] in WHOLE_TABLE]
    per_row = [e for e in expectations if e["type"] not in WHOLE_TABLE]
    if whole:
        columns = _whole_table_columns(whole) or list(TABLES[table].primary_key)
        yield "-whole-table", whole, [_compact_columns(frames, table, columns)], False
    if per_row:
        yield "-rows", per_row, _chunks(frames, table, chunk_rows), True


def _merge_chunk(merged: list[dict], result, frame: pd.DataFrame, table: str) -> None:
    """Add one chunk's result to the per-expectation outcomes of its part (same order)."""
    key_columns = list(TABLES[table].primary_key) + [c for c in ("article_id", "start", "end") if c in frame.columns]
    for n, r in enumerate(result.results):
        if n == len(merged):
            merged.append({"success": True, "failure": None})
        if r.success:
            continue
        cfg = r.expectation_config
        kwargs = {k: v for k, v in cfg.kwargs.items() if k not in ("batch_id",)}
        if isinstance(kwargs.get("value_set"), list) and len(kwargs["value_set"]) > 12:
            kwargs["value_set"] = f"<{len(kwargs['value_set'])} values>"
        column = kwargs.get("column")
        foreign_key = (cfg.meta or {}).get("foreign_key")
        if foreign_key:  # say it as the suite does: the column and its parent's keys
            kwargs = {"column": foreign_key["column"], "value_set": f"<keys of {foreign_key['parent']}>",
                      "checked_as": column}
            column = foreign_key["column"]
        unexpected = r.result.get("unexpected_count")
        examples = _example_rows(frame, r.result.get("partial_unexpected_index_list"),
                                 key_columns + ([column] if column and column not in key_columns else []))
        partial = [str(v) for v in (r.result.get("partial_unexpected_list") or [])[:EXAMPLE_ROWS]]
        exception = (r.exception_info or {}).get("exception_message") if (r.exception_info or {}).get("raised_exception") else None
        outcome = merged[n]
        outcome["success"] = False
        if outcome["failure"] is None:
            outcome["failure"] = {"expectation": cfg.type, "kwargs": kwargs, "unexpected_count": unexpected,
                                  "partial_unexpected": partial, "examples": examples, "exception": exception}
            continue
        failure = outcome["failure"]  # a later chunk: counts added, examples kept up to EXAMPLE_ROWS
        if unexpected is not None:
            failure["unexpected_count"] = (failure["unexpected_count"] or 0) + unexpected
        failure["partial_unexpected"] = (failure["partial_unexpected"] + partial)[:EXAMPLE_ROWS]
        failure["examples"] = (failure["examples"] + examples)[:EXAMPLE_ROWS]
        failure["exception"] = failure["exception"] or exception


# ---- running -----------------------------------------------------------------------------------


def validation_context():
    """An ephemeral Great Expectations context: stores in memory, no progress bars, no analytics."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    return gx.get_context(project_config=config)


def _checkpoint(context, source, spec: dict, name: str, part: str, expectations: list[dict]):
    """A checkpoint running these expectations of the table's suite on a dataframe batch."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    suite = gx.ExpectationSuite(name=f"{spec['name']}{part}", meta=spec.get("meta") or {})
    for e in expectations:
        suite.add_expectation_configuration(
            ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"], meta=e.get("meta") or {}))
    suite = context.suites.add(suite)
    asset = f"{name}{part}"
    batch = source.add_dataframe_asset(asset).add_batch_definition_whole_dataframe("all")
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=asset, data=batch, suite=suite))
    return context.checkpoints.add(gx.Checkpoint(name=f"release-{asset}", validation_definitions=[definition]))


def _validate_table(context, source, frames: Mapping[str, pd.DataFrame], name: str, spec: dict, params: dict,
                    keys: dict, per_chunk: int) -> tuple[dict, list | dict]:
    """One table's summary and Great Expectations' results (one per chunk, or the only one)."""
    table_started = time.perf_counter()
    rows = _row_count(frames, name)
    outcomes = []   # per expectation of the suite, in the suite's order: (success, counts, details)
    results = []
    for part, expectations, chunks, whole_rows in _validation_parts(frames, name, spec["expectations"], rows, per_chunk):
        expectations, derived = foreign_key_expectations(expectations, keys)
        checkpoint = _checkpoint(context, source, spec, name, part, expectations)
        merged: list[dict] = []
        for chunk in chunks:
            if whole_rows and TABLES[name].evidence_column:
                chunk = with_evidence_checks(name, chunk, _texts(frames, chunk["article_id"].dropna().unique()))
            frame = with_foreign_key_columns(chunk, derived, keys)
            run = checkpoint.run(batch_parameters={"dataframe": frame}, expectation_parameters=params)
            result = next(iter(run.run_results.values()))
            results.append(result.to_json_dict())
            _merge_chunk(merged, result, frame, name)
            del frame, run, result, chunk  # one chunk at a time
        outcomes.extend(merged)
    failures = [o["failure"] for o in outcomes if not o["success"]]
    summary = {
        "success": not failures,
        "rows": int(rows),
        "evaluated": len(outcomes),
        "successful": sum(1 for o in outcomes if o["success"]),
        "failures": failures,
        "seconds": round(time.perf_counter() - table_started, 3),
    }
    return summary, results[0] if len(results) == 1 else results


def run_suites(context, frames: Mapping[str, pd.DataFrame], suites: dict[str, dict], chunk_rows: int = CHUNK_ROWS,
               text_chunk_rows: int = CHUNK_ROWS_WITH_TEXT) -> tuple[dict, dict]:
    """Run each table's suite (``suites``: table -> suite, in release order) in ``context``: the
    summary ({"success", "validated_at", "tables": {table: {"success", "rows", "evaluated",
    "successful", "failures", "seconds"}}}) and Great Expectations' results per table.

    ``frames`` may read each table when asked for (``flows.publish.TableFiles``): the tables are
    validated one at a time, a table of more than ``chunk_rows`` rows in chunks (articles, whose rows
    hold texts, ``text_chunk_rows``); only the parent keys are held throughout, and the texts of the
    articles a chunk's evidence is from."""
    source = context.data_sources.add_pandas("release")
    params = suite_parameters(frames)
    keys = parent_keys(frames)
    summary = {"success": True, "validated_at": datetime.now(timezone.utc).isoformat(), "tables": {}}
    results = {}
    for name, spec in suites.items():
        per_chunk = chunk_rows if name != "articles" else min(chunk_rows, text_chunk_rows)
        summary["tables"][name], results[name] = _validate_table(
            context, source, frames, name, spec, params, keys, per_chunk)
        summary["success"] = summary["success"] and summary["tables"][name]["success"]
    return summary, results

"""Validate: the release tables against the suites in ``expectations/``.

The suites are loaded into an ephemeral Great Expectations context (imported lazily:
the import takes seconds). A failed suite stops the release: ``ValidationFailed`` says
which expectations failed on which table, with example rows. The results (JSON) and
Great Expectations' Data Docs (HTML) are written into the release's ``validation/``.

Foreign keys are checked on every row, as derived columns: a suite's
``expect_column_values_to_be_in_set(column=C, value_set={"$PARAMETER": "<parent>__<key>"})`` runs
as ``expect_column_values_to_be_in_set(column="_fk_C", value_set=[True])`` on
``_fk_C = C is null or C in the parent's keys`` (Arrow's vectorised ``is_in``; nulls pass, as they
do in Great Expectations' own set check), and the table's column list expectation allows those
derived columns after the schema's. The verdict is the same row for row; the cost is not: Great
Expectations copies a value set parameter every time it reads an expectation's configuration, which
made the quotes suite take 29 s for 50,000 rows and grow with rows x parent keys
(benchmarks/release_scale.py). Failures name the foreign key column and its parent. Each table's
summary holds the seconds its validation took.
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa

from transforms.release.checks import with_evidence_checks
from transforms.schema import TABLES

EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent / "expectations"
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


def load_suite(table: str, expectations_dir: Path = EXPECTATIONS_DIR) -> dict:
    path = Path(expectations_dir) / f"{table}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no expectation suite for table {table!r}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None


FK_PREFIX = "_fk_"


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


def parent_keys(frames: Mapping[str, pd.DataFrame]) -> dict[str, pa.Array]:
    """{"<parent>__<key>": the parent table's key values (an Arrow array: compact, and hashed in
    C++ by ``null_or_in``)} for every foreign key of the schema."""
    keys = {}
    for table in TABLES.values():
        for fk in table.foreign_keys:
            name = f"{fk.table}__{fk.parent_column}"
            if name not in keys:
                keys[name] = _parent_key_values(frames, fk.table, fk.parent_column)
    return keys


def _parent_key_values(frames: Mapping[str, pd.DataFrame], table: str, column: str) -> pa.Array | pd.Series:
    """The non-null values of a key column; read straight into Arrow when the mapping can."""
    if table not in frames:
        return pa.array([], pa.string())
    read = getattr(frames, "read", None)
    if read is not None:
        return read(table, [column]).column(0).combine_chunks().drop_null()
    values = frames[table][column].dropna()
    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types: kept as they are (pandas isin)
        return values


def null_or_in(values: pd.Series, keys: pd.Series | pa.Array) -> pd.Series:
    """Per value: True if it is null or one of ``keys``. Arrow's ``is_in`` hashes the keys once in C++
    (pandas' own ``isin`` on Arrow strings turns every key into a Python object first)."""
    import pyarrow.compute as pc

    try:
        column = pa.array(values, from_pandas=True)
        value_set = keys if isinstance(keys, pa.Array) else pa.array(keys, from_pandas=True)
        if column.type != value_set.type:
            value_set = value_set.cast(column.type)
        found = pc.or_kleene(pc.is_null(column), pc.is_in(column, value_set=value_set, skip_nulls=True))
        return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):  # mixed types: pandas
        return values.isna() | values.isin(keys.to_pylist() if isinstance(keys, pa.Array) else keys)


def _foreign_key_parameter(expectation: dict) -> str | None:
    """The parent-keys parameter of a foreign key expectation, else None."""
    value_set = expectation["kwargs"].get("value_set")
    if expectation["type"] == "expect_column_values_to_be_in_set" and isinstance(value_set, dict):
        return value_set.get("$PARAMETER")
    return None


def foreign_key_expectations(expectations: list[dict], keys: dict[str, pd.Series]
                             ) -> tuple[list[dict], dict[str, tuple[str, str]]]:
    """The expectations with each foreign key check on a derived ``_fk_<column>`` column (and the
    derived columns allowed by the column list), and {derived column: (column, parent keys parameter)}."""
    derived, out = {}, []
    for e in expectations:
        parameter = _foreign_key_parameter(e)
        if parameter is None or parameter not in keys:
            out.append(e)
            continue
        column = e["kwargs"]["column"]
        name = FK_PREFIX + column
        derived[name] = (column, parameter)
        parent = parameter.replace("__", ".", 1)
        out.append({"type": e["type"], "kwargs": {"column": name, "value_set": [True]},
                    "meta": {**(e.get("meta") or {}), "foreign_key": {"column": column, "parent": parent}}})
    if not derived:
        return expectations, {}
    for e in out:
        if e["type"] == "expect_table_columns_to_match_ordered_list":
            e["kwargs"] = {**e["kwargs"], "column_list": [*e["kwargs"]["column_list"], *derived]}
    return out, derived


def with_foreign_key_columns(frame: pd.DataFrame, derived: dict[str, tuple[str, str]],
                             keys: dict[str, pd.Series]) -> pd.DataFrame:
    """A copy of the frame with a ``_fk_<column>`` boolean per foreign key: null or a parent key."""
    if not derived:
        return frame
    frame = frame.copy()
    for name, (column, parameter) in derived.items():
        frame[name] = null_or_in(frame[column], keys[parameter]).astype(bool)
    return frame


def foreign_keys_as_columns(frame: pd.DataFrame, expectations: list[dict],
                            keys: dict[str, pd.Series]) -> tuple[pd.DataFrame, list[dict]]:
    """The frame with a ``_fk_<column>`` boolean per foreign key (null or a parent key), and the
    expectations with each foreign key check on that column and the derived columns allowed."""
    out, derived = foreign_key_expectations(expectations, keys)
    return with_foreign_key_columns(frame, derived, keys), out


def _example_rows(frame: pd.DataFrame, index_list, columns: list[str]) -> list[dict]:
    rows = []
    for idx in list(index_list or [])[:EXAMPLE_ROWS]:
        if isinstance(idx, dict):  # some expectations report the key columns instead
            rows.append(idx)
            continue
        row = frame.loc[idx, [c for c in columns if c in frame.columns]].to_dict()
        rows.append({k: (v if len(str(v)) <= 80 else str(v)[:77] + "...") for k, v in row.items()})
    return rows


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


def validate_frames(frames: Mapping[str, pd.DataFrame], report_dir: Path | None = None,
                    expectations_dir: Path = EXPECTATIONS_DIR, chunk_rows: int = CHUNK_ROWS,
                    text_chunk_rows: int = CHUNK_ROWS_WITH_TEXT) -> dict:
    """Run every table's suite; return a summary, writing results and Data Docs to report_dir.

    ``frames`` may read each table when asked for (``flows.publish.TableFiles``): the tables are
    validated one at a time, a table of more than ``chunk_rows`` rows in chunks (``CHUNK_ROWS``;
    articles, whose rows hold texts, ``text_chunk_rows``); only
    the parent keys are held throughout, and the texts of the articles a chunk's evidence is from."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig,
    )
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    context = gx.get_context(project_config=config)
    if report_dir is not None:
        context.add_data_docs_site("release", {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str((Path(report_dir) / "data_docs").resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    source = context.data_sources.add_pandas("release")
    params = suite_parameters(frames)
    keys = parent_keys(frames)

    summary = {"success": True, "validated_at": datetime.now(timezone.utc).isoformat(), "tables": {}}
    results_json = {}
    for name in TABLES:
        if name not in frames:
            continue
        table_started = time.perf_counter()
        spec = load_suite(name, expectations_dir)
        rows = _row_count(frames, name)
        outcomes = []   # per expectation of the suite, in the suite's order: (success, counts, details)
        results_json[name] = []
        per_chunk = chunk_rows if name != "articles" else min(chunk_rows, text_chunk_rows)
        for part, expectations, chunks, whole_rows in _validation_parts(frames, name, spec["expectations"], rows, per_chunk):
            expectations, derived = foreign_key_expectations(expectations, keys)
            suite = gx.ExpectationSuite(name=f"{spec['name']}{part}", meta=spec.get("meta") or {})
            for e in expectations:
                suite.add_expectation_configuration(
                    ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"], meta=e.get("meta") or {}))
            suite = context.suites.add(suite)
            asset = f"{name}{part}"
            batch = source.add_dataframe_asset(asset).add_batch_definition_whole_dataframe("all")
            definition = context.validation_definitions.add(gx.ValidationDefinition(name=asset, data=batch, suite=suite))
            checkpoint = context.checkpoints.add(gx.Checkpoint(name=f"release-{asset}", validation_definitions=[definition]))
            merged: list[dict] = []
            for chunk in chunks:
                if whole_rows and TABLES[name].evidence_column:
                    chunk = with_evidence_checks(name, chunk, _texts(frames, chunk["article_id"].dropna().unique()))
                frame = with_foreign_key_columns(chunk, derived, keys)
                run = checkpoint.run(batch_parameters={"dataframe": frame}, expectation_parameters=params)
                result = next(iter(run.run_results.values()))
                results_json[name].append(result.to_json_dict())
                _merge_chunk(merged, result, frame, name)
                del frame, run, result, chunk  # one chunk at a time
            outcomes.extend(merged)
        if len(results_json[name]) == 1:
            results_json[name] = results_json[name][0]
        failures = [o["failure"] for o in outcomes if not o["success"]]
        success = not failures
        summary["tables"][name] = {
            "success": success,
            "rows": int(rows),
            "evaluated": len(outcomes),
            "successful": sum(1 for o in outcomes if o["success"]),
            "failures": failures,
            "seconds": round(time.perf_counter() - table_started, 3),
        }
        summary["success"] = summary["success"] and success

    if report_dir is not None:
        report_dir = Path(report_dir)
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "summary.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
        (report_dir / "results.json").write_text(json.dumps(results_json, indent=1, default=str), encoding="utf-8")
        context.build_data_docs(site_names=["release"])
    return summary

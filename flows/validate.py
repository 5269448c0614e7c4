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
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

from transforms.checks import with_evidence_checks
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


def parent_keys(frames: dict[str, pd.DataFrame]) -> dict[str, pd.Series]:
    """{"<parent>__<key>": the parent table's key values} for every foreign key of the schema."""
    keys = {}
    for table in TABLES.values():
        for fk in table.foreign_keys:
            parent = frames.get(fk.table)
            values = pd.Series([], dtype=object) if parent is None else parent[fk.parent_column].dropna()
            keys[f"{fk.table}__{fk.parent_column}"] = values
    return keys


def null_or_in(values: pd.Series, keys: pd.Series) -> pd.Series:
    """Per value: True if it is null or one of ``keys``. Arrow's ``is_in`` hashes the keys once in C++
    (pandas' own ``isin`` on Arrow strings turns every key into a Python object first)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        column = pa.array(values, from_pandas=True)
        value_set = pa.array(keys, from_pandas=True)
        if column.type != value_set.type:
            value_set = value_set.cast(column.type)
        found = pc.or_kleene(pc.is_null(column), pc.is_in(column, value_set=value_set, skip_nulls=True))
        return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):  # mixed types: pandas
        return values.isna() | values.isin(keys)


def _foreign_key_parameter(expectation: dict) -> str | None:
    """The parent-keys parameter of a foreign key expectation, else None."""
    value_set = expectation["kwargs"].get("value_set")
    if expectation["type"] == "expect_column_values_to_be_in_set" and isinstance(value_set, dict):
        return value_set.get("$PARAMETER")
    return None


def foreign_keys_as_columns(frame: pd.DataFrame, expectations: list[dict],
                            keys: dict[str, pd.Series]) -> tuple[pd.DataFrame, list[dict]]:
    """The frame with a ``_fk_<column>`` boolean per foreign key (null or a parent key), and the
    expectations with each foreign key check on that column and the derived columns allowed."""
    derived, out = {}, []
    for e in expectations:
        parameter = _foreign_key_parameter(e)
        if parameter is None or parameter not in keys:
            out.append(e)
            continue
        column = e["kwargs"]["column"]
        name = FK_PREFIX + column
        derived[name] = null_or_in(frame[column], keys[parameter])
        parent = parameter.replace("__", ".", 1)
        out.append({"type": e["type"], "kwargs": {"column": name, "value_set": [True]},
                    "meta": {**(e.get("meta") or {}), "foreign_key": {"column": column, "parent": parent}}})
    if not derived:
        return frame, expectations
    for e in out:
        if e["type"] == "expect_table_columns_to_match_ordered_list":
            e["kwargs"] = {**e["kwargs"], "column_list": [*e["kwargs"]["column_list"], *derived]}
    frame = frame.copy()
    for name, values in derived.items():
        frame[name] = values.astype(bool)
    return frame, out


def _example_rows(frame: pd.DataFrame, index_list, columns: list[str]) -> list[dict]:
    rows = []
    for idx in list(index_list or [])[:EXAMPLE_ROWS]:
        if isinstance(idx, dict):  # some expectations report the key columns instead
            rows.append(idx)
            continue
        row = frame.loc[idx, [c for c in columns if c in frame.columns]].to_dict()
        rows.append({k: (v if len(str(v)) <= 80 else str(v)[:77] + "...") for k, v in row.items()})
    return rows


def validate_frames(frames: dict[str, pd.DataFrame], report_dir: Path | None = None,
                    expectations_dir: Path = EXPECTATIONS_DIR) -> dict:
    """Run every table's suite; return a summary, writing results and Data Docs to report_dir."""
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
    texts = dict(zip(frames["articles"]["article_id"], frames["articles"]["text"])) if "articles" in frames else {}

    summary = {"success": True, "validated_at": datetime.now(timezone.utc).isoformat(), "tables": {}}
    results_json = {}
    for name in TABLES:
        if name not in frames:
            continue
        table_started = time.perf_counter()
        spec = load_suite(name, expectations_dir)
        frame, expectations = foreign_keys_as_columns(with_evidence_checks(name, frames[name], texts),
                                                      spec["expectations"], keys)
        suite = gx.ExpectationSuite(name=spec["name"], meta=spec.get("meta") or {})
        for e in expectations:
            suite.add_expectation_configuration(
                ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"], meta=e.get("meta") or {}))
        suite = context.suites.add(suite)
        batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
        definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
        checkpoint = context.checkpoints.add(gx.Checkpoint(name=f"release-{name}", validation_definitions=[definition]))
        run = checkpoint.run(batch_parameters={"dataframe": frame}, expectation_parameters=params)
        result = next(iter(run.run_results.values()))
        results_json[name] = result.to_json_dict()
        failures = []
        key_columns = list(TABLES[name].primary_key) + [c for c in ("article_id", "start", "end") if c in frame.columns]
        for r in result.results:
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
            failures.append({
                "expectation": cfg.type,
                "kwargs": kwargs,
                "unexpected_count": r.result.get("unexpected_count"),
                "partial_unexpected": [str(v) for v in (r.result.get("partial_unexpected_list") or [])[:EXAMPLE_ROWS]],
                "examples": _example_rows(frame, r.result.get("partial_unexpected_index_list"),
                                          key_columns + ([column] if column and column not in key_columns else [])),
                "exception": (r.exception_info or {}).get("exception_message") if (r.exception_info or {}).get("raised_exception") else None,
            })
        stats = result.statistics
        summary["tables"][name] = {
            "success": bool(result.success),
            "rows": int(len(frame)),
            "evaluated": int(stats["evaluated_expectations"]),
            "successful": int(stats["successful_expectations"]),
            "failures": failures,
            "seconds": round(time.perf_counter() - table_started, 3),
        }
        summary["success"] = summary["success"] and bool(result.success)

    if report_dir is not None:
        report_dir = Path(report_dir)
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "summary.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
        (report_dir / "results.json").write_text(json.dumps(results_json, indent=1, default=str), encoding="utf-8")
        context.build_data_docs(site_names=["release"])
    return summary

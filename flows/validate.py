"""Validate: the release tables against the suites in ``expectations/``.

The suites are loaded into an ephemeral Great Expectations context (imported lazily:
the import takes seconds). A failed suite stops the release: ``ValidationFailed`` says
which expectations failed on which table, with example rows. The results (JSON) and
Great Expectations' Data Docs (HTML) are written into the release's ``validation/``.
"""
from __future__ import annotations

import json
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


def suite_parameters(frames: dict[str, pd.DataFrame], now: datetime | None = None) -> dict:
    now = now or datetime.now(timezone.utc)
    params = {
        "min_datetime": pd.Timestamp("1990-01-01", tz="UTC"),
        "max_datetime": pd.Timestamp(now + timedelta(days=2)),
        "min_date": date(1950, 1, 1),
        "max_date": (now + timedelta(days=366 * 10)).date(),
    }
    for table in TABLES.values():
        for fk in table.foreign_keys:
            parent = frames.get(fk.table)
            key = f"{fk.table}__{fk.parent_column}"
            params[key] = [] if parent is None else parent[fk.parent_column].dropna().unique().tolist()
    return params


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
    texts = dict(zip(frames["articles"]["article_id"], frames["articles"]["text"])) if "articles" in frames else {}

    summary = {"success": True, "validated_at": datetime.now(timezone.utc).isoformat(), "tables": {}}
    results_json = {}
    for name in TABLES:
        if name not in frames:
            continue
        frame = with_evidence_checks(name, frames[name], texts)
        spec = load_suite(name, expectations_dir)
        suite = gx.ExpectationSuite(name=spec["name"], meta=spec.get("meta") or {})
        for e in spec["expectations"]:
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
        }
        summary["success"] = summary["success"] and bool(result.success)

    if report_dir is not None:
        report_dir = Path(report_dir)
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "summary.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
        (report_dir / "results.json").write_text(json.dumps(results_json, indent=1, default=str), encoding="utf-8")
        context.build_data_docs(site_names=["release"])
    return summary

"""Build, validate and publish a release from the store.

    stage_release   store → resolved tables → <releases>/.tmp-<version>-<uuid>/data/*.parquet
    validate_stage  the staged Parquet → Great Expectations → <stage>/validation/
    publish_stage   CSV, datapackage.json, data card, SHA256SUMS → rename to <releases>/<version>,
                    then replace index.json atomically and point `latest` at it

A failure at any step removes the staging folder and leaves earlier releases and
index.json untouched; an existing version is never overwritten.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
from prefect import get_run_logger, task

from flows.store import Store
from flows.validate import ValidationFailed, validate_frames
from transforms import release as rel
from transforms.extract import EXTRACTOR_VERSION
from transforms.resolve import resolve
from transforms.schema import TABLES
from transforms.tables import to_arrow


def existing_versions(releases: Path) -> list[str]:
    if not releases.exists():
        return []
    return sorted((p.name for p in releases.iterdir() if p.is_dir() and rel.VERSION_RE.match(p.name)), key=rel.version_key)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".tmp-{uuid.uuid4().hex}-{path.name}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def load_release_rows(store: Store) -> dict[str, list[dict]]:
    """Every table's rows from what the store holds now."""
    articles = list(store.iter_articles())
    extractions = {}
    for a in articles:
        if a.get("extraction_status") in ("pending", "extracted"):
            found = store.get_extraction(EXTRACTOR_VERSION, a["article_id"], a["text_sha256"])
            if found is not None:
                extractions[a["article_id"]] = found
    rows = resolve(articles, extractions)
    rows["fetch_log"] = sorted(store.fetch_log(), key=lambda r: (r["retrieved_at"], r["fetch_id"]))
    return rows


@task(name="stage-release")
def stage_release(store_root: str, releases_dir: str, version: str | None = None) -> dict:
    """Resolve the store into typed tables and write them as Parquet into a staging folder."""
    logger = get_run_logger()
    releases = Path(releases_dir)
    releases.mkdir(parents=True, exist_ok=True)
    versions = existing_versions(releases)
    version = rel.check_version(version) if version else rel.next_version(versions, datetime.now(timezone.utc).date())
    if version in versions:
        raise FileExistsError(f"{releases / version}: release {version} exists already and is never overwritten")
    # Load inputs
    rows = load_release_rows(Store(store_root))
    # Process
    tables = {name: to_arrow(name, rows[name]) for name in TABLES}
    # Save outputs
    stage = releases / f".tmp-{version}-{uuid.uuid4().hex[:8]}"
    (stage / "data").mkdir(parents=True)
    for name, table in tables.items():
        pq.write_table(table, stage / "data" / f"{name}.parquet", compression="zstd")
    logger.info("release %s staged: %s", version, ", ".join(f"{n} {t.num_rows}" for n, t in tables.items()))
    return {"version": version, "stage": str(stage), "counts": {n: t.num_rows for n, t in tables.items()}}


def read_stage(stage: Path) -> dict[str, pd.DataFrame]:
    return {name: pq.read_table(stage / "data" / f"{name}.parquet").to_pandas() for name in TABLES}


@task(name="validate-release")
def validate_stage(staged: dict) -> dict:
    """Run the suites on the staged tables; on failure remove the stage and raise."""
    logger = get_run_logger()
    stage = Path(staged["stage"])
    try:
        summary = validate_frames(read_stage(stage), report_dir=stage / "validation")
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if not summary["success"]:
        shutil.rmtree(stage, ignore_errors=True)
        error = ValidationFailed(summary)
        logger.error("%s", error)
        raise error
    logger.info("release %s valid: %d tables, %d expectations", staged["version"], len(summary["tables"]),
                sum(t["evaluated"] for t in summary["tables"].values()))
    return summary


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


@task(name="publish-release")
def publish_stage(staged: dict, validation: dict, model: str) -> dict:
    """Write the CSV twins and the metadata, then move the release into place."""
    logger = get_run_logger()
    stage = Path(staged["stage"])
    releases = stage.parent
    version = staged["version"]
    target = releases / version
    created = datetime.now(timezone.utc)
    extractor = {"version": EXTRACTOR_VERSION, "model": model}
    try:
        # Load inputs
        arrow = {name: pq.read_table(stage / "data" / f"{name}.parquet") for name in TABLES}
        # Process + save outputs (all inside the stage)
        for name, table in arrow.items():
            write_csv(rel.csv_frame(name, table), stage / "data" / f"{name}.csv")
        files = {}
        for name in TABLES:
            for ext in ("parquet", "csv"):
                p = stage / "data" / f"{name}.{ext}"
                files[f"data/{name}.{ext}"] = {"bytes": p.stat().st_size, "sha256": _sha256_file(p)}
        package = rel.datapackage(version, files, created, extractor)
        (stage / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8")
        articles = arrow["articles"].to_pandas()
        card = rel.data_card(version, staged["counts"], articles, validation, extractor, created)
        (stage / "README.md").write_text(card, encoding="utf-8")
        sums = []
        for p in sorted(stage.rglob("*")):
            if p.is_file():
                sums.append(f"{_sha256_file(p)}  {p.relative_to(stage).as_posix()}")
        (stage / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
        if target.exists():
            raise FileExistsError(f"{target}: release {version} exists already and is never overwritten")
        os.rename(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    update_index(releases, version, staged["counts"], created)
    logger.info("published release %s at %s", version, target)
    return {"version": version, "path": str(target), "counts": staged["counts"]}


def update_index(releases: Path, version: str, counts: dict, created: datetime) -> None:
    """Add the release to index.json (replaced atomically) and point `latest` at the newest."""
    index_path = releases / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8")) if index_path.exists() else {"releases": []}
    entries = [r for r in index.get("releases", []) if r.get("version") != version]
    entries.append({"version": version, "created": created.isoformat(), "path": f"{version}/",
                    "datapackage": f"{version}/datapackage.json", "counts": counts})
    entries.sort(key=lambda r: rel.version_key(r["version"]))
    latest = entries[-1]["version"]
    _write_text_atomic(index_path, json.dumps({"latest": latest, "releases": entries}, indent=2))
    link = releases / "latest"
    tmp_link = releases / f".tmp-latest-{uuid.uuid4().hex[:8]}"
    try:
        os.symlink(latest, tmp_link)
        os.replace(tmp_link, link)
    except OSError:  # no symlinks on this filesystem: index.json says which is latest
        tmp_link.unlink(missing_ok=True)

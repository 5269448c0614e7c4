"""Build, validate and publish a release: to a local folder, or to any fsspec URL (``s3://bucket/prefix``).

    stage_release   store → resolved, typed tables → a private local work folder (full text; never published)
    validate_stage  the full tables → Great Expectations → <work>/release/validation/ and validation.json.
                    A failing release is not published; its report is kept at
                    <releases>/failed/<version>-<UTC time>/ (validation/ and validation.json)
    publish_stage   the public files, built in <work>/release/: Parquet and CSV (text of sources that are not
                    redistributable left empty; CSV cells safe in spreadsheets), changes.json against the
                    previous release, charts, datapackage.json, the data card, SHA256SUMS; then
                    upload to <releases>/.tmp-<version>-<id>/ → sizes checked → renamed (local folder) or
                    copied (object stores, which have no rename) to <releases>/<version>/ → index.json
                    replaced last → ``latest`` symlink (local folders)

Readers find releases through index.json, which is written last: a failure at any step leaves the
earlier releases and index.json as they were, and removes what it had uploaded. An existing version is
never overwritten. Evidence is validated against the full text before any text is withheld.

The plain functions (``stage_tables``, ``check_stage``, ``publish_staged``, ``publish_tables``) do the
work; the Prefect tasks wrap them for the pipeline. What is computed without files is in
``transforms/release/``: index.json's entries (``index.py``), the file listings, SHA256SUMS and
fingerprints (``listing.py``), public tables (``public.py``), changes, charts and the data card.
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path

import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem
from prefect import get_run_logger, task

from flows.database import DatabaseError, write_database
from flows.store import Store, sha256_file
from flows.validate import validate_frames
from transforms.release.card import data_card, datapackage, validation_report
from transforms.release.index import (
    failed_folder, index_with, latest_entry, listed_versions, parse_index, previous_version, publication,
    release_entry,
)
from transforms.release.listing import (
    code_digest, data_file_paths, file_entry, inputs_digest, seconds_since_change, sha256sums,
)
from transforms.release.evidence import (
    EVIDENCE_CELL_CHARS, EVIDENCE_SHARE, EVIDENCE_TABLES, Budget, apply_budget, evidence_budget, published_shares,
    withheld_lengths,
)
from transforms.release.sqlite import SQLITE_PATH
from transforms.release.public import csv_frame, public_table, sources_summary, with_rights
from transforms.release.versions import check_version, next_version
from transforms.release.changes import diff_release
from transforms.release.charts import release_charts
from transforms.language.extract import EXTRACTOR_VERSION
from transforms.language.nlp import DEFAULT_MODEL
from transforms.release.resolve import Resolver
from transforms.schema import SCHEMA_VERSION, TABLES
from transforms.release.tables import arrow_schema, to_arrow
from transforms.release.validation import ValidationFailed

LOG = logging.getLogger("dealwire.publish")
STALE_TMP_SECONDS = 24 * 3600  # a .tmp- folder this old is what a killed run left behind


class PublishError(RuntimeError):
    """A release cannot be published safely; nothing published was changed."""


# ---- the place releases live ------------------------------------------------------------------


class Target:
    """The releases folder: a local path or any fsspec URL, with the few operations publishing needs."""

    def __init__(self, url: str | Path):
        self.url = str(url).rstrip("/") or "/"
        try:
            self.fs, self.base = fsspec.core.url_to_fs(self.url)
        except ImportError as exc:  # s3fs, gcsfs… not installed
            raise PublishError(f"{self.url}: {exc} (for S3: pip install 'dealwire[s3]')") from None
        self.base = self.base.rstrip("/")
        self.local = isinstance(self.fs, LocalFileSystem)

    def path(self, *parts: str) -> str:
        return "/".join([self.base, *[p.strip("/") for p in parts if p]])

    def show(self, *parts: str) -> str:
        """Where a path is, for messages: a local path or the URL."""
        if self.local:
            return str(Path(self.path(*parts)))
        return "/".join([self.url, *[p.strip("/") for p in parts if p]])

    def ensure(self) -> None:
        """A local folder is made; an object store's bucket must exist already."""
        if self.local:
            os.makedirs(self.base, exist_ok=True)
            return
        bucket = self.base.split("/", 1)[0]
        try:
            found = self.fs.exists(bucket)
        except Exception as exc:  # noqa: BLE001 - credentials, network: say where
            raise PublishError(f"{self.url}: cannot reach the bucket {bucket!r} ({type(exc).__name__}: {exc})") from exc
        if not found:
            raise PublishError(f"{self.url}: the bucket {bucket!r} does not exist (or these credentials cannot see it)")

    def exists(self, rel_path: str) -> bool:
        return self.fs.exists(self.path(rel_path))

    def listing(self) -> list[dict]:
        try:
            return self.fs.ls(self.base, detail=True)
        except FileNotFoundError:
            return []

    def read_index(self) -> dict:
        """index.json, or an empty one; a damaged index.json stops the publication."""
        path = self.path("index.json")
        if not self.fs.exists(path):
            return {"releases": []}
        try:
            with self.fs.open(path, "rb") as fh:
                index = parse_index(fh.read())
        except (UnicodeDecodeError, ValueError) as exc:
            raise PublishError(f"{self.show('index.json')}: cannot be read ({exc}); refusing to publish over it. "
                               "Repair or remove it (each release folder has its datapackage.json).") from None
        return index

    def versions(self) -> list[str]:
        """Every version published: the entries of index.json, the only record of publication (a
        version-named folder it does not list was left by a run killed before it wrote the index;
        ``publish_staged`` replaces it)."""
        return listed_versions(self.read_index())

    def unlisted_release(self, version: str) -> bool:
        """A complete release folder (its datapackage.json and SHA256SUMS are there) that index.json
        does not list: moved into place by a run killed before it wrote the index. Any other folder
        in the way (another tool's, say) is left alone."""
        return (version not in self.versions() and self.exists(f"{version}/datapackage.json")
                and self.exists(f"{version}/SHA256SUMS"))

    def upload_dir(self, local_dir: Path, rel_path: str) -> list[str]:
        """Copy every file under local_dir to rel_path/; the relative paths uploaded."""
        files = sorted(p.relative_to(local_dir).as_posix() for p in Path(local_dir).rglob("*") if p.is_file())
        if self.local:
            for f in files:
                dest = self.path(rel_path, f)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                shutil.copyfile(Path(local_dir) / f, dest)
        else:  # one call: object stores upload the files concurrently
            self.fs.put([str(Path(local_dir) / f) for f in files], [self.path(rel_path, f) for f in files])
        return files

    def check_sizes(self, rel_path: str, local_dir: Path, files: list[str]) -> None:
        """Every file arrived whole: one listing of the uploaded folder, sizes compared."""
        self.fs.invalidate_cache()
        root = self.path(rel_path)
        found = {self.fs._strip_protocol(p)[len(self.fs._strip_protocol(root)) + 1:]: info.get("size")
                 for p, info in self.fs.find(root, detail=True).items()}
        for f in files:
            want = (Path(local_dir) / f).stat().st_size
            if found.get(f) != want:
                raise PublishError(f"{self.show(rel_path, f)}: uploaded {found.get(f)} bytes, expected {want}")

    def promote(self, tmp_rel: str, final_rel: str, files: list[str]) -> None:
        """<tmp> → <final>: one rename on a local folder; a copy then a delete on object stores."""
        if self.local:
            os.rename(self.path(tmp_rel), self.path(final_rel))  # fails if final exists (never overwritten)
            return
        self.fs.invalidate_cache()
        if self.fs.exists(self.path(final_rel)):
            raise FileExistsError(f"{self.show(final_rel)}: release exists already and is never overwritten")
        try:
            self.fs.copy([self.path(tmp_rel, f) for f in files], [self.path(final_rel, f) for f in files])
        except BaseException:
            self.remove(final_rel)  # it did not exist before: a partial copy is ours to take back
            raise
        self.remove(tmp_rel)

    def remove(self, rel_path: str) -> None:
        try:
            if self.fs.exists(self.path(rel_path)):
                self.fs.rm(self.path(rel_path), recursive=True)
        except (FileNotFoundError, OSError) as exc:  # best effort: it is not listed anywhere
            LOG.warning("could not remove %s: %s", self.show(rel_path), exc)
        self.fs.invalidate_cache()

    def write_index(self, index: dict) -> None:
        """Replace index.json in one step: rename on a local folder, one PUT on an object store."""
        data = (json.dumps(index, indent=2) + "\n").encode("utf-8")
        if self.local:
            tmp = self.path(f".tmp-index-{uuid.uuid4().hex}.json")
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path("index.json"))
        else:
            self.fs.pipe_file(self.path("index.json"), data)
            self.fs.invalidate_cache()

    def point_latest(self, version: str) -> None:
        """A ``latest`` symlink beside the releases (local folders only; index.json says it everywhere)."""
        if not self.local:
            return
        link, tmp = self.path("latest"), self.path(f".tmp-latest-{uuid.uuid4().hex[:8]}")
        try:
            os.symlink(version, tmp)
            os.replace(tmp, link)
        except OSError:  # no symlinks here, or a folder named latest: index.json says which is latest
            Path(tmp).unlink(missing_ok=True)

    def read_table(self, rel_path: str, columns: list[str] | None = None) -> pa.Table:
        with self.fs.open(self.path(rel_path), "rb") as fh:
            return pq.read_table(fh, columns=columns)

    def read_json(self, rel_path: str) -> dict | None:
        if not self.fs.exists(self.path(rel_path)):
            return None
        with self.fs.open(self.path(rel_path), "rb") as fh:
            return json.loads(fh.read().decode("utf-8"))

    def sweep_stale(self, max_age: float = STALE_TMP_SECONDS) -> list[str]:
        """Remove .tmp- folders a killed run left behind (older than max_age; never listed in index.json)."""
        removed, now = [], time.time()
        for info in self.listing():
            name = info["name"].rstrip("/").rsplit("/", 1)[-1]
            if not name.startswith(".tmp-"):
                continue
            if self.local and os.path.islink(self.path(name)):
                if now - os.lstat(self.path(name)).st_mtime > max_age:
                    os.unlink(self.path(name))
                    removed.append(name)
            elif _age(self.fs, info, now) > max_age:
                self.remove(name)
                removed.append(name)
        return removed


def _age(fs, info: dict, now: float) -> float:
    """Seconds since anything under a listed entry last changed (0 when unknown)."""
    entries = [info]
    if info.get("type") == "directory":
        try:
            entries += list(fs.find(info["name"], detail=True).values())
        except (FileNotFoundError, OSError):
            pass
    return seconds_since_change(entries, now)


# ---- small helpers ------------------------------------------------------------------------------


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


# ---- stage -----------------------------------------------------------------------------------------


# What the release tables are made of: the code that shapes them, and the store's articles and
# extractions. fetch_log is not part of it: every run adds its rows, so a run that changed nothing else
# publishes no release, and its fetch_log rows go out with the next release.
ROOT = Path(__file__).resolve().parent.parent
RELEASE_CODE = ("transforms/**/*.py", "transforms/**/data/*", "flows/publish.py", "flows/validate.py", "expectations/*.json")


def code_fingerprint() -> str:
    """sha256 over the files whose code or rules decide what a release holds."""
    return code_digest((path.relative_to(ROOT).as_posix(), hashlib.sha256(path.read_bytes()).digest())
                       for pattern in RELEASE_CODE for path in sorted(ROOT.glob(pattern)))


def _listing(store: Store, *parts: str) -> list[str]:
    """Every file under a store folder as "path size content-hash" lines. An object store's listing
    gives the hash (ETag); elsewhere each file is read (the release reads them all anyway)."""
    folder = store.path(*parts)
    if not store.fs.exists(folder):
        return []
    lines = []
    for path, info in sorted(store.fs.find(folder, detail=True).items()):
        if path.rsplit("/", 1)[-1].startswith(".tmp-"):
            continue
        stamp = info.get("ETag") or info.get("etag") or hashlib.sha256(store.fs.cat_file(path)).hexdigest()
        lines.append(f"{path[len(folder):]} {info.get('size')} {stamp}")
    return lines


def inputs_fingerprint(store: Store, model: str) -> str:
    """sha256 of everything a release is built from except fetch_log: schema, extractor and model,
    the release code, and the content of the store's articles and current extractions."""
    folders = (("articles",), ("extractions", EXTRACTOR_VERSION))
    listings = {"/".join(folder): _listing(store, *folder) for folder in folders}
    # What the release says of articles not extracted (not when they were last tried).
    listings["extraction_problems"] = sorted(f"{article_id}-{short} {record['status']} {record['note']}"
                                             for (article_id, short), record
                                             in store.extraction_problems(EXTRACTOR_VERSION).items())
    return inputs_digest([SCHEMA_VERSION, EXTRACTOR_VERSION, model, code_fingerprint()], listings)


def latest_release_entry(target: Target) -> dict | None:
    """The index.json entry of the latest release, if any."""
    return latest_entry(target.read_index())


def unchanged_since(store_root: str, releases: str, model: str = DEFAULT_MODEL) -> str | None:
    """The latest release's version if it was built from exactly what the store and code hold now,
    else None (no release yet, a release without a fingerprint, or anything changed)."""
    target = Target(releases)
    if not target.fs.exists(target.path("index.json")):
        return None
    latest = latest_release_entry(target)
    if not latest or not latest.get("inputs"):
        return None
    return latest["version"] if latest["inputs"] == inputs_fingerprint(Store(store_root), model) else None


def resolve_store(store: Store) -> Iterator[tuple[str, list[dict]]]:
    """(table, rows) parts of every table from what the store holds now, article by article (in
    article_id order, so the parts of a table follow each other in release order), then the tables
    about the whole corpus and fetch_log. Three passes over the store (``transforms.release.resolve.Resolver``):
    no more than one article's text, extraction or rows is held at a time."""
    resolver = Resolver()
    extracted: dict[str, str] = {}  # article_id -> text hash, for articles with a current extraction
    done = store.extraction_keys(EXTRACTOR_VERSION)
    for article in store.iter_articles():
        resolver.add_article(article)
        if article.get("extraction_status") in ("pending", "extracted") and \
                (article["article_id"], article["text_sha256"][:16]) in done:
            extracted[article["article_id"]] = article["text_sha256"]
    for article_id, text_sha256 in extracted.items():
        if resolver.counts(article_id):
            found = store.get_extraction(EXTRACTOR_VERSION, article_id, text_sha256)
            if found is not None:
                resolver.add_extraction(article_id, found)
    resolver.link()
    problems = store.extraction_problems(EXTRACTOR_VERSION)
    for article in store.iter_articles():
        article_id = article["article_id"]
        extraction = None
        if article_id in extracted and resolver.counts(article_id) and article["text_sha256"] == extracted[article_id]:
            extraction = store.get_extraction(EXTRACTOR_VERSION, article_id, article["text_sha256"])
        problem = problems.get((article_id, article["text_sha256"][:16]))
        if problem and article_id not in extracted and article.get("extraction_status") == "pending":
            article = {**article, "extraction_status": problem["status"], "extraction_note": problem["note"]}
        yield from resolver.article_rows(with_rights(article), extraction,
                                         extracted=extraction is not None or article_id in extracted).items()
    yield from resolver.corpus_rows().items()
    yield "fetch_log", sorted(store.fetch_log(), key=lambda r: (r["retrieved_at"], r["fetch_id"]))


STAGE_ROWS = 20_000  # rows of a table gathered before they are written out as one Parquet row group
STAGE_ARTICLES = 1_000  # articles (and their texts) gathered before they are written out


def write_store_tables(store: Store, folder: Path, rows_per_group: int = STAGE_ROWS,
                       articles_per_group: int = STAGE_ARTICLES) -> dict[str, int]:
    """Every table of the release as <folder>/<table>.parquet, written in row groups as the store is
    resolved; the rows of each table."""
    writers = {name: pq.ParquetWriter(folder / f"{name}.parquet", arrow_schema(name), compression="zstd")
               for name in TABLES}
    pending: dict[str, list[dict]] = {name: [] for name in TABLES}
    counts = {name: 0 for name in TABLES}

    def flush(name: str) -> None:
        if pending[name]:
            writers[name].write_table(to_arrow(name, pending[name]))
            counts[name] += len(pending[name])
            pending[name] = []

    try:
        for name, part in resolve_store(store):
            pending[name].extend(part)
            if len(pending[name]) >= (articles_per_group if name == "articles" else rows_per_group):
                flush(name)
        for name in TABLES:
            flush(name)
    finally:
        for writer in writers.values():
            writer.close()
    return counts


WORK_MAX_AGE = 24 * 3600  # a work folder this old was left by a killed run


def work_root() -> Path:
    """The parent of the private local work folders (``<tmp>/dealwire-work``), swept of folders
    that killed runs left behind: they hold full text, including text that is not redistributable."""
    root = Path(tempfile.gettempdir()) / "dealwire-work"
    root.mkdir(mode=0o700, exist_ok=True)
    now = time.time()
    for old in root.glob("dealwire-release-*"):
        try:
            if now - old.stat().st_mtime > WORK_MAX_AGE:
                shutil.rmtree(old, ignore_errors=True)
                LOG.warning("removed %s, a work folder left behind by an interrupted run", old)
        except OSError:
            pass
    return root


def _new_stage(releases: str, version: str | None) -> tuple[str, Path, str]:
    """Check the target and the version; a new private local work folder for the full tables."""
    target = Target(releases)
    target.ensure()
    versions = target.versions()  # also refuses a damaged index.json
    version = check_version(version) if version else next_version(versions, datetime.now(timezone.utc).date())
    if version in versions:
        raise FileExistsError(f"{target.show(version)}: release {version} exists already and is never overwritten")
    work = Path(tempfile.mkdtemp(prefix=f"dealwire-release-{version}-", dir=work_root()))
    return version, work, target.url


def _staged(version: str, work: Path, url: str, counts: dict[str, int], log) -> dict:
    log.info("release %s staged in %s: %s", version, work, ", ".join(f"{n} {c}" for n, c in counts.items()))
    return {"version": version, "work": str(work), "releases": url, "counts": counts}


def stage_tables(tables: dict[str, pa.Table], releases: str, version: str | None = None,
                 log: logging.Logger | logging.LoggerAdapter = LOG) -> dict:
    """Check the target and the version, then write the full tables into a private local work folder."""
    missing = [name for name in TABLES if name not in tables]
    if missing:
        raise ValueError(f"no table {', '.join(missing)} to publish")
    version, work, url = _new_stage(releases, version)
    try:
        (work / "full").mkdir()
        for name in TABLES:
            pq.write_table(tables[name], work / "full" / f"{name}.parquet", compression="zstd")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return _staged(version, work, url, {name: tables[name].num_rows for name in TABLES}, log)


# From this many articles, the store is resolved into the release tables by a second process: what
# resolving holds between its passes (tens of bytes per actor mention, benchmarks/pipeline.py) is
# then given back to the system when it ends, not kept by this process's allocator for the rest of
# the run (validation and publishing need other, smaller pieces of memory).
SEPARATE_STAGE_ARTICLES = 2_000


def _write_store_tables_at(store_root: str, folder: str) -> tuple[dict[str, int], float]:
    """``write_store_tables`` (in the second process): the rows of each table, and this process's peak RSS (MiB)."""
    import resource

    counts = write_store_tables(Store(store_root), Path(folder))
    return counts, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_second_process(function: Callable, *args):
    """``function(*args)`` in a fresh process (forkserver: this one may run threads), its error
    raised here."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        return pool.submit(function, *args).result()


def stage_store(store: Store, releases: str, version: str | None = None,
                log: logging.Logger | logging.LoggerAdapter = LOG,
                separate_from: int = SEPARATE_STAGE_ARTICLES) -> dict:
    """Check the target and the version, then resolve the store straight into the full tables of a
    private local work folder (``write_store_tables``; by a second process from ``separate_from``
    articles)."""
    version, work, url = _new_stage(releases, version)
    try:
        (work / "full").mkdir()
        articles = len(store.article_ids())
        second = {}
        if articles >= separate_from:
            log.info("resolving %d articles in a second process", articles)
            counts, peak = in_second_process(_write_store_tables_at, store.root, str(work / "full"))
            second = {"stage_process_peak_rss_mib": round(peak, 1)}
            log.info("the second process resolved the store with a peak RSS of %.0f MiB", peak)
        else:
            counts = write_store_tables(store, work / "full")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return _staged(version, work, url, counts, log) | second


class TableFiles(Mapping):
    """Tables kept as files, as pandas frames: each read when it is asked for and not kept, so that a
    step going through the tables one at a time never holds them all. ``columns(name, [...])`` reads
    only some columns."""

    def __init__(self, names: list[str], read: Callable[[str, list[str] | None], pa.Table],
                 path: Callable[[str], Path] | None = None):
        self.names, self.read, self.path = list(names), read, path

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.names:
            raise KeyError(name)
        return self.read(name, None).to_pandas()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def columns(self, name: str, columns: list[str]) -> pd.DataFrame:
        return self.read(name, columns).to_pandas()

    def rows_where(self, name: str, column: str, values: list, columns: list[str]) -> pd.DataFrame:
        """The rows whose ``column`` is one of ``values``; from a local file, reading only the row
        groups that can hold them."""
        if self.path is not None:
            return pq.read_table(self.path(name), columns=columns, filters=[(column, "in", list(values))]).to_pandas()
        frame = self.columns(name, columns)
        return frame[frame[column].isin(list(values))]

    def num_rows(self, name: str) -> int:
        if self.path is not None:
            return pq.ParquetFile(self.path(name)).metadata.num_rows
        return self.read(name, None).num_rows

    def batches(self, name: str, rows: int) -> Iterator[pd.DataFrame]:
        """The table ``rows`` at a time (each frame indexed by row number in the whole table); from a
        local file, without reading the rest of it."""
        if self.path is None:
            table = self.read(name, None)
            parts = (table.slice(start, rows) for start in range(0, max(table.num_rows, 1), rows))
        else:
            parquet = pq.ParquetFile(self.path(name))
            parts = (pa.Table.from_batches([b]) for b in parquet.iter_batches(batch_size=rows))
            if parquet.metadata.num_rows == 0:
                parts = iter([parquet.schema_arrow.empty_table()])
        offset = 0
        for part in parts:
            frame = part.to_pandas()
            frame.index = pd.RangeIndex(offset, offset + len(frame))
            offset += len(frame)
            yield frame


def read_full(staged: dict) -> TableFiles:
    """The staged full tables (with every text), one at a time."""
    folder = Path(staged["work"]) / "full"
    return TableFiles(list(TABLES), lambda name, columns: pq.read_table(folder / f"{name}.parquet", columns=columns),
                      lambda name: folder / f"{name}.parquet")


def withheld_evidence_budget(folder: Path) -> Budget:
    """The evidence budget (``transforms.release.evidence``) of the staged tables' withheld articles:
    their text lengths and every evidence span, read column by column."""
    lengths = withheld_lengths(pq.read_table(folder / "articles.parquet",
                                             columns=["article_id", "redistributable", "text"]))
    spans = {}
    for name in EVIDENCE_TABLES if lengths else ():
        (key,) = TABLES[name].primary_key
        frame = pq.read_table(folder / f"{name}.parquet", columns=["article_id", key, "start", "end"]).to_pandas()
        spans[name] = frame.rename(columns={key: "key"})
    return evidence_budget(lengths, spans)


def read_public(staged: dict) -> TableFiles:
    """The staged tables as they are published, one at a time: ``transforms.release.public_table``
    (withheld texts left out) and the evidence budget of withheld articles (made once, when an evidence
    column is first read; ``files.evidence_budget()`` gives it)."""
    folder = Path(staged["work"]) / "full"
    made: list[Budget] = []

    def budget() -> Budget:
        if not made:
            made.append(withheld_evidence_budget(folder))
        return made[0]

    def read(name: str, columns: list[str] | None) -> pa.Table:
        touched = {c.name for c in TABLES[name].columns if c.withheld} | \
            ({TABLES[name].evidence_column} if name in EVIDENCE_TABLES else set())
        if columns and not touched & set(columns):  # nothing to withhold or cut: just these columns
            return pq.read_table(folder / f"{name}.parquet", columns=columns)
        table = public_table(name, pq.read_table(folder / f"{name}.parquet"))
        if name in EVIDENCE_TABLES:
            table = apply_budget(name, table, budget())
        return table.select(columns) if columns else table

    files = TableFiles(list(TABLES), read)
    files.evidence_budget = budget
    return files


def check_evidence_share(public: TableFiles) -> dict:
    """The release check of the evidence budget, on the tables as published: the share of each withheld
    article's text that its evidence republishes. PublishError naming the article when one is over
    EVIDENCE_SHARE; else {"articles", "max_share", "mean_share", "cut", "left_out", "cap", "cell_chars"}."""
    budget = public.evidence_budget()
    evidence = {}
    for name in EVIDENCE_TABLES if budget.lengths else ():
        column = TABLES[name].evidence_column
        evidence[name] = public.columns(name, ["article_id", "start", column]).rename(columns={column: "value"})
    shares = published_shares(budget.lengths, evidence)
    over = sorted((share, article_id) for article_id, share in shares.items() if share > EVIDENCE_SHARE + 1e-9)
    if over:
        share, article_id = over[-1]
        raise PublishError(f"the evidence of article {article_id} (not redistributable) republishes "
                           f"{share:.0%} of its text, over the cap of {EVIDENCE_SHARE:.0%}")
    values = list(shares.values())
    return {"articles": len(values), "max_share": max(values, default=0.0),
            "mean_share": sum(values) / len(values) if values else 0.0, "cut": len(budget.cut),
            "left_out": len(budget.dropped), "cap": EVIDENCE_SHARE, "cell_chars": EVIDENCE_CELL_CHARS}


# ---- validate ---------------------------------------------------------------------------------------


def check_stage(staged: dict, log: logging.Logger | logging.LoggerAdapter = LOG) -> dict:
    """Run the suites on the full tables (before any text is withheld). On failure keep the report at
    <releases>/failed/<version>-<UTC time>/, remove the work folder and raise ValidationFailed."""
    work = Path(staged["work"])
    report = work / "release"
    try:
        summary = validate_frames(read_full(staged), report_dir=report / "validation")
        _write_json(report / "validation.json", validation_report(summary, staged["version"]))
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if summary["success"]:
        log.info("release %s valid: %d tables, %d expectations", staged["version"], len(summary["tables"]),
                 sum(t["evaluated"] for t in summary["tables"].values()))
        return summary
    target = Target(staged["releases"])
    kept = failed_folder(staged["version"], datetime.now(timezone.utc))
    where = None
    try:
        target.ensure()
        target.upload_dir(report, kept)
        where = target.show(kept, "validation")
    except Exception as exc:  # noqa: BLE001 - the validation failure is what must be reported
        log.error("could not keep the validation report at %s: %s", target.show(kept), exc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    error = ValidationFailed(summary, report=where)
    log.error("%s", error)
    raise error


# ---- publish -----------------------------------------------------------------------------------------


def previous_release(target: Target, version: str) -> tuple[str | None, TableFiles | None, str | None]:
    """(version, public tables, schema version) of the release listed in index.json just before
    ``version``; its tables are read one at a time, when the changes are listed."""
    prev = previous_version(target.read_index(), version)
    if prev is None:
        return None, None, None

    def read(name: str, columns: list[str] | None) -> pa.Table:
        try:
            return target.read_table(f"{prev}/data/{name}.parquet", columns)
        except Exception as exc:  # noqa: BLE001 - any damage: say which release and stop
            raise PublishError(f"cannot read the previous release {target.show(prev)} to list the changes: "
                               f"{type(exc).__name__}: {exc}") from exc

    try:
        package = target.read_json(f"{prev}/datapackage.json") or {}
        names = [name for name in TABLES if target.exists(f"{prev}/data/{name}.parquet")]
    except Exception as exc:  # noqa: BLE001 - any damage: say which release and stop
        raise PublishError(f"cannot read the previous release {target.show(prev)} to list the changes: "
                           f"{type(exc).__name__}: {exc}") from exc
    return prev, TableFiles(names, read), package.get("schema_version")


# From this many rows in all, the public Parquet and CSV files are written by a second process while
# this one lists the changes (the two longest parts of publishing; benchmarks/release_scale.py).
PARALLEL_ROWS = 500_000


CSV_ROWS = 50_000  # rows turned into a pandas frame at a time when a table is written as CSV


def write_csv_table(name: str, table: pa.Table, path: Path, rows: int = CSV_ROWS) -> None:
    """A table as CSV (``transforms.release.csv_frame``), a slice of ``rows`` at a time."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for start in range(0, max(table.num_rows, 1), rows):
            frame = csv_frame(name, table.slice(start, rows))
            frame.to_csv(fh, index=False, header=start == 0, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


def write_public_data(work: str, out: str) -> float:
    """Every table's public files, data/<name>.parquet and data/<name>.csv, from the staged full
    tables, one table at a time, then data/dealwire.sqlite from those Parquet files (also what the
    second process runs); this process's peak RSS (MiB)."""
    import resource

    public = read_public({"work": work})
    for name in TABLES:
        table = public.read(name, None)
        pq.write_table(table, Path(out) / "data" / f"{name}.parquet", compression="zstd")
        write_csv_table(name, table, Path(out) / "data" / f"{name}.csv")
        del table
    try:
        write_database(Path(out) / "data", Path(SQLITE_PATH).name)
    except DatabaseError as exc:
        raise PublishError(f"the SQLite database was not built: {exc}") from None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def data_files_writer(work: Path, out: Path, parallel: bool) -> Iterator[dict]:
    """Write the public data files: in this process before the block runs, or, when ``parallel``, in a
    second process (forkserver: this one may run threads) while the block runs, waited for at its end
    (the dict it gives then holds the second process's peak RSS, ``peak_rss_mib``)."""
    done: dict = {}
    if not parallel:
        write_public_data(str(work), str(out))
        yield done
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        writing = pool.submit(write_public_data, str(work), str(out))
        try:
            yield done
        finally:
            done["peak_rss_mib"] = round(writing.result(), 1)  # its error, if any, is this release's


def build_public_files(staged: dict, validation: dict, model: str, target: Target,
                       parallel_rows: int = PARALLEL_ROWS) -> dict:
    """Every public file of the release in <work>/release/; returns what the index and the log need,
    and the seconds each part took."""
    work = Path(staged["work"])
    out = work / "release"
    version = staged["version"]
    created = datetime.now(timezone.utc)
    extractor = {"version": EXTRACTOR_VERSION, "model": model}
    seconds, clock = {}, time.perf_counter()

    def lap(part: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[part] = round(now - clock, 3)
        clock = now

    # Load inputs (every table is read when it is needed, one at a time)
    public = read_public(staged)
    prev_version, prev_tables, prev_schema = previous_release(target, version)
    lap("read")
    # Process + save outputs (all inside the work folder)
    (out / "data").mkdir(parents=True, exist_ok=True)
    parallel = sum(staged["counts"].values()) >= parallel_rows
    with data_files_writer(work, out, parallel) as data_files:
        if not parallel:
            lap("parquet+csv+sqlite")
        # the first release: every row is new, and only the keys are read to list them
        current = public if prev_version else TableFiles(
            list(TABLES), lambda name, columns: public.read(name, list(TABLES[name].primary_key)))
        changes = diff_release(version, current, prev_tables, prev_version, SCHEMA_VERSION, prev_schema)
        _write_json(out / "changes.json", changes)
        lap("changes")
        evidence = check_evidence_share(public)  # beside the second process too: it reads the staged tables
        lap("evidence check")
    if parallel:
        lap("waiting for parquet+csv+sqlite")
    articles = public.columns("articles", [c for c in TABLES["articles"].column_names if c != "text"])
    charts = {}
    for file_name, (alt, svg) in release_charts(articles, public["deals"]).items():
        (out / "charts").mkdir(exist_ok=True)
        (out / "charts" / file_name).write_text(svg, encoding="utf-8")
        charts[f"charts/{file_name}"] = alt
    digests = {}  # every file hashed once: for datapackage.json and for SHA256SUMS
    files = {}
    for rel in data_file_paths():
        p = out / rel
        digests[p] = sha256_file(p)
        files[rel] = file_entry(p.stat().st_size, digests[p])
    sources = sources_summary(articles)
    _write_json(out / "datapackage.json", datapackage(version, files, created, extractor, sources))
    readme = data_card(version, staged["counts"], articles, validation, extractor, created,
                       changes=changes, charts=charts, evidence=evidence)
    (out / "README.md").write_text(readme, encoding="utf-8")
    sums = sha256sums((digests.get(p) or sha256_file(p), p.relative_to(out).as_posix())
                      for p in sorted(out.rglob("*")) if p.is_file() and p.name != "SHA256SUMS")
    (out / "SHA256SUMS").write_text(sums, encoding="utf-8")
    lap("charts+datapackage+card+sums")
    return {"created": created, "changes": changes, "evidence": evidence,
            "withheld": sum(s["articles_without_text"] for s in sources),
            "seconds": seconds, "data_process_peak_rss_mib": data_files.get("peak_rss_mib")}


def publish_staged(staged: dict, validation: dict, model: str = DEFAULT_MODEL,
                   log: logging.Logger | logging.LoggerAdapter = LOG) -> dict:
    """Build the public files locally, upload them beside the target, move them into place, then
    replace index.json. Any failure removes what was uploaded and leaves published files untouched."""
    work = Path(staged["work"])
    version = staged["version"]
    target = Target(staged["releases"])
    tmp_rel = f".tmp-{version}-{uuid.uuid4().hex[:8]}"
    promoted = False
    try:
        built = build_public_files(staged, validation, model, target)
        for name in target.sweep_stale():
            log.warning("removed %s, left behind by an interrupted run", target.show(name))
        if version in target.versions():
            raise FileExistsError(f"{target.show(version)}: release {version} exists already and is never overwritten")
        if target.exists(version) and not target.unlisted_release(version):
            raise FileExistsError(f"{target.show(version)}: a folder that is no release of ours is in the way "
                                  f"of release {version}; it is never overwritten")
        if target.exists(version):  # moved into place by a run killed before index.json: never listed
            log.warning("replacing %s: a release folder that index.json never listed (left by an interrupted run)",
                        target.show(version))
            target.remove(version)
        files = target.upload_dir(work / "release", tmp_rel)
        target.check_sizes(tmp_rel, work / "release", files)
        target.promote(tmp_rel, version, files)
        promoted = True
        index = index_with(target.read_index(),
                           release_entry(version, built["created"], staged["counts"], staged.get("inputs")))
        target.write_index(index)
    except BaseException:
        target.remove(tmp_rel)
        if promoted:  # in place but never listed: take it back so the version can be published again
            target.remove(version)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    target.point_latest(index["latest"])
    totals = built["changes"]["totals"]
    log.info("published release %s at %s (%d added, %d removed, %d changed rows since %s; %d articles without text)",
             version, target.show(version), totals["added"], totals["removed"], totals["changed"],
             built["changes"]["previous_version"] or "nothing", built["withheld"])
    return publication(staged, built, target.show(version))


def publish_tables(tables: dict[str, pa.Table], releases: str, version: str | None = None,
                   model: str = DEFAULT_MODEL, log: logging.Logger | logging.LoggerAdapter = LOG) -> dict:
    """Stage, validate and publish typed tables in one call (no Prefect)."""
    staged = stage_tables(tables, releases, version, log)
    try:
        validation = check_stage(staged, log)
    except BaseException:
        shutil.rmtree(staged["work"], ignore_errors=True)
        raise
    return publish_staged(staged, validation, model, log)


# ---- Prefect tasks -------------------------------------------------------------------------------------


@task(name="stage-release")
def stage_release(store_root: str, releases_dir: str, version: str | None = None, model: str = DEFAULT_MODEL) -> dict:
    """Resolve the store into typed tables and write them into a private local work folder."""
    logger = get_run_logger()
    target = Target(releases_dir)
    target.ensure()
    versions = target.versions()
    if version and check_version(version) in versions:  # before the work of resolving the store
        raise FileExistsError(f"{target.show(version)}: release {version} exists already and is never overwritten")
    # Load inputs (the fingerprint first: a change while reading gives a new release next time)
    store = Store(store_root)
    inputs = inputs_fingerprint(store, model)
    # Process + save outputs: resolved article by article into the work folder's Parquet files
    return stage_store(store, releases_dir, version, logger) | {"inputs": inputs}


@task(name="check-unchanged")
def check_unchanged(store_root: str, releases_dir: str, model: str) -> str | None:
    """The latest release's version when nothing it was built from has changed since, else None."""
    return unchanged_since(store_root, releases_dir, model)


@task(name="validate-release")
def validate_stage(staged: dict) -> dict:
    """Run the suites on the full tables; on failure keep the report and raise ValidationFailed."""
    return check_stage(staged, get_run_logger())


@task(name="publish-release")
def publish_stage(staged: dict, validation: dict, model: str) -> dict:
    """Write the public files and move the release into place; index.json last."""
    return publish_staged(staged, validation, model, get_run_logger())


def release_store(store: str, releases: str, version: str | None, model: str) -> dict:
    """Inside a flow: stage → validate → publish a release of the store, or none when nothing changed
    since the latest one (and no ``version`` is asked for). {"release": …} or {"unchanged_since": version}."""
    logger = get_run_logger()
    unchanged = None if version else check_unchanged(store, releases, model)
    if unchanged:  # no new version of the same tables
        logger.info("nothing changed since release %s: no new release published", unchanged)
        return {"unchanged_since": unchanged}
    staged = stage_release(store, releases, version, model)
    validation = validate_stage(staged)
    published = publish_stage(staged, validation, model)
    logger.info("release %s: %s", published["version"], published["path"])
    return {"release": published}

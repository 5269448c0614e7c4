"""`dealwire`: the command line.

    dealwire run --source samples/articles          ingest, extract, validate, publish a release
    dealwire run --url https://… --feed https://…   the same from URLs or an RSS/Atom feed
    dealwire extract FILE_OR_DIR… --output DIR       one-off: the tables as DIR/<table>.jsonl, no release
    dealwire download --base-url URL [--tables …]    fetch a published release's tables, sha256 verified
    dealwire explore [--releases DIR | --base-url URL] browse a release's SQLite database with Datasette
    dealwire suites --write                          rewrite expectations/*.json from the schema
    dealwire sources check [FILE]                    check a sources file, line by line (default: sources.yaml)
    dealwire serve [--prefect-yaml F] [--sources F]  serve the scheduled deployments of prefect.yaml
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import flows  # noqa: F401  (Prefect defaults before Prefect is imported)
from flows.config import (DEFAULT_BATCH_SIZE, DEFAULT_MODEL, DEFAULT_RELEASES, DEFAULT_SOURCES_FILE, DEFAULT_STORE,
                          MAX_ARTICLE_CHARS, FetchOptions, RunConfig)

FETCH_DEFAULTS = FetchOptions()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dealwire",
        description="Turn news articles into a dataset of deals, their parties, terms, status and quotes.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_run, _add_download, _add_explore, _add_extract, _add_suites, _add_sources, _add_serve):
        add(sub)
    return parser


def _add_run(sub) -> None:
    """`dealwire run`: the options of a pipeline run (flows/config.py RunConfig checks them)."""
    run = sub.add_parser("run", help="ingest sources, extract, validate and publish a release",
                         description="Run the whole pipeline as a Prefect flow: ingest → extract → validate → publish.")
    run.add_argument("--source", action="append", default=[], metavar="PATH",
                     help="a folder or file of .html/.txt/.jsonl articles (repeatable)")
    run.add_argument("--url", action="append", default=[], metavar="URL", help="an article URL to fetch (repeatable)")
    run.add_argument("--feed", action="append", default=[], metavar="URL", help="an RSS or Atom feed to follow (repeatable)")
    run.add_argument("--store", default=DEFAULT_STORE, metavar="DIR_OR_URL",
                     help=f"where raw snapshots, articles and extractions are kept (default: {DEFAULT_STORE})")
    run.add_argument("--output", default=DEFAULT_RELEASES, metavar="DIR_OR_URL",
                     help=f"the releases folder, or any fsspec URL such as s3://bucket/prefix (default: {DEFAULT_RELEASES})")
    run.add_argument("--model", default=DEFAULT_MODEL, help=f"installed spaCy model package (default: {DEFAULT_MODEL})")
    run.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, metavar="N",
                     help=f"articles per task (default: {DEFAULT_BATCH_SIZE})")
    run.add_argument("--workers", type=int, default=1, metavar="N",
                     help="extract in N local processes, each loading the spaCy model once (default: 1)")
    run.add_argument("--dask-address", default=None, metavar="tcp://HOST:PORT",
                     help="extract on an existing Dask cluster (its workers need the store and the Prefect API; "
                          "see README, Running at scale)")
    run.add_argument("--dask-workers", type=int, default=0, metavar="N",
                     help="extract on a local Dask cluster of N worker processes started for the run")
    run.add_argument("--max-article-chars", type=int, default=MAX_ARTICLE_CHARS, metavar="N",
                     help=f"longer texts are stored but not extracted (default: {MAX_ARTICLE_CHARS:,})")
    run.add_argument("--version", default=None, help="release version YYYY.MM.DD[.N] (default: today's next free one)")
    run.add_argument("--user-agent", default=None, help="User-Agent for HTTP requests (default: dealwire/<version> with a project URL)")
    run.add_argument("--max-retries", type=int, default=FETCH_DEFAULTS.max_retries, metavar="N",
                     help=f"retries per URL on connection errors, 429 and 5xx (default: {FETCH_DEFAULTS.max_retries})")
    run.add_argument("--host-delay", type=float, default=FETCH_DEFAULTS.host_delay, metavar="SECONDS",
                     help=f"minimum time between requests to one host (default: {FETCH_DEFAULTS.host_delay})")
    run.add_argument("--redistributable", action="store_true",
                     help="the sources given with --url and --feed allow their text to be republished "
                          "(default: not, and their text is left out of the public release; folders say it "
                          "in their own source.json)")
    run.add_argument("--allow-private-addresses", action="store_true",
                     help="follow feed and sitemap links to loopback, private and link-local addresses "
                          "(default: refused; URLs given with --url are always fetched)")
    run.add_argument("--no-publish", action="store_true", help="ingest and extract only; publish no release")


def _add_download(sub) -> None:
    """`dealwire download`: which release, tables and format, and where to."""
    dl = sub.add_parser("download", help="download a published release's tables, every file sha256-verified",
                        description="Download tables of a published release over HTTP(S) or from a local folder, "
                                    "resume interrupted transfers, and verify every file against datapackage.json.")
    dl.add_argument("--base-url", default=os.environ.get("DEALWIRE_BASE_URL", DEFAULT_RELEASES), metavar="URL",
                    help="the releases folder holding index.json: https://… or a local path "
                         f"(default: $DEALWIRE_BASE_URL, else {DEFAULT_RELEASES})")
    dl.add_argument("--version", default="latest", help="latest (default) or a version YYYY.MM.DD[.N]")
    dl.add_argument("--tables", default=None, metavar="T1,T2", help="comma-separated tables (default: all)")
    dl.add_argument("--format", default="parquet", choices=["parquet", "csv", "sqlite"],
                    help="file format (default: parquet); sqlite: the one database of every table, "
                         "data/dealwire.sqlite (also `--tables sqlite`)")
    dl.add_argument("--dest", default="dealwire-data", metavar="DIR",
                    help="where to put the files: DIR/<version>/data/ (default: dealwire-data)")


def _add_explore(sub) -> None:
    """`dealwire explore`: which release, from where, on which port."""
    ex = sub.add_parser("explore", help="browse a release's SQLite database in the browser (Datasette, 127.0.0.1)",
                        description="Serve a release's data/dealwire.sqlite with Datasette on 127.0.0.1: tables "
                                    "with descriptions, full-text search, deal pages (parties, terms, timeline, "
                                    "quotes) and canned queries. Ctrl-C stops it.")
    where = ex.add_mutually_exclusive_group()
    where.add_argument("--releases", default=None, metavar="DIR",
                       help="a local releases folder holding index.json, or one release's folder (as `dealwire "
                            f"download` leaves it), served in place (default: {DEFAULT_RELEASES})")
    where.add_argument("--base-url", default=None, metavar="URL",
                       help="a published releases folder (https://… or a path): the database is downloaded "
                            "into --dest and sha256-verified first")
    ex.add_argument("--version", default="latest", help="latest (default) or a version YYYY.MM.DD[.N]")
    ex.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (default: 8001)")
    ex.add_argument("--dest", default="dealwire-data", metavar="DIR",
                    help="with --base-url: where the database is downloaded to (default: dealwire-data)")


def _add_extract(sub) -> None:
    """`dealwire extract`: files in, one JSON Lines file per table out."""
    ext = sub.add_parser("extract", help="one-off: extract the tables from files, no store and no release",
                         description="Extract the release tables from local files and write DIR/<table>.jsonl, "
                                     "without Prefect, a store or a release.")
    ext.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help=".html/.txt/.jsonl files or folders of them")
    ext.add_argument("--output", metavar="DIR", help="write one DIR/<table>.jsonl per table")
    ext.add_argument("--quotes-jsonl", metavar="FILE",
                     help="also write the quotes in the form ../shared/bench/score_quotes.py reads")
    ext.add_argument("--model", default=DEFAULT_MODEL, help=f"installed spaCy model package (default: {DEFAULT_MODEL})")
    ext.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, metavar="N",
                     help=f"articles per nlp.pipe batch (default: {DEFAULT_BATCH_SIZE})")
    ext.add_argument("--max-article-chars", type=int, default=MAX_ARTICLE_CHARS, metavar="N",
                     help=f"longer texts are read but not extracted (default: {MAX_ARTICLE_CHARS:,})")


def _add_suites(sub) -> None:
    """`dealwire suites`: write or check the suites."""
    suites = sub.add_parser("suites", help="write or check expectations/*.json against the schema")
    suites.add_argument("--write", action="store_true", help="rewrite the suites from transforms/schema.py")


def _add_sources(sub) -> None:
    """`dealwire sources check`: the sources file."""
    src = sub.add_parser("sources", help="check the sources file that scheduled runs follow",
                         description="Work with the sources file (feeds, sitemaps, URL lists and folders, "
                                     "each with a schedule; see README, Scheduled runs).")
    src_sub = src.add_subparsers(dest="sources_command", required=True, metavar="SUBCOMMAND")
    check = src_sub.add_parser("check", help="check a sources file and list every problem with its line",
                               description="Check a sources file: exits 1 listing every problem as FILE:LINE: "
                                           "message, else 0 with a summary of the sources and schedule groups.")
    check.add_argument("file", nargs="?", default=DEFAULT_SOURCES_FILE, metavar="FILE",
                       help=f"the sources file (default: {DEFAULT_SOURCES_FILE})")


def _add_serve(sub) -> None:
    """`dealwire serve`: the deployments to serve."""
    srv = sub.add_parser("serve", help="serve the scheduled deployments of prefect.yaml from one process",
                         description="Serve the deployments declared in prefect.yaml (follow-sources, release) "
                                     "from this process against the Prefect server in PREFECT_API_URL (prefect "
                                     "server start, or Prefect Cloud), until stopped with Ctrl-C.")
    srv.add_argument("--prefect-yaml", default="prefect.yaml", metavar="FILE",
                     help="the deployments to serve (default: prefect.yaml)")
    srv.add_argument("--sources", default=None, metavar="FILE",
                     help="the sources file the follow-sources deployments read (default: theirs in prefect.yaml)")


def _fail(message: str, code: int = 2) -> int:
    print(f"dealwire: error: {message}", file=sys.stderr)
    return code


def make_config(**options) -> RunConfig:
    """A RunConfig; ValueError naming the option when one is wrong."""
    from pydantic import ValidationError

    from flows.config import problems

    try:
        return RunConfig(**options)
    except ValidationError as exc:
        raise ValueError("; ".join(problems(exc))) from None


def run_config(args) -> RunConfig:
    """The RunConfig of `dealwire run`'s options."""
    return make_config(
        store=args.store, releases=args.output, model=args.model, batch_size=args.batch_size,
        workers=args.workers, dask_address=args.dask_address, dask_workers=args.dask_workers,
        version=args.version, publish=not args.no_publish, max_article_chars=args.max_article_chars,
        fetch=dict(user_agent=args.user_agent, max_retries=args.max_retries, host_delay=args.host_delay,
                   redistributable=args.redistributable, allow_private=args.allow_private_addresses))


def cmd_run(args) -> int:
    missing = [p for p in args.source if not Path(p).exists()]
    if missing:
        return _fail(f"source {missing[0]!r} does not exist")
    if not (args.source or args.url or args.feed):
        return _fail("nothing to read: give --source, --url or --feed")
    try:
        config = run_config(args)
        config.check_installed()
    except ValueError as exc:
        return _fail(str(exc))
    from flows.publish import PublishError, ValidationFailed
    from flows.pipeline import pipeline

    started = time.perf_counter()
    try:
        result = pipeline(sources=args.source, urls=args.url, feeds=args.feed, config=config)
    except ValidationFailed as exc:
        kept = f"; its validation report is kept at {exc.report}" if exc.report else ""
        return _fail(f"{exc}\nno release was published{kept}; earlier releases and index.json are untouched", 1)
    except (FileExistsError, PublishError) as exc:
        return _fail(f"{exc}\nno release was published; earlier releases and index.json are untouched", 1)
    ing = result["ingest"]
    if result.get("empty_sources"):
        for line in result["empty_sources"]:
            _fail(line)
        print("no release was attempted; what was read is kept in the store", file=sys.stderr)
        return 2
    print(f"ingest: {len(ing['article_ids'])} articles read ({ing['new']} new), {ing['failed']} failed, "
          f"{ing['skipped']} skipped (see the fetch_log table)")
    ext = result["extract"]
    print(f"extract: {ext['extracted']} articles extracted, {ext['cached']} already done, "
          f"{len(ext['problems'])} not extracted")
    for problem in ext["problems"]:
        print(f"  not extracted ({problem['status']}): {problem['url']} ({problem['article_id']}): {problem['note']}")
    if "release" in result:
        r = result["release"]
        print(f"release {r['version']}: {r['path']}")
        for name, n in r["counts"].items():
            print(f"  {name:16} {n:7d} rows")
        c = r.get("changes") or {}
        print(f"changes since {r.get('previous_version') or 'nothing (first release)'}: {c.get('added', 0)} rows added, "
              f"{c.get('removed', 0)} removed, {c.get('changed', 0)} changed (changes.json)")
    elif result.get("unchanged_since"):
        print(f"release: nothing changed since release {result['unchanged_since']}; no new release published")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_extract(args) -> int:
    from flows.oneoff import extract_paths

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        return _fail(f"{missing[0]!r} does not exist")
    if not (args.output or args.quotes_jsonl):
        return _fail("say where to write: --output DIR and/or --quotes-jsonl FILE")
    try:
        make_config(model=args.model, batch_size=args.batch_size,
                    max_article_chars=args.max_article_chars).check_installed()
    except ValueError as exc:
        return _fail(str(exc))
    started = time.perf_counter()
    done = extract_paths(args.paths, output=args.output, quotes_jsonl=args.quotes_jsonl,
                         model=args.model, batch_size=args.batch_size, progress=_progress,
                         max_chars=args.max_article_chars)
    n, words, seconds = done["articles"], done["words"], done["seconds"]
    print(f"extracted {n} articles ({words} words) in {seconds:.1f} s "
          f"({n / max(seconds, 1e-9):.1f} articles/s, {words / max(seconds, 1e-9):.0f} words/s)")
    print("rows: " + ", ".join(f"{name} {count}" for name, count in done["counts"].items()))
    if args.output:
        print(f"tables written to {args.output}/<table>.jsonl")
    if args.quotes_jsonl:
        print(f"quotes for the benchmark written to {args.quotes_jsonl}")
    if done["problems"]:
        print(f"not extracted: {len(done['problems'])} articles (their articles rows say why)")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_download(args) -> int:
    from flows.download import DownloadError, download

    tables = [t.strip() for t in (args.tables or "").split(",") if t.strip()] or None
    try:
        result = download(args.base_url, version=args.version, tables=tables, fmt=args.format, dest=args.dest)
    except DownloadError as exc:
        return _fail(str(exc), 1)
    print(how_to_open(result))
    return 0


def cmd_explore(args) -> int:
    from flows.explore import ExploreError, explore, local_release, remote_release

    if not 0 < args.port < 65536:
        return _fail(f"--port must be between 1 and 65535, not {args.port}")
    try:
        if args.base_url:
            path, package = remote_release(args.base_url, args.version, args.dest)
        else:
            path, package = local_release(args.releases or DEFAULT_RELEASES, args.version)
    except ExploreError as exc:
        return _fail(str(exc), 1)
    return explore(path, package, args.port)


def how_to_open(result: dict) -> str:
    """What `dealwire download` prints: where the files are and how to open them."""
    files = result["files"]
    lines = [f"dealwire release {result['version']}: {len(files)} files verified (sha256, datapackage.json) "
             f"in {result['folder']}"]
    lines += [f"  {f['path']}" for f in files]
    if not files:
        return "\n".join(lines)
    path, table = files[0]["path"], files[0]["table"]
    if table == "sqlite":
        return "\n".join(lines + ["", "Browse it in the browser (Datasette on 127.0.0.1):", "",
                                   f"    dealwire explore --releases {result['folder']}", "",
                                   "or query it with SQLite:", "",
                                   f"    sqlite3 {path} \"SELECT status, count(*) FROM deals GROUP BY status\""])
    lines += ["", "Open them with pandas:", "", "    import pandas as pd"]
    if result["format"] == "parquet":
        lines += [f"    {table} = pd.read_parquet({path!r})", "", "or DuckDB:", "",
                  f"    duckdb -c \"SELECT * FROM '{path}' LIMIT 5\""]
    else:
        lines += [f"    {table} = pd.read_csv({path!r}, dtype=str, keep_default_na=False)", "", "or DuckDB:", "",
                  f"    duckdb -c \"SELECT * FROM read_csv('{path}') LIMIT 5\"", "",
                  "In CSV, a text cell that starts with = + - @ or a tab is prefixed with ' (spreadsheet safety);"
                  " the Parquet files keep exact values."]
    lines += ["", f"Columns, keys and descriptions: {Path(result['folder']) / 'datapackage.json'}"]
    return "\n".join(lines)


def cmd_suites(args) -> int:
    from flows.suites import stale_suites, write_suites

    if args.write:
        for path in write_suites():
            print(f"wrote {path}")
        return 0
    if stale := stale_suites():
        return _fail(f"suites differ from the schema: {', '.join(stale)} (run `dealwire suites --write`)", 1)
    return 0


def cmd_sources(args) -> int:
    from flows.scheduled import SourcesFileError, read_sources_file

    try:
        parsed, _ = read_sources_file(args.file)
    except SourcesFileError as exc:
        return _fail(str(exc), 1)
    for error in parsed.errors:
        print(f"{args.file}:{error.line}: {error.message}")
    if parsed.errors:
        return _fail(f"{args.file}: {len(parsed.errors)} problem{'s' if len(parsed.errors) != 1 else ''}", 1)
    groups = parsed.groups()
    plural = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"  # noqa: E731
    print(f"{args.file}: {plural(len(parsed.sources), 'source')} in {plural(len(groups), 'schedule group')}, "
          "no problems")
    for name, group in groups.items():
        print(f"  {name}: {group['cron']!r} {group['timezone']}: {', '.join(group['sources'])}")
    unused = [name for name in parsed.schedules if name not in groups]
    if unused:
        print(f"  schedule groups without sources (nothing runs for them): {', '.join(unused)}")
    return 0


def cmd_serve(args) -> int:
    from flows.serve import DeploymentConfigError, build_deployments

    try:
        deployments = build_deployments(args.prefect_yaml, args.sources)
    except DeploymentConfigError as exc:
        return _fail(str(exc), 1)
    if not os.environ.get("PREFECT_API_URL"):
        print("dealwire: PREFECT_API_URL is not set: Prefect starts a temporary server that lives only as long as "
              "this process (see README, Scheduled runs)", file=sys.stderr)
    from prefect import serve

    serve(*deployments)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = {"run": cmd_run, "extract": cmd_extract, "download": cmd_download, "explore": cmd_explore,
               "suites": cmd_suites,
               "sources": cmd_sources, "serve": cmd_serve}[args.command]
    if args.command in ("run", "serve"):
        stop_left_servers()
    return handler(args)


def stop_left_servers() -> None:
    """Stop the temporary Prefect servers that killed runs left behind (flows/server.py), saying so."""
    from flows.server import stop_orphaned_servers

    for pid in stop_orphaned_servers():
        print(f"dealwire: stopped a temporary Prefect server (pid {pid}) left by an earlier run that was killed",
              file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())

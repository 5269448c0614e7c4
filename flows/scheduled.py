"""Flows for scheduled runs (served by `dealwire serve`, or deployed with `prefect deploy`).

    follow_sources(sources_file="sources.yaml", group="hourly")   ingest + extract the sources of a group; no release
    release(config=RunConfig(store="output/store", releases="output/releases"))   stage → validate → publish

Both take the run's options as one ``config`` (flows/config.py RunConfig); in prefect.yaml a
deployment gives them as its ``config`` parameter, checked by Prefect before the run starts.

The sources file is read and checked when the run starts (transforms/ingest/sources.py): a file with any
problem stops the run before anything is fetched or written, with every problem and its line.
Relative paths in the file are taken from the file's own folder. Each run leaves a summary and a
table of failures as Prefect artifacts (flows/artifacts.py).
"""
from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

import flows  # noqa: F401  (Prefect defaults before Prefect is imported)
from flows.artifacts import record_run_artifacts
from flows.config import DEFAULT_SOURCES_FILE, RunConfig
from flows.extract import extract
from flows.ingest import ingest
from flows.publish import release_store
from transforms.ingest.sources import (
    SourceError, SourcesFile, ingest_arguments, parse_sources, parse_url_list, resolve_path, select_group, url_problem,
)


class SourcesFileError(ValueError):
    """The sources file cannot be used: it is missing, unreadable or has problems (each with its line)."""


# ---- reading and checking the sources file ---------------------------------------------------------


def base_dir(sources_file: str | Path) -> str:
    """The folder relative paths in a sources file are taken from."""
    return str(Path(sources_file).resolve().parent)


def read_url_list(path: Path) -> tuple[str | None, str | None]:
    """The text of a URL-list file, or why it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8"), None
    except FileNotFoundError:
        return None, "does not exist"
    except IsADirectoryError:
        return None, "is a folder, not a text file of URLs"
    except UnicodeDecodeError as exc:
        return None, f"is not UTF-8 text ({exc.reason} at byte {exc.start})"
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or exc})"


def url_list_problems(source: dict, text: str) -> list[str]:
    """What is wrong with the lines of a URL-list file (bad addresses, no URL at all)."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and (problem := url_problem(stripped)):
            problems.append(f"{source['path']}:{number}: {problem}")
    if not parse_url_list(text):
        problems.append(f"{source['path']}: lists no URL")
    return problems


def check_files(parsed: SourcesFile, base: str) -> tuple[list[SourceError], dict[str, str]]:
    """Errors for folders and URL-list files that are missing or unusable, and the text of each
    URL-list file by source name."""
    errors, url_lists = [], {}
    for source in parsed.sources:
        if source["kind"] not in ("folder", "urls") or source["path"] is None:
            continue
        path = Path(resolve_path(source["path"], base))
        where = f"source {source['name']!r}"
        if source["kind"] == "folder":
            if not path.is_dir():
                errors.append(SourceError(source["line"], f"{where}: folder {source['path']!r} does not exist "
                                                          f"(looked for {path})"))
            continue
        text, problem = read_url_list(path)
        if problem:
            errors.append(SourceError(source["line"], f"{where}: URL list {source['path']!r} {problem} "
                                                      f"(looked for {path})"))
            continue
        errors += [SourceError(source["line"], f"{where}: {p}") for p in url_list_problems(source, text)]
        url_lists[source["name"]] = text
    return errors, url_lists


def read_sources_file(sources_file: str | Path) -> tuple[SourcesFile, dict[str, str]]:
    """Parse and check a sources file, with its folders and URL-list files; every problem is in
    ``.errors``, by line. Raises SourcesFileError only when the file itself cannot be read."""
    path = Path(sources_file)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise SourcesFileError(f"{sources_file}: no such file") from None
    except UnicodeDecodeError as exc:
        raise SourcesFileError(f"{sources_file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise SourcesFileError(f"{sources_file}: cannot be read ({exc.strerror or exc})") from None
    parsed = parse_sources(text)
    file_errors, url_lists = check_files(parsed, base_dir(path))
    parsed.errors = sorted(parsed.errors + file_errors, key=lambda e: e.line)
    return parsed, url_lists


def describe_errors(sources_file: str | Path, errors: list[SourceError]) -> str:
    lines = [f"{sources_file}: {len(errors)} problem{'s' if len(errors) != 1 else ''}:"]
    return "\n".join(lines + [f"  {sources_file}:{e.line}: {e.message}" for e in errors])


def plan_run(sources_file: str | Path, group: str | None = None) -> dict:
    """The ingest arguments for the sources of a group (every source when None), and their names.
    Raises SourcesFileError with every problem when the file is unusable or the group unknown."""
    parsed, url_lists = read_sources_file(sources_file)
    if parsed.errors:
        raise SourcesFileError(describe_errors(sources_file, parsed.errors))
    groups = parsed.groups()
    if group is not None and group not in groups:
        raise SourcesFileError(f"{sources_file}: no source has schedule group {group!r} "
                               f"(groups with sources: {', '.join(sorted(groups)) or 'none'})")
    chosen = select_group(parsed.sources, group)
    return {"names": [s["name"] for s in chosen],
            "arguments": ingest_arguments(chosen, base_dir(sources_file), url_lists)}


# ---- the flows -------------------------------------------------------------------------------------


@task(name="plan-sources", cache_policy=NO_CACHE)
def plan_sources(sources_file: str, group: str | None = None) -> dict:
    """Read and check the sources file; what ingest gets for the sources of the group."""
    plan = plan_run(sources_file, group)
    get_run_logger().info("following %d sources%s: %s", len(plan["names"]),
                          f" of group {group!r}" if group else "", ", ".join(plan["names"]))
    return plan


@flow(name="follow-sources")
def follow_sources(
    sources_file: str = DEFAULT_SOURCES_FILE,
    group: str | None = None,
    config: RunConfig | None = None,
) -> dict:
    """Ingest and extract the sources of one schedule group of the sources file (all of them when
    ``group`` is None). Publishes no release: the ``release`` flow does, on its own schedule.
    ``config.fetch.allow_private`` lets feeds and sitemaps link to loopback and private addresses
    (tests, intranets)."""
    config = config or RunConfig()
    config.check_installed()
    plan = plan_sources(str(sources_file), group)
    ingested = ingest(store=config.store, **plan["arguments"], fetch=config.fetch, batch_size=config.batch_size)
    extracted = extract(config=config)
    result = {"sources": plan["names"], "group": group, "ingest": ingested, "extract": extracted}
    result["artifacts"] = record_run_artifacts(config.store,
                                               f"dealwire follow-sources{f' ({group})' if group else ''}", result)
    return result


@flow(name="release")
def release(config: RunConfig | None = None) -> dict:
    """Stage, validate and publish a release of everything in ``config.store`` to
    ``config.releases`` (flows/publish.py); when nothing changed since the latest release (and no
    ``config.version`` is asked for), publish none."""
    config = config or RunConfig()
    result = release_store(config.store, config.releases, config.version, config.model)
    result["artifacts"] = record_run_artifacts(config.store, "dealwire release", result)
    return result

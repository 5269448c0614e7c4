"""The releases folder's record, index.json: its bytes or contents in; the versions it lists, the latest
and previous releases, the index with a new release, and what a publication reports, out."""
from __future__ import annotations

import json
from datetime import datetime

from transforms.release.versions import VERSION_RE, version_key
from transforms.schema import SCHEMA_VERSION


def parse_index(data: bytes) -> dict:
    """index.json from its bytes. ValueError (UnicodeDecodeError for bytes that are not UTF-8) when
    it is not an object with a list of releases."""
    index = json.loads(data.decode("utf-8"))
    if not isinstance(index, dict) or not isinstance(index.get("releases", []), list):
        raise ValueError("not an object with a list of releases")
    return index


def listed_versions(index: dict) -> list[str]:
    """Every version the index lists, in version order (entries that are no release version left out)."""
    names = {r.get("version") for r in index.get("releases", []) if isinstance(r, dict)}
    return sorted((n for n in names if isinstance(n, str) and VERSION_RE.match(n)), key=version_key)


def latest_entry(index: dict) -> dict | None:
    """The index's entry of the latest release, if any."""
    entries = [r for r in index.get("releases", []) if isinstance(r, dict)]
    return next((r for r in entries if r.get("version") == index.get("latest")), None)


def previous_version(index: dict, version: str) -> str | None:
    """The release listed just before ``version`` (the one its changes are listed against), if any."""
    listed = [r["version"] for r in index.get("releases", [])
              if isinstance(r, dict) and isinstance(r.get("version"), str) and VERSION_RE.match(r["version"])]
    older = sorted((v for v in listed if version_key(v) < version_key(version)), key=version_key)
    return older[-1] if older else None


def release_entry(version: str, created: datetime, counts: dict[str, int], inputs: str | None = None) -> dict:
    """A release's index entry: where its files are, its schema version, its row counts and (when
    known) the fingerprint of what it was built from."""
    return ({"version": version, "created": created.isoformat(), "path": f"{version}/",
             "datapackage": f"{version}/datapackage.json", "changes": f"{version}/changes.json",
             "schema_version": SCHEMA_VERSION, "counts": counts}
            | ({"inputs": inputs} if inputs else {}))


def index_with(index: dict, entry: dict) -> dict:
    """The index with ``entry`` in place of any entry of its version, entries in version order,
    the newest latest."""
    entries = [r for r in index.get("releases", []) if isinstance(r, dict) and r.get("version") != entry["version"]]
    entries.append(entry)
    entries.sort(key=lambda r: version_key(r["version"]))
    return {"latest": entries[-1]["version"], "releases": entries}


def failed_folder(version: str, now: datetime) -> str:
    """Where the report of a release that failed validation is kept: failed/<version>-<UTC time>."""
    return f"failed/{version}-{now.strftime('%Y%m%dT%H%M%SZ')}"


def publication(staged: dict, built: dict, path: str) -> dict:
    """What publishing a release reports: version, path, counts, the change totals since the
    previous release, the seconds each part took, the evidence budget of withheld articles as measured
    (``evidence``), and the peak RSS of any second processes (MiB)."""
    return {"version": staged["version"], "path": path, "counts": staged["counts"],
            "changes": built["changes"]["totals"], "previous_version": built["changes"]["previous_version"],
            "seconds": built["seconds"], "evidence": built.get("evidence"),
            # peak RSS of the second processes, when a large release used them (MiB)
            "second_processes_peak_rss_mib": {part: mib for part, mib in (
                ("stage", staged.get("stage_process_peak_rss_mib")), ("data files", built.get("data_process_peak_rss_mib")))
                if mib is not None}}

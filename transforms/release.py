"""What a release says about itself: version strings, datapackage.json, the data card.

Pure: tables and figures in, JSON and Markdown out. ``flows.publish`` writes them.
"""
from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd
import pyarrow as pa

from transforms.schema import SCHEMA_VERSION, TABLES

VERSION_RE = re.compile(r"^\d{4}\.\d{2}\.\d{2}(\.\d{1,4})?$")
LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
CSV_DATETIME = "%Y-%m-%dT%H:%M:%SZ"


def check_version(version: str) -> str:
    if not isinstance(version, str) or not VERSION_RE.match(version):
        raise ValueError(f"release version {version!r} is not of the form YYYY.MM.DD or YYYY.MM.DD.N")
    return version


def next_version(existing: list[str], today: date) -> str:
    """``2026.11.30``, then ``2026.11.30.1``, ``2026.11.30.2``… for more releases that day."""
    base = today.strftime("%Y.%m.%d")
    taken = {v for v in existing if v == base or v.startswith(base + ".")}
    if base not in taken:
        return base
    n = 1
    while f"{base}.{n}" in taken:
        n += 1
    return f"{base}.{n}"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def csv_frame(table: str, data: pa.Table) -> pd.DataFrame:
    """The frame written as CSV: ISO 8601 UTC timestamps, whole integers, dates as YYYY-MM-DD."""
    frame = data.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    for c in TABLES[table].columns:
        if c.type == "datetime":
            frame[c.name] = frame[c.name].map(lambda v: None if pd.isna(v) else v.strftime(CSV_DATETIME))
        elif c.type == "date":
            frame[c.name] = frame[c.name].map(lambda v: None if v is None or pd.isna(v) else v.isoformat())
    return frame


def table_schema(table: str) -> dict:
    t = TABLES[table]
    fields = []
    for c in t.columns:
        field = {"name": c.name, "type": c.type, "description": c.description}
        if c.type == "datetime":
            field["format"] = CSV_DATETIME
        constraints = {}
        if not c.nullable:
            constraints["required"] = True
        if c.enum:
            constraints["enum"] = list(c.enum)
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema = {"fields": fields, "primaryKey": list(t.primary_key), "missingValues": [""]}
    if t.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": fk.column, "reference": {"resource": fk.table, "fields": fk.parent_column}}
            for fk in t.foreign_keys
        ]
    return schema


def datapackage(version: str, files: dict[str, dict], created: datetime, extractor: dict) -> dict:
    """Frictionless Data Package: CSV resources with schemas; Parquet twins listed beside each.

    ``files`` maps a relative path to {"bytes", "sha256"}.
    """
    resources = []
    for name, t in TABLES.items():
        csv_path, parquet_path = f"data/{name}.csv", f"data/{name}.parquet"
        resources.append({
            "name": name,
            "description": t.description,
            "path": csv_path,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": files[csv_path]["bytes"],
            "hash": f"sha256:{files[csv_path]['sha256']}",
            "schema": table_schema(name),
            "parquet": {"path": parquet_path, "bytes": files[parquet_path]["bytes"],
                        "hash": f"sha256:{files[parquet_path]['sha256']}", "compression": "zstd"},
        })
    return {
        "name": "dealwire",
        "title": "dealwire: deals between states, companies and other actors, as reported in the news",
        "version": version,
        "schema_version": SCHEMA_VERSION,
        "created": created.isoformat(),
        "licenses": [LICENSE],
        "sources": [{"title": "News articles; see the articles table for each URL"}],
        "extractor": extractor,
        "resources": resources,
    }


def _coverage(articles: pd.DataFrame) -> dict:
    published = articles["published_at"].dropna()
    return {
        "first": published.min().strftime("%Y-%m-%d") if len(published) else "unknown",
        "last": published.max().strftime("%Y-%m-%d") if len(published) else "unknown",
        "publishers": sorted(p for p in articles["publisher"].dropna().unique() if p),
    }


def data_card(version: str, counts: dict[str, int], articles: pd.DataFrame, validation: dict,
              extractor: dict, created: datetime) -> str:
    cov = _coverage(articles)
    statuses = articles["extraction_status"].value_counts().to_dict()
    lines = [
        f"# dealwire release {version}",
        "",
        "Deals between states, companies and other actors as reported in news articles: who the parties are, "
        "what the deals are about, their terms and status over time, and who said what about them. Every "
        "extracted row points to the exact characters of the article that state it: "
        "`articles.text[start:end]` is the evidence.",
        "",
        f"- Created: {created.strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Schema version: {SCHEMA_VERSION}",
        f"- Coverage: articles published {cov['first']} to {cov['last']}",
        f"- Publishers: {', '.join(cov['publishers']) or 'unknown'}",
        f"- Articles by extraction status: {', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}",
        "",
        "## Tables",
        "",
        "| table | rows | description |",
        "| --- | ---: | --- |",
    ]
    for name, t in TABLES.items():
        lines.append(f"| `{name}` | {counts.get(name, 0)} | {t.description} |")
    lines += [
        "",
        "Each table is in `data/` as Parquet (zstd; column descriptions in the schema metadata) and as CSV "
        "(UTF-8, RFC 4180, timestamps as ISO 8601 UTC). `datapackage.json` describes every column, "
        "key and value set; `SHA256SUMS` lists every file's checksum (`sha256sum -c SHA256SUMS`).",
        "",
        "    import pandas as pd",
        "    quotes = pd.read_parquet('data/quotes.parquet')",
        "",
        "## Method",
        "",
        "Articles are read from files or fetched over HTTP (robots.txt respected); main text and metadata "
        "come from trafilatura. Sentences, entities and dependencies come from spaCy "
        f"(model `{extractor.get('model')}`), and rule-based extractors (version "
        f"`{extractor.get('version')}`) find actor mentions, quotes, deal mentions, terms and status events. "
        "Actors are resolved across articles by type and normalised name; deals by sector, parties and "
        "resources. Every table passed its Great Expectations suite before publication "
        "(`validation/summary.json`, Data Docs in `validation/data_docs/index.html`).",
        "",
        "## Validation",
        "",
        "| table | expectations | passed |",
        "| --- | ---: | ---: |",
    ]
    for name, res in validation.get("tables", {}).items():
        lines.append(f"| `{name}` | {res['evaluated']} | {res['successful']} |")
    lines += [
        "",
        "## Known limits",
        "",
        "- Extraction is rule-based over a small English model: quotes without a named speaker keep "
        "`speaker_actor_id` empty; indirect speech and deal terms are found by patterns and can be missed.",
        "- Non-English articles are kept in `articles` with their language and are not extracted.",
        "- Deals are linked across articles by sector, parties and resources: two deals between the same "
        "parties on the same resource can merge.",
        "",
        "## Columns",
        "",
    ]
    for name, t in TABLES.items():
        lines += [f"### `{name}`", "", "| column | type | description |", "| --- | --- | --- |"]
        for c in t.columns:
            extra = f" One of: {', '.join(c.enum)}." if c.enum else ""
            null = " Nullable." if c.nullable else ""
            lines.append(f"| `{c.name}` | {c.type} | {c.description}{extra}{null} |")
        lines.append("")
    lines += [
        "## Licence and citation",
        "",
        f"Data: {LICENSE['title']} ({LICENSE['path']}). Cite as: dealwire contributors, "
        f"*dealwire release {version}* ({created.year}).",
        "",
    ]
    return "\n".join(lines)

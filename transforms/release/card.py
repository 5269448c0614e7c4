"""What a release says about itself: datapackage.json, validation.json, the citation and the data card.

Pure: tables and figures in, JSON and Markdown out. ``flows.publish`` writes them.
"""
from __future__ import annotations

import functools
from datetime import datetime

import pandas as pd

from transforms.release.changes import changes_markdown
from transforms.release.public import CSV_DATETIME, sources_summary
from transforms.release.sqlite import DESCRIPTIONS_TABLE, SQLITE_MEDIATYPE, SQLITE_PATH
from transforms.data import load_data
from transforms.schema import SCHEMA_VERSION, TABLES

LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
CITATION_TITLE = "dealwire: deals between states, companies and other actors, as reported in the news"


def validation_report(summary: dict, version: str | None = None) -> dict:
    """validation.json: suites, expectations, successes and failures, overall and per table."""
    tables = {}
    for name, t in summary.get("tables", {}).items():
        tables[name] = {
            "suite": name,
            "success": bool(t["success"]),
            "rows": t.get("rows"),
            "expectations": t["evaluated"],
            "successes": t["successful"],
            "failures": t["evaluated"] - t["successful"],
            "failed": [{"expectation": f["expectation"], "column": (f.get("kwargs") or {}).get("column"),
                        "unexpected_count": f.get("unexpected_count"), "examples": f.get("examples", [])}
                       for f in t.get("failures", [])],
        }
    return {
        "version": version,
        "success": bool(summary.get("success")),
        "validated_at": summary.get("validated_at"),
        "suites": len(tables),
        "expectations": sum(t["expectations"] for t in tables.values()),
        "successes": sum(t["successes"] for t in tables.values()),
        "failures": sum(t["failures"] for t in tables.values()),
        "tables": tables,
        "details": "validation/summary.json, validation/results.json, validation/data_docs/index.html",
    }


def table_schema(table: str) -> dict:
    t = TABLES[table]
    fields = []
    for c in t.columns:
        field = {"name": c.name, "type": c.type, "description": c.description}
        if c.type == "datetime":
            field["format"] = CSV_DATETIME
        constraints = {}
        if not c.nullable and not c.withheld:  # a withheld text is an empty cell in the public CSV
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


def datapackage(version: str, files: dict[str, dict], created: datetime, extractor: dict,
                sources: list[dict] | None = None) -> dict:
    """Frictionless Data Package: CSV resources with schemas; Parquet twins listed beside each; the
    SQLite database of all of them under ``sqlite``.

    ``files`` maps a relative path to {"bytes", "sha256"}; ``sources`` is ``sources_summary``.
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
        "title": CITATION_TITLE,
        "version": version,
        "schema_version": SCHEMA_VERSION,
        "created": created.isoformat(),
        "licenses": [LICENSE],
        "sources": [{"title": "News articles; see the articles table for each URL"}]
        + [{"title": s["source"], "redistributable": s["redistributable"], "articles": s["articles"],
            **({"licence": s["licence"]} if s["licence"] else {})} for s in (sources or [])],
        "extractor": extractor,
        "resources": resources,
        # Not a tabular resource (Frictionless would read it as one): every table above in one file.
        "sqlite": {"path": SQLITE_PATH, "format": "sqlite", "mediatype": SQLITE_MEDIATYPE,
                   "bytes": files[SQLITE_PATH]["bytes"], "hash": f"sha256:{files[SQLITE_PATH]['sha256']}",
                   "tables": list(TABLES) + [DESCRIPTIONS_TABLE]},
    }


def _coverage(articles: pd.DataFrame) -> dict:
    published = articles["published_at"].dropna()
    return {
        "first": published.min().strftime("%Y-%m-%d") if len(published) else "unknown",
        "last": published.max().strftime("%Y-%m-%d") if len(published) else "unknown",
        "publishers": sorted(p for p in articles["publisher"].dropna().unique() if p),
    }


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def citation(version: str, created: datetime) -> dict:
    """How to cite a release: a sentence and a BibTeX entry."""
    key = "dealwire_" + version.replace(".", "_")
    text = (f"dealwire contributors ({created.year}). {CITATION_TITLE} (release {version}) [Data set]. "
            f"Licensed {LICENSE['name']}.")
    bibtex = "\n".join([
        f"@misc{{{key},",
        "  author = {{dealwire contributors}},",
        f"  title = {{{{{CITATION_TITLE}}}}},",
        f"  year = {{{created.year}}},",
        f"  version = {{{version}}},",
        "  howpublished = {Data set, release " + version + "},",
        f"  note = {{Licensed {LICENSE['name']}}}",
        "}",
    ])
    return {"text": text, "bibtex": bibtex}


NOT_EXTRACTED = ("skipped_too_long", "failed")
NOT_EXTRACTED_LISTED = 50  # articles listed by name in the card; the rest are counted


def not_extracted_lines(articles: pd.DataFrame) -> list[str]:
    """The card's list of articles that are in the release but were not extracted because their text
    is too long or their extraction raised: URL, status and why."""
    rows = articles[articles["extraction_status"].isin(NOT_EXTRACTED)].sort_values("url")
    if rows.empty:
        return []
    lines = ["## Articles not extracted", "",
             "Kept in `articles` without rows in the other tables (`extraction_status`, `extraction_note`):", ""]
    for row in rows.head(NOT_EXTRACTED_LISTED).itertuples():
        lines.append(f"- {row.url}: {row.extraction_status}: {row.extraction_note}")
    if len(rows) > NOT_EXTRACTED_LISTED:
        lines.append(f"- and {len(rows) - NOT_EXTRACTED_LISTED} more")
    return lines + [""]


@functools.lru_cache(maxsize=1)
def card_prose() -> dict:
    """The fixed paragraphs of the data card (package data ``data/card.json``)."""
    return load_data(__package__, "card")


def evidence_lines(evidence: dict | None) -> list[str]:
    """The card's statement of the evidence budget of withheld articles, with the shares measured."""
    if not evidence:
        return []
    rule = card_prose()["evidence"].format(cell_chars=evidence["cell_chars"], cap=f"{evidence['cap']:.0%}")
    lines = ["## Evidence of articles whose text is withheld", "", rule, ""]
    if evidence["articles"]:
        lines.append(f"Measured on this release: {evidence['articles']} withheld articles; their evidence "
                     f"republishes at most {evidence['max_share']:.1%} of an article's text "
                     f"(mean {evidence['mean_share']:.1%}); {evidence['cut']} cells cut, "
                     f"{evidence['left_out']} left out.")
    else:
        lines.append("Measured on this release: no article's text is withheld.")
    return lines + [""]


def _header_lines(version: str, articles: pd.DataFrame, sources: list[dict], previous: str | None,
                  created: datetime, cite: dict) -> list[str]:
    """Title, what the dataset is, and the release's figures at a glance."""
    cov = _coverage(articles)
    statuses = articles["extraction_status"].value_counts().to_dict()
    return [
        f"# dealwire release {version}", "", card_prose()["about"], "",
        f"- Created: {created.strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Schema version: {SCHEMA_VERSION}",
        f"- Previous release: {previous or 'none (this is the first)'}",
        f"- Coverage: articles published {cov['first']} to {cov['last']}",
        f"- Publishers: {', '.join(cov['publishers']) or 'unknown'}",
        f"- Articles by extraction status: {', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}",
        f"- Articles whose text is withheld (source not redistributable): "
        f"{sum(s['articles_without_text'] for s in sources)} of {len(articles)}",
        f"- Licence: {LICENSE['name']}; cite as: {cite['text']}",
        "",
    ]


def _tables_lines(counts: dict[str, int]) -> list[str]:
    """Every table with its rows and description, and how to read the files."""
    lines = ["## Tables", "", "| table | rows | description |", "| --- | ---: | --- |"]
    lines += [f"| `{name}` | {counts.get(name, 0)} | {t.description} |" for name, t in TABLES.items()]
    return lines + [""] + card_prose()["files"] + [""]


def _rights_lines(sources: list[dict]) -> list[str]:
    """What is republished, and every source with its rights."""
    lines = ["## Sources and rights", "", card_prose()["rights"], ""]
    if sources:
        lines += ["| source | articles | redistributable | licence |", "| --- | ---: | --- | --- |"]
        lines += [f"| {_md(src['source'])} | {src['articles']} | {'yes' if src['redistributable'] else 'no'} "
                  f"| {_md(src['licence'] or 'not stated')} |" for src in sources]
        lines.append("")
    withheld = [s for s in sources if s["articles_without_text"]]
    if withheld:
        lines.append("Not redistributable (text withheld): " + ", ".join(
            f"{src['source']} ({src['articles_without_text']} articles)" for src in withheld) + ".")
    else:
        lines.append("Every source of this release is redistributable: no text is withheld.")
    return lines + [""]


def _method_lines(extractor: dict, validation: dict) -> list[str]:
    """How the rows were made and checked, and what the method misses."""
    method = card_prose()["method"].format(model=extractor.get("model"), version=extractor.get("version"))
    lines = ["## Method", "", method, "", "## Validation", "",
             "| table | expectations | passed |", "| --- | ---: | ---: |"]
    lines += [f"| `{name}` | {res['evaluated']} | {res['successful']} |"
              for name, res in validation.get("tables", {}).items()]
    lines += ["", "## Known limits", ""] + [f"- {limit}" for limit in card_prose()["known_limits"]]
    return lines + [""]


def _columns_lines() -> list[str]:
    """Every column of every table: type, description, values, nullability."""
    lines = ["## Columns", ""]
    for name, t in TABLES.items():
        lines += [f"### `{name}`", "", "| column | type | description |", "| --- | --- | --- |"]
        for c in t.columns:
            extra = f" One of: {', '.join(c.enum)}." if c.enum else ""
            null = " Nullable." if c.nullable else ""
            lines.append(f"| `{c.name}` | {c.type} | {c.description}{extra}{null} |")
        lines.append("")
    return lines


def _licence_lines(cite: dict) -> list[str]:
    return ["## Licence and citation", "", card_prose()["licence"].format(**LICENSE), "",
            f"Cite as: {cite['text']}", "", "```bibtex", cite["bibtex"], "```", ""]


def data_card(version: str, counts: dict[str, int], articles: pd.DataFrame, validation: dict,
              extractor: dict, created: datetime, changes: dict | None = None,
              charts: dict[str, str] | None = None, evidence: dict | None = None) -> str:
    """The release's README.md. ``articles`` is the articles table (redistributable and licence
    columns tell the rights), ``changes`` the content of changes.json, ``charts`` maps a chart's
    path in the release to its alt text, ``evidence`` the measured evidence budget of withheld articles."""
    sources = sources_summary(articles)
    cite = citation(version, created)
    lines = _header_lines(version, articles, sources, (changes or {}).get("previous_version"), created, cite)
    lines += evidence_lines(evidence) + not_extracted_lines(articles)
    for path, alt in (charts or {}).items():
        lines += [f"![{alt}]({path})", ""]
    if changes:
        lines += changes_markdown(changes)
    lines += _tables_lines(counts) + _rights_lines(sources) + _method_lines(extractor, validation)
    lines += _columns_lines() + _licence_lines(cite)
    return "\n".join(lines)

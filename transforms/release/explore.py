"""What ``dealwire explore`` shows over a release's SQLite database with Datasette: the metadata
(titles, descriptions, licence, sources, column descriptions, label columns, sort orders), the canned
queries (in ``data/explore.json``), and the evidence passage that queries and deal pages show.
A release's own ``datapackage.json`` in, Datasette's metadata out."""
from __future__ import annotations

import functools

from transforms.data import load_data
from transforms.schema import TABLES

DATABASE = "dealwire"  # Datasette names a database after its file, data/dealwire.sqlite
MARK_START, MARK_END = "\u27e6", "\u27e7"  # ⟦evidence⟧ inside its passage


@functools.cache
def _explore() -> dict:
    return load_data(__package__, "explore")


def canned_queries() -> dict[str, dict]:
    """Every canned query: name -> {"title", "description", "sql"}."""
    return {name: {"title": q["title"], "description": q["description"], "sql": "\n".join(q["sql"])}
            for name, q in _explore()["queries"].items()}


def deal_page_queries() -> dict[str, str]:
    """The queries a deal's page runs with its deal_id, in page order: name -> SQL."""
    queries = canned_queries()
    return {name: queries[name]["sql"] for name in _explore()["deal_page_queries"]}


def evidence_passage(text: str | None, start: int | None, end: int | None, context: int | None = None) -> str | None:
    """text[start:end] marked ⟦…⟧ with up to ``context`` characters either side, cut at a space and
    ended with "…" where the text goes on; None when there is no text (a withheld source) or the
    offsets do not fit it."""
    if not text or start is None or end is None or not 0 <= start <= end <= len(text):
        return None
    context = _explore()["passage_context_chars"] if context is None else context
    left, right = max(start - context, 0), min(end + context, len(text))
    before, after = text[left:start], text[end:right]
    if left > 0 and " " in before:
        before = "…" + before[before.index(" ") + 1:]
    if right < len(text) and " " in after:
        after = after[: after.rindex(" ")] + "…"
    return " ".join(f"{before}{MARK_START}{text[start:end]}{MARK_END}{after}".split())


def _table_metadata(resource: dict) -> dict:
    name = resource["name"]
    meta = {"description": resource.get("description", ""),
            "columns": {f["name"]: f.get("description", "") for f in resource.get("schema", {}).get("fields", [])}}
    table = TABLES.get(name)
    if table and table.label_column:
        meta["label_column"] = table.label_column
    sort = _explore()["table_sort_desc"].get(name)
    if sort:
        meta["sort_desc"] = sort
    return meta


def datasette_metadata(package: dict) -> dict:
    """Datasette's metadata for a release, from its datapackage.json."""
    licence = (package.get("licenses") or [{}])[0]
    version = package.get("version", "?")
    sources = [s for s in package.get("sources", []) if "redistributable" in s]
    withheld = [s["title"] for s in sources if not s["redistributable"]]
    description = (f"Release {version} (schema {package.get('schema_version', '?')}): deals between states, "
                   "companies and other actors as reported in the news, every row traced to the characters of "
                   "the article that state it (articles.text[start:end]). "
                   f"{len(sources)} sources; the text of {len(withheld)} is not republished, so their "
                   "evidence shows without a passage.")
    tables = {r["name"]: _table_metadata(r) for r in package.get("resources", []) if r.get("name")}
    return {
        "title": f"dealwire {version}",
        "description": description,
        "license": licence.get("name", ""),
        "license_url": licence.get("path", ""),
        "source": "News articles; see the articles table for each URL and its rights",
        "databases": {DATABASE: {"tables": tables, "queries": canned_queries()}},
    }

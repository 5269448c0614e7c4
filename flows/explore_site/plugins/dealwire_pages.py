"""Datasette plugin of ``dealwire explore``: the SQL function ``evidence_passage(text, start, end)``
the canned queries use, and a deal's page (its parties, terms, timeline and quotes) from the canned
queries of ``transforms/release/data/explore.json``. Loaded with ``--plugins-dir``."""
from datasette import hookimpl
from datasette.utils import urlsafe_components

from transforms.release.explore import DATABASE, canned_queries, deal_page_queries, evidence_passage


@hookimpl
def prepare_connection(conn):
    conn.create_function("evidence_passage", 3, evidence_passage, deterministic=True)


@hookimpl
def extra_template_vars(database, table, view_name, request, datasette):
    if view_name != "row" or database != DATABASE or table != "deals" or request is None:
        return {}

    async def deal_sections():
        (deal_id,) = urlsafe_components(request.url_vars["pks"])
        db = datasette.get_database(database)
        titles = canned_queries()
        sections = []
        for name, sql in deal_page_queries().items():
            result = await db.execute(sql, {"deal_id": deal_id})
            sections.append({"name": name, "title": titles[name]["title"], "columns": list(result.columns),
                             "rows": [dict(r) for r in result.rows],
                             "href": datasette.urls.database(database) + f"/{name}?deal_id={deal_id}"})
        return {"deal_sections": sections}

    return deal_sections

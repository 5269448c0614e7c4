"""The schema drives the suites, the Parquet schema and the datapackage: check they agree."""
from __future__ import annotations

import json
from datetime import date

import pytest

from flows.validate import EXPECTATIONS_DIR
from transforms.release import card
from transforms.release.versions import check_version, next_version, version_key
from transforms.release.expectations import suite_for
from transforms.schema import TABLES
from transforms.release.tables import arrow_schema, to_arrow


def _suite(name):
    return json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(TABLES))
def test_every_enum_key_and_foreign_key_has_its_expectation(name):
    table, suite = TABLES[name], _suite(name)
    kinds = {(e["type"], json.dumps(e["kwargs"], sort_keys=True)) for e in suite["expectations"]}
    for c in table.columns:
        if c.enum:
            assert ("expect_column_values_to_be_in_set",
                    json.dumps({"column": c.name, "value_set": list(c.enum)}, sort_keys=True)) in kinds, c.name
        if not c.nullable:
            assert ("expect_column_values_to_not_be_null", json.dumps({"column": c.name})) in kinds, c.name
    for fk in table.foreign_keys:
        kw = {"column": fk.column, "value_set": {"$PARAMETER": f"{fk.table}__{fk.parent_column}"}}
        assert ("expect_column_values_to_be_in_set", json.dumps(kw, sort_keys=True)) in kinds, fk
        assert fk.table in TABLES and fk.parent_column in TABLES[fk.table].column_names
    types = [e["type"] for e in suite["expectations"]]
    assert ("expect_column_values_to_be_unique" in types) or ("expect_compound_columns_to_be_unique" in types)
    if table.evidence_column:
        assert any(e["kwargs"].get("column") == "_evidence_matches" for e in suite["expectations"])


def test_suites_on_disk_are_the_schema_s():
    for name in TABLES:
        assert _suite(name) == suite_for(name), f"expectations/{name}.json is stale: run `dealwire suites --write`"


def test_arrow_schema_carries_descriptions_and_types():
    schema = arrow_schema("deal_events")
    assert schema.field("event_date").type.__str__() == "date32[day]"
    assert schema.field("status").metadata[b"description"]
    table = to_arrow("deal_events", [{"event_id": "e", "deal_id": "d", "article_id": "a", "start": 0, "end": 3,
                                      "status": "signed", "event_date": "2026-06-03", "text": "abc",
                                      "extractor_version": "x"}])
    assert table.column("event_date").to_pylist() == [date(2026, 6, 3)]
    assert table.schema.names == TABLES["deal_events"].column_names


def test_release_versions():
    assert next_version([], date(2026, 11, 30)) == "2026.11.30"
    assert next_version(["2026.11.30"], date(2026, 11, 30)) == "2026.11.30.1"
    assert next_version(["2026.11.30", "2026.11.30.1"], date(2026, 11, 30)) == "2026.11.30.2"
    assert sorted(["2026.11.30.10", "2026.11.30.2", "2026.11.30"], key=version_key)[-1] == "2026.11.30.10"
    for bad in ("../x", "2026/11/30", "latest", "2026.11.30/..", ""):
        with pytest.raises(ValueError, match="release version"):
            check_version(bad)


def test_datapackage_schema_has_keys_and_enums():
    schema = card.table_schema("quotes")
    assert schema["primaryKey"] == ["quote_id"]
    kind = next(f for f in schema["fields"] if f["name"] == "kind")
    assert kind["constraints"]["enum"] == ["direct", "indirect", "mixed"]
    assert {"fields": "speaker_actor_id", "reference": {"resource": "actors", "fields": "actor_id"}} in schema["foreignKeys"]


def test_extraction_rows_follow_their_contract_in_the_schema(nlp):
    """Every per-article row of the sample articles has exactly the columns of
    transforms.schema.EXTRACTION_ROWS: the contract is the schema, not prose."""
    from conftest import SAMPLES
    from transforms.language.extract import extract_articles
    from transforms.schema import EXTRACTION_ROWS

    articles = [{"article_id": p.stem, "text": p.read_text(encoding="utf-8"), "published_at": "2026-03-02"}
                for p in sorted(SAMPLES.glob("*.txt"))]
    seen = set()
    for _, outcome in extract_articles(nlp, articles):
        assert outcome.status == "extracted", outcome.note
        extraction = outcome.extraction
        assert set(extraction) == set(EXTRACTION_ROWS)
        for name, rows in extraction.items():
            for row in rows:
                assert set(row) == {c.name for c in EXTRACTION_ROWS[name]}, name
                seen.add(name)
    assert seen == set(EXTRACTION_ROWS)

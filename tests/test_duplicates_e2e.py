"""End to end: the sample corpus's syndicated copy (`23-...`, a copy of `18-...`) through the real
pipeline flow under the session's Prefect harness, and the release read back from Parquet.

Only the articles of deal D (`16`, `18`) and the copy are run, so that the test takes seconds."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import SAMPLES
from flows.config import RunConfig

pytestmark = pytest.mark.flow

ORIGINAL, COPY, OTHER = ("18-veldonia-marhaven-grain-deal-signed.txt", "23-grain-deal-wire-copy.txt",
                         "16-veldonia-marhaven-grain-talks.txt")


@pytest.fixture(scope="module")
def release(prefect_harness, tmp_path_factory) -> dict:
    from flows.pipeline import pipeline

    tmp = tmp_path_factory.mktemp("duplicates_e2e")
    corpus = tmp / "articles"
    corpus.mkdir()
    for name in (OTHER, ORIGINAL, COPY, "source.json"):
        shutil.copy(SAMPLES / name, corpus / name)
    metadata = json.loads((SAMPLES / "metadata.json").read_text(encoding="utf-8"))
    (corpus / "metadata.json").write_text(json.dumps({k: metadata[k] for k in (OTHER, ORIGINAL, COPY)}), encoding="utf-8")
    result = pipeline(sources=[str(corpus)], config=RunConfig(store=tmp / "store", releases=tmp / "releases",
                                                              batch_size=8))
    path = Path(result["release"]["path"])
    tables = {p.stem: pq.read_table(p).to_pandas() for p in (path / "data").glob("*.parquet")}
    url_of = {name: metadata[name]["url"] for name in (OTHER, ORIGINAL, COPY)}
    ids = tables["articles"].set_index("url")["article_id"]
    return {"tables": tables, "id": {name: ids[url] for name, url in url_of.items()}}


def test_the_copy_keeps_its_article_row_with_duplicate_of(release):
    articles = release["tables"]["articles"].set_index("article_id")
    copy, original = release["id"][COPY], release["id"][ORIGINAL]
    assert articles.loc[copy, "duplicate_of"] == original
    assert articles.loc[copy, "extraction_status"] == "extracted"
    assert articles.loc[copy, "publisher"] == "Telvadra Farm Courier"
    assert articles["duplicate_of"].dropna().to_dict() == {copy: original}  # 16 is the same deal, not a copy


def test_the_copy_s_quotes_events_and_mentions_are_not_counted_twice(release):
    tables, copy = release["tables"], release["id"][COPY]
    for name in ("quotes", "actor_mentions", "deal_mentions", "deal_attributes", "deal_events"):
        assert copy not in set(tables[name]["article_id"]), name
    quotes = tables["quotes"]
    said = quotes[quotes["text"] == "This is a trade agreement, nothing more and nothing less,"]
    assert len(said) == 1 and said["article_id"].iloc[0] == release["id"][ORIGINAL]
    assert not quotes.duplicated(["text"]).any()
    # deal D is told by 16 and 18 only
    grain = tables["deals"][tables["deals"]["sector"] == "trade"]
    assert len(grain) == 1 and grain["article_count"].iloc[0] == 2 and grain["status"].iloc[0] == "signed"

"""What is withheld stays withheld (the real pipeline flow under the session's harness): a folder
without source.json is not redistributable, so its texts are left out of the release; no other cell
carries them (titles included), their evidence keeps to its budget, and no cell of any table names
the releasing machine's paths."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import SAMPLES
from flows.config import RunConfig
from transforms.release.evidence import EVIDENCE_CELL_CHARS, EVIDENCE_SHARE
from transforms.schema import TABLES

pytestmark = pytest.mark.flow

PARAGRAPH = ("Orvenna and Talsk signed a copper accord in Brisk on Monday after three years of talks, "
             "and the trade ministry said the first shipments would leave the port of Vell in spring.")


def _speech(n: int) -> str:
    """A paragraph that is almost all quotation, so that raw evidence would cover most of the text."""
    return (f"\u201cThe accord gives our smelters {n} new contracts and the port of Vell a second berth,\u201d "
            f"said Trade Minister Pel Aradi. \u201cWe will ship copper to Talsk before the rains,\u201d she added.")


@pytest.fixture(scope="module")
def release(prefect_harness, tmp_path_factory):
    from flows.pipeline import pipeline

    tmp = tmp_path_factory.mktemp("withheld")
    private, corpus = tmp / "private-wire", tmp / "sample-corpus"
    private.mkdir()
    (private / "one-paragraph.txt").write_text(PARAGRAPH + "\n", encoding="utf-8")
    (private / "speeches.txt").write_text("\n\n".join(_speech(n) for n in range(1, 31)) + "\n", encoding="utf-8")
    shutil.copytree(SAMPLES, corpus)
    result = pipeline(sources=[str(private), str(corpus)],
                      config=RunConfig(store=tmp / "store", releases=tmp / "releases", batch_size=16))
    path = Path(result["release"]["path"])
    tables = {name: pd.read_parquet(path / "data" / f"{name}.parquet") for name in TABLES}
    csvs = {name: pd.read_csv(path / "data" / f"{name}.csv", dtype=str, keep_default_na=False) for name in TABLES}
    return {"tmp": tmp, "path": path, "tables": tables, "csvs": csvs, "result": result,
            "texts": {p.stem: p.read_text(encoding="utf-8") for p in private.iterdir()}}


def _string_cells(frame: pd.DataFrame, skip: set[str] = frozenset()):
    for column in frame.columns:
        if column in skip:
            continue
        for value in frame[column]:
            if isinstance(value, str):
                yield column, value


def test_no_cell_of_any_table_names_the_machine_s_paths(release):
    tmp = str(release["tmp"])
    places = [tmp, str(Path(tmp).resolve()), "file://", str(Path.home()), str(Path.cwd())]
    for tables in (release["tables"], release["csvs"]):
        for name, frame in tables.items():
            for column, value in _string_cells(frame):
                assert not any(place in value for place in places), (name, column, value)
    articles = release["tables"]["articles"].set_index("url")
    assert articles.loc["private-wire:one-paragraph.txt", "source"] == "private-wire"
    card = (release["path"] / "README.md").read_text(encoding="utf-8")
    assert tmp not in card and "file://" not in card


def test_a_one_paragraph_withheld_text_is_nowhere_outside_its_capped_evidence(release):
    articles = release["tables"]["articles"].set_index("url")
    row = articles.loc["private-wire:one-paragraph.txt"]
    assert not row["redistributable"] and row["text"] == "" and pd.isna(row["title"])
    windows = {PARAGRAPH[i:i + 24] for i in range(len(PARAGRAPH) - 24)}
    for name, frame in release["tables"].items():
        evidence = {TABLES[name].evidence_column} if TABLES[name].evidence_column else set()
        for column, value in _string_cells(frame, skip=evidence | {"text"}):
            assert not any(w in value for w in windows), (name, column, value)
        if evidence:
            mine = frame[frame["article_id"] == row["article_id"]]
            assert all(len(v) <= EVIDENCE_CELL_CHARS for v in mine[evidence.pop()])


def test_the_evidence_of_a_long_withheld_article_keeps_under_the_cap_and_the_card_says_so(release):
    text = release["texts"]["speeches"]
    articles = release["tables"]["articles"].set_index("url")
    article_id = articles.loc["private-wire:speeches.txt", "article_id"]
    spans = []
    for name, table in TABLES.items():
        if not table.evidence_column:
            continue
        frame = release["tables"][name]
        mine = frame[frame["article_id"] == article_id]
        for start, value in zip(mine["start"], mine[table.evidence_column]):
            assert len(value) <= EVIDENCE_CELL_CHARS
            if value != "\u2026":
                assert text[start:start + len(value)] == value or value.endswith("\u2026")
                spans.append((start, start + len(value)))
    covered = set()
    for start, end in spans:
        covered.update(range(start, end))
    assert 0.1 < len(covered) / len(text) <= EVIDENCE_SHARE  # some evidence kept, under the cap
    quotes = release["tables"]["quotes"]
    assert (quotes[quotes["article_id"] == article_id]["text"] == "\u2026").any()  # some cells were left out
    evidence = release["result"]["release"]["evidence"]
    assert evidence["articles"] == 2 and 0 < evidence["max_share"] <= EVIDENCE_SHARE and evidence["left_out"] > 0
    card = (release["path"] / "README.md").read_text(encoding="utf-8")
    assert "## Evidence of articles whose text is withheld" in card
    assert f"republishes at most {evidence['max_share']:.1%} of an article's text" in card

"""Scaling: the extraction pipeline's cached attribute ruler annotates every token exactly as the
model package's own pipeline does; and the extraction on a local Dask cluster of two worker
processes gives the same release as in one process (the articles are ingested once and the store,
without its extractions, copied, so every table, fetch_log included, must be equal)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import SAMPLES
from transforms.schema import TABLES
from flows.config import RunConfig

ARTICLES = ["01-sarnovia-loan-talks.txt", "03-ostrel-gas-offer.txt", "06-minerals-talks-resume.txt",
            "10-minerals-signing-expected.txt"]


# Written for this test: the informal spellings that the model's multi-token attribute rules handle.
INFORMAL = ("There is a deal, y'all, and we ain't gonna sign it. Let's wait, said the minister of Ostrel. "
            "C'mon, nothin' is agreed, she told the council. It is what it is; I have done it and you did too.")


def _annotations(doc) -> list[tuple]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_type_, t.ent_iob_)
            for t in doc]


def test_the_cached_attribute_ruler_annotates_like_the_model_s_own(nlp):
    import spacy

    from transforms.language.nlp import DEFAULT_MODEL, use_paragraph_breaks

    # The package's own pipeline, with the same sentence breaks at blank lines as ours.
    stock = use_paragraph_breaks(spacy.load(DEFAULT_MODEL))
    assert "cached_attribute_ruler" in nlp.pipe_names and "attribute_ruler" not in nlp.pipe_names
    assert "attribute_ruler" in stock.pipe_names
    texts = [INFORMAL] + [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    tokens = 0
    for ours, theirs in zip(nlp.pipe(texts), stock.pipe(texts)):
        assert _annotations(ours) == _annotations(theirs)
        tokens += len(ours)
    assert tokens > 5000
    informal = nlp(INFORMAL)
    assert [t.lemma_ for t in informal if t.lower_ in ("ai", "gon", "na", "'s", "nothin'")] == \
        [t.lemma_ for t in stock(INFORMAL) if t.lower_ in ("ai", "gon", "na", "'s", "nothin'")]


def _tables(release: str) -> dict[str, pd.DataFrame]:
    return {name: pq.read_table(Path(release) / "data" / f"{name}.parquet").to_pandas() for name in TABLES}


@pytest.mark.flow
def test_batch_sizes_spread_the_work_over_the_workers():
    from flows.extract import batch_size_for

    assert batch_size_for(1000, 64, 1) == 64
    assert batch_size_for(1000, 64, 2) == 64
    assert batch_size_for(100, 64, 2) == 13
    assert batch_size_for(4, 2, 2) == 1
    assert batch_size_for(0, 64, 2) == 64


@pytest.mark.flow
def test_cli_refuses_two_ways_of_scaling_out():
    from flows.cli import main

    assert main(["run", "--source", str(SAMPLES), "--workers", "2", "--dask-workers", "2"]) == 2
    assert main(["run", "--source", str(SAMPLES), "--workers", "0"]) == 2


@pytest.mark.flow
def test_dask_release_equals_the_single_process_release(prefect_harness, tmp_path):
    from flows.pipeline import pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in [*ARTICLES, "source.json"]:
        shutil.copy(SAMPLES / name, corpus / name)
    one = pipeline(sources=[str(corpus)],
                   config=RunConfig(store=tmp_path / "store1", releases=tmp_path / "releases1", batch_size=2))
    assert one["extract"]["extracted"] == len(ARTICLES)
    # the same stored articles and fetch log, no extractions
    (tmp_path / "store2").mkdir()
    for part in ("raw", "articles", "fetch_log"):
        shutil.copytree(tmp_path / "store1" / part, tmp_path / "store2" / part)
    on_dask = RunConfig(store=tmp_path / "store2", releases=tmp_path / "releases2", batch_size=2, dask_workers=2)
    two = pipeline(config=on_dask)
    assert two["extract"]["extracted"] == len(ARTICLES) and two["extract"]["batches"] == len(ARTICLES)
    assert two["release"]["counts"] == one["release"]["counts"]
    assert one["release"]["counts"]["quotes"] > 0
    first, second = _tables(one["release"]["path"]), _tables(two["release"]["path"])
    for name in TABLES:
        pd.testing.assert_frame_equal(first[name], second[name], obj=name)
    # a re-run with nothing new starts no cluster and extracts nothing
    again = pipeline(config=on_dask.model_copy(update={"publish": False}))
    assert again["extract"]["extracted"] == 0 and again["extract"]["cached"] == len(ARTICLES)


def test_a_blank_line_ends_a_sentence(nlp):
    text = ("Kestria and Marhaven sign port deal\n\nVELDA: Ostrel Energy and the Kessel Bank on Monday signed "
            "two loan agreements.\nThe talks\ncontinued on one line.")
    doc = nlp(text)
    starts = [t.text for t in doc if t.is_sent_start]
    assert "VELDA" in starts
    assert "continued" not in starts  # a single line break inside a sentence is no break
    signed = next(t for t in doc if t.text == "signed")
    assert {t.text for t in signed.subtree} >= {"Ostrel", "Kessel", "Bank"}
    assert "Marhaven" not in {t.text for t in signed.subtree}


def test_a_line_break_ends_a_sentence_in_a_text_of_one_paragraph_a_line(nlp):
    paragraph = "Ostrel Energy said the port would open next year and that its partners would pay for it. " * 2
    headline = "Kestria and Marhaven sign port deal"
    doc = nlp(f"{headline}\nKestria's Ostrel Energy has signed the deal.\n{paragraph}")
    assert doc[len(nlp.tokenizer(headline)) + 1].is_sent_start  # the line after the headline
    wrapped = nlp("Ostrel Energy said on Monday\nit had signed the deal.")
    assert not any(t.is_sent_start for t in wrapped[1:])  # wrapped at a fixed width: no break

"""`dealwire extract`: the release tables from local files, without Prefect, a store or a release.

The same readers, extractors and resolution as the pipeline; the tables are written as
``DIR/<table>.jsonl`` (one JSON object per row, columns in schema order), and optionally
the quotes in the form ``../shared/bench/score_quotes.py`` reads.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from flows.ingest import list_inputs, read_file
from flows.store import dumps
from transforms.ingest.inputs import file_of_label
from transforms.ingest.reads import log_row
from transforms.language.extract import extract_articles
from transforms.language.nlp import MAX_ARTICLE_CHARS, load_model
from transforms.language.quotes import speaker_name
from transforms.release.resolve import resolve
from transforms.schema import TABLES


def _quiet(message: str) -> None:
    pass


def read_articles(paths: list[str], progress: Callable[[str], None] = _quiet,
                  ) -> tuple[list[dict], list[dict], dict[str, str], dict[str, list[str]]]:
    """Articles, fetch_log rows, article_id → the file it came from, and article_id → the later
    files with the same text (skipped, logged). Warnings and notes go to ``progress``."""
    items, log = list_inputs([str(p) for p in paths])
    for row in log:
        progress(f"warning: {row['reason']}")
    articles, origin, sidecars, copies = {}, {}, {}, {}
    for item in items:
        for read in read_file(item, sidecars):
            article = read.article
            if article is None or article["article_id"] in articles:
                reason = read.reason if article is None else f"{read.input}: same text as {origin[article['article_id']]}"
                log.append(log_row(read, outcome=read.outcome if article is None else "skipped", reason=reason))
                progress(f"warning: {reason}")
                if article is not None:
                    copies.setdefault(article["article_id"], []).append(read.input)
                continue
            if read.reason:
                progress(f"note: {read.reason}")
            articles[article["article_id"]] = article
            origin[article["article_id"]] = read.input
            log.append(log_row(read, article_id=article["article_id"]))
    return list(articles.values()), log, origin, copies


def _write_jsonl(path: Path, rows: list[dict], columns: list[str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    with open(tmp, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(dumps({c: row.get(c) for c in columns} if columns else row, sort_keys=False) + "\n")
    os.replace(tmp, path)


def bench_quotes(rows: dict[str, list[dict]], origin: dict[str, str],
                 copies: dict[str, list[str]] | None = None) -> list[dict]:
    """Quotes as score_quotes.py reads them: file, span, speaker name (``speaker_name``: the actor's,
    else the speaker as written unless a pronoun stands there) and the speaker as written nearest
    the quote (else its mention's span); a file with the same text as an earlier one (``copies``:
    article_id → the other inputs) gets the same quotes."""
    names = {a["actor_id"]: a["name"] for a in rows["actors"]}
    mentions = {m["mention_id"]: m for m in rows["actor_mentions"]}
    out = []
    for q in rows["quotes"]:
        mention = mentions.get(q["speaker_mention_id"])
        for source in [origin[q["article_id"]], *(copies or {}).get(q["article_id"], [])]:
            out.append({
                "file": file_of_label(source),
                "start": q["start"], "end": q["end"], "kind": q["kind"],
                "speaker": speaker_name(q, names.get(q["speaker_actor_id"])),
                "speaker_start": q["speaker_start"] if q.get("speaker_start") is not None else (mention["start"] if mention else None),
                "speaker_end": q["speaker_end"] if q.get("speaker_end") is not None else (mention["end"] if mention else None),
            })
    return out


def extract_paths(paths: list[str], output: str | None, quotes_jsonl: str | None, model: str, batch_size: int,
                  progress: Callable[[str], None] = _quiet, max_chars: int = MAX_ARTICLE_CHARS) -> dict:
    """Extract the files and folders of ``paths`` and write the tables; returns {"articles",
    "words", "seconds" (of extraction), "problems" (articles not extracted: input, status, note),
    "counts" (rows per table)}. Progress goes to ``progress``. A text over ``max_chars`` is not
    parsed, and one whose extraction raises is reported; the others go on."""
    # Load inputs
    articles, log, origin, copies = read_articles(paths, progress)
    pending = [a for a in articles if a["extraction_status"] == "pending"]
    if not pending:
        progress("dealwire: nothing to extract (no readable English article)")
    nlp = load_model(model)
    # Process
    extractions, words, t0, problems = {}, 0, time.perf_counter(), []
    for n, (article, outcome) in enumerate(extract_articles(nlp, pending, batch_size, max_chars), 1):
        if outcome.status == "extracted":
            extractions[article["article_id"]] = outcome.extraction
            words += article["word_count"]
        else:  # the article row says why; the others go on
            article["extraction_status"], article["extraction_note"] = outcome.status, outcome.note
            problems.append({"input": origin[article["article_id"]], "status": outcome.status, "note": outcome.note})
            progress(f"dealwire: {origin[article['article_id']]}: not extracted ({outcome.status}): {outcome.note}")
        if n % batch_size == 0 or n == len(pending):
            rate = n / max(time.perf_counter() - t0, 1e-9)
            progress(f"extract: {n}/{len(pending)} articles ({rate:.1f} articles/s)")
    seconds = time.perf_counter() - t0
    rows = resolve(articles, extractions)
    rows["fetch_log"] = log
    # Save outputs
    if output:
        for name, table in TABLES.items():
            _write_jsonl(Path(output) / f"{name}.jsonl", rows[name], table.column_names)
    if quotes_jsonl:
        # Every file's quotes, syndicated copies included: the benchmark scores each file.
        every = resolve(articles, extractions, count_duplicates=True)
        _write_jsonl(Path(quotes_jsonl), bench_quotes(every, origin, copies))
    return {"articles": len(extractions), "words": words, "seconds": seconds, "problems": problems,
            "counts": {name: len(rows[name]) for name in TABLES}}

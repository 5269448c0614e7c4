"""`dealwire extract` and the command line's errors (no Prefect involved)."""
from __future__ import annotations

import json

from flows.cli import main
from transforms.schema import TABLES

ARTICLE = (
    "Veldonia and Marhaven resume minerals talks\n\n"
    "Veldonia and Marhaven resumed talks on Tuesday on a lithium agreement.\n\n"
    "\u201cWe are closer than we were in spring,\u201d said Finance Minister Ada Korvel.\n\n"
    "Korvel told reporters that the fund would be ready next year.\n"
)


def _jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_extract_writes_every_table_for_a_plain_text_article(tmp_path, capsys):
    src = tmp_path / "talks.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    out, bench = tmp_path / "out", tmp_path / "quotes.jsonl"
    assert main(["extract", str(src), "--output", str(out), "--quotes-jsonl", str(bench)]) == 0
    assert "extracted 1 articles" in capsys.readouterr().out
    tables = {name: _jsonl(out / f"{name}.jsonl") for name in TABLES}
    (article,) = tables["articles"]
    assert article["text"] == ARTICLE  # a .txt article is the file's text exactly
    assert list(article) == TABLES["articles"].column_names
    quote = next(q for q in tables["quotes"] if q["kind"] == "direct")
    assert ARTICLE[quote["start"]:quote["end"]] == quote["text"] == "We are closer than we were in spring,"
    speaker = {a["actor_id"]: a["name"] for a in tables["actors"]}[quote["speaker_actor_id"]]
    assert speaker == "Ada Korvel"
    assert {r["file"] for r in _jsonl(bench)} == {"talks.txt"}
    assert any(r["speaker"] == "Ada Korvel" and r["speaker_start"] is not None for r in _jsonl(bench))


def test_extract_reports_bad_files_and_goes_on(tmp_path, capsys):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "broken.txt").write_bytes(b"Veldonia \xff\xfe signs")
    assert main(["extract", str(tmp_path), "--output", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "empty.txt: empty file" in err
    assert "broken.txt: not valid UTF-8" in err
    log = _jsonl(tmp_path / "out" / "fetch_log.jsonl")
    assert sorted(r["outcome"] for r in log) == ["error", "ok", "skipped"]


def test_clear_errors_for_missing_inputs(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "nope.txt"), "--output", str(tmp_path)]) == 2
    assert "nope.txt' does not exist" in capsys.readouterr().err
    assert main(["run", "--source", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["run", "--source", str(tmp_path), "--version", "../evil"]) == 2
    assert "release version" in capsys.readouterr().err
    assert main(["run", "--source", str(tmp_path), "--model", "no_such_model_pkg"]) == 2
    assert "is not installed" in capsys.readouterr().err


def test_extract_leaves_a_text_over_the_limit_unextracted_and_goes_on(tmp_path, capsys):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "long.txt").write_text("Marhaven kept the ledgers. " * 100, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path), "--output", str(out), "--max-article-chars", "1000"]) == 0
    captured = capsys.readouterr()
    assert (f"dealwire: {tmp_path.name}:long.txt: not extracted (skipped_too_long): text is 2,700 characters, "
            "over the limit of 1,000 (max_article_chars)") in captured.err
    assert "extracted 1 articles" in captured.out and "not extracted: 1 articles" in captured.out
    status = {r["url"].split(":", 1)[1]: (r["extraction_status"], r["extraction_note"])
              for r in _jsonl(out / "articles.jsonl")}
    assert status["good.txt"] == ("extracted", None)
    assert status["long.txt"][0] == "skipped_too_long" and "2,700 characters" in status["long.txt"][1]
    assert main(["extract", str(tmp_path), "--output", str(out), "--max-article-chars", "0"]) == 2
    assert "max_article_chars (--max-article-chars) must be at least 1" in capsys.readouterr().err

"""The ingest flow end to end: a folder, URLs from a local http.server and an RSS feed.

Every name, place and text below is made up for this test.
"""
from __future__ import annotations

import socket

import json
from pathlib import Path

import pytest

from flows.config import FetchOptions
from flows.ingest import ingest
from flows.store import Store
from transforms import ids
from transforms.schema import ARTICLES, FETCH_LOG

pytestmark = pytest.mark.flow

HARBOUR_TXT = (
    "\nHarbour levy agreed\n\n"
    "The city of Lundvik and the shipping group Nordhaven agreed on Tuesday to a new harbour levy, "
    "the mayor's office said in a statement.\n\n"
    "\u201cThis settles a dispute that has lasted three years,\u201d said deputy mayor Ilse Varnholm.\n\n"
)
UNTITLED_TXT = (
    "Ferry tender reopened\n"
    "The regional transport board reopened the tender for the island ferry after the only bidder, "
    "Skerry Lines, withdrew its offer at the last minute, a spokesperson for the board said."
)
FRENCH_TXT = (
    "Accord sur le port\n\n"
    "Le conseil de Lundvik a annoncé lundi qu'il signera le contrat avec la société Nordhaven, "
    "qui attend une approbation depuis le printemps, et que les conditions ne sont pas définitives."
)


def html_page(title: str, paragraphs: list[str], head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
            f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article></body></html>")


QUAY_HTML = html_page(
    "Quay concession signed",
    ["The port authority of Lundvik signed a twenty-year concession with Nordhaven Terminals on Friday, "
     "the harbour master said.",
     "The concession covers the eastern quay and two new cranes, according to the signed contract."],
    head="<link rel='canonical' href='https://post.example/2024/quay'>"
         "<meta property='og:site_name' content='Lundvik Post'>"
         "<meta property='article:published_time' content='2024-06-01T22:15:00-04:00'>",
)


def served_page(n: int) -> str:
    return html_page(
        f"Dredging update {n}",
        [f"The dredging company Kelpmarsh said on day {n} that work in the outer channel would finish "
         "before the autumn storms, a month later than the original schedule.",
         "Harbour pilots have asked for a second survey of the channel before large ships return."],
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "harbour.txt").write_text(HARBOUR_TXT, encoding="utf-8", newline="")
    (folder / "untitled.txt").write_text(UNTITLED_TXT, encoding="utf-8")
    (folder / "avis.txt").write_text(FRENCH_TXT, encoding="utf-8")
    (folder / "empty.txt").write_text("  \n\n", encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"Port levy \xff agreed")
    (folder / "quay.html").write_text(QUAY_HTML, encoding="utf-8")
    (folder / "notes.md").write_text("# not an article\n", encoding="utf-8")
    (folder / ".hidden.txt").write_text("never read\n", encoding="utf-8")
    (folder / "metadata.json").write_text(json.dumps({
        "harbour.txt": {
            "url": "https://post.example/2024/harbour-levy",
            "title": "Lundvik agrees harbour levy",
            "published_at": "2024-05-07T09:00:00+02:00",
            "publisher": "Lundvik Post",
            "authors": ["Ana Quillfeather", "Bram Oduya"],
        },
    }), encoding="utf-8")
    lines = [
        {"url": "https://wire.example/1", "title": "Wire one", "published_at": "2024-05-01",
         "publisher": "Harbour Wire", "authors": "Cato Brill",
         "text": "Wire one\n\nThe customs office of Lundvik extended its agreement with the freight forwarder "
                 "Ostmark for two more years, officials said."},
        {"url": "https://wire.example/2", "html": served_page(2)},
    ]
    (folder / "wire.jsonl").write_text(
        "\n".join(json.dumps(line) for line in lines) + "\n\n{not json\n", encoding="utf-8")
    return folder


@pytest.fixture
def site(tmp_path: Path, serve_dir):
    folder = tmp_path / "site"
    folder.mkdir()
    for n in (1, 3, 4):
        (folder / f"story{n}.html").write_text(served_page(n), encoding="utf-8")
    server = serve_dir(folder)
    items = "".join(
        f"<item><title>Dredging update {n}</title><link>{server.url(f'story{n}.html')}</link>"
        f"<pubDate>Mon, 0{n} Jul 2024 08:00:00 GMT</pubDate></item>" for n in (3, 4)
    )
    (folder / "feed.xml").write_text(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Harbour wire</title>{items}</channel></rss>",
        encoding="utf-8")
    (folder / "figures.json").write_text('{"tonnes": 12}', encoding="utf-8")
    (folder / "broken-feed.xml").write_text("<html><body><p>This feed has moved.</p></body></html>", encoding="utf-8")
    return server


FAST = {"fetch": FetchOptions(max_retries=1, backoff=0.01, host_delay=0.0, allow_private=True), "batch_size": 4}


def closed_port_url() -> str:
    """A loopback address nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/gone.html"


def by_input(rows: list[dict]) -> dict[str, dict]:
    return {row["input"]: row for row in rows}


def test_ingest_folder_urls_and_feed(prefect_harness, tmp_path, corpus, site):
    root = str(tmp_path / "store")
    urls = [site.url("story1.html"), site.url("missing.html"), site.url("figures.json"), closed_port_url()]
    feeds = [site.url("feed.xml"), site.url("broken-feed.xml")]
    result = ingest(store=root, sources=[str(corpus)], urls=urls, feeds=feeds, run_id="run-1", **FAST)

    store = Store(root)
    log = store.fetch_log()
    rows = by_input(log)
    assert all(sorted(row) == sorted(FETCH_LOG.column_names) for row in log)
    assert len({row["fetch_id"] for row in log}) == len(log)
    c = lambda name: f"corpus:{name}"  # noqa: E731  (a file is named by its source and place in it, never its path)

    # Outcomes and reasons, one row per input.
    assert {name: row["outcome"] for name, row in rows.items()} == {
        c("notes.md"): "skipped", c("avis.txt"): "skipped", c("broken.txt"): "error", c("empty.txt"): "skipped",
        c("harbour.txt"): "ok", c("quay.html"): "ok", c("untitled.txt"): "ok",
        c("wire.jsonl") + ":1": "ok", c("wire.jsonl") + ":2": "ok", c("wire.jsonl") + ":4": "error",
        feeds[0]: "ok", feeds[1]: "error",
        urls[0]: "ok", urls[1]: "error", site.url("story3.html"): "ok", site.url("story4.html"): "ok",
        urls[2]: "skipped", urls[3]: "error",
    }
    assert rows[urls[2]]["reason"] == f"{urls[2]}: not HTML (content-type application/json)"
    assert rows[urls[3]]["reason"].startswith(f"{urls[3]}: ") and "connect" in rows[urls[3]]["reason"]
    assert rows[c("empty.txt")]["reason"] == f"{c('empty.txt')}: empty file"
    assert rows[c("broken.txt")]["reason"] == f"{c('broken.txt')}: not valid UTF-8 (byte 0xff at offset 10)"
    assert rows[c("avis.txt")]["reason"] == f"{c('avis.txt')}: language 'fr' is not English (stored, not extracted)"
    assert rows[c("notes.md")]["reason"] == f"{c('notes.md')}: unsupported file type '.md'"
    assert rows[c("wire.jsonl") + ":4"]["reason"].startswith(f"{c('wire.jsonl')}:4: not valid JSON")
    assert rows[urls[1]]["reason"] == f"{urls[1]}: HTTP 404 Not Found" and rows[urls[1]]["http_status"] == 404
    assert rows[feeds[1]]["reason"] == f"{feeds[1]}: not a parsable RSS/Atom feed (no RSS or Atom root element)"
    assert rows[urls[0]]["http_status"] == 200 and rows[urls[0]]["reason"] is None
    assert {row["source"] for row in log if row["input"].startswith("corpus:")} == {"corpus"}
    assert not any(str(tmp_path) in str(value) for row in log for value in row.values())
    assert rows[site.url("story3.html")]["source"] == feeds[0] and rows[urls[0]]["source"] == "urls"

    # The summary.
    ok_ids = {row["article_id"] for row in log if row["article_id"]}
    assert len(ok_ids) == 9
    sources = result.pop("sources")
    assert result == {"run_id": "run-1", "article_ids": sorted(ok_ids), "new": 9, "failed": 5, "skipped": 4,
                      "unchanged": 0}
    assert sources["corpus"] == {"articles": 6, "rejected": 4}  # per source: inputs with an article, rejected
    assert sources[feeds[1]] == {"articles": 0, "rejected": 1}
    assert sum(s["articles"] for s in sources.values()) == sum(1 for row in log if row["article_id"])
    assert sorted(store.article_ids()) == sorted(ok_ids)

    # Articles: exact columns, raw snapshots kept.
    articles = {a["article_id"]: a for a in store.iter_articles()}
    for article in articles.values():
        assert sorted(article) == sorted(ARTICLES.column_names)
        assert store.get_raw(article["raw_sha256"])
        assert article["text_sha256"] == ids.sha256_text(article["text"])

    harbour = articles[rows[c("harbour.txt")]["article_id"]]
    assert harbour["text"] == (corpus / "harbour.txt").read_bytes().decode("utf-8") == HARBOUR_TXT
    assert harbour["raw_sha256"] == ids.sha256_bytes((corpus / "harbour.txt").read_bytes())
    assert harbour["url"] == "https://post.example/2024/harbour-levy"
    assert harbour["article_id"] == ids.article_id(harbour["url"], harbour["text_sha256"])
    assert harbour["title"] == "Lundvik agrees harbour levy"
    assert harbour["authors"] == "Ana Quillfeather; Bram Oduya"
    assert harbour["publisher"] == "Lundvik Post" and harbour["source"] == "corpus"
    assert harbour["published_at"] == "2024-05-07T07:00:00+00:00"
    assert (harbour["language"], harbour["extraction_status"]) == ("en", "pending")

    untitled = articles[rows[c("untitled.txt")]["article_id"]]
    assert untitled["text"] == UNTITLED_TXT
    assert untitled["url"] == "corpus:untitled.txt"
    assert untitled["title"] is None  # the folder is not redistributable: its first line is withheld text

    french = articles[rows[c("avis.txt")]["article_id"]]
    assert (french["language"], french["extraction_status"]) == ("fr", "skipped_language")
    assert french["extraction_note"] == "language 'fr' is not English"

    quay = articles[rows[c("quay.html")]["article_id"]]
    assert quay["url"] == "https://post.example/2024/quay" and quay["publisher"] == "Lundvik Post"
    assert quay["text"].startswith("Quay concession signed\n\nThe port authority of Lundvik")
    assert quay["published_at"] == "2024-06-02T02:15:00+00:00"

    wire1 = articles[rows[c("wire.jsonl") + ":1"]["article_id"]]
    assert wire1["text"].startswith("Wire one\n\nThe customs office") and wire1["authors"] == "Cato Brill"
    assert wire1["published_at"] == "2024-05-01T00:00:00+00:00"
    wire2 = articles[rows[c("wire.jsonl") + ":2"]["article_id"]]
    assert wire2["url"] == "https://wire.example/2" and wire2["title"] == "Dredging update 2"

    story1 = articles[rows[urls[0]]["article_id"]]
    assert story1["url"] == urls[0] and story1["source"] == "urls" and story1["title"] == "Dredging update 1"
    assert story1["raw_sha256"] == ids.sha256_bytes(served_page(1).encode("utf-8"))
    story3 = articles[rows[site.url("story3.html")]["article_id"]]
    assert story3["published_at"] == "2024-07-03T08:00:00+00:00"  # from the feed: the page has none

    # A second run reads the same inputs: nothing new, nothing rewritten.
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "store" / "articles").rglob("*.json")}
    again = ingest(store=root, sources=[str(corpus)], urls=urls, feeds=feeds, run_id="run-2", **FAST)
    assert again["article_ids"] == result["article_ids"]
    # 9 unchanged: 5 local files compared with the store; the feed and its 2 pages and story1
    # answered "304 Not Modified" to conditional requests (http.server honours If-Modified-Since).
    assert (again["new"], again["unchanged"], again["failed"], again["skipped"]) == (0, 9, 5, 4)
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "store" / "articles").rglob("*.json")}
    assert after == before
    second = by_input([row for row in store.fetch_log() if row["fetch_id"] not in {r["fetch_id"] for r in log}])
    assert len(second) == len(log)
    for url in (urls[0], feeds[0], site.url("story3.html"), site.url("story4.html")):
        assert (second[url]["outcome"], second[url]["http_status"]) == ("unchanged", 304), url
        assert second[url]["article_id"] == rows[url]["article_id"]


def test_ingest_missing_source_and_repeats(prefect_harness, tmp_path, site):
    root = str(tmp_path / "store")
    missing = str(tmp_path / "nowhere")
    url = site.url("story1.html")
    feed = site.url("feed.xml")
    bad_feeds = [{"url": feed, "kind": "podcast"}, {"name": "nameless"}, {"url": feed, "include": ["("]}]
    tracked = url + "?utm_source=feed&fbclid=abc"
    result = ingest(store=root, sources=[missing], urls=[url, tracked], feeds=bad_feeds, run_id="run-x", **FAST)
    rows = Store(root).fetch_log()
    missing = f"{tmp_path.name}:nowhere"  # named by its folder's name, not by this machine's path
    assert [(r["input"], r["outcome"]) for r in rows] == [
        (missing, "error"), (feed, "error"), ("nameless", "error"), (feed, "error"), (tracked, "skipped"), (url, "ok")]
    assert rows[0]["reason"] == f"{missing}: no such file or directory"
    assert rows[1]["reason"] == f"{feed}: unknown kind 'podcast' (expected one of feed, sitemap)"
    assert rows[2]["reason"] == "nameless: a feed source needs a 'url'"
    assert rows[3]["reason"].startswith(f"{feed}: include: invalid regular expression '(' (")
    assert rows[4]["reason"] == f"{tracked}: listed more than once (first in urls)"
    assert (result["new"], result["failed"], result["skipped"]) == (1, 4, 1)


def test_ingest_feed_sources_as_mappings(prefect_harness, tmp_path, site):
    """A feed given as a mapping: its name is the source, include/exclude choose its links, and
    its publisher fills articles whose page names none (these pages do not)."""
    root = str(tmp_path / "store")
    source = {"url": site.url("feed.xml"), "kind": "feed", "name": "harbour-wire", "publisher": "Harbour Wire",
              "include": [r"story\d"], "exclude": [r"story4"]}
    result = ingest(store=root, feeds=[source], run_id="run-m", **FAST)
    store = Store(root)
    rows = by_input(store.fetch_log())
    assert sorted(rows) == sorted([site.url("feed.xml"), site.url("story3.html")])
    assert {row["source"] for row in rows.values()} == {"harbour-wire"}
    (article,) = store.iter_articles()
    assert article["publisher"] == "Harbour Wire" and article["source"] == "harbour-wire"
    assert result["new"] == 1

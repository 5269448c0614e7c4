"""Unit tests of the ingest transforms: html.py, feeds.py, articles.py, and reads.py, metadata.py,
inputs.py, retries.py (article and fetch_log rows from what was read; no Prefect, no network, no files).

Every name, place and text below is made up for these tests.
"""
from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta, timezone

import pytest

from transforms import ids
from transforms.ingest.articles import (
    EmptyInputError, article_from_text, decode_text_file, detect_language, first_line,
    join_authors, normalize_published_at, word_count,
)
from transforms.ingest.feeds import parse_feed
from transforms.ingest.html import extract_html
from transforms.schema import ARTICLES, EXTRACTION_STATUSES

SAMPLES = {
    "en": "The council of Dravenport said on Monday that it would sign the contract with the shipping firm, "
          "which has been waiting for approval since the spring, and that the terms are not final.",
    "fr": "Le conseil de Dravenport a annoncé lundi qu'il signera le contrat avec la société de transport, "
          "qui attend une approbation depuis le printemps, et que les conditions ne sont pas définitives.",
    "es": "El consejo de Dravenport anunció el lunes que firmará el contrato con la empresa de transporte, "
          "que espera la aprobación desde la primavera, y que las condiciones no son definitivas todavía.",
    "pt": "O conselho de Dravenport anunciou na segunda-feira que vai assinar o contrato com a empresa de "
          "transporte, que aguarda a aprovação desde a primavera, e que as condições não são definitivas.",
    "de": "Der Rat von Dravenport hat am Montag angekündigt, dass er den Vertrag mit der Reederei unterzeichnen "
          "wird, die seit dem Frühjahr auf eine Genehmigung wartet, und dass die Bedingungen noch nicht endgültig sind.",
    "it": "Il consiglio di Dravenport ha annunciato lunedì che firmerà il contratto con la società di trasporti, "
          "che attende l'approvazione dalla primavera, e che le condizioni non sono ancora definitive.",
    "nl": "De raad van Dravenport heeft maandag aangekondigd dat hij het contract met de rederij zal ondertekenen, "
          "die sinds het voorjaar op een goedkeuring wacht, en dat de voorwaarden nog niet definitief zijn.",
}

PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head>
<meta charset="utf-8">
<title>Quay deal signed | Lundvik Post</title>
<link rel="canonical" href="/2024/quay-deal">
<meta property="og:site_name" content="Lundvik Post">
<meta property="og:title" content="Quay deal signed">
<meta name="author" content="Ana Quillfeather and Bram Oduya">
<meta property="article:published_time" content="2024-06-01T22:15:00-04:00">
</head><body>
<nav><a href="/">Home</a> <a href="/ports">Ports</a> <a href="/about">About us</a></nav>
<article>
<h1>Quay deal signed</h1>
<p>The port authority of Lundvik signed a twenty-year concession with Nordhaven Terminals on Friday,
the harbour master said.</p>
<p>"We have waited a long time for this," said Mira Tollberg, who chairs the authority.</p>
<ul><li>Two new cranes</li><li>A rail spur to the quay</li></ul>
</article>
<footer>All rights reserved, Lundvik Post.</footer>
</body></html>"""


# ---- html.py -----------------------------------------------------------------------


def test_extract_html_text_and_metadata():
    page = extract_html(PAGE.encode("utf-8"), "https://post.example/ports/quay?ref=feed")
    assert page["text"].split("\n\n") == [
        "Quay deal signed",
        "The port authority of Lundvik signed a twenty-year concession with Nordhaven Terminals on Friday, "
        "the harbour master said.",
        '"We have waited a long time for this," said Mira Tollberg, who chairs the authority.',
        "- Two new cranes\n- A rail spur to the quay",
    ]
    assert page["title"] == "Quay deal signed"
    assert page["authors"] == "Ana Quillfeather; Bram Oduya"
    assert page["publisher"] == "Lundvik Post"
    assert page["published_at"] == "2024-06-02T02:15:00+00:00"
    assert page["language"] == "en"
    assert page["canonical_url"] == "https://post.example/2024/quay-deal"
    assert "Home" not in page["text"] and "rights reserved" not in page["text"]


def test_extract_html_accepts_str_and_no_url():
    page = extract_html(PAGE)
    assert page["text"].startswith("Quay deal signed\n\n")
    assert page["canonical_url"] is None  # a relative canonical with nothing to resolve it against


def test_extract_html_without_metadata():
    html = ("<html><body><div><p>" + SAMPLES["en"] + "</p><p>" + SAMPLES["en"].upper() + "</p></div></body></html>")
    page = extract_html(html, "https://plain.example/x")
    assert page["text"] == SAMPLES["en"] + "\n\n" + SAMPLES["en"].upper()
    assert page["authors"] is None and page["published_at"] is None and page["language"] is None
    assert page["canonical_url"] is None


@pytest.mark.parametrize("html", [
    b"<html><head><title>Nothing</title></head><body></body></html>",
    b"<html><body><nav><a href='/a'>Home</a> <a href='/b'>Ports</a></nav></body></html>",
])
def test_extract_html_without_main_text(html):
    with pytest.raises(ValueError, match=r"^https://empty\.example/: no main text found"):
        extract_html(html, "https://empty.example/")


def test_extract_html_not_html():
    with pytest.raises(ValueError, match="https://empty.example/: not parsable as HTML"):
        extract_html(b"", "https://empty.example/")


# ---- feeds.py ------------------------------------------------------------------------

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Lundvik Post: ports</title><link>https://post.example/</link>
<item><title>Quay  deal signed</title><link>/2024/quay-deal</link>
  <pubDate>Sat, 01 Jun 2024 22:15:00 -0400</pubDate></item>
<item><title>Ferry tender opens</title><link>https://post.example/2024/ferry</link></item>
<item><title>Repeat</title><link>https://post.example/2024/ferry</link></item>
<item><title>No link at all</title></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour wire</title><id>urn:x</id><updated>2024-01-02T03:04:05Z</updated>
<entry><title>Dredging contract</title><id>urn:1</id><link href="https://wire.example/dredging"/>
<updated>2024-01-02T03:04:05Z</updated></entry></feed>"""


def test_parse_rss():
    assert parse_feed(RSS, "https://post.example/feeds/ports.xml") == [
        {"url": "https://post.example/2024/quay-deal", "title": "Quay deal signed",
         "published_at": "2024-06-02T02:15:00+00:00"},
        {"url": "https://post.example/2024/ferry", "title": "Ferry tender opens", "published_at": None},
    ]


def test_parse_atom():
    assert parse_feed(ATOM, "https://wire.example/atom") == [
        {"url": "https://wire.example/dredging", "title": "Dredging contract",
         "published_at": "2024-01-02T03:04:05+00:00"},
    ]


def test_parse_empty_feed():
    assert parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>',
                      "https://q.example/rss") == []


@pytest.mark.parametrize("data", [b"", b"<html><body><p>A page, not a feed</p></body></html>", b"\x00\x01 <rss"])
def test_parse_not_a_feed(data):
    with pytest.raises(ValueError, match=r"^https://q\.example/rss: not a parsable RSS/Atom feed \(.+\)$"):
        parse_feed(data, "https://q.example/rss")


# ---- articles.py: dates, files, language ------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("2024-06-01T22:15:00-04:00", "2024-06-02T02:15:00+00:00"),
    ("2024-06-01T10:00:00Z", "2024-06-01T10:00:00+00:00"),
    ("2024-06-01 10:00:00", "2024-06-01T10:00:00+00:00"),
    ("2024-06-01", "2024-06-01T00:00:00+00:00"),
    ("Sat, 01 Jun 2024 22:15:00 -0400", "2024-06-02T02:15:00+00:00"),
    ("Sat, 01 Jun 2024 22:15:00 GMT", "2024-06-01T22:15:00+00:00"),
    (date(2024, 6, 1), "2024-06-01T00:00:00+00:00"),
    (datetime(2024, 6, 1, 8, 30), "2024-06-01T08:30:00+00:00"),
    (datetime(2024, 6, 1, 8, 30, tzinfo=timezone(timedelta(hours=2))), "2024-06-01T06:30:00+00:00"),
    (time.strptime("2024-06-01 08:30:00", "%Y-%m-%d %H:%M:%S"), "2024-06-01T08:30:00+00:00"),
    (None, None),
    ("  ", None),
])
def test_normalize_published_at(value, expected):
    assert normalize_published_at(value) == expected


@pytest.mark.parametrize("value", ["last Tuesday", "2024-13-45", 12345])
def test_normalize_published_at_rejects_non_dates(value):
    with pytest.raises(ValueError):
        normalize_published_at(value)


def test_decode_text_file_keeps_the_text_exactly():
    text = "  Harbour news\r\n\r\nThe quay opens.\t\n\n"
    assert decode_text_file(text.encode("utf-8"), "a.txt") == text
    assert decode_text_file(b"\xef\xbb\xbf" + "Café\n".encode("utf-8"), "b.txt") == "Café\n"


def test_decode_text_file_invalid_utf8():
    with pytest.raises(ValueError) as info:
        decode_text_file(b"Quay \xff deal", "notes/c.txt")
    assert str(info.value) == "notes/c.txt: not valid UTF-8 (byte 0xff at offset 5)"
    with pytest.raises(ValueError, match=r"byte 0xe9 at offset 6\)"):
        decode_text_file(b"\xef\xbb\xbfCaf\xe9 ok", "d.txt")  # offset counts the BOM: it is in the file


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n", b"\xef\xbb\xbf\n"])
def test_decode_text_file_empty(data):
    with pytest.raises(EmptyInputError) as info:
        decode_text_file(data, "e.txt")
    assert str(info.value) == "e.txt: empty file"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_detect_language(lang):
    assert detect_language(SAMPLES[lang]) == lang


def test_detect_language_too_short_or_unknown():
    assert detect_language("Quay deal signed on Friday.") is None
    assert detect_language("") is None
    assert detect_language("Lundvik Nordhaven Tollberg Quillfeather Oduya " * 5) is None


def test_small_helpers():
    assert word_count("Nordhaven's twenty-year deal: 40 cranes — done.") == 6
    assert first_line("\n  \n  Quay deal \nmore") == "Quay deal"
    assert join_authors(["Ana Quillfeather", " ", "Bram Oduya", "Ana Quillfeather"]) == "Ana Quillfeather; Bram Oduya"
    assert join_authors("Ana Quillfeather") == "Ana Quillfeather"
    assert join_authors([]) is None and join_authors(None) is None


# ---- articles.py: rows ---------------------------------------------------------------------

RETRIEVED = datetime(2024, 6, 3, 12, 0, tzinfo=timezone.utc)


def test_article_from_text_english():
    text = "Quay deal signed\n\n" + SAMPLES["en"]
    row = article_from_text(
        text, url="https://post.example/2024/quay-deal", source="urls", title=" Quay  deal signed ",
        publisher="Lundvik Post", authors=["Ana Quillfeather", "Bram Oduya"],
        published_at="Sat, 01 Jun 2024 22:15:00 -0400", retrieved_at=RETRIEVED, raw_sha256="ab" * 32,
    )
    assert list(row) == ARTICLES.column_names
    assert row["text"] == text
    assert row["text_sha256"] == ids.sha256_text(text)
    assert row["article_id"] == ids.article_id("https://post.example/2024/quay-deal", row["text_sha256"])
    assert row["title"] == "Quay deal signed"
    assert row["authors"] == "Ana Quillfeather; Bram Oduya"
    assert row["published_at"] == "2024-06-02T02:15:00+00:00"
    assert row["retrieved_at"] == "2024-06-03T12:00:00+00:00"
    assert row["language"] == "en"
    assert row["word_count"] == 3 + word_count(SAMPLES["en"])
    assert (row["extraction_status"], row["extraction_note"], row["duplicate_of"]) == ("pending", None, None)
    assert row["raw_sha256"] == "ab" * 32


def test_article_from_text_french_is_skipped():
    row = article_from_text(SAMPLES["fr"], url="file:///corpus/fr.txt", source="corpus", retrieved_at=RETRIEVED)
    assert row["language"] == "fr"
    assert row["extraction_status"] == "skipped_language"
    assert row["extraction_note"] == "language 'fr' is not English"
    assert row["article_id"] == ids.article_id(None, ids.sha256_text(SAMPLES["fr"]))  # no http URL: text hash


def test_article_from_text_blank_and_short():
    blank = article_from_text(" \n", url="file:///corpus/b.txt", source="corpus", retrieved_at=RETRIEVED)
    assert (blank["extraction_status"], blank["language"], blank["word_count"]) == ("skipped_empty", None, 0)
    short = article_from_text("Quay deal signed.", url="https://p.example/s", source="urls", retrieved_at=RETRIEVED)
    assert (short["language"], short["extraction_status"]) == (None, "pending")
    hinted = article_from_text("Quai signé.", url="https://p.example/s", source="urls", retrieved_at=RETRIEVED,
                               language_hint="fr")
    assert (hinted["language"], hinted["extraction_status"]) == ("fr", "skipped_language")
    assert {blank["extraction_status"], short["extraction_status"]} <= set(EXTRACTION_STATUSES)


def test_article_from_text_needs_url_and_time():
    with pytest.raises(ValueError):
        article_from_text("text", url="", source="s", retrieved_at=RETRIEVED)
    with pytest.raises(ValueError):
        article_from_text("text", url="https://p.example/", source="s", retrieved_at=None)


# ---- urls.py ----------------------------------------------------------------------------------

from transforms.ingest.feeds import compile_patterns, parse_sitemap, select_entries  # noqa: E402
from transforms.ingest.urls import address_refusal, canonical_url, is_tracking_parameter  # noqa: E402


@pytest.mark.parametrize("url, expected", [
    ("HTTPS://News.Example:443/2024/Quay-Deal?utm_source=rss&utm_medium=feed#top",
     "https://news.example/2024/Quay-Deal"),
    ("http://news.example:80", "http://news.example/"),
    ("http://news.example:8080/a?b=2&a=1&fbclid=xyz&gclid=1&mc_cid=9&mc_eid=8", "http://news.example:8080/a?a=1&b=2"),
    ("https://news.example/a?id=7&UTM_Campaign=spring", "https://news.example/a?id=7"),
    ("https://news.example/a%20b?q=caf%C3%A9+au+lait", "https://news.example/a%20b?q=caf%C3%A9+au+lait"),
    ("https://news.example/a?", "https://news.example/a"),
    ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"),
    ("file:///tmp/corpus/a.txt", "file:///tmp/corpus/a.txt"),
    ("  https://news.example/a  ", "https://news.example/a"),
])
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected
    assert canonical_url(expected) == expected  # idempotent


def test_tracking_parameters():
    assert all(map(is_tracking_parameter, ["utm_source", "UTM_TERM", "fbclid", "gclid", "mc_cid", "_hsenc"]))
    assert not any(map(is_tracking_parameter, ["id", "page", "q", "utmost"]))


@pytest.mark.parametrize("address, expected", [
    ("127.0.0.1", "loopback address"), ("::1", "loopback address"), ("10.0.0.8", "private address"),
    ("192.168.1.1", "private address"), ("172.16.5.4", "private address"), ("169.254.169.254", "link-local address"),
    ("fe80::1%eth0", "link-local address"), ("224.0.0.1", "multicast address"), ("0.0.0.0", "unspecified address"),
    ("240.0.0.1", "reserved address"), ("::ffff:127.0.0.1", "loopback address"), ("100.64.0.1", "non-public address"),
    ("93.184.216.34", None), ("2a00:1450:4001:80e::200e", None),
])
def test_address_refusal(address, expected):
    assert address_refusal(address) == expected


# ---- feeds.py: entity expansion, malformed feeds, sitemaps, include/exclude ------------------------

LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
          b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><rss version="2.0"><channel><title>&c;</title>'
          b'<item><title>&c;</title><link>https://q.example/a</link></item></channel></rss>')


def test_feeds_and_sitemaps_declaring_entities_are_refused():
    for parse in (parse_feed, parse_sitemap):
        with pytest.raises(ValueError, match=r"^https://q\.example/x: refused, the XML declares entities"):
            parse(LAUGHS, "https://q.example/x")
    utf16 = LAUGHS.decode("ascii").replace('encoding="utf-8"', "").encode("utf-16")
    with pytest.raises(ValueError, match="declares entities"):
        parse_feed(utf16, "https://q.example/x")


def test_malformed_feed_without_entries_is_an_error():
    data = b"<?xml version='1.0'?><rss version='2.0'><channel><title>Broken</title><item><title>Unclosed</item></chan"
    with pytest.raises(ValueError, match=r"^https://q\.example/rss: not a parsable RSS/Atom feed \(.+\)$"):
        parse_feed(data, "https://q.example/rss")


def test_malformed_feed_with_entries_gives_them():
    data = RSS.replace(b"</channel></rss>", b"<item><title>Cut")
    assert [e["url"] for e in parse_feed(data, "https://post.example/feeds/ports.xml")] == [
        "https://post.example/2024/quay-deal", "https://post.example/2024/ferry"]


SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://post.example/2024/quay</loc><lastmod>2024-06-01T10:00:00+02:00</lastmod></url>
  <url><loc> /2024/ferry </loc><lastmod>not a date</lastmod></url>
  <url><loc>https://post.example/2024/quay</loc></url>
  <url><loc>mailto:desk@post.example</loc></url>
  <url></url>
</urlset>"""
SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://post.example/sitemap-2024.xml</loc><lastmod>2024-07-01</lastmod></sitemap>
</sitemapindex>"""


def test_parse_sitemap_urlset():
    assert parse_sitemap(SITEMAP, "https://post.example/sitemap.xml") == {"kind": "urlset", "entries": [
        {"url": "https://post.example/2024/quay", "title": None, "published_at": "2024-06-01T08:00:00+00:00"},
        {"url": "https://post.example/2024/ferry", "title": None, "published_at": None},
    ]}


def test_parse_sitemap_index():
    assert parse_sitemap(SITEMAP_INDEX, "https://post.example/sitemap.xml") == {"kind": "sitemapindex", "entries": [
        {"url": "https://post.example/sitemap-2024.xml", "published_at": "2024-07-01T00:00:00+00:00"}]}


@pytest.mark.parametrize("data, message", [
    (b"<urlset><url><loc>https://a.example/</loc></urlset>", "not well-formed XML"),
    (b"<html><body>moved</body></html>", r"not a sitemap \(root element <html>"),
    (b"", "not well-formed XML"),
    (b'<!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/hostname">]><urlset>&x;</urlset>', "declares entities"),
])
def test_parse_sitemap_errors(data, message):
    with pytest.raises(ValueError, match=rf"^https://q\.example/sitemap\.xml: .*{message}"):
        parse_sitemap(data, "https://q.example/sitemap.xml")


def test_select_entries_include_and_exclude():
    entries = [{"url": u} for u in ("https://a.example/world/1", "https://a.example/sport/2",
                                    "https://a.example/world/live/3")]
    kept, left = select_entries(entries, compile_patterns([r"/world/"], "src"), compile_patterns(r"/live/", "src"))
    assert [e["url"] for e in kept] == ["https://a.example/world/1"]
    assert len(left) == 2
    assert select_entries(entries)[0] == entries
    with pytest.raises(ValueError, match=r"^src: invalid regular expression '\(' \("):
        compile_patterns(["("], "src")


# ---- reads.py, metadata.py: article rows from what was read -------------------------------------

from transforms.ingest.inputs import feed_sources, source_items, url_inputs  # noqa: E402
from transforms.ingest.metadata import (  # noqa: E402
    clean_metadata, item_rights, page_publisher, sidecar_entries, source_rights,
)
from transforms.ingest.reads import (  # noqa: E402
    article_update, fetched_page_read, html_read, jsonl_reads, empty_sources, log_row, summary, text_read,
)
from transforms.ingest.retries import next_retries, retry_items  # noqa: E402
from transforms.schema import FETCH_LOG  # noqa: E402

VELMORA = (
    "Velmora signs dredging contract\n\n"
    "The port city of Velmora signed a dredging contract with Sarnovia Marine on Tuesday, after two years "
    "of talks about the depth of the outer harbour, the city's harbour office said.\n"
)
READ_AT = "2025-03-05T10:00:00+00:00"
OPEN = {"redistributable": True, "licence": "CC-BY-4.0"}


def test_a_text_file_read_gives_its_article_row_and_fetch_log_row():
    meta, warnings = clean_metadata({"published_at": "Tue, 04 Mar 2025 09:30:00 +0100", "authors": ["Ilse Varn"],
                                     "publisher": "Velmora Harbour Office", "section": "ports"}, "velmora.txt")
    assert warnings == [] and "section" not in meta
    read = text_read("corpus/velmora.txt", VELMORA.encode("utf-8"), "file:///corpus/velmora.txt", "corpus",
                     meta, warnings, READ_AT, OPEN)
    article = read.article
    assert (read.input, read.source, read.outcome, read.reason) == ("corpus/velmora.txt", "corpus", "ok", None)
    assert list(article) == ARTICLES.column_names
    assert article["text"] == VELMORA  # exactly as written: offsets index it
    assert article["title"] == "Velmora signs dredging contract"  # the first line, no title given
    assert article["url"] == "file:///corpus/velmora.txt"
    assert article["publisher"] == "Velmora Harbour Office" and article["authors"] == "Ilse Varn"
    assert article["published_at"] == "2025-03-04T08:30:00+00:00"
    assert (article["language"], article["extraction_status"]) == ("en", "pending")
    assert (article["redistributable"], article["licence"]) == (True, "CC-BY-4.0")
    assert article["raw_sha256"] == ids.sha256_bytes(VELMORA.encode("utf-8"))
    assert article["article_id"] == ids.article_id(article["url"], article["text_sha256"])
    row = log_row(read, article_id=article["article_id"])
    assert list(row) == FETCH_LOG.column_names
    assert (row["input"], row["outcome"], row["article_id"], row["retrieved_at"]) == (
        "corpus/velmora.txt", "ok", article["article_id"], READ_AT)


def test_a_text_read_takes_the_metadata_url_and_title_and_is_not_redistributable_unless_said():
    meta = {"url": "HTTPS://Harbour.Example/velmora?utm_source=rss", "title": "Dredging deal"}
    article = text_read("velmora.txt", VELMORA.encode(), "file:///velmora.txt", "corpus", meta, [], READ_AT).article
    assert article["url"] == "https://harbour.example/velmora"  # canonical: the ID hashes it
    assert article["title"] == "Dredging deal"
    assert (article["redistributable"], article["licence"]) == (False, None)


def test_text_reads_that_give_no_article():
    empty = text_read("blank.txt", b" \n", "file:///blank.txt", "corpus", {}, [], READ_AT)
    assert (empty.outcome, empty.reason, empty.article) == ("skipped", "blank.txt: empty file", None)
    broken = text_read("latin.txt", "Sarnovia é".encode("latin-1"), "file:///latin.txt", "corpus", {}, [], READ_AT)
    assert broken.outcome == "error" and broken.reason.startswith("latin.txt: not valid UTF-8 (byte 0xe9")
    french = text_read("fr.txt", SAMPLES["fr"].encode(), "file:///fr.txt", "corpus", {}, ["fr.txt: a note"], READ_AT)
    assert french.outcome == "skipped" and french.article["extraction_status"] == "skipped_language"
    assert french.reason == "fr.txt: language 'fr' is not English (stored, not extracted); fr.txt: a note"


def test_metadata_with_a_bad_date_keeps_the_rest_and_says_so():
    meta, warnings = clean_metadata({"title": "Velmora", "published_at": "next spring", "authors": []}, "a.txt")
    assert meta == {"title": "Velmora"}
    assert warnings == ["a.txt: published_at ignored (unparsable date 'next spring')"]


def test_jsonl_reads_one_per_line_named_by_line_number():
    lines = [
        json.dumps({"url": "https://wire.example/1", "title": "Sarnovia loan", "text": VELMORA}),
        "",
        json.dumps({"html": "<html><body><p>" + SAMPLES["en"] + "</p></body></html>"}),
        "{not json",
        json.dumps({"title": "nothing"}),
        json.dumps({"text": "   "}),
        json.dumps(["a list"]),
    ]
    reads = jsonl_reads("wire.jsonl", "\n".join(lines).encode(), "file:///wire.jsonl", "wire", READ_AT, OPEN)
    assert [(r.input, r.outcome) for r in reads] == [
        ("wire.jsonl:1", "ok"), ("wire.jsonl:3", "ok"), ("wire.jsonl:4", "error"), ("wire.jsonl:5", "error"),
        ("wire.jsonl:6", "skipped"), ("wire.jsonl:7", "error")]
    first, from_html = reads[0].article, reads[1].article
    assert (first["url"], first["title"], first["text"]) == ("https://wire.example/1", "Sarnovia loan", VELMORA)
    assert from_html["url"] == "file:///wire.jsonl#line=3" and from_html["text"] == SAMPLES["en"]
    assert {r.article["redistributable"] for r in reads[:2]} == {True}
    assert reads[3].reason == "wire.jsonl:5: has neither 'text' nor 'html'"
    assert reads[4].reason == "wire.jsonl:6: empty text"


def _velmora_page(site_name: str) -> bytes:
    return (f'<html lang="en"><head><title>Velmora dredging</title><meta property="og:site_name" content="{site_name}">'
            '<link rel="canonical" href="https://harbour.example/velmora"></head><body><article><p>'
            + VELMORA.split("\n\n")[1] + "</p></article></body></html>").encode("utf-8")


def test_an_html_read_takes_what_the_page_says():
    read = html_read("velmora.html", _velmora_page("Velmora Harbour Office"), "file:///velmora.html", "corpus",
                     {}, [], READ_AT)
    article = read.article
    assert read.outcome == "ok"
    assert (article["url"], article["title"], article["publisher"]) == (
        "https://harbour.example/velmora", "Velmora dredging", "Velmora Harbour Office")
    assert html_read("e.html", b"  ", "file:///e.html", "corpus", {}, [], READ_AT).reason == "e.html: empty file"


def test_a_fetched_page_falls_back_on_its_source_for_the_publisher_and_its_feed_entry_for_the_date():
    item = {"url": "https://harbour.example/velmora", "source": "harbour-feed", "publisher": "Harbour Wire",
            "title": "Feed title", "published_at": "2025-03-04T08:30:00Z", **OPEN}
    read = fetched_page_read(item, _velmora_page("harbour.example"), "https://harbour.example/velmora",
                             "text/html; charset=klingon", 200, READ_AT)
    article = read.article
    assert page_publisher({"publisher": "www.harbour.example"}, "https://harbour.example/x") is None
    assert article["publisher"] == "Harbour Wire"  # the page names only its host
    assert article["title"] == "Velmora dredging"  # the page's own title first
    assert article["published_at"] == "2025-03-04T08:30:00+00:00"  # the page has none: the feed's
    assert (read.http_status, read.outcome, article["redistributable"]) == (200, "ok", True)
    assert read.reason == "https://harbour.example/velmora: unknown charset 'klingon' in Content-Type, ignored"
    bad = fetched_page_read(item, b"<html><body>menu</body></html>", item["url"], "text/html", 200, READ_AT)
    assert (bad.outcome, bad.http_status, bad.article) == ("error", 200, None)
    assert bad.reason.startswith("https://harbour.example/velmora: no main text found")


def test_rights_and_metadata_files_from_their_bytes():
    assert source_rights(b'{"redistributable": true, "licence": "CC0-1.0"}', "s/source.json") == (
        {"redistributable": True, "licence": "CC0-1.0"}, None)
    assert source_rights(b'{"redistributable": true, "licence": " "}', "s/source.json")[0]["licence"] is None
    rights, warning = source_rights(b'{"redistributable": "yes"}', "s/source.json")
    assert rights == {"redistributable": False, "licence": None}
    assert warning.startswith("s/source.json: ignored, not an object with a true/false")
    assert source_rights(b"{", "s/source.json")[1].startswith("s/source.json: ignored, not valid JSON (")
    assert item_rights({"redistributable": 1}) == {"redistributable": True, "licence": None}
    assert sidecar_entries(b'{"a.txt": {"title": "Velmora"}, "b.txt": 3}', "s/metadata.json") == (
        {"a.txt": {"title": "Velmora"}}, None)
    assert sidecar_entries(b"[]", "s/metadata.json") == (
        {}, "s/metadata.json: ignored, not an object keyed by file name")


def test_a_stored_article_with_the_same_text_keeps_what_later_stages_wrote():
    article = text_read("v.txt", VELMORA.encode(), "file:///v.txt", "corpus", {}, [], READ_AT).article
    stored = {**article, "extraction_status": "extracted", "retrieved_at": "2024-01-01T00:00:00+00:00"}
    assert article_update(article, None) == (article, True, False)
    merged, is_new, unchanged = article_update(article, stored)
    assert merged["extraction_status"] == "extracted" and not is_new and unchanged
    changed = {**stored, "text_sha256": "0" * 64}
    assert article_update(article, changed) == (article, True, False)


def test_url_inputs_feed_sources_and_retries():
    items, rows = url_inputs(["https://Harbour.example/a?utm_source=x", "https://harbour.example/a"],
                             [{"kind": "url", "url": "https://harbour.example/b", "source": "feed"}])
    assert [i["fetch_url"] for i in items] == ["https://harbour.example/a", "https://harbour.example/b"]
    assert [r["reason"] for r in rows] == ["https://harbour.example/a: listed more than once (first in urls)"]
    sources, bad = feed_sources(["https://harbour.example/rss", {"url": "https://harbour.example/rss"},
                                 {"url": "https://s.example/x", "kind": "atlas"}])
    assert [s["url"] for s in sources] == ["https://harbour.example/rss"]
    assert [r["outcome"] for r in bad] == ["error"] and "unknown kind 'atlas'" in bad[0]["reason"]
    (source,) = sources
    assert [i["url"] for i in source_items(source, [{"url": "https://harbour.example/c"}], False)] == [
        "https://harbour.example/c"]
    retries = {"https://harbour.example/c": {"attempts": 1, "first_failed": READ_AT}}
    (retry,) = retry_items(source, retries, allow_private=False)
    assert (retry["retry_attempts"], retry["public_only"]) == (1, True)
    row = {"input": retry["url"], "source": retry["source"], "reason": "c: 503", "retrieved_at": "later"}
    pending = next_retries(source["name"], retries, [retry], {(row["input"], row["source"]): row}, {retry["url"]}, 5)
    assert pending[retry["url"]]["attempts"] == 2 and pending[retry["url"]]["first_failed"] == READ_AT
    assert next_retries(source["name"], retries, [retry], {(row["input"], row["source"]): row}, set(), 5) == {}


def test_the_run_summary_counts_outcomes_and_each_source_s_articles():
    rows = [{"outcome": o, "source": s, "article_id": a} for o, s, a in (
        ("ok", "corpus", "a"), ("error", "corpus", None), ("skipped", "notes", None), ("unchanged", "corpus", "b"),
        ("unchanged", "wire", "b"))]
    assert summary("run-1", rows, {"b", "a"}, 1) == {
        "run_id": "run-1", "article_ids": ["a", "b"], "new": 1, "failed": 1, "skipped": 1, "unchanged": 2,
        "sources": {"corpus": {"articles": 2, "rejected": 1}, "notes": {"articles": 0, "rejected": 1},
                    "wire": {"articles": 1, "rejected": 0}}}


def test_a_source_without_an_article_is_named_with_its_rejected_files():
    result = {"sources": {"corpus": {"articles": 2, "rejected": 1}, "notes": {"articles": 0, "rejected": 1}}}
    assert empty_sources({"data/corpus": "corpus", "/x/notes": "notes", "gone": "gone"}, result) == [
        "no articles in /x/notes (1 file rejected: see fetch_log)", "no articles in gone (0 files rejected: see fetch_log)"]

"""A fault-injecting HTTP server on 127.0.0.1 for tests and benchmarks/faults.py.

    server = FaultServer(fail_times={"/reset.html": 4})
    server.url("/feed.xml")          # an RSS feed listing every page below
    server.requests["/reset.html"]   # requests made, counted on the server side
    server.close()

Pages (all fictional; every article page has an ETag and Last-Modified and answers 304 to a
matching conditional request once it serves the page):

    /news/<n>.html      a good article (n = 1 … ``news_pages``)
    /flaky.html         500 for its first ``fail_times`` requests, then the article
    /busy.html          429 with Retry-After: 1 for its first ``fail_times`` requests, then the article
    /reset.html         the connection is reset (closed unanswered) for the first ``fail_times`` requests
    /stall.html         headers and half the body, then silence past the client's read timeout
    /trickle.html       the body one byte every 0.2 s: no single read times out, the whole takes minutes
    /truncated.html     Content-Length larger than the body sent, then the connection closes
    /huge.html          a 50 MB body with its Content-Length
    /huge-stream.html   a 50 MB body without Content-Length (streamed until the client stops)
    /gzip-bomb.html     Content-Encoding: gzip that inflates to 4 GiB
    /report.pdf         application/pdf
    /bad-charset.html   charset=x-no-such-charset in Content-Type
    /bad-bytes.html     declared UTF-8, holds invalid bytes
    /loop-a.html        redirects to /loop-b.html, which redirects back
    /feed.xml           RSS listing ``listed`` paths (all of the above by default)
    /malformed.xml      an RSS feed that is not well-formed XML
    /laughs.xml         an RSS feed with an entity-expansion ("billion laughs") DOCTYPE
    /sitemap-index.xml  a sitemap index of /sitemap-news.xml, a urlset of the /news/ pages

``fail_times`` (path -> count) says how many requests of a path misbehave before it behaves;
paths not in it misbehave forever (the ones whose fault is permanent: huge, gzip bomb, pdf,
loop…) or, for flaky/busy/reset/stall/truncated, ``default_failures`` times.
"""
from __future__ import annotations

import gzip
import http.server
import socket
import threading
import time
import zlib
from collections import Counter
from email.utils import formatdate

ARTICLE_TEMPLATE = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
    "{site}</head><body><article><h1>{title}</h1>"
    "<p>The port council of Vessmark and the dredging firm Olvander Marine agreed on {day} to extend "
    "their channel maintenance contract by {years} years, a council spokesperson said.</p>"
    "<p>Under the deal Olvander Marine will also survey the northern approach every spring, "
    "according to the signed agreement.</p></article></body></html>"
)
FLAKY_PATHS = ("/flaky.html", "/busy.html", "/reset.html", "/stall.html", "/truncated.html")
PERMANENT_PATHS = ("/huge.html", "/huge-stream.html", "/gzip-bomb.html", "/report.pdf",
                   "/bad-charset.html", "/bad-bytes.html", "/loop-a.html")
SLOW_PATHS = ("/trickle.html",)  # fails the same retryable way on every run
NEWS_PAGES = 4
BIG_BODY_BYTES = 50 * 1024 * 1024
BOMB_MEMBER_BYTES = 16 * 1024 * 1024  # zeros in one gzip member
BOMB_MEMBERS = 256  # 256 x 16 MiB = 4 GiB once inflated
LAST_MODIFIED = formatdate(1_760_000_000, usegmt=True)


def article_html(path: str) -> bytes:
    """The (fictional) article page served at a path; /news/ pages do not name their publisher."""
    n = sum(path.encode())
    site = "" if path.startswith("/news/") else "<meta property='og:site_name' content='Vessmark Ledger'>"
    return ARTICLE_TEMPLATE.format(title=f"Channel contract extended ({path.strip('/')})", site=site,
                                   day=("Monday", "Tuesday", "Friday")[n % 3], years=2 + n % 5).encode("utf-8")


def etag_of(path: str) -> str:
    return f'"v1-{zlib.crc32(path.encode()):08x}"'


def rss(urls: list[str]) -> bytes:
    items = "".join(f"<item><title>Item {i}</title><link>{u}</link>"
                    f"<pubDate>Mon, 02 Nov 2026 08:00:00 GMT</pubDate></item>" for i, u in enumerate(urls))
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Vessmark wire</title>"
            f"<link>http://vessmark.example/</link>{items}</channel></rss>").encode("utf-8")


def billion_laughs() -> bytes:
    levels = ['<!ENTITY e0 "ha">'] + [f'<!ENTITY e{i} "{("&e%d;" % (i - 1)) * 10}">' for i in range(1, 10)]
    return ("<?xml version='1.0'?><!DOCTYPE rss [" + "".join(levels) + "]>"
            "<rss version='2.0'><channel><title>&e9;</title><item><title>&e9;</title>"
            "<link>http://vessmark.example/a</link></item></channel></rss>").encode("utf-8")


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """Clients that hang up (the fetcher refusing a huge body, say) are expected here."""
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, socket.timeout)):
            super().handle_error(request, client_address)


class FaultServer:
    """A ThreadingHTTPServer on 127.0.0.1 (port 0) whose paths misbehave as listed above."""

    def __init__(self, fail_times: dict[str, int] | None = None, default_failures: int = 2,
                 stall_seconds: float = 3.0, news_pages: int = NEWS_PAGES):
        self.fail_times = {p: default_failures for p in FLAKY_PATHS} | (fail_times or {})
        self.stall_seconds = stall_seconds
        self.requests: Counter[str] = Counter()  # path -> requests received
        self.answers: Counter[tuple[str, str]] = Counter()  # (path, what was answered) -> count
        self.conditional: Counter[str] = Counter()  # path -> requests with If-None-Match/If-Modified-Since
        self.served: set[str] = set()  # article paths served whole with 200
        self._ever: Counter[str] = Counter()  # path -> requests since start (reset_counts keeps it)
        self.news_pages = news_pages
        self.listed: list[str] = [f"/news/{n}.html" for n in range(1, news_pages + 1)] + [
            *FLAKY_PATHS, *PERMANENT_PATHS, *SLOW_PATHS]
        self._lock = threading.Lock()
        self._bomb_member = gzip.compress(b"\0" * BOMB_MEMBER_BYTES, compresslevel=9)
        self.httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    # ---- addresses and counts ------------------------------------------------------
    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def total_requests(self) -> int:
        return sum(self.requests.values())

    def reset_counts(self) -> None:
        """Start counting requests afresh (the faults go on where they were)."""
        with self._lock:
            self.requests.clear()
            self.answers.clear()
            self.conditional.clear()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _count(self, path: str, conditional: bool) -> int:
        """Record a request; how many requests of this path came before it since the start."""
        with self._lock:
            before = self._ever[path]
            self._ever[path] += 1
            self.requests[path] += 1
            self.conditional[path] += int(conditional)
            return before

    def _answered(self, path: str, what: str) -> None:
        with self._lock:
            self.answers[(path, what)] += 1

    # ---- the handler -----------------------------------------------------------------
    def _handler_class(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002 - signature from the base class
                pass

            def do_GET(self):  # noqa: N802 - name fixed by the base class
                path = self.path.split("?", 1)[0]
                conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
                before = server._count(path, conditional)
                try:
                    server._respond(self, path, before)
                except (BrokenPipeError, ConnectionResetError, socket.timeout):
                    server._answered(path, "client went away")

        return Handler

    def _respond(self, h, path: str, before: int) -> None:
        failing = before < self.fail_times.get(path, 0)
        routes = {
            "/robots.txt": lambda: self._send(h, path, 404, b"no robots here", "text/plain", what="404"),
            "/feed.xml": lambda: self._send(h, path, 200, rss([self.url(p) for p in self.listed]),
                                            "application/rss+xml", what="feed"),
            "/malformed.xml": lambda: self._send(
                h, path, 200, b"<?xml version='1.0'?><rss version='2.0'><channel><title>Broken</title>"
                              b"<item><title>Unclosed <b>tag</item></chan", "application/rss+xml",
                what="malformed feed"),
            "/laughs.xml": lambda: self._send(h, path, 200, billion_laughs(), "application/rss+xml",
                                              what="entity expansion feed"),
            "/sitemap-index.xml": lambda: self._send(h, path, 200, self._sitemap_index(), "application/xml",
                                                     what="sitemap index"),
            "/sitemap-news.xml": lambda: self._send(h, path, 200, self._sitemap_news(), "application/xml",
                                                    what="sitemap"),
            "/trickle.html": lambda: self._trickle(h, path),
            "/huge.html": lambda: self._stream(h, path, declared=True),
            "/huge-stream.html": lambda: self._stream(h, path, declared=False),
            "/gzip-bomb.html": lambda: self._gzip_bomb(h, path),
            "/report.pdf": lambda: self._send(h, path, 200, b"%PDF-1.7 fictional report", "application/pdf",
                                              what="pdf"),
            "/bad-charset.html": lambda: self._send(h, path, 200, article_html(path),
                                                    "text/html; charset=x-no-such-charset", what="bad charset",
                                                    article=True),
            "/bad-bytes.html": lambda: self._send(h, path, 200, article_html(path).replace(b"agreed", b"agr\xff\xfeed"),
                                                  "text/html; charset=utf-8", what="invalid bytes", article=True),
            "/loop-a.html": lambda: self._redirect(h, path, "/loop-b.html"),
            "/loop-b.html": lambda: self._redirect(h, path, "/loop-a.html"),
        }
        if path in routes:
            routes[path]()
        elif failing and path == "/flaky.html":
            self._send(h, path, 500, b"internal trouble", "text/plain", what="500")
        elif failing and path == "/busy.html":
            self._send(h, path, 429, b"slow down", "text/plain", headers={"Retry-After": "1"}, what="429")
        elif failing and path == "/reset.html":
            self._reset(h, path)
        elif failing and path == "/stall.html":
            self._stall(h, path)
        elif failing and path == "/truncated.html":
            self._truncated(h, path)
        elif path in FLAKY_PATHS or path.startswith("/news/"):
            self._article(h, path)
        else:
            self._send(h, path, 404, b"not here", "text/plain", what="404")

    # ---- answers ---------------------------------------------------------------------
    def _send(self, h, path, status, body, content_type, headers=None, what="ok", article=False) -> None:
        """An answer with its body; a 200 carries an ETag of its body and answers a matching
        If-None-Match with 304 (feeds and sitemaps as a careful server serves them)."""
        if status == 200:
            etag = f'"{zlib.crc32(body):08x}"'
            headers = {"ETag": etag, **(headers or {})}
            if h.headers.get("If-None-Match") == etag:
                self._not_modified(h, path, etag)
                return
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(body)
        self._answered(path, what)
        if article and status == 200:
            with self._lock:
                self.served.add(path)

    def _empty(self, h, path, status: int, headers: dict[str, str]) -> None:
        """An answer without a body (304, 302)."""
        h.send_response(status)
        for name, value in headers.items():
            h.send_header(name, value)
        h.send_header("Content-Length", "0")
        h.end_headers()
        self._answered(path, str(status))

    def _not_modified(self, h, path, etag: str) -> None:
        self._empty(h, path, 304, {"ETag": etag})

    def _article(self, h, path) -> None:
        """The article, or 304 when the client's validators match."""
        etag = etag_of(path)
        if h.headers.get("If-None-Match") == etag or (
                not h.headers.get("If-None-Match") and h.headers.get("If-Modified-Since") == LAST_MODIFIED):
            self._not_modified(h, path, etag)
            return
        self._send(h, path, 200, article_html(path), "text/html; charset=utf-8",
                   headers={"ETag": etag, "Last-Modified": LAST_MODIFIED}, what="200", article=True)

    def _redirect(self, h, path, target) -> None:
        self._empty(h, path, 302, {"Location": target})

    def _reset(self, h, path) -> None:
        """Close the connection without an answer; SO_LINGER 0 makes it a real RST."""
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        h.close_connection = True
        h.connection.close()
        self._answered(path, "reset")

    def _stall(self, h, path) -> None:
        body = article_html(path)
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body[: len(body) // 2])
        h.wfile.flush()
        self._answered(path, "stall")
        time.sleep(self.stall_seconds)
        h.close_connection = True

    def _trickle(self, h, path) -> None:
        body = article_html(path)
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        self._answered(path, "trickle")
        for i in range(len(body)):
            h.wfile.write(body[i:i + 1])
            h.wfile.flush()
            time.sleep(0.2)

    def _truncated(self, h, path) -> None:
        body = article_html(path)
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body) + 5000))
        h.end_headers()
        h.wfile.write(body)
        h.close_connection = True
        self._answered(path, "truncated")

    def _stream(self, h, path, declared: bool) -> None:
        """50 MB of page, written 64 KiB at a time until done or the client hangs up."""
        chunk = b"<p>" + b"filler " * 9360 + b"</p>"
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        if declared:
            h.send_header("Content-Length", str(BIG_BODY_BYTES))
        h.close_connection = True
        h.end_headers()
        self._answered(path, "big body")
        sent = 0
        while sent < BIG_BODY_BYTES:
            h.wfile.write(chunk)
            sent += len(chunk)

    def _gzip_bomb(self, h, path) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Encoding", "gzip")  # no Content-Length: only the decoded size can stop it
        h.close_connection = True
        h.end_headers()
        self._answered(path, "gzip bomb")
        for _ in range(BOMB_MEMBERS):
            h.wfile.write(self._bomb_member)

    def _sitemap_index(self) -> bytes:
        return (f"<?xml version='1.0' encoding='UTF-8'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                f"<sitemap><loc>{self.url('/sitemap-news.xml')}</loc></sitemap></sitemapindex>").encode("utf-8")

    def _sitemap_news(self) -> bytes:
        urls = "".join(f"<url><loc>{self.url(f'/news/{n}.html')}</loc><lastmod>2026-11-{1 + n % 28:02d}</lastmod></url>"
                       for n in range(1, self.news_pages + 1))
        return ("<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                f"{urls}</urlset>").encode("utf-8")

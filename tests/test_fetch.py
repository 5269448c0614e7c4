"""flows.fetch against a real http.server on 127.0.0.1 (no mocks)."""
from __future__ import annotations

import email.utils
import http.server
import socket
import threading
import time
from datetime import timezone

import pytest

from flows.fetch import DEFAULT_USER_AGENT, Fetcher, FetchError, parse_retry_after

PAGE = (
    b"<html><head><title>Harbor notes</title></head><body><p>The port authority of Lundvik"
    b" approved a new quay.</p></body></html>"
)


class Route:
    """Answers for one path: a list of (status, headers, body) used in turn, the last repeated."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.hits = 0

    def next(self):
        self.hits += 1
        return self.answers[min(self.hits, len(self.answers)) - 1]


def make_handler(routes: dict[str, Route], seen_agents: list[str]):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - name fixed by the base class
            seen_agents.append(self.headers.get("User-Agent", ""))
            route = routes.get(self.path)
            status, headers, body = route.next() if route else (404, {}, b"not here")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if "Content-Length" not in headers and headers.get("X-No-Length") is None:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002 - signature from the base class
            pass

    return Handler


class Server:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.agents: list[str] = []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.routes, self.agents))
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def route(self, path: str, *answers) -> Route:
        self.routes[path] = Route(*answers)
        return self.routes[path]

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"


@pytest.fixture
def server():
    srv = Server()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


def fast_fetcher(**options) -> Fetcher:
    defaults = {"max_retries": 2, "backoff": 0.01, "host_delay": 0.0, "timeout": (2.0, 5.0)}
    return Fetcher(**{**defaults, **options})


HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_200_html(server):
    server.route("/a", (200, HTML, PAGE))
    with fast_fetcher() as fetcher:
        result = fetcher.fetch(server.url("/a"))
    assert result.status == 200
    assert result.body == PAGE
    assert result.content_type == "text/html"
    assert result.final_url == server.url("/a") == result.url
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert result.fetched_at.tzinfo is not None and result.fetched_at.utcoffset() == timezone.utc.utcoffset(None)
    assert server.agents[-1] == DEFAULT_USER_AGENT


def test_user_agent_is_configurable(server):
    server.route("/a", (200, HTML, PAGE))
    with fast_fetcher(user_agent="dealwire-test/9.9") as fetcher:
        fetcher.fetch(server.url("/a"))
    assert set(server.agents) == {"dealwire-test/9.9"}  # robots.txt and the page


def test_404_is_not_retried(server):
    url = server.url("/missing")
    with fast_fetcher() as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    assert str(info.value) == f"{url}: HTTP 404 Not Found"
    assert info.value.status == 404 and not info.value.retryable and not info.value.skipped
    assert server.agents.count(DEFAULT_USER_AGENT) == 2  # robots.txt once, the page once


def test_503_then_200_is_retried(server):
    route = server.route("/flaky", (503, {}, b"busy"), (200, HTML, PAGE))
    with fast_fetcher() as fetcher:
        result = fetcher.fetch(server.url("/flaky"))
    assert result.status == 200 and result.body == PAGE
    assert route.hits == 2


def test_503_gives_up_after_the_retries(server):
    route = server.route("/down", (503, {}, b"busy"))
    url = server.url("/down")
    with fast_fetcher(max_retries=2) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    assert str(info.value) == f"{url}: HTTP 503 Service Unavailable after 3 attempts"
    assert info.value.retryable and info.value.status == 503
    assert route.hits == 3


def test_429_retry_after_is_honoured(server):
    route = server.route("/slow", (429, {"Retry-After": "1"}, b"later"), (200, HTML, PAGE))
    with fast_fetcher(backoff=0.0) as fetcher:
        started = time.monotonic()
        result = fetcher.fetch(server.url("/slow"))
        elapsed = time.monotonic() - started
    assert result.status == 200 and route.hits == 2
    assert 0.9 <= elapsed < 3.0


def test_retry_after_is_capped(server):
    route = server.route("/slower", (503, {"Retry-After": "3600"}, b""), (200, HTML, PAGE))
    with fast_fetcher(max_retry_after=0.2) as fetcher:
        started = time.monotonic()
        fetcher.fetch(server.url("/slower"))
    assert time.monotonic() - started < 2.0 and route.hits == 2


def test_parse_retry_after():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    now = time.time()
    later = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= parse_retry_after(later, now=now) <= 31
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
def test_body_over_max_bytes_is_refused(server, declared):
    headers = dict(HTML) if declared else {**HTML, "X-No-Length": "1"}
    server.route("/big", (200, headers, b"<p>" + b"x" * 5000 + b"</p>"))
    url = server.url("/big")
    with fast_fetcher(max_bytes=1000) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    assert str(info.value) == f"{url}: response larger than 1000 bytes"
    assert not info.value.retryable


def test_robots_disallow_is_honoured(server):
    robots = server.route("/robots.txt", (200, {"Content-Type": "text/plain"},
                                          b"User-agent: dealwire\nDisallow: /private/\n"))
    server.route("/private/memo", (200, HTML, PAGE))
    server.route("/public", (200, HTML, PAGE))
    url = server.url("/private/memo")
    with fast_fetcher() as fetcher:
        with pytest.raises(FetchError) as info:
            fetcher.fetch(url)
        assert fetcher.fetch(server.url("/public")).status == 200
    assert str(info.value) == f"{url}: disallowed by robots.txt"
    assert info.value.skipped and not info.value.retryable
    assert server.routes["/private/memo"].hits == 0
    assert robots.hits == 1  # cached per host


def test_robots_for_other_agents_does_not_apply(server):
    server.route("/robots.txt", (200, {}, b"User-agent: someotherbot\nDisallow: /\n"))
    server.route("/a", (200, HTML, PAGE))
    with fast_fetcher() as fetcher:
        assert fetcher.fetch(server.url("/a")).status == 200


def test_robots_server_error_allows(server):
    server.route("/robots.txt", (500, {}, b"oops"))
    server.route("/a", (200, HTML, PAGE))
    with fast_fetcher() as fetcher:
        assert fetcher.fetch(server.url("/a")).status == 200


def test_non_html_content_type_is_refused(server):
    server.route("/report.pdf", (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7 ..."))
    url = server.url("/report.pdf")
    with fast_fetcher() as fetcher:
        with pytest.raises(FetchError) as info:
            fetcher.fetch(url)
        assert fetcher.fetch(url, accept=None).body == b"%PDF-1.7 ..."  # any type when asked
    assert str(info.value) == f"{url}: not HTML (content-type application/pdf)"
    assert info.value.skipped and info.value.status == 200


def test_connection_refused_on_a_closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/a"
    with fast_fetcher(max_retries=2) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    assert str(info.value) == f"{url}: connection refused after 3 attempts"
    assert info.value.retryable and info.value.status is None


def test_not_an_http_url():
    with fast_fetcher() as fetcher, pytest.raises(FetchError, match="not an http"):
        fetcher.fetch("ftp://files.example/a")


def test_requests_to_one_host_are_spaced(server):
    server.route("/a", (200, HTML, PAGE))
    with fast_fetcher(host_delay=0.2) as fetcher:
        started = time.monotonic()
        fetcher.fetch(server.url("/a"))
        fetcher.fetch(server.url("/a"))
        elapsed = time.monotonic() - started
    assert elapsed >= 0.4  # robots.txt, then the page twice, 0.2 s apart

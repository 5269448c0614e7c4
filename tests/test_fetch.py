"""flows.fetch against a real http.server on 127.0.0.1 (no mocks)."""
from __future__ import annotations

import email.utils
import http.server
import socket
import threading
import time
from datetime import timezone

import pytest

from flows.fetch import DEFAULT_USER_AGENT, HOSTS, Fetcher, FetchError, parse_retry_after

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


@pytest.fixture(autouse=True)
def fresh_host_memory():
    """robots.txt and host timings are remembered process-wide: a later test's server may get
    the same port, so each test starts and ends with none."""
    HOSTS.clear()
    yield
    HOSTS.clear()


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


# ---- conditional GET, redirects, address policy, limits ---------------------------------------

import sys  # noqa: E402
import tracemalloc  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from faultserver import FaultServer  # noqa: E402


@pytest.fixture
def faults():
    srv = FaultServer(stall_seconds=1.5)
    yield srv
    srv.close()


def test_conditional_get_gives_304_and_an_empty_body(faults):
    url = faults.url("/news/1.html")
    with fast_fetcher() as fetcher:
        first = fetcher.fetch(url)
        again = fetcher.fetch(url, etag=first.etag, last_modified=first.last_modified)
        by_date = fetcher.fetch(url, last_modified=first.last_modified)
        stale = fetcher.fetch(url, etag='"an-old-version"')
    assert (first.status, first.not_modified, bool(first.body)) == (200, False, True)
    assert (again.status, again.not_modified, again.body) == (304, True, b"")
    assert (by_date.status, by_date.body) == (304, b"")
    assert stale.status == 200 and stale.body == first.body
    assert faults.conditional["/news/1.html"] == 3 and faults.requests["/news/1.html"] == 4


def test_gzip_bomb_stops_at_max_bytes_of_decoded_body(faults):
    """4 GiB once inflated, no Content-Length: only the decoded size can stop it. The peak
    memory of the fetch stays near the cap."""
    url = faults.url("/gzip-bomb.html")
    with fast_fetcher(max_bytes=1_000_000) as fetcher:
        fetcher.allowed(url)  # robots.txt read before measuring
        tracemalloc.start()
        try:
            with pytest.raises(FetchError) as info:
                fetcher.fetch(url)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert str(info.value) == f"{url}: response larger than 1000000 bytes"
    assert not info.value.retryable
    assert peak < 8_000_000, peak


@pytest.mark.parametrize("path", ["/huge.html", "/huge-stream.html"])
def test_a_50_mb_body_is_refused_without_reading_it(faults, path):
    url = faults.url(path)
    with fast_fetcher(max_bytes=1_000_000) as fetcher:
        fetcher.allowed(url)
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match="response larger than 1000000 bytes"):
                fetcher.fetch(url)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 8_000_000, peak


def test_redirect_loop_is_reported(faults):
    url = faults.url("/loop-a.html")
    with fast_fetcher() as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    assert str(info.value) == f"{url}: redirect loop ({url} -> {faults.url('/loop-b.html')} -> {url})"
    assert faults.requests["/loop-a.html"] == faults.requests["/loop-b.html"] == 1


def test_redirect_hops_are_checked_against_robots(server):
    server.route("/robots.txt", (200, {}, b"User-agent: *\nDisallow: /private/\n"))
    server.route("/moved", (301, {"Location": "/private/memo"}, b""))
    server.route("/private/memo", (200, HTML, PAGE))
    url = server.url("/moved")
    with fast_fetcher() as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    assert str(info.value) == f"{url}: redirect to {server.url('/private/memo')}: disallowed by robots.txt"
    assert info.value.skipped and server.routes["/private/memo"].hits == 0


def test_redirects_are_followed_and_final_url_kept(server):
    server.route("/old", (302, {"Location": "/new"}, b""))
    server.route("/new", (200, HTML, PAGE))
    with fast_fetcher() as fetcher:
        result = fetcher.fetch(server.url("/old"))
    assert (result.url, result.final_url, result.body) == (server.url("/old"), server.url("/new"), PAGE)


def test_public_only_refuses_private_addresses(server):
    server.route("/a", (200, HTML, PAGE))
    url = server.url("/a")
    with fast_fetcher() as fetcher:
        with pytest.raises(FetchError) as info:
            fetcher.fetch(url, public_only=True)
        assert fetcher.fetch(url).status == 200  # allowed when not asked to refuse
    assert str(info.value) == (f"{url}: refused: 127.0.0.1 is a loopback address (links found in feeds and "
                               "sitemaps may only lead to public addresses unless private ones are allowed)")
    assert info.value.skipped and server.routes["/a"].hits == 1


def test_resolved_address_refusal():
    from flows.fetch import resolved_address_refusal

    assert resolved_address_refusal("127.0.0.1") == "127.0.0.1 is a loopback address"
    assert resolved_address_refusal("localhost").startswith("localhost resolves to ")
    assert resolved_address_refusal("169.254.169.254") == "169.254.169.254 is a link-local address"
    assert resolved_address_refusal("[::1]") == "::1 is a loopback address"
    assert resolved_address_refusal("8.8.8.8") is None


class Gauge:
    """Requests in flight, now and at most, over one or several servers."""

    def __init__(self):
        self.lock, self.now, self.peak = threading.Lock(), 0, 0

    def __enter__(self):
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def __exit__(self, *exc):
        with self.lock:
            self.now -= 1


def slow_server(gauges: list[Gauge]) -> http.server.ThreadingHTTPServer:
    """Every page takes 0.3 s to answer; the gauges count requests in flight."""

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/robots.txt":
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            for gauge in gauges:
                gauge.__enter__()
            time.sleep(0.3)
            for gauge in gauges:
                gauge.__exit__()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, format, *args):  # noqa: A002
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return httpd


def test_per_host_concurrency_limit_and_hosts_in_parallel():
    """Six threads share one Fetcher: at most two requests at once to a host, and the two
    hosts are served at the same time."""
    both = Gauge()
    per_host = [Gauge(), Gauge()]
    servers = [slow_server([per_host[0], both]), slow_server([per_host[1], both])]
    try:
        urls = [f"http://127.0.0.1:{s.server_address[1]}/p{i}" for s in servers for i in range(6)]
        with fast_fetcher(host_concurrency=2) as fetcher, ThreadPoolExecutor(6) as pool:
            results = list(pool.map(fetcher.fetch, urls))
            sessions = len(fetcher._sessions)
    finally:
        for s in servers:
            s.shutdown()
            s.server_close()
    assert [r.status for r in results] == [200] * 12
    assert [g.peak for g in per_host] == [2, 2]
    assert both.peak >= 3  # more than one host's limit: the hosts ran in parallel
    assert 1 < sessions <= 6  # one requests.Session per thread that fetched


def test_robots_txt_is_shared_by_fetchers_of_one_process(server):
    """Each ingest task has its own Fetcher: robots.txt is still read once per host, and the
    host delay holds across them."""
    robots = server.route("/robots.txt", (200, {}, b"User-agent: *\nDisallow: /private/\n"))
    server.route("/a", (200, HTML, PAGE))
    for _ in range(3):
        with fast_fetcher() as fetcher:
            assert fetcher.fetch(server.url("/a")).status == 200
            assert not fetcher.allowed(server.url("/private/x"))
    assert robots.hits == 1
    with fast_fetcher(host_delay=0.3) as first, fast_fetcher(host_delay=0.3) as second:
        first.fetch(server.url("/a"))
        started = time.monotonic()
        second.fetch(server.url("/a"))
        assert time.monotonic() - started >= 0.25


def test_retry_after_pauses_the_whole_host(server):
    """After a 429 with Retry-After: 1, no request reaches that host for a second, from any thread."""
    arrivals: list[tuple[str, float]] = []
    for path, answers in (("/slow", [(429, {"Retry-After": "1"}, b"later"), (200, HTML, PAGE)]),
                          ("/other", [(200, HTML, PAGE)])):
        route = server.route(path, *answers)
        route.next = (lambda r, p: lambda: (arrivals.append((p, time.monotonic())), Route.next(r))[1])(route, path)
    with fast_fetcher(backoff=0.0) as fetcher, ThreadPoolExecutor(2) as pool:
        first = pool.submit(fetcher.fetch, server.url("/slow"))
        while not arrivals:
            time.sleep(0.01)
        other = fetcher.fetch(server.url("/other"))  # asked for right after the 429
        assert first.result().status == other.status == 200
    when = dict(reversed(arrivals))  # the first arrival of each path
    assert when["/other"] - when["/slow"] >= 0.9


def test_a_trickling_body_is_cut_after_max_seconds(faults):
    """One byte every 0.2 s: no read waits past the read timeout, the body as a whole does."""
    url = faults.url("/trickle.html")
    with fast_fetcher(max_retries=0, max_seconds=1.0) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    assert str(info.value) == f"{url}: body not received within 1 s"
    assert info.value.retryable

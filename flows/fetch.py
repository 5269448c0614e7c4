"""Polite HTTP fetching: one session, timeouts, retries with backoff, size limits, robots.txt.

    with Fetcher(max_retries=3, backoff=1.0) as fetcher:
        result = fetcher.fetch("https://news.example/a")   # FetchResult, or raises FetchError

What is retried (with exponential backoff and a little jitter, or after the server's
``Retry-After``, capped): connection errors, timeouts, HTTP 429 and 5xx (but 501). Nothing
else is: a 404 is an answer. robots.txt is read once per host through the same session; a
missing or unreachable robots.txt allows everything. Bodies are read as a stream and
refused past ``max_bytes``. Requests to one host are spaced by ``host_delay`` seconds (or
the host's robots.txt Crawl-delay, capped).
"""
from __future__ import annotations

import email.utils
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import requests

DEFAULT_USER_AGENT = "dealwire/0.1 (+https://github.com/dealwire/dealwire)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
RETRY_STATUSES = frozenset({429, *range(500, 600)}) - {501}
CHUNK_BYTES = 64 * 1024
ROBOTS_MAX_BYTES = 512 * 1024
MAX_CRAWL_DELAY = 10.0


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int
    content_type: str | None
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


class FetchError(Exception):
    """A URL that could not be fetched; ``str()`` names the URL and the reason.

    ``retryable``: a later try may succeed (network trouble, 429, 5xx).
    ``skipped``: not a failure but a refusal by policy (robots.txt, content type).
    ``retry_after``: seconds the server asked us to wait (Retry-After), if it did.
    """

    def __init__(self, url: str, reason: str, status: int | None = None, retryable: bool = False,
                 skipped: bool = False, retry_after: float | None = None):
        super().__init__(url, reason)
        self.url = url
        self.reason = reason
        self.status = status
        self.retryable = retryable
        self.skipped = skipped
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


def _status_text(status: int, reason: str | None = None) -> str:
    """'HTTP 404 Not Found': the standard phrase, else the server's own."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = reason or ""
    return f"HTTP {status} {phrase}".rstrip()


def _network_reason(exc: requests.RequestException) -> str:
    """A short, readable reason for a requests exception."""
    text = str(exc).lower()
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connect timed out"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "read timed out"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS error"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "connection broken while reading the body"
    if "refused" in text:
        return "connection refused"
    if "name or service not known" in text or "nameresolution" in text or "getaddrinfo" in text:
        return "host not found"
    if "timed out" in text:
        return "timed out"
    return f"connection error ({type(exc).__name__})"


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Fetcher:
    """One requests.Session with the project's fetching rules. Not for use from several
    threads at once: give each worker its own Fetcher."""

    def __init__(
        self,
        *,
        user_agent: str | None = None,
        timeout: tuple[float, float] = (10.0, 30.0),
        max_retries: int = 3,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        max_retry_after: float = 120.0,
        jitter: float = 0.1,
        max_bytes: int = 10_000_000,
        max_redirects: int = 10,
        respect_robots: bool = True,
        host_delay: float = 1.0,
    ):
        self.user_agent = user_agent or DEFAULT_USER_AGENT
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self.backoff = max(0.0, float(backoff))
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.jitter = jitter
        self.max_bytes = max_bytes
        self.respect_robots = respect_robots
        self.host_delay = max(0.0, float(host_delay))
        self.session = requests.Session()
        self.session.headers.update({
            "User-Agent": self.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        })
        self.session.max_redirects = max_redirects
        self._robots: dict[str, RobotFileParser | None] = {}
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()

    # ---- lifecycle ---------------------------------------------------------
    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- public ------------------------------------------------------------
    def fetch(self, url: str, accept: tuple[str, ...] | None = HTML_TYPES) -> FetchResult:
        """GET the URL. ``accept``: allowed content types (None: any).

        Raises FetchError naming the URL and the reason.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchError(url, "not an http(s) URL")
        if self.respect_robots and not self.allowed(url):
            raise FetchError(url, "disallowed by robots.txt", skipped=True)
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._fetch_once(url, accept)
            except FetchError as exc:
                if not exc.retryable or attempt > self.max_retries:
                    if exc.retryable and attempt > 1:
                        exc.reason = f"{exc.reason} after {attempt} attempts"
                    raise
                time.sleep(self._delay(attempt, exc))

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets this user agent fetch it."""
        parser = self._robots_for(url)
        return parser is None or parser.can_fetch(self.user_agent, url)

    # ---- one request ---------------------------------------------------------
    def _fetch_once(self, url: str, accept: tuple[str, ...] | None) -> FetchResult:
        self._wait_for_host(url)
        try:
            response = self.session.get(url, timeout=self.timeout, stream=True)
        except requests.exceptions.TooManyRedirects:
            raise FetchError(url, "too many redirects") from None
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema) as exc:
            raise FetchError(url, f"invalid URL ({exc})") from None
        except requests.RequestException as exc:
            raise FetchError(url, _network_reason(exc), retryable=True) from None
        with response:
            return self._read_response(url, response, accept)

    def _read_response(self, url: str, response: requests.Response, accept) -> FetchResult:
        status = response.status_code
        if status >= 400:
            raise FetchError(url, _status_text(status, response.reason), status=status,
                             retryable=status in RETRY_STATUSES,
                             retry_after=parse_retry_after(response.headers.get("Retry-After")))
        content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower() or None
        if accept is not None and content_type is not None and content_type not in accept:
            kind = "not HTML" if accept == HTML_TYPES else "unexpected content type"
            raise FetchError(url, f"{kind} (content-type {content_type})", status=status, skipped=True)
        body = self._read_body(url, response)
        return FetchResult(
            url=url,
            final_url=response.url,
            status=status,
            content_type=content_type,
            headers={k.lower(): v for k, v in response.headers.items()},
            body=body,
            fetched_at=datetime.now(timezone.utc),
        )

    def _read_body(self, url: str, response: requests.Response, max_bytes: int | None = None) -> bytes:
        limit = self.max_bytes if max_bytes is None else max_bytes
        too_large = FetchError(url, f"response larger than {limit} bytes", status=response.status_code)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(CHUNK_BYTES):
                size += len(chunk)
                if size > limit:
                    raise too_large
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise FetchError(url, _network_reason(exc), status=response.status_code, retryable=True) from None
        return b"".join(chunks)

    def _delay(self, attempt: int, error: FetchError) -> float:
        """Seconds before the next attempt: the server's Retry-After (capped), else backoff."""
        if error.retry_after is not None:
            return min(error.retry_after, self.max_retry_after)
        delay = min(self.backoff * 2 ** (attempt - 1), self.max_backoff)
        return delay + random.uniform(0, self.jitter * delay)

    # ---- politeness ----------------------------------------------------------
    @staticmethod
    def _host(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}".lower()

    def _wait_for_host(self, url: str) -> None:
        host = self._host(url)
        parser = self._robots.get(host)
        crawl_delay = parser.crawl_delay(self.user_agent) if parser is not None else None
        gap = max(self.host_delay, min(float(crawl_delay or 0), MAX_CRAWL_DELAY))
        with self._lock:
            wait = self._last_request.get(host, -1e9) + gap - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last_request[host] = time.monotonic()

    def _robots_for(self, url: str) -> RobotFileParser | None:
        """The host's parsed robots.txt, or None (allow everything) when there is none."""
        host = self._host(url)
        if host not in self._robots:
            self._robots[host] = self._read_robots(host)
        return self._robots[host]

    def _read_robots(self, host: str) -> RobotFileParser | None:
        robots_url = f"{host}/robots.txt"
        try:
            self._wait_for_host(robots_url)
            with self.session.get(robots_url, timeout=self.timeout, stream=True) as response:
                if response.status_code != 200:
                    return None  # 4xx: no rules; 5xx: treated as unreachable
                body = self._read_body(robots_url, response, ROBOTS_MAX_BYTES)
        except (requests.RequestException, FetchError):
            return None  # unreachable robots.txt: allow
        parser = RobotFileParser(robots_url)
        parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return parser

"""Polite HTTP fetching: timeouts, retries with backoff, size limits, robots.txt, conditional GET.

    with Fetcher(max_retries=3, backoff=1.0) as fetcher:
        result = fetcher.fetch("https://news.example/a")   # FetchResult, or raises FetchError
        again = fetcher.fetch(url, etag=result.etag, last_modified=result.last_modified)
        again.status == 304 and again.body == b""           # not modified since

What is retried (with exponential backoff and a little jitter, or after the server's
``Retry-After``, capped): connection errors and resets, timeouts, bodies cut short, HTTP 429
and 5xx (but 501). Nothing else is: a 404 is an answer. robots.txt is read once per host; a
missing or unreachable robots.txt allows everything. Bodies are read as a stream and refused
past ``max_bytes`` *decoded* bytes (a gzip bomb stops at the cap) or past ``max_seconds``.
Requests to one host are spaced by ``host_delay`` seconds (or the host's robots.txt
Crawl-delay, capped) and at most ``host_concurrency`` run at once; different hosts are
fetched in parallel when the caller uses threads. Redirects are followed one hop at a time,
each hop checked (robots.txt, loops, and with ``public_only`` the addresses the host resolves
to, so that a feed cannot send the crawler into a private network).

A Fetcher may be shared by threads: each thread gets its own requests.Session (a Session is
not documented as thread-safe), the robots cache and the host limits are shared. robots.txt
and the time of the last request to each host are remembered process-wide (``HOSTS``), so
that consecutive Fetchers (one per task) stay polite to a host too.
"""
from __future__ import annotations

import email.utils
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from contextlib import contextmanager
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests

from transforms.ingest.urls import address_refusal

DEFAULT_USER_AGENT = "dealwire/0.1 (+https://github.com/dealwire/dealwire)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
RETRY_STATUSES = frozenset({429, *range(500, 600)}) - {501}
CHUNK_BYTES = 64 * 1024
ROBOTS_MAX_BYTES = 512 * 1024
MAX_CRAWL_DELAY = 10.0
ROBOTS_TTL_SECONDS = 3600.0  # a host's robots.txt is read again after an hour (RFC 9309 allows a day)


class _HostMemory:
    """What every Fetcher of this process shares about hosts: parsed robots.txt (per user
    agent, for ROBOTS_TTL_SECONDS) and when each host was last asked, so that the batches of
    one run (a Fetcher each) read robots.txt once and keep the per-host delay between them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.robots: dict[tuple[str, str], tuple[float, RobotFileParser | None]] = {}
        self.robots_locks: dict[tuple[str, str], threading.Lock] = {}
        self.last_request: dict[str, float] = {}

    def robots_lock(self, key: tuple[str, str]) -> threading.Lock:
        with self.lock:
            return self.robots_locks.setdefault(key, threading.Lock())

    def clear(self) -> None:
        """Forget every host (tests that start servers on reused ports need this)."""
        with self.lock:
            self.robots.clear()
            self.robots_locks.clear()
            self.last_request.clear()

    def cached_robots(self, key: tuple[str, str]) -> tuple[bool, RobotFileParser | None]:
        expires, parser = self.robots.get(key, (0.0, None))
        return time.monotonic() < expires, parser


HOSTS = _HostMemory()


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int
    content_type: str | None
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def not_modified(self) -> bool:
        """The server said the copy we hold is current (HTTP 304); the body is empty."""
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


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
        return "body cut short (connection broken while reading it)"
    if "refused" in text:
        return "connection refused"
    if "reset" in text or "remotedisconnected" in text or "aborted" in text:
        return "connection reset"
    if "name or service not known" in text or "nameresolution" in text or "getaddrinfo" in text:
        return "host not found"
    if "read timed out" in text:
        return "read timed out"
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


class _Watchdog:
    """Cuts a response's connection after ``seconds``: a server that trickles a byte now and
    then never trips the read timeout (it applies to each read), but trips this. ``fired``
    says whether it cut, so that the body read so far is not taken for the whole."""

    def __init__(self, response: requests.Response, seconds: float):
        self.sock = getattr(getattr(response.raw, "connection", None), "sock", None)
        self.fired = False
        self.timer = threading.Timer(seconds, self._cut)
        self.timer.daemon = True

    def _cut(self) -> None:
        self.fired = True
        if self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> _Watchdog:
        self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.cancel()


class Fetcher:
    """The project's fetching rules around requests; safe to share between threads."""

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
        max_seconds: float = 120.0,
        max_redirects: int = 10,
        respect_robots: bool = True,
        host_delay: float = 1.0,
        host_concurrency: int = 2,
    ):
        self.user_agent = user_agent or DEFAULT_USER_AGENT
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self.backoff = max(0.0, float(backoff))
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.jitter = jitter
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.max_redirects = max(0, int(max_redirects))
        self.respect_robots = respect_robots
        self.host_delay = max(0.0, float(host_delay))
        self.host_concurrency = max(1, int(host_concurrency))
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._host_slots: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    # ---- lifecycle ---------------------------------------------------------
    @property
    def session(self) -> requests.Session:
        """This thread's session (created on first use)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update({
                "User-Agent": self.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            })
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- public ------------------------------------------------------------
    def fetch(self, url: str, accept: tuple[str, ...] | None = HTML_TYPES, *, etag: str | None = None,
              last_modified: str | None = None, public_only: bool = False) -> FetchResult:
        """GET the URL. ``accept``: allowed content types (None: any).

        ``etag`` / ``last_modified``: validators of the copy we hold; the request is then
        conditional, and a FetchResult with ``status == 304`` and an empty body means it is
        still current. ``public_only``: refuse the URL, and any redirect, whose host resolves
        to a loopback, private, link-local, multicast, reserved or unspecified address.

        Raises FetchError naming the URL and the reason.
        """
        self._check_target(url, url, public_only)
        conditional = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._fetch_once(url, accept, conditional, public_only)
            except FetchError as exc:
                if not exc.retryable or attempt > self.max_retries:
                    if exc.retryable and attempt > 1:
                        exc.reason = f"{exc.reason} after {attempt} attempts"
                    raise
                delay = self._delay(attempt, exc)
                if exc.retry_after is not None:
                    self._pause_host(url, delay)  # the server asked: every request to it waits
                time.sleep(delay)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets this user agent fetch it."""
        parser = self._robots_for(url)
        return parser is None or parser.can_fetch(self.user_agent, url)

    # ---- checks before a request ----------------------------------------------
    def _check_target(self, url: str, target: str, public_only: bool) -> None:
        """Refuse a target (the URL itself or a redirect hop) that is not http(s), that
        robots.txt disallows, or (``public_only``) whose host is not on the public internet."""
        parts = urlsplit(target)
        hop = "" if target == url else f"redirect to {target}: "
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(url, f"{hop}not an http(s) URL")
        if public_only and (refusal := resolved_address_refusal(parts.hostname, parts.port)):
            raise FetchError(url, f"{hop}refused: {refusal} (links found in feeds "
                                  "and sitemaps may only lead to public addresses unless private ones "
                                  "are allowed)", skipped=True)
        if self.respect_robots and not self.allowed(target):
            raise FetchError(url, f"{hop}disallowed by robots.txt", skipped=True)

    # ---- one request ---------------------------------------------------------
    def _fetch_once(self, url: str, accept, conditional: dict, public_only: bool) -> FetchResult:
        """One try: follow redirects hop by hop, checking each, and read the final answer."""
        current, visited = url, [url]
        for _ in range(self.max_redirects + 1):
            with self._host_slot(current):
                self._wait_for_host(current)
                response = self._get(url, current, conditional)
                with response:
                    if not response.is_redirect:
                        return self._read_response(url, response, accept)
                    target = urljoin(current, response.headers["Location"])
            if target in visited:
                raise FetchError(url, f"redirect loop ({' -> '.join([*visited, target])})")
            self._check_target(url, target, public_only)
            visited.append(target)
            current = target
        raise FetchError(url, f"too many redirects (more than {self.max_redirects})")

    def _get(self, url: str, target: str, conditional: dict) -> requests.Response:
        try:
            return self.session.get(target, timeout=self.timeout, stream=True, allow_redirects=False,
                                    headers=conditional)
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema) as exc:
            raise FetchError(url, f"invalid URL ({exc})") from None
        except requests.RequestException as exc:
            raise FetchError(url, _network_reason(exc), retryable=True) from None

    def _read_response(self, url: str, response: requests.Response, accept) -> FetchResult:
        status = response.status_code
        if status >= 400:
            raise FetchError(url, _status_text(status, response.reason), status=status,
                             retryable=status in RETRY_STATUSES,
                             retry_after=parse_retry_after(response.headers.get("Retry-After")))
        content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower() or None
        if status != 304 and accept is not None and content_type is not None and content_type not in accept:
            kind = "not HTML" if accept == HTML_TYPES else "unexpected content type"
            raise FetchError(url, f"{kind} (content-type {content_type})", status=status, skipped=True)
        body = b"" if status == 304 else self._read_body(url, response)
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
        """The body, decoded (gzip, deflate…), refused past ``max_bytes`` decoded bytes or
        ``max_seconds``. urllib3 (>= 2.6) decompresses no more than each chunk asks for, so
        a compression bomb is stopped at the cap without inflating it."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        too_large = FetchError(url, f"response larger than {limit} bytes", status=response.status_code)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks, size = [], 0
        too_slow = FetchError(url, f"body not received within {self.max_seconds:g} s",
                              status=response.status_code, retryable=True)
        with _Watchdog(response, self.max_seconds) as watchdog:
            try:
                for chunk in response.iter_content(CHUNK_BYTES):
                    size += len(chunk)
                    if size > limit:
                        raise too_large
                    chunks.append(chunk)
            except requests.exceptions.ContentDecodingError:
                if watchdog.fired:
                    raise too_slow from None
                encoding = response.headers.get("Content-Encoding", "?")
                raise FetchError(url, f"body not decodable as its Content-Encoding {encoding!r}",
                                 status=response.status_code) from None
            except requests.RequestException as exc:
                if watchdog.fired:
                    raise too_slow from None
                raise FetchError(url, _network_reason(exc), status=response.status_code, retryable=True) from None
            if watchdog.fired:  # the connection was cut: what came is not the whole body
                raise too_slow
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

    @contextmanager
    def _host_slot(self, url: str):
        """At most ``host_concurrency`` requests to one host at a time."""
        host = self._host(url)
        with self._lock:
            slot = self._host_slots.setdefault(host, threading.BoundedSemaphore(self.host_concurrency))
        with slot:
            yield

    def _wait_for_host(self, url: str) -> None:
        """Space requests to one host by host_delay (or its Crawl-delay, capped)."""
        host = self._host(url)
        _, parser = HOSTS.cached_robots((self.user_agent, host))
        crawl_delay = parser.crawl_delay(self.user_agent) if parser is not None else None
        gap = max(self.host_delay, min(float(crawl_delay or 0), MAX_CRAWL_DELAY))
        with HOSTS.lock:
            now = time.monotonic()
            start = max(now, HOSTS.last_request.get(host, -1e9) + gap)
            HOSTS.last_request[host] = start  # reserve the slot, then sleep outside the lock
        if start > now:
            time.sleep(start - now)

    def _pause_host(self, url: str, seconds: float) -> None:
        """No request to the URL's host before ``seconds`` from now (a Retry-After)."""
        host = self._host(url)
        with HOSTS.lock:
            HOSTS.last_request[host] = max(HOSTS.last_request.get(host, -1e9), time.monotonic() + seconds)

    def _robots_for(self, url: str) -> RobotFileParser | None:
        """The host's parsed robots.txt, or None (allow everything) when there is none.
        Read once per host and hour in this process, even when several threads ask at once."""
        key = (self.user_agent, self._host(url))
        with HOSTS.robots_lock(key):
            fresh, parser = HOSTS.cached_robots(key)
            if not fresh:
                parser = self._read_robots(key[1])
                HOSTS.robots[key] = (time.monotonic() + ROBOTS_TTL_SECONDS, parser)
        return parser

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


def resolved_address_refusal(host: str, port: int | None = None) -> str | None:
    """Why a host must not be visited: the first of its addresses that is not public (an
    IP literal is checked as it is; a name is resolved and every address checked). None
    when every address is public, or when the name does not resolve (the request then
    fails on its own with 'host not found')."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port or 80, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        return None
    for info in infos:
        address = info[4][0]
        if refusal := address_refusal(address):
            literal = address == host.strip("[]")
            return f"{address} is a {refusal}" if literal else f"{host} resolves to {address}, a {refusal}"
    return None

"""Shared fixtures: one Prefect test harness per session, a local HTTP server, the sample corpus."""
from __future__ import annotations

import functools
import http.server
import os
import tempfile
import threading
from pathlib import Path

import pytest

# Prefect reads its settings at import: give the tests their own home and a patient server start.
_PREFECT_HOME = tempfile.mkdtemp(prefix="dealwire-prefect-")
os.environ.setdefault("PREFECT_HOME", _PREFECT_HOME)
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "articles"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def prefect_harness():
    """The one Prefect test harness of the session; flow tests ask for it."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.server import stop_orphaned_servers

    stop_orphaned_servers()  # a killed test session's server, if any

    with prefect_test_harness(server_startup_timeout=120):
        yield


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


class LocalServer:
    """A real http.server on 127.0.0.1 serving a folder; `url(path)` gives its address."""

    def __init__(self, directory: Path, handler=_QuietHandler):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "") -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve_dir():
    """serve_dir(path) -> LocalServer; every server is shut down after the test."""
    servers = []

    def start(directory: Path, handler=_QuietHandler) -> LocalServer:
        server = LocalServer(directory, handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def nlp():
    """The default English model, loaded once for the unit tests."""
    from transforms.language.nlp import load_model

    return load_model()


@pytest.fixture(scope="session")
def small_releases(tmp_path_factory):
    """Two releases of the hand-written tables in tests/small_release.py, published into a local
    folder without Prefect: 2026.03.04 (first) and 2026.03.13 (one article more, a deal changed)."""
    from flows.publish import publish_tables
    from small_release import rows_v1, rows_v2, tables

    root = tmp_path_factory.mktemp("small") / "releases"
    first = publish_tables(tables(rows_v1()), str(root), "2026.03.04")
    second = publish_tables(tables(rows_v2()), str(root), "2026.03.13")
    return {"root": root, "v1": Path(first["path"]), "v2": Path(second["path"]), "results": [first, second]}


@pytest.fixture(scope="session")
def sample_tables(tmp_path_factory):
    """Every table of the sample corpus, extracted once for the session without Prefect or a store
    (flows.oneoff.extract_paths): table name -> rows."""
    import json

    from flows.config import DEFAULT_BATCH_SIZE, DEFAULT_MODEL
    from flows.oneoff import extract_paths

    out = tmp_path_factory.mktemp("sample_tables")
    samples = Path(__file__).resolve().parent.parent / "samples" / "articles"
    done = extract_paths([str(samples)], str(out), None, DEFAULT_MODEL, DEFAULT_BATCH_SIZE)
    assert done["articles"] == done["counts"]["articles"] > 0  # every sample article extracted
    return {p.stem: [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
            for p in out.glob("*.jsonl")}

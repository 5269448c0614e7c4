"""The options of a run, in one place: what each option is, its default and its checks.

``RunConfig`` is what ``dealwire run``, the flows (``pipeline``, ``follow_sources``, ``release``) and
the Prefect deployments of prefect.yaml take (a deployment gives it as its ``config`` parameter, and
Prefect checks it against this model before the run starts). ``FetchOptions`` is its part about
HTTP. ``batches()`` cuts work into the batches that one task run takes.
"""
from __future__ import annotations

import importlib.util

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from transforms.language.nlp import DEFAULT_MODEL, MAX_ARTICLE_CHARS, ModelNotInstalled, check_model
from transforms.release.versions import check_version

DEFAULT_STORE = "output/store"
DEFAULT_RELEASES = "output/releases"
DEFAULT_SOURCES_FILE = "sources.yaml"
# Articles per task run: a Prefect task run costs ~30 ms, so a task takes a batch, never one article.
DEFAULT_BATCH_SIZE = 64
# Runs in which an article whose extraction raised is tried again before it is left with its reason.
EXTRACTION_ATTEMPTS = 3


class FetchOptions(BaseModel):
    """How URLs, feeds and sitemaps are fetched (flows/fetch.py) and what their articles may be."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_agent: str | None = Field(None, description="User-Agent of HTTP requests (default: dealwire/<version> "
                                                      "with a project URL)")
    max_retries: int = Field(3, ge=0, description="retries per URL on connection errors, 429 and 5xx")
    backoff: float = Field(1.0, ge=0, description="seconds before the first retry, doubled at each")
    host_delay: float = Field(1.0, ge=0, description="minimum seconds between requests to one host")
    max_bytes: int = Field(10_000_000, ge=1, description="largest body read from one URL")
    timeout: tuple[float, float] = Field((10.0, 30.0), description="(connect, read) timeout in seconds")
    max_seconds: float = Field(120.0, gt=0, description="longest time spent on one URL, retries included")
    fetch_workers: int = Field(4, ge=1, description="URLs fetched at once")
    host_concurrency: int = Field(2, ge=1, description="URLs of one host fetched at once")
    retry_runs: int = Field(5, ge=1, description="runs in which a feed's failed URL is tried before it is "
                                                  "given up")
    redistributable: bool = Field(False, description="articles of URLs and feeds may be republished "
                                                      "(folders say it in their source.json)")
    allow_private: bool = Field(False, description="follow feed and sitemap links to loopback, private and "
                                                    "link-local addresses")

    def fetcher_options(self) -> dict:
        """The keyword arguments of flows.fetch.Fetcher."""
        return {"user_agent": self.user_agent, "max_retries": self.max_retries, "backoff": self.backoff,
                "max_bytes": self.max_bytes, "host_delay": self.host_delay,
                "host_concurrency": self.host_concurrency, "timeout": tuple(self.timeout),
                "max_seconds": self.max_seconds}


class RunConfig(BaseModel):
    """Where a run reads and writes, how it extracts and what it publishes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    store: str = Field(DEFAULT_STORE, description="where raw snapshots, articles and extractions are kept "
                                                  "(a folder or an fsspec URL)")
    releases: str = Field(DEFAULT_RELEASES, description="the releases folder, or an fsspec URL such as "
                                                        "s3://bucket/prefix")
    model: str = Field(DEFAULT_MODEL, description="installed spaCy model package")
    batch_size: int = Field(DEFAULT_BATCH_SIZE, description="articles per task run")
    workers: int = Field(1, description="extract in this many local processes")
    dask_address: str | None = Field(None, description="extract on the Dask cluster at this address")
    dask_workers: int = Field(0, description="extract on a local Dask cluster of this many processes")
    max_article_chars: int = Field(MAX_ARTICLE_CHARS, description="longer texts are stored but not extracted "
                                                                  "(extraction_status skipped_too_long)")
    extraction_attempts: int = Field(EXTRACTION_ATTEMPTS, description="runs in which an article whose "
                                                                      "extraction failed is tried again")
    version: str | None = Field(None, description="release version YYYY.MM.DD[.N] (default: today's next free one)")
    publish: bool = Field(True, description="publish a release after extracting")
    fetch: FetchOptions = Field(default_factory=FetchOptions)

    @field_validator("store", "releases", mode="before")
    @classmethod
    def _path_text(cls, value):
        return str(value) if hasattr(value, "__fspath__") else value

    @field_validator("version")
    @classmethod
    def _version(cls, value: str | None) -> str | None:
        return None if value is None else check_version(value)

    @model_validator(mode="after")
    def _extraction(self) -> RunConfig:
        if self.batch_size < 1:
            raise ValueError("batch_size (--batch-size) must be at least 1")
        if self.workers < 1:
            raise ValueError("workers (--workers) must be at least 1")
        if self.max_article_chars < 1:
            raise ValueError("max_article_chars (--max-article-chars) must be at least 1")
        if self.extraction_attempts < 1:
            raise ValueError("extraction_attempts must be at least 1")
        if self.dask_workers < 0:
            raise ValueError("dask_workers (--dask-workers) must not be negative")
        if sum([self.workers > 1, bool(self.dask_address), self.dask_workers > 0]) > 1:
            raise ValueError("give one of workers (--workers N), dask_address (--dask-address) "
                             "or dask_workers (--dask-workers)")
        return self

    def check_installed(self) -> None:
        """Refuse, before any work, what this machine cannot run: a model that is not installed,
        Dask without prefect-dask. ValueError saying what to install."""
        try:
            check_model(self.model)
        except ModelNotInstalled as exc:
            raise ValueError(str(exc)) from None
        if (self.dask_address or self.dask_workers) and importlib.util.find_spec("prefect_dask") is None:
            raise ValueError("dask_address (--dask-address) and dask_workers (--dask-workers) need "
                             "prefect-dask: pip install prefect-dask")

    def extraction_slots(self) -> int:
        """How many batches run at once."""
        if self.dask_workers:
            return self.dask_workers
        return self.workers if not self.dask_address else 1


def problems(exc: ValidationError) -> list[str]:
    """The messages of a ValidationError of these models, one line each, naming the option."""
    lines = []
    for error in exc.errors():
        cause = (error.get("ctx") or {}).get("error")
        where = ".".join(str(part) for part in error.get("loc", ()))
        lines.append(str(cause) if cause is not None else f"{where}: {error['msg']}")
    return lines


def batches(items: list, size: int) -> list[list]:
    """``items`` in consecutive batches of at most ``size`` (at least one each)."""
    size = max(1, int(size))
    return [items[i:i + size] for i in range(0, len(items), size)]

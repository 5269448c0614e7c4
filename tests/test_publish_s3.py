"""Publishing to S3 (``s3://bucket/prefix``) against moto's server mode, started by the test on
127.0.0.1 with dummy credentials: never a real cloud. Then the download client reads the release
back over plain HTTP from the same server."""
from __future__ import annotations

import hashlib
import io
import json
import logging

import pyarrow.parquet as pq
import pytest

from flows.download import download
from flows.publish import PublishError, publish_tables
from small_release import rows_v1, rows_v2, tables
from transforms.release.validation import ValidationFailed

BUCKET = "dealwire-test"


@pytest.fixture(scope="module")
def s3():
    """A moto S3 server on 127.0.0.1 and an s3fs filesystem pointed at it (dummy credentials)."""
    s3fs = pytest.importorskip("s3fs")
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    with pytest.MonkeyPatch.context() as env:
        for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                            "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                            "AWS_ENDPOINT_URL": endpoint}.items():
            env.setenv(name, value)
        env.delenv("AWS_PROFILE", raising=False)
        s3fs.S3FileSystem.clear_instance_cache()
        fs = s3fs.S3FileSystem()
        fs.mkdir(BUCKET)
        try:
            yield {"fs": fs, "endpoint": endpoint}
        finally:
            s3fs.S3FileSystem.clear_instance_cache()
            server.stop()


def _names(fs, prefix: str) -> list[str]:
    fs.invalidate_cache()
    return sorted(p.rsplit("/", 1)[-1] for p in fs.ls(prefix))


def test_publish_to_s3_then_download_over_http(s3, tmp_path):
    fs, url = s3["fs"], f"s3://{BUCKET}/dealwire/releases"
    first = publish_tables(tables(rows_v1()), url, "2026.03.04")
    second = publish_tables(tables(rows_v2()), url, "2026.03.13")
    assert first["path"] == f"{url}/2026.03.04" and second["previous_version"] == "2026.03.04"
    prefix = f"{BUCKET}/dealwire/releases"
    assert _names(fs, prefix) == ["2026.03.04", "2026.03.13", "index.json"]  # no .tmp- left, index last
    index = json.loads(fs.cat(f"{prefix}/index.json"))
    assert index["latest"] == "2026.03.13" and [r["version"] for r in index["releases"]] == ["2026.03.04", "2026.03.13"]
    release = f"{prefix}/2026.03.13"
    for line in fs.cat(f"{release}/SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(fs.cat(f"{release}/{name}")).hexdigest() == digest, name
    articles = pq.read_table(io.BytesIO(fs.cat(f"{release}/data/articles.parquet"))).to_pandas()
    assert articles.set_index("article_id").loc["art0000000000b", "text"] == ""
    assert json.loads(fs.cat(f"{release}/changes.json"))["totals"] == {"added": 3, "removed": 1, "changed": 1}

    # the same objects over plain HTTP (path-style URLs), made world-readable as a public bucket serves them
    for key in fs.find(prefix):
        fs.chmod(key, acl="public-read")
    got = download(f"{s3['endpoint']}/{prefix}", tables=["deals"], dest=tmp_path / "d")
    assert got["version"] == "2026.03.13" and got["files"][0]["outcome"] == "verified"


def test_a_failing_release_on_s3_keeps_its_report_and_nothing_else(s3):
    fs, url = s3["fs"], f"s3://{BUCKET}/failing/releases"
    publish_tables(tables(rows_v1()), url, "2026.03.04")
    prefix = f"{BUCKET}/failing/releases"
    index_before = fs.cat(f"{prefix}/index.json")
    rows = rows_v2()
    rows["deal_events"][0]["end"] += 2  # the evidence no longer matches the text
    with pytest.raises(ValidationFailed) as failed:
        publish_tables(tables(rows), url, "2026.03.13")
    assert failed.value.report.startswith(f"{url}/failed/2026.03.13-")
    assert _names(fs, prefix) == ["2026.03.04", "failed", "index.json"]
    assert fs.cat(f"{prefix}/index.json") == index_before
    (kept,) = _names(fs, f"{prefix}/failed")
    assert json.loads(fs.cat(f"{prefix}/failed/{kept}/validation.json"))["failures"] >= 1
    assert fs.exists(f"{prefix}/failed/{kept}/validation/summary.json")


def test_a_missing_bucket_publishes_nothing(s3):
    with pytest.raises(PublishError, match="bucket 'no-such-bucket' does not exist"):
        publish_tables(tables(rows_v1()), "s3://no-such-bucket/releases", "2026.03.04")
    s3["fs"].invalidate_cache()
    assert not s3["fs"].exists("no-such-bucket")

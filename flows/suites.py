"""The Great Expectations suites on disk: expectations/<table>.json, written or checked from the schema.

    write_suites()   rewrite every suite from transforms/schema.py; the paths written
    stale_suites()   the tables whose suite file differs from the schema (or is missing)
"""
from __future__ import annotations

import json
from pathlib import Path

from flows.validate import EXPECTATIONS_DIR
from transforms.release.expectations import suite_for
from transforms.schema import TABLES


def suite_text(table: str) -> str:
    return json.dumps(suite_for(table), indent=2, ensure_ascii=False) + "\n"


def write_suites(expectations_dir: Path = EXPECTATIONS_DIR) -> list[Path]:
    written = []
    for name in TABLES:
        path = expectations_dir / f"{name}.json"
        path.write_text(suite_text(name), encoding="utf-8")
        written.append(path)
    return written


def stale_suites(expectations_dir: Path = EXPECTATIONS_DIR) -> list[str]:
    stale = []
    for name in TABLES:
        path = expectations_dir / f"{name}.json"
        if not path.exists() or path.read_text(encoding="utf-8") != suite_text(name):
            stale.append(name)
    return stale
